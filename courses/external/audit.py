"""Sentences of the external training requests in the audit log, and the requests'
names (title and person) for them — one statement for a page of entries."""

from __future__ import annotations

from sqlalchemy import literal, select

from academy.audit.sentences import (
    Resolved,
    int_ids,
    register_audit_object,
    register_audit_sentences,
)
from academy.extensions import db
from academy.i18n import N_
from academy.org.models import Employee
from courses.external.models import ExternalRequest

SENTENCES = {
    "external.submitted": N_(
        "%(actor)s requested the external training “%(title)s” (%(provider)s)."
    ),
    "external.supported": N_(
        "%(actor)s supported the request of %(person)s for the external training “%(title)s”."
    ),
    "external.first_approved": N_(
        "%(actor)s approved the external training “%(title)s” of %(person)s as the first "
        "of two people of HR development."
    ),
    "external.approved": N_("%(actor)s approved the external training “%(title)s” of %(person)s."),
    "external.declined": N_(
        "%(actor)s declined the request of %(person)s for the external training “%(title)s”."
    ),
    "external.withdrawn": N_(
        "%(actor)s withdrew the request for the external training “%(title)s”."
    ),
    "external.file_added": N_(
        "%(actor)s added the file “%(file)s” to the request of %(person)s for “%(title)s”."
    ),
    "external.file_removed": N_(
        "%(actor)s removed the file “%(file)s” from the request of %(person)s for “%(title)s”."
    ),
}


def requests(ids: list[str]) -> Resolved:
    person = Employee.first_name + literal(" ") + Employee.last_name
    rows = db.session.execute(
        select(ExternalRequest.id, ExternalRequest.title, ExternalRequest.provider, person)
        .join(Employee, Employee.id == ExternalRequest.employee_id)
        .where(ExternalRequest.id.in_(int_ids(ids)))
    )
    return {
        str(rid): {"name": f"{name}: {title}", "title": title, "provider": provider, "person": name}
        for rid, title, provider, name in rows
    }


def register() -> None:
    register_audit_sentences(SENTENCES)
    register_audit_object("external_request", requests, detail_keys=["external_request_id"])
