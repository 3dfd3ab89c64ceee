"""Fast-track programmes (HR): the programme itself, its curriculum (required courses and
milestones, each due a number of days after the cohort start) and its target
competences; archiving, reactivating and deleting.

Plain service functions: ``actor`` and ``now`` are arguments, they flush only and write
the audit log (object type ``programme``); the view commits. Business-rule errors raise
``ValidationFailed`` / ``Conflict`` whose ``field`` names the form field the message
belongs to. Cohorts are in ``talent.cohorts``.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from academy.audit import record
from academy.errors import Conflict, ValidationFailed
from academy.extensions import db
from academy.i18n import N_
from academy.models import Competence, User
from courses.models import Course
from talent.level_checks import check_active_framework, check_level
from talent.programme_models import (
    Cohort,
    Milestone,
    MilestoneKind,
    MilestoneSignoff,
    Programme,
    ProgrammeCourse,
    ProgrammeTarget,
)

CODE_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
MAX_CODE = 32
MAX_TITLE = 200
MAX_DESCRIPTION = 5000
MAX_LENGTH_MONTHS = 60
#: The latest a curriculum item may be due: ten years after the cohort start.
MAX_OFFSET_DAYS = 3660


# ---------------------------------------------------------------------------
# Checks
# ---------------------------------------------------------------------------


def _text(value: str | None, field: str, limit: int, *, required: bool, message: str) -> str:
    text = (value or "").strip()
    if not text and required:
        raise ValidationFailed(message, field=field)
    if len(text) > limit:
        raise ValidationFailed(
            N_("The text is too long (at most %(max)s characters)."), field=field, max=limit
        )
    return text


def _optional_text(value: str | None, field: str) -> str | None:
    return _text(value, field, MAX_DESCRIPTION, required=False, message="") or None


def _length(length_months: object) -> int:
    if (
        isinstance(length_months, bool)
        or not isinstance(length_months, int)
        or not 1 <= length_months <= MAX_LENGTH_MONTHS
    ):
        raise ValidationFailed(
            N_("The length must be a whole number of months from 1 to %(max)s."),
            field="length_months",
            max=MAX_LENGTH_MONTHS,
        )
    return length_months


def check_offset(due_offset_days: object, field: str = "due_offset_days") -> int:
    """A due offset in days after the cohort start: a whole number from 0."""
    if isinstance(due_offset_days, bool) or not isinstance(due_offset_days, int):
        raise ValidationFailed(
            N_("Please enter the number of days after the cohort start."), field=field
        )
    if due_offset_days < 0:
        raise ValidationFailed(
            N_("The due date cannot lie before the cohort start (0 days or more)."), field=field
        )
    if due_offset_days > MAX_OFFSET_DAYS:
        raise ValidationFailed(
            N_("The due date may lie at most %(max)s days after the cohort start."),
            field=field,
            max=MAX_OFFSET_DAYS,
        )
    return due_offset_days


def _changes(obj: Any, values: dict[str, Any]) -> dict[str, list[Any]]:
    """Set the attributes and return ``{name: [old, new]}`` of those that changed."""
    changes: dict[str, list[Any]] = {}
    for name, value in values.items():
        old = getattr(obj, name)
        if old != value:
            changes[name] = [old, value]
            setattr(obj, name, value)
    return changes


# ---------------------------------------------------------------------------
# Programmes
# ---------------------------------------------------------------------------


def _code(code: str | None) -> str:
    code = (code or "").strip()
    if not code:
        raise ValidationFailed(N_("Please enter a code."), field="code")
    if len(code) > MAX_CODE or not CODE_PATTERN.match(code):
        raise ValidationFailed(
            N_(
                "The code may have up to 32 letters, digits, dots, hyphens and underscores "
                "and must start with a letter or digit."
            ),
            field="code",
        )
    taken = select(Programme.id).where(func.lower(Programme.code) == code.lower())
    if db.session.scalar(taken) is not None:
        raise Conflict(N_("The code %(code)s is already in use."), field="code", code=code)
    return code


def _programme_fields(title: str | None, description: str | None, length_months: object) -> dict:
    return {
        "title": _text(
            title, "title", MAX_TITLE, required=True, message=N_("Please enter a title.")
        ),
        "description": _optional_text(description, "description"),
        "length_months": _length(length_months),
    }


def create_programme(
    actor: User,
    *,
    code: str,
    title: str,
    description: str | None,
    length_months: int,
    now: datetime,
) -> Programme:
    """A new (active) programme with an empty curriculum."""
    values = {"code": _code(code), **_programme_fields(title, description, length_months)}
    programme = Programme(**values, archived=False, created_at=now, created_by_id=actor.id)
    try:
        with db.session.begin_nested():
            db.session.add(programme)
            db.session.flush()
    except IntegrityError as exc:  # the same code saved at the same moment
        raise Conflict(
            N_("The code %(code)s is already in use."), field="code", code=values["code"]
        ) from exc
    record(
        actor,
        "programme.created",
        "programme",
        programme.id,
        to_state="active",
        details=values,
        now=now,
    )
    db.session.flush()
    return programme


def update_programme(
    actor: User,
    programme: Programme,
    *,
    title: str,
    description: str | None,
    length_months: int,
    now: datetime,
) -> None:
    """Change title, description and length (the code stays)."""
    changes = _changes(programme, _programme_fields(title, description, length_months))
    if changes:
        db.session.flush()
        record(actor, "programme.updated", "programme", programme.id, details=changes, now=now)
        db.session.flush()


def archive_programme(actor: User, programme: Programme, now: datetime) -> None:
    """No new cohorts can be created; existing cohorts go on as they are."""
    if programme.archived:
        raise Conflict(N_("The programme is already archived."))
    programme.archived = True
    db.session.flush()
    record(
        actor,
        "programme.archived",
        "programme",
        programme.id,
        from_state="active",
        to_state="archived",
        now=now,
    )
    db.session.flush()


def unarchive_programme(actor: User, programme: Programme, now: datetime) -> None:
    if not programme.archived:
        raise Conflict(N_("The programme is not archived."))
    programme.archived = False
    db.session.flush()
    record(
        actor,
        "programme.unarchived",
        "programme",
        programme.id,
        from_state="archived",
        to_state="active",
        now=now,
    )
    db.session.flush()


def cohort_count(programme: Programme) -> int:
    return int(
        db.session.scalar(
            select(func.count()).select_from(Cohort).where(Cohort.programme_id == programme.id)
        )
        or 0
    )


def delete_programme(actor: User, programme: Programme, now: datetime) -> None:
    """Delete a programme that never had a cohort (with its curriculum and targets);
    a programme with cohorts is kept for their history — archive it instead."""
    if cohort_count(programme):
        raise Conflict(
            N_("The programme has cohorts, so it cannot be deleted; archive it instead.")
        )
    details = {
        "code": programme.code,
        "title": programme.title,
        "courses": [pc.course_id for pc in programme.courses],
        "milestones": [m.title for m in programme.milestones],
        "targets": [[t.competence_id, t.level] for t in programme.targets],
    }
    programme_id = programme.id
    was = "archived" if programme.archived else "active"
    db.session.delete(programme)
    db.session.flush()
    record(
        actor,
        "programme.deleted",
        "programme",
        programme_id,
        from_state=was,
        details=details,
        now=now,
    )
    db.session.flush()


# ---------------------------------------------------------------------------
# Curriculum: required courses
# ---------------------------------------------------------------------------


def add_course(
    actor: User, programme: Programme, course: Course, due_offset_days: int, now: datetime
) -> ProgrammeCourse:
    """Add a course of the catalogue to the curriculum, due ``due_offset_days`` days
    after the cohort start."""
    if course is None:
        raise ValidationFailed(N_("Please choose a course."), field="course")
    offset = check_offset(due_offset_days)
    if any(pc.course_id == course.id for pc in programme.courses):
        raise Conflict(
            N_("%(code)s is already part of the curriculum."), field="course", code=course.code
        )
    if course.archived:
        raise ValidationFailed(
            N_("The archived course %(code)s cannot be added to the curriculum."),
            field="course",
            code=course.code,
        )
    item = ProgrammeCourse(course_id=course.id, due_offset_days=offset)
    try:
        with db.session.begin_nested():
            programme.courses.append(item)
            db.session.flush()
    except IntegrityError as exc:
        raise Conflict(
            N_("%(code)s is already part of the curriculum."), field="course", code=course.code
        ) from exc
    record(
        actor,
        "programme.course_added",
        "programme",
        programme.id,
        details={"course_id": course.id, "course": course.code, "due_offset_days": offset},
        now=now,
    )
    db.session.flush()
    return item


def remove_course(actor: User, programme_course: ProgrammeCourse, now: datetime) -> None:
    programme = programme_course.programme
    details = {
        "course_id": programme_course.course_id,
        "course": programme_course.course.code,
        "due_offset_days": programme_course.due_offset_days,
    }
    programme.courses.remove(programme_course)
    db.session.flush()
    record(actor, "programme.course_removed", "programme", programme.id, details=details, now=now)
    db.session.flush()


# ---------------------------------------------------------------------------
# Curriculum: milestones
# ---------------------------------------------------------------------------


def _milestone_fields(
    programme: Programme,
    milestone: Milestone | None,
    kind: str | None,
    title: str | None,
    description: str | None,
    due_offset_days: object,
) -> dict[str, Any]:
    if kind not in {k.value for k in MilestoneKind}:
        raise ValidationFailed(N_("Please choose the kind of milestone."), field="kind")
    title = _text(title, "title", MAX_TITLE, required=True, message=N_("Please enter a title."))
    for other in programme.milestones:
        if other is not milestone and other.title.casefold() == title.casefold():
            raise Conflict(
                N_("The programme already has a milestone called %(title)s."),
                field="title",
                title=title,
            )
    return {
        "kind": str(kind),
        "title": title,
        "description": _optional_text(description, "description"),
        "due_offset_days": check_offset(due_offset_days),
    }


def add_milestone(
    actor: User,
    programme: Programme,
    *,
    kind: str,
    title: str,
    description: str | None,
    due_offset_days: int,
    now: datetime,
) -> Milestone:
    values = _milestone_fields(programme, None, kind, title, description, due_offset_days)
    milestone = Milestone(**values)
    programme.milestones.append(milestone)
    db.session.flush()
    record(
        actor,
        "programme.milestone_added",
        "programme",
        programme.id,
        details={"milestone_id": milestone.id, **values},
        now=now,
    )
    db.session.flush()
    return milestone


def update_milestone(
    actor: User,
    milestone: Milestone,
    *,
    kind: str,
    title: str,
    description: str | None,
    due_offset_days: int,
    now: datetime,
) -> None:
    programme = milestone.programme
    values = _milestone_fields(programme, milestone, kind, title, description, due_offset_days)
    changes = _changes(milestone, values)
    if changes:
        db.session.flush()
        record(
            actor,
            "programme.milestone_updated",
            "programme",
            programme.id,
            details={"milestone_id": milestone.id, **changes},
            now=now,
        )
        db.session.flush()


def milestone_signed_off(milestone: Milestone) -> bool:
    query = select(MilestoneSignoff.id).where(MilestoneSignoff.milestone_id == milestone.id)
    return db.session.scalar(query.limit(1)) is not None


def remove_milestone(actor: User, milestone: Milestone, now: datetime) -> None:
    """Refused once the milestone has been signed off for anyone (the sign-off is part
    of that member's record)."""
    if milestone_signed_off(milestone):
        raise Conflict(
            N_(
                "The milestone %(title)s has already been signed off for a member, so it "
                "cannot be removed."
            ),
            title=milestone.title,
        )
    programme = milestone.programme
    details = {
        "milestone_id": milestone.id,
        "kind": milestone.kind,
        "title": milestone.title,
        "due_offset_days": milestone.due_offset_days,
    }
    programme.milestones.remove(milestone)
    db.session.flush()
    record(
        actor, "programme.milestone_removed", "programme", programme.id, details=details, now=now
    )
    db.session.flush()


# ---------------------------------------------------------------------------
# Target competences
# ---------------------------------------------------------------------------


def set_programme_target(
    actor: User, programme: Programme, competence: Competence, level: int | None, now: datetime
) -> None:
    """Set the level the programme aims at for ``competence``; ``None`` removes the
    target. The level must exist in the competence's framework; new targets only for
    frameworks in use. The same level again changes nothing."""
    if competence is None:
        raise ValidationFailed(N_("Please choose a competence."), field="competence")
    current = next((t for t in programme.targets if t.competence_id == competence.id), None)
    details = {"competence_id": competence.id, "competence": competence.code}
    if level is None:
        if current is None:
            return
        old = current.level
        programme.targets.remove(current)
        db.session.flush()
        record(
            actor,
            "programme.target_removed",
            "programme",
            programme.id,
            from_state=str(old),
            details=details,
            now=now,
        )
        db.session.flush()
        return
    level = check_level(competence, level)
    if current is not None:
        if current.level == level:
            return
        old = current.level
        current.level = level
        db.session.flush()
        record(
            actor,
            "programme.target_changed",
            "programme",
            programme.id,
            from_state=str(old),
            to_state=str(level),
            details=details,
            now=now,
        )
        db.session.flush()
        return
    check_active_framework(competence)
    try:
        with db.session.begin_nested():
            programme.targets.append(ProgrammeTarget(competence_id=competence.id, level=level))
            db.session.flush()
    except IntegrityError as exc:
        raise Conflict(
            N_("This target was changed by someone else at the same time. Please try again."),
            field="competence",
        ) from exc
    record(
        actor,
        "programme.target_set",
        "programme",
        programme.id,
        to_state=str(level),
        details=details,
        now=now,
    )
    db.session.flush()
