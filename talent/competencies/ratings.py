"""Ratings: a self-assessment, a head's rating and an external certificate recorded by
HR, and a person's rating history. Nothing is overwritten: every rating is a new dated
``Rating`` row. Services flush only; the view commits. Permissions are asked of the
policy (``talent.competencies.policy``); every rating is written to the audit log (without the
comment, which is personal text and stays on the rating).

Levels: an external certificate names a level of the competence's framework
(``level_min`` … ``level_max``). A self-assessment or a head's rating may also say 0
("not yet"): the schema allows it for ratings, and it is an honest answer.

The role profile services of the contract (``set_target``, ``copy_profile``) live in
``talent.competencies.role_profiles`` and are re-exported here.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from academy.accounts.models import User
from academy.audit.log import record
from academy.auth.policy import can
from academy.clock import to_berlin
from academy.errors import Conflict, PermissionDenied, ValidationFailed
from academy.extensions import db
from academy.frameworks.models import Competence
from academy.i18n import N_
from academy.org.models import Employee
from talent.competencies.level_checks import (
    check_active_framework,
    check_level,
    clean_text,
    require,
)
from talent.competencies.models import Rating, RatingSource
from talent.competencies.role_profiles import (
    MAX_NOTE,
    CopyResult,
    TargetChange,
    copy_profile,
    current_targets,
    profile_history,
    set_target,
)

__all__ = [
    "MAX_COMMENT",
    "MAX_NOTE",
    "MAX_TITLE",
    "CopyResult",
    "TargetChange",
    "copy_profile",
    "current_targets",
    "profile_history",
    "rate_member",
    "rating_history",
    "record_external",
    "self_assess",
    "set_target",
]

MAX_COMMENT = 2000
#: ``Rating.evidence_title`` is a String(300).
MAX_TITLE = 300


# ---------------------------------------------------------------------------
# Ratings
# ---------------------------------------------------------------------------


def _add_rating(
    actor: User,
    employee: Employee,
    competence: Competence,
    level: int,
    source: RatingSource,
    now: datetime,
    **fields: object,
) -> Rating:
    rating = Rating(
        employee_id=employee.id,
        competence_id=competence.id,
        level=level,
        source=source.value,
        rated_at=now,
        rated_by_id=actor.id,
        **fields,
    )
    db.session.add(rating)
    db.session.flush()
    # The comment is personal data: it stays on the rating, not in the audit log.
    details: dict[str, object] = {
        "rating_id": rating.id,
        "competence_id": competence.id,
        "competence": competence.code,
        "source": source.value,
    }
    if isinstance(fields.get("valid_until"), date):
        details["valid_until"] = fields["valid_until"].isoformat()  # type: ignore[union-attr]
    record(
        actor,
        f"rating.{source.value}",
        "employee",
        employee.id,
        to_state=str(level),
        details=details,
        now=now,
    )
    db.session.flush()
    return rating


def _check_employee_active(employee: Employee) -> None:
    if not employee.active:
        raise Conflict(
            N_("%(name)s has left; no new ratings can be recorded."),
            field="employee",
            name=employee.full_name,
        )


def self_assess(
    actor: User, competence: Competence, level: int, now: datetime, comment: str | None = None
) -> Rating:
    """The actor assesses their own level (0 = not yet). A new dated row every time."""
    employee = actor.employee
    if employee is None or not can(actor, "competencies.own", employee):
        raise PermissionDenied(N_("Only employees can assess their own competences."))
    level = check_level(competence, level, allow_zero=True)
    check_active_framework(competence)
    comment = clean_text(comment, "comment", MAX_COMMENT, required=False)
    return _add_rating(actor, employee, competence, level, RatingSource.SELF, now, comment=comment)


def rate_member(
    actor: User,
    employee: Employee,
    competence: Competence,
    level: int,
    comment: str | None,
    now: datetime,
) -> Rating:
    """A head rates a member of their subtree (or HR rates anyone); never oneself. The
    comment is required (the person sees why). A new dated row, never an overwrite."""
    if actor.employee_id is not None and actor.employee_id == employee.id:
        raise PermissionDenied(
            N_("You cannot rate yourself; please use the self-assessment."), field="employee"
        )
    require(
        actor,
        "member.rate",
        employee,
        N_("Only the person's department head or HR development can rate them."),
    )
    _check_employee_active(employee)
    level = check_level(competence, level, allow_zero=True)
    check_active_framework(competence)
    comment = clean_text(
        comment,
        "comment",
        MAX_COMMENT,
        required=True,
        message=N_("Please explain the rating in a comment."),
    )
    return _add_rating(actor, employee, competence, level, RatingSource.HEAD, now, comment=comment)


def record_external(
    actor: User,
    employee: Employee,
    competence: Competence,
    level: int,
    title: str | None,
    valid_until: date | None,
    now: datetime,
) -> Rating:
    """HR records an external certificate: what (title), which level, valid until when
    (optional; not in the past, in Berlin time)."""
    require(
        actor,
        "evidence.record",
        employee,
        N_("Only HR development can record external certificates."),
    )
    _check_employee_active(employee)
    level = check_level(competence, level)
    check_active_framework(competence)
    title = clean_text(
        title,
        "title",
        MAX_TITLE,
        required=True,
        message=N_("Please enter the title of the certificate."),
    )
    today = to_berlin(now).date()
    if valid_until is not None and valid_until < today:
        raise ValidationFailed(
            N_("The validity date lies in the past; such a certificate no longer counts."),
            field="valid_until",
        )
    return _add_rating(
        actor,
        employee,
        competence,
        level,
        RatingSource.EXTERNAL,
        now,
        evidence_title=title,
        valid_until=valid_until,
    )


def rating_history(employee: Employee, competence: Competence | None = None) -> list[Rating]:
    """All ratings of the person (of one competence), newest first, with competence,
    framework and rater loaded (one query)."""
    query = (
        select(Rating)
        .options(
            joinedload(Rating.competence).joinedload(Competence.framework),
            joinedload(Rating.rated_by),
        )
        .where(Rating.employee_id == employee.id)
        .order_by(Rating.rated_at.desc(), Rating.id.desc())
    )
    if competence is not None:
        query = query.where(Rating.competence_id == competence.id)
    return list(db.session.scalars(query))
