"""Certificates in the Art. 15 export: every certificate issued to the person (as
issued, with its verification code and state) and its audit history."""

from __future__ import annotations

from sqlalchemy import String, cast, select

from academy.extensions import db
from academy.privacy.collect import audit_history
from academy.privacy.registry import Record, register_personal_data
from reports.certificates.models import Certificate

KINDS = {"course": "Kurs", "programme": "Förderprogramm", "external": "extern"}


def _competences(items: list[dict[str, object]] | None) -> str | None:
    names = [
        f"{c.get('code', '')} {c.get('name_de', '')} (Stufe {c.get('level', '–')})".strip()
        for c in items or []
    ]
    return ", ".join(names) or None


def certificates(employee_id: int | None, user_id: int | None) -> list[Record]:
    if employee_id is None:
        return []
    rows = db.session.scalars(
        select(Certificate)
        .where(Certificate.employee_id == employee_id)
        .order_by(Certificate.issued_at, Certificate.id)
    ).all()
    return [
        {
            "Nr.": c.id,
            "Nummer": c.serial,
            "Art": KINDS.get(c.kind, c.kind),
            "Titel": c.title,
            "Name auf der Bescheinigung": c.recipient_name,
            "Unterrichtseinheiten": c.ue,
            "Beginn": c.started_on,
            "Abschluss": c.completed_on,
            "Kompetenzen": _competences(c.competences),
            "Ausgestellt von": c.issuer_name,
            "Ausgestellt am": c.issued_at,
            "Gültig bis": c.valid_until,
            "Widerrufen am": c.revoked_at,
            "Widerrufsgrund": c.revoked_reason,
            "Prüfcode": c.code,
            "Ersetzt Nr.": c.replaces_id,
        }
        for c in rows
    ]


def certificate_history(employee_id: int | None, user_id: int | None) -> list[Record]:
    if employee_id is None:
        return []
    ids = select(cast(Certificate.id, String)).where(Certificate.employee_id == employee_id)
    return audit_history("certificate", ids)


def register_sections() -> None:
    register_personal_data(
        "bescheinigungen",
        "Bescheinigungen und Zertifikate",
        certificates,
        tables=("certificates",),
        order=700,
    )
    register_personal_data(
        "bescheinigungen_verlauf",
        "Verlauf Ihrer Bescheinigungen",
        certificate_history,
        tables=("certificates", "audit_log"),
        order=710,
    )
