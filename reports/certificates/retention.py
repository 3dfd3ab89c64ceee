"""Retention rule of the certificates (``academy.retention``).

A certificate is an immutable snapshot that its holder shows to third parties, so it keeps
the printed name after the personnel record was anonymised — until its own period
(``RETENTION_CERTIFICATE_DAYS`` after leaving). Then the name is replaced by
``ANONYMISED_NAME`` and the Open Badges recipient hash by one that matches no address;
serial, code, title, dates and status stay, so verification still confirms that the
certificate is genuine and says that the name was removed after the retention period.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_

from academy.retention.rules import Cutoff, register_retention_rule, table_rule
from reports.certificates.models import Certificate

ANONYMISED_NAME = "anonymisiert"
#: An Open Badges identity no e-mail address hashes to.
ANONYMISED_HASH = "sha256$" + "0" * 64


def name_removed(cert: Certificate) -> bool:
    """Whether the certificate's name was removed after the retention period."""
    return cert.recipient_name == ANONYMISED_NAME


def _certificates(cutoff: Cutoff) -> ColumnElement[bool]:
    return and_(
        Certificate.employee_id.in_(cutoff.leavers()),
        Certificate.recipient_name != ANONYMISED_NAME,
    )


def register_retention_rules() -> None:
    register_retention_rule(
        table_rule(
            "certificates",
            "certificates",
            "Name auf der Bescheinigung entfernt; Nummer, Titel, Daten und Prüfung bleiben",
            Certificate,
            _certificates,
            {"recipient_name": ANONYMISED_NAME, "recipient_hash": ANONYMISED_HASH},
        )
    )
