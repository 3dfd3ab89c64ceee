"""Creating and editing courses (HR) with their outcomes and prerequisites. The sessions
of a course are in ``courses.sessions.scheduling``.

Plain service functions: ``actor`` and ``now`` are arguments, they flush only and write
the audit log; the view commits. Business-rule errors raise ``ValidationFailed`` /
``Conflict`` whose ``field`` names the form field the message belongs to
(``outcomes.2.level`` for the third outcome row).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select

from academy.accounts.models import User
from academy.audit.log import record
from academy.errors import Conflict, ValidationFailed
from academy.extensions import db
from academy.frameworks.models import Competence, FrameworkLevel
from academy.i18n import N_
from courses.catalogue.changes import apply_changes, jsonable
from courses.catalogue.models import (
    Category,
    Course,
    CourseFormat,
    CourseLevel,
    CourseOutcome,
    CoursePrerequisite,
    Provider,
)

MAX_COST = Decimal("99999999.99")
MAX_UE = 1000
MAX_VALIDITY_MONTHS = 240
CODE_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


@dataclass
class CourseData:
    """Everything HR enters for a course. ``outcomes`` are ``(competence id, level)``."""

    code: str
    title: str
    category_id: int | None
    duration_ue: int | None
    description: str = ""
    format: str = CourseFormat.IN_PERSON.value
    level: str = CourseLevel.BASIC.value
    provider: str = Provider.INTERNAL.value
    provider_name: str | None = None
    cost: Decimal | None = Decimal("0")
    requires_approval: bool = True
    validity_months: int | None = None
    outcomes: list[tuple[int, int]] = field(default_factory=list)
    prerequisite_ids: list[int] = field(default_factory=list)


def _validated_course_fields(data: CourseData, course_id: int | None) -> dict[str, Any]:
    code = (data.code or "").strip()
    if not code:
        raise ValidationFailed(N_("Please enter a course code."), field="code")
    if len(code) > 32 or not CODE_PATTERN.match(code):
        raise ValidationFailed(
            N_(
                "The code may have up to 32 letters, digits, dots, hyphens and underscores "
                "and must start with a letter or digit."
            ),
            field="code",
        )
    duplicate = select(Course.id).where(func.lower(Course.code) == code.lower())
    if course_id is not None:
        duplicate = duplicate.where(Course.id != course_id)
    if db.session.scalar(duplicate) is not None:
        raise Conflict(N_("The course code %(code)s is already in use."), field="code", code=code)
    title = (data.title or "").strip()
    if not title:
        raise ValidationFailed(N_("Please enter a title."), field="title")
    if len(title) > 200:
        raise ValidationFailed(N_("The title may have at most 200 characters."), field="title")
    if data.category_id is None or db.session.get(Category, data.category_id) is None:
        raise ValidationFailed(N_("Please choose a category."), field="category")
    if data.format not in set(CourseFormat):
        raise ValidationFailed(N_("Please choose a format."), field="format")
    if data.level not in set(CourseLevel):
        raise ValidationFailed(N_("Please choose a level."), field="level")
    if data.duration_ue is None or not 1 <= data.duration_ue <= MAX_UE:
        raise ValidationFailed(
            N_("The length must be between 1 and %(max)s UE."), field="duration_ue", max=MAX_UE
        )
    if data.provider not in set(Provider):
        raise ValidationFailed(N_("Please choose a provider."), field="provider")
    provider_name = (data.provider_name or "").strip() or None
    if data.provider == Provider.EXTERNAL and not provider_name:
        raise ValidationFailed(
            N_("Please enter the name of the external provider."), field="provider_name"
        )
    if provider_name and len(provider_name) > 200:
        raise ValidationFailed(
            N_("The provider name may have at most 200 characters."), field="provider_name"
        )
    cost = Decimal("0") if data.cost is None else Decimal(data.cost)
    if not cost.is_finite() or cost < 0 or cost > MAX_COST:
        raise ValidationFailed(N_("The cost must be an amount of 0 or more."), field="cost")
    if cost != cost.quantize(Decimal("0.01")):
        raise ValidationFailed(N_("The cost may have at most two decimal places."), field="cost")
    if data.validity_months is not None and not 1 <= data.validity_months <= MAX_VALIDITY_MONTHS:
        raise ValidationFailed(
            N_("The validity must be between 1 and %(max)s months, or empty for unlimited."),
            field="validity_months",
            max=MAX_VALIDITY_MONTHS,
        )
    return {
        "code": code,
        "title": title,
        "description": (data.description or "").strip(),
        "category_id": data.category_id,
        "format": str(data.format),
        "duration_ue": data.duration_ue,
        "level": str(data.level),
        "provider": str(data.provider),
        "provider_name": provider_name,
        "cost": cost.quantize(Decimal("0.01")),
        "requires_approval": bool(data.requires_approval),
        "validity_months": data.validity_months,
    }


def _validated_outcomes(outcomes: list[tuple[int, int]]) -> dict[int, int]:
    """``{competence id: level}``; each level within its framework's level range."""
    if not outcomes:
        return {}
    ids = [cid for cid, _level in outcomes]
    competences = {
        c.id: c for c in db.session.scalars(select(Competence).where(Competence.id.in_(ids)))
    }
    ranges = dict(
        (fid, (lo, hi))
        for fid, lo, hi in db.session.execute(
            select(
                FrameworkLevel.framework_id,
                func.min(FrameworkLevel.level),
                func.max(FrameworkLevel.level),
            )
            .where(FrameworkLevel.framework_id.in_({c.framework_id for c in competences.values()}))
            .group_by(FrameworkLevel.framework_id)
        )
    )
    result: dict[int, int] = {}
    for index, (cid, level) in enumerate(outcomes):
        competence = competences.get(cid)
        if competence is None:
            raise ValidationFailed(
                N_("Please choose a competence."), field=f"outcomes.{index}.competence"
            )
        if cid in result:
            raise ValidationFailed(
                N_("The competence %(code)s is listed twice."),
                field=f"outcomes.{index}.competence",
                code=competence.code,
            )
        low, high = ranges.get(competence.framework_id, (1, 1))
        if level is None or not low <= level <= high:
            raise ValidationFailed(
                N_("The level for %(code)s must be between %(min)s and %(max)s."),
                field=f"outcomes.{index}.level",
                code=competence.code,
                min=low,
                max=high,
            )
        result[cid] = level
    return result


def _validated_prerequisites(course: Course | None, ids: list[int]) -> list[Course]:
    wanted = list(dict.fromkeys(ids))
    if course is not None and course.id in wanted:
        raise ValidationFailed(
            N_("A course cannot be its own prerequisite."), field="prerequisites"
        )
    found = {c.id: c for c in db.session.scalars(select(Course).where(Course.id.in_(wanted)))}
    if len(found) != len(wanted):
        raise ValidationFailed(N_("Please choose existing courses."), field="prerequisites")
    current = {c.id for c in course.prerequisites} if course is not None else set()
    for cid in wanted:
        if found[cid].archived and cid not in current:
            raise ValidationFailed(
                N_("The archived course %(code)s cannot become a prerequisite."),
                field="prerequisites",
                code=found[cid].code,
            )
    if course is not None and wanted:
        _refuse_cycle(course, [found[cid] for cid in wanted])
    return [found[cid] for cid in wanted]


def _refuse_cycle(course: Course, prerequisites: list[Course]) -> None:
    """A prerequisite must not (directly or through others) require ``course`` itself."""
    requires: dict[int, set[int]] = {}
    for cid, rid in db.session.execute(
        select(CoursePrerequisite.course_id, CoursePrerequisite.required_course_id)
    ):
        if cid != course.id:  # the course's own edges are being replaced
            requires.setdefault(cid, set()).add(rid)
    for prerequisite in prerequisites:
        seen: set[int] = set()
        stack = [prerequisite.id]
        while stack:
            current = stack.pop()
            if current == course.id:
                raise ValidationFailed(
                    N_(
                        "%(code)s cannot be a prerequisite: it requires this course itself "
                        "(directly or through other courses)."
                    ),
                    field="prerequisites",
                    code=prerequisite.code,
                )
            if current not in seen:
                seen.add(current)
                stack.extend(requires.get(current, ()))


def _set_outcomes(course: Course, wanted: dict[int, int]) -> dict[str, Any] | None:
    old = {o.competence_id: o.level for o in course.outcomes}
    if old == wanted:
        return None
    by_id = {o.competence_id: o for o in course.outcomes}
    for cid in set(old) - set(wanted):
        course.outcomes.remove(by_id[cid])
    for cid, level in wanted.items():
        if cid in by_id:
            by_id[cid].level = level
        else:
            course.outcomes.append(CourseOutcome(competence_id=cid, level=level))
    return {"outcomes": [_outcome_list(old), _outcome_list(wanted)]}


def _outcome_list(outcomes: dict[int, int]) -> list[list[int]]:
    return [[cid, level] for cid, level in sorted(outcomes.items())]


def create_course(actor: User, data: CourseData, now: datetime) -> Course:
    values = _validated_course_fields(data, None)
    outcomes = _validated_outcomes(data.outcomes)
    prerequisites = _validated_prerequisites(None, data.prerequisite_ids)
    course = Course(**values, archived=False, created_at=now, updated_at=now)
    course.prerequisites = prerequisites
    db.session.add(course)
    _set_outcomes(course, outcomes)
    db.session.flush()
    details = {k: jsonable(v) for k, v in values.items()}
    details["outcomes"] = _outcome_list(outcomes)
    details["prerequisites"] = [c.code for c in prerequisites]
    record(
        actor, "course.created", "course", course.id, to_state="active", details=details, now=now
    )
    db.session.flush()
    return course


def update_course(actor: User, course: Course, data: CourseData, now: datetime) -> Course:
    values = _validated_course_fields(data, course.id)
    outcomes = _validated_outcomes(data.outcomes)
    prerequisites = _validated_prerequisites(course, data.prerequisite_ids)
    changes = apply_changes(course, values)
    changes.update(_set_outcomes(course, outcomes) or {})
    old_prereqs = sorted(c.code for c in course.prerequisites)
    new_prereqs = sorted(c.code for c in prerequisites)
    if old_prereqs != new_prereqs:
        course.prerequisites = prerequisites
        changes["prerequisites"] = [old_prereqs, new_prereqs]
    if changes:
        course.updated_at = now
        db.session.flush()
        record(actor, "course.updated", "course", course.id, details=changes, now=now)
        db.session.flush()
    return course
