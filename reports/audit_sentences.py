"""Sentences of the reports package's audit actions and the names of certificates
(registered in ``reports.init_app``)."""

from __future__ import annotations

from sqlalchemy import select

from academy.audit.sentences import (
    Resolved,
    int_ids,
    named_rows,
    register_audit_object,
    register_audit_sentences,
)
from academy.extensions import db
from academy.i18n import N_
from reports.certificates.models import Certificate

SENTENCES = {
    "report.exported": N_("%(actor)s exported the report “%(key)s” as %(format)s."),
    "certificate.issued": N_("%(actor)s issued the certificate “%(title)s” to %(recipient)s."),
    "certificate.reissued": N_("%(actor)s reissued the certificate “%(title)s” of %(recipient)s."),
    "certificate.revoked": N_("%(actor)s revoked the certificate “%(title)s” of %(recipient)s."),
    "certificate.expiry_reminded": N_(
        "%(recipient)s was reminded that the certificate “%(title)s” expires."
    ),
}


def certificates(ids: list[str]) -> Resolved:
    rows = db.session.execute(
        select(
            Certificate.id,
            Certificate.code.label("name"),
            Certificate.title.label("title"),
            Certificate.recipient_name.label("recipient"),
        ).where(Certificate.id.in_(int_ids(ids)))
    )
    return named_rows(rows)


def register() -> None:
    register_audit_sentences(SENTENCES)
    register_audit_object("certificate", certificates, detail_keys=["certificate_id"])
