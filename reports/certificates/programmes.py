"""Programme certificates (Zertifikat): issued when a cohort member graduates, as the same
kind of immutable snapshot as a course certificate, with serial and code from
``reports.certificates.certificates``. One per member: issuing again returns the existing one.

Connected in ``reports/__init__.py``::

    programme_graduated.connect(on_programme_graduated)
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from academy.accounts.models import User
from academy.clock import to_berlin
from academy.errors import Conflict
from academy.extensions import db
from academy.i18n import N_
from courses.catalogue.models import Course
from reports.certificates.certificates import _audit, _insert, issuer_name
from reports.certificates.models import Certificate
from talent.programmes.cohort_models import CohortMember
from talent.programmes.models import MemberState, Programme, ProgrammeCourse

#: The description on the certificate is the start of the programme's description.
DESCRIPTION_MAX = 400


def _for_member(member_id: int) -> Certificate | None:
    return db.session.scalar(select(Certificate).where(Certificate.cohort_member_id == member_id))


def _short(text: str | None) -> str | None:
    text = " ".join((text or "").split())
    if not text:
        return None
    if len(text) <= DESCRIPTION_MAX:
        return text
    cut = text[:DESCRIPTION_MAX].rsplit(" ", 1)[0].rstrip(" .,;:")
    return cut + " …"


def programme_ue(programme: Programme) -> int | None:
    """The UE of the programme's required courses together (None without courses)."""
    total = db.session.scalar(
        select(func.sum(Course.duration_ue))
        .join(ProgrammeCourse, ProgrammeCourse.course_id == Course.id)
        .where(ProgrammeCourse.programme_id == programme.id)
    )
    return int(total) if total else None


def programme_competences(programme: Programme) -> list[dict[str, Any]]:
    """The programme's target competences as plain data for the snapshot (the shape of
    ``reports.certificates.certificates.competences_of``)."""
    rows = sorted(programme.targets, key=lambda t: (t.competence.code, t.competence_id))
    return [
        {
            "code": t.competence.code,
            "name_de": t.competence.name_de,
            "name_en": t.competence.name_en,
            "level": t.level,
        }
        for t in rows
    ]


def issue_for_member(member: CohortMember, now: datetime, actor: User | None = None) -> Certificate:
    """The programme certificate of a graduated member; a second call returns it."""
    existing = _for_member(member.id)
    if existing is not None:
        return existing
    if member.state != MemberState.GRADUATED:
        raise Conflict(N_("Only a graduated member earns a programme certificate."))
    cohort = member.cohort
    programme = cohort.programme
    employee = member.employee
    cert = Certificate(
        kind="programme",
        employee_id=employee.id,
        cohort_member_id=member.id,
        recipient_name=employee.full_name,
        title=programme.title,
        description=_short(programme.description),
        ue=programme_ue(programme),
        started_on=cohort.starts_on,
        completed_on=member.graduated_on or to_berlin(now).date(),
        competences=programme_competences(programme),
        issuer_name=issuer_name(),
        issued_at=now,
        issued_by_id=actor.id if actor is not None else None,
        valid_until=None,
    )
    try:
        _insert(cert, now)
    except IntegrityError:
        # Another transaction issued it meanwhile: one certificate per member.
        existing = _for_member(member.id)
        if existing is None:
            raise
        return existing
    _audit(
        actor,
        "certificate.issued",
        cert,
        now,
        to_state="valid",
        details={"serial": cert.serial, "cohort_member_id": member.id, "kind": cert.kind},
    )
    return cert


def on_programme_graduated(
    member: CohortMember, now: datetime, actor: User | None = None, **_: Any
) -> None:
    """Receiver of ``talent.programmes.signals.programme_graduated``: issue at once, in the same
    transaction as the graduation."""
    issue_for_member(member, now, actor)
