"""Read-side queries of the certificate pages: the reader's own certificates, the list
they may see besides (all for HR with a search, their subtree's for a head), a
certificate's replacement history, the competences to choose from, and the certificates
of a session (for the ZIP)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import gettext
from sqlalchemy import Select, func, or_, select

from academy.accounts.models import User
from academy.auth.policy import can
from academy.auth.scope import scope_of
from academy.extensions import db
from academy.frameworks.models import Competence
from academy.org.models import Employee
from courses.enrolment.models import Enrolment
from reports.certificates.models import Certificate


def own_certificates(user: User) -> list[Certificate] | None:
    """The reader's own certificates, newest first (None without an employee record)."""
    if user.employee_id is None:
        return None
    return list(
        db.session.scalars(
            select(Certificate)
            .where(Certificate.employee_id == user.employee_id)
            .order_by(Certificate.issued_at.desc())
        )
    )


@dataclass(frozen=True)
class OthersList:
    """Certificates of other people the reader may see: ``scope`` is "all" (HR, with the
    search ``q``), "team" (a head's subtree, without their own) or "none"."""

    scope: str
    statement: Select[Any] | None


def others_list(user: User, q: str) -> OthersList:
    if can(user, "certificates.manage"):
        query = select(Certificate)
        if q:
            like = f"%{q.lower()}%"
            query = query.where(
                or_(
                    func.lower(Certificate.recipient_name).like(like),
                    func.lower(Certificate.title).like(like),
                    func.lower(Certificate.serial).like(like),
                )
            )
        return OthersList("all", _newest_first(query))
    if can(user, "certificates.team"):
        query = (
            select(Certificate)
            .join(Employee, Employee.id == Certificate.employee_id)
            .where(scope_of(user).where(Employee.department_id))
        )
        if user.employee_id is not None:
            query = query.where(Certificate.employee_id != user.employee_id)
        return OthersList("team", _newest_first(query))
    return OthersList("none", None)


def _newest_first(query: Select[Any]) -> Select[Any]:
    return query.order_by(Certificate.issued_at.desc(), Certificate.id.desc())


@dataclass(frozen=True)
class History:
    """What a certificate replaces and what replaced it."""

    replaces: Certificate | None
    replaced_by: list[Certificate]


def certificate_history(cert: Certificate) -> History:
    replaces = db.session.get(Certificate, cert.replaces_id) if cert.replaces_id else None
    replaced_by = list(
        db.session.scalars(
            select(Certificate)
            .where(Certificate.replaces_id == cert.id)
            .order_by(Certificate.issued_at, Certificate.id)
        )
    )
    return History(replaces, replaced_by)


def competence_choices() -> tuple[list[tuple[str, str]], dict[int, Competence]]:
    """The competences an external certificate may name: choices and by id."""
    rows = list(db.session.scalars(select(Competence).order_by(Competence.code, Competence.id)))
    choices = [("", gettext("– none –"))] + [(str(c.id), f"{c.code} {c.name_en}") for c in rows]
    return choices, {c.id: c for c in rows}


def employee_by_personnel_no(personnel_no: str) -> Employee | None:
    return db.session.scalar(select(Employee).where(Employee.personnel_no == personnel_no.strip()))


def session_certificates(session_id: int) -> Select[Any]:
    """``id, serial, recipient_name, last_name`` of the session's certificates that are
    not revoked, by serial."""
    return (
        select(Certificate.id, Certificate.serial, Certificate.recipient_name, Employee.last_name)
        .join(Enrolment, Enrolment.id == Certificate.enrolment_id)
        .outerjoin(Employee, Employee.id == Certificate.employee_id)
        .where(Enrolment.session_id == session_id, Certificate.revoked_at.is_(None))
        .order_by(Certificate.serial)
    )


def certificate_count(session_id: int) -> int:
    """How many (not revoked) certificates the session's enrolments earned."""
    sub = session_certificates(session_id).subquery()
    return int(db.session.scalar(select(func.count()).select_from(sub)) or 0)
