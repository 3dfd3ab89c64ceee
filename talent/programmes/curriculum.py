"""A fast-track programme's curriculum (HR): required courses and milestones, each due a
number of days after the cohort start, and the target competences.

Plain service functions: ``actor`` and ``now`` are arguments, they flush only and write
the audit log (object type ``programme``); the view commits."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from academy.accounts.models import User
from academy.audit.log import record
from academy.errors import Conflict, ValidationFailed
from academy.extensions import db
from academy.frameworks.models import Competence
from academy.i18n import N_
from courses.catalogue.models import Course
from talent.competencies.level_checks import check_active_framework, check_level
from talent.programmes.cohort_models import MilestoneSignoff
from talent.programmes.models import (
    Milestone,
    MilestoneKind,
    Programme,
    ProgrammeCourse,
    ProgrammeTarget,
)
from talent.programmes.programmes import (
    MAX_TITLE,
    changed_values,
    check_offset,
    checked_text,
    optional_text,
)

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
    title = checked_text(
        title, "title", MAX_TITLE, required=True, message=N_("Please enter a title.")
    )
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
        "description": optional_text(description, "description"),
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
    changes = changed_values(milestone, values)
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
