"""A person's competency profile as the profile pages show it (read side): per
competence of the role profile — and any other competence with a rating or evidence —
the ``Level`` (``talent.competencies.levels``), the dated history (ratings and completed courses,
newest first) and the recommended courses (``talent.competencies.recommendations``).

A fixed number of queries whatever the number of competences, ratings and courses.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from academy.clock import to_berlin
from academy.extensions import db
from academy.frameworks.models import Competence, CompetenceArea, Framework, FrameworkLevel
from academy.org.models import Employee
from courses.catalogue.models import Course, CourseOutcome
from courses.enrolment.models import Enrolment, EnrolmentState
from talent.competencies.levels import NO_LEVEL, Level, expires_on, levels_for
from talent.competencies.ratings import rating_history
from talent.competencies.recommendations import Recommendation, recommendations

#: Recommended courses shown on a profile.
RECOMMENDATIONS = 5


@dataclass(frozen=True)
class HistoryEntry:
    """One dated statement of the person's level in a competence."""

    on: date
    at: datetime | None  # ratings have a time, course completions a day
    source: str  # "self" | "head" | "external" | "course"
    level: int
    by: str | None  # who rated, or the course completed
    comment: str | None
    valid_until: date | None = None
    expired: bool = False


@dataclass
class ProfileRow:
    competence: Competence
    level: Level
    #: The competence whose (equivalent) evidence gives the current level, if not this one.
    via: Competence | None = None
    history: list[HistoryEntry] = field(default_factory=list)

    @property
    def rateable(self) -> bool:
        """A rating or self-assessment can be given: the framework is still in use."""
        return bool(self.competence.framework.active)


@dataclass
class Profile:
    employee: Employee
    #: Competences of the person's role profile (with a target), then the others.
    targeted: list[ProfileRow]
    further: list[ProfileRow]
    recommendations: list[Recommendation]
    competences: dict[int, Competence]
    level_names: dict[tuple[int, int], FrameworkLevel]

    @property
    def rows(self) -> list[ProfileRow]:
        return [*self.targeted, *self.further]

    @property
    def gap_count(self) -> int:
        return sum(1 for row in self.targeted if row.level.gap > 0)

    @property
    def total_gap(self) -> int:
        return sum(row.level.gap for row in self.targeted)


def _rating_entries(employee: Employee, today: date) -> dict[int, list[HistoryEntry]]:
    """Every rating of the person (self, head, external), one query."""
    entries: dict[int, list[HistoryEntry]] = defaultdict(list)
    for rating in rating_history(employee):
        entries[rating.competence_id].append(
            HistoryEntry(
                on=to_berlin(rating.rated_at).date(),
                at=rating.rated_at,
                source=rating.source,
                level=rating.level,
                by=rating.rated_by.display_name if rating.rated_by is not None else None,
                comment=rating.evidence_title or rating.comment,
                valid_until=rating.valid_until,
                expired=rating.valid_until is not None and rating.valid_until < today,
            )
        )
    return entries


def _course_entries(employee: Employee, today: date) -> dict[int, list[HistoryEntry]]:
    """Completed courses and the competence levels they gave, one query."""
    rows = db.session.execute(
        select(
            CourseOutcome.competence_id,
            CourseOutcome.level,
            Enrolment.completed_on,
            Course.code,
            Course.title,
            Course.validity_months,
        )
        .join(Course, Course.id == Enrolment.course_id)
        .join(CourseOutcome, CourseOutcome.course_id == Enrolment.course_id)
        .where(
            Enrolment.employee_id == employee.id,
            Enrolment.state == EnrolmentState.COMPLETED.value,
            Enrolment.completed_on.is_not(None),
        )
    )
    entries: dict[int, list[HistoryEntry]] = defaultdict(list)
    for competence_id, level, completed_on, code, title, validity in rows:
        until = expires_on(completed_on, validity)
        entries[competence_id].append(
            HistoryEntry(
                on=completed_on,
                at=None,
                source="course",
                level=level,
                by=f"{title} ({code})",
                comment=None,
                valid_until=until,
                expired=until is not None and until < today,
            )
        )
    return entries


def _competences(ids: set[int]) -> list[Competence]:
    if not ids:
        return []
    return list(
        db.session.scalars(
            select(Competence)
            .join(Framework, Competence.framework_id == Framework.id)
            .join(CompetenceArea, Competence.area_id == CompetenceArea.id)
            .options(joinedload(Competence.framework), joinedload(Competence.area))
            .where(Competence.id.in_(sorted(ids)))
            .order_by(Framework.code, CompetenceArea.position, Competence.position, Competence.code)
        )
    )


def _level_names(framework_ids: set[int]) -> dict[tuple[int, int], FrameworkLevel]:
    if not framework_ids:
        return {}
    return {
        (lv.framework_id, lv.level): lv
        for lv in db.session.scalars(
            select(FrameworkLevel).where(FrameworkLevel.framework_id.in_(sorted(framework_ids)))
        )
    }


def build_profile(
    employee: Employee, now: datetime, *, with_recommendations: bool = True
) -> Profile:
    """Everything the profile page shows, in a fixed number of queries whatever the
    number of competences, ratings and courses."""
    today = to_berlin(now).date()
    levels = {c: lv for (_e, c), lv in levels_for([employee.id], None, today).items()}
    history = _rating_entries(employee, today)
    for competence_id, entries in _course_entries(employee, today).items():
        history[competence_id].extend(entries)
    via_ids = {lv.via_competence_id for lv in levels.values() if lv.via_competence_id}
    competences = _competences(set(levels) | set(history) | via_ids)
    by_id = {c.id: c for c in competences}
    targeted: list[ProfileRow] = []
    further: list[ProfileRow] = []
    for competence in competences:
        if competence.id not in levels and competence.id not in history:
            continue  # only the source of a mapped level
        level = levels.get(competence.id, NO_LEVEL)
        entries = sorted(
            history.get(competence.id, []),
            key=lambda e: (e.on, e.at or datetime.min.replace(tzinfo=now.tzinfo)),
            reverse=True,
        )
        row = ProfileRow(
            competence,
            level,
            by_id.get(level.via_competence_id) if level.via_competence_id else None,
            entries,
        )
        (targeted if level.target is not None else further).append(row)
    recommended: list[Recommendation] = []
    if with_recommendations and employee.active and any(r.level.gap > 0 for r in targeted):
        gaps = {(employee.id, c): lv for c, lv in levels.items() if lv.gap > 0}
        recommended = recommendations(employee.id, gaps, now, limit=RECOMMENDATIONS)
    return Profile(
        employee=employee,
        targeted=targeted,
        further=further,
        recommendations=recommended,
        competences=by_id,
        level_names=_level_names({c.framework_id for c in competences}),
    )
