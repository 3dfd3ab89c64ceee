"""The catalogue as employees search it: words over code, title and description (all
words must occur), filters (category, format, level, competence, period, free seats),
archived courses left out, sorted by the next session's start and then the title.

A page costs the same number of statements however many courses and sessions there are:
the count, the page of courses (with their categories), the next session of each course
on the page and their outcomes (with the competences) — four in all.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, case, func, or_, select
from sqlalchemy.orm import joinedload

from academy.clock import berlin_to_utc
from academy.extensions import db
from courses.models import Course, CourseOutcome, CourseSession

PER_PAGE = 20
MAX_WORDS = 10
MAX_WORD_LENGTH = 60


@dataclass(frozen=True)
class CatalogueFilters:
    """What the employee asked for; empty values do not filter. Dates are Berlin
    calendar days, both inclusive."""

    text: str = ""
    category_id: int | None = None
    format: str | None = None
    level: str | None = None
    competence_id: int | None = None
    date_from: date | None = None
    date_to: date | None = None
    free_seats: bool = False

    @property
    def filters_sessions(self) -> bool:
        """Only courses with a matching upcoming session are wanted."""
        return bool(self.date_from or self.date_to or self.free_seats)


@dataclass
class CatalogueEntry:
    course: Course
    #: The first upcoming, not cancelled session that matches the period / free-seat
    #: filters (None: the course has no such session).
    next_session: CourseSession | None
    outcomes: list[CourseOutcome] = field(default_factory=list)

    @property
    def seats_left(self) -> int | None:
        return self.next_session.seats_left if self.next_session is not None else None


@dataclass
class CataloguePage:
    #: Flask-SQLAlchemy's pagination (``total``, ``pages``, ``has_next`` …) for the macro.
    pagination: Any
    entries: list[CatalogueEntry]


def search_words(text: str | None) -> list[str]:
    """The words of a search text (at most ten, each cut to 60 characters)."""
    words = [w[:MAX_WORD_LENGTH] for w in (text or "").split()]
    return list(dict.fromkeys(words))[:MAX_WORDS]


def _day_start_utc(day: date) -> datetime:
    return berlin_to_utc(datetime.combine(day, time.min))


def session_conditions(filters: CatalogueFilters, now: datetime) -> list[ColumnElement[bool]]:
    """Which sessions count as a course's "next session" under these filters."""
    conditions: list[ColumnElement[bool]] = [
        CourseSession.cancelled_at.is_(None),
        CourseSession.starts_at > now,
    ]
    if filters.date_from is not None:
        conditions.append(CourseSession.starts_at >= _day_start_utc(filters.date_from))
    if filters.date_to is not None:
        conditions.append(
            CourseSession.starts_at < _day_start_utc(filters.date_to + timedelta(days=1))
        )
    if filters.free_seats:
        conditions += [
            CourseSession.confirmed_count < CourseSession.capacity,
            CourseSession.enrolment_deadline > now,
        ]
    return conditions


def _next_starts(filters: CatalogueFilters, now: datetime) -> Any:
    return (
        select(
            CourseSession.course_id.label("course_id"),
            func.min(CourseSession.starts_at).label("next_start"),
        )
        .where(*session_conditions(filters, now))
        .group_by(CourseSession.course_id)
        .subquery("next_starts")
    )


def catalogue_query(filters: CatalogueFilters, now: datetime) -> Select[tuple[Course]]:
    """The matching, not archived courses in catalogue order."""
    nxt = _next_starts(filters, now)
    query = (
        select(Course)
        .join(nxt, nxt.c.course_id == Course.id, isouter=not filters.filters_sessions)
        .options(joinedload(Course.category))
        .where(Course.archived.is_(False))
    )
    for word in search_words(filters.text):
        query = query.where(
            or_(
                Course.code.icontains(word, autoescape=True),
                Course.title.icontains(word, autoescape=True),
                Course.description.icontains(word, autoescape=True),
            )
        )
    if filters.category_id is not None:
        query = query.where(Course.category_id == filters.category_id)
    if filters.format:
        query = query.where(Course.format == filters.format)
    if filters.level:
        query = query.where(Course.level == filters.level)
    if filters.competence_id is not None:
        query = query.where(
            Course.id.in_(
                select(CourseOutcome.course_id).where(
                    CourseOutcome.competence_id == filters.competence_id
                )
            )
        )
    return query.order_by(
        case((nxt.c.next_start.is_(None), 1), else_=0),
        nxt.c.next_start,
        func.lower(Course.title),
        Course.id,
    )


def next_sessions(
    course_ids: list[int], filters: CatalogueFilters, now: datetime
) -> dict[int, CourseSession]:
    """The next matching session of each course, in one statement."""
    if not course_ids:
        return {}
    conditions = session_conditions(filters, now)
    first = (
        select(
            CourseSession.course_id.label("course_id"),
            func.min(CourseSession.starts_at).label("next_start"),
        )
        .where(CourseSession.course_id.in_(course_ids), *conditions)
        .group_by(CourseSession.course_id)
        .subquery("first_starts")
    )
    sessions = db.session.scalars(
        select(CourseSession)
        .join(
            first,
            and_(
                CourseSession.course_id == first.c.course_id,
                CourseSession.starts_at == first.c.next_start,
            ),
        )
        .where(*conditions)
        .order_by(CourseSession.id)
    )
    result: dict[int, CourseSession] = {}
    for session in sessions:  # two sessions starting at the same instant: the older one
        result.setdefault(session.course_id, session)
    return result


def outcomes_of(course_ids: list[int]) -> dict[int, list[CourseOutcome]]:
    """The outcomes (with their competences) of these courses, in one statement."""
    if not course_ids:
        return {}
    result: dict[int, list[CourseOutcome]] = {cid: [] for cid in course_ids}
    for outcome in db.session.scalars(
        select(CourseOutcome)
        .options(joinedload(CourseOutcome.competence))
        .where(CourseOutcome.course_id.in_(course_ids))
        .order_by(CourseOutcome.course_id, CourseOutcome.competence_id)
    ):
        result[outcome.course_id].append(outcome)
    return result


def search_catalogue(
    filters: CatalogueFilters, *, now: datetime, page: int = 1, per_page: int = PER_PAGE
) -> CataloguePage:
    pagination = db.paginate(
        catalogue_query(filters, now), page=max(page, 1), per_page=per_page, error_out=False
    )
    courses: list[Course] = list(pagination.items)
    ids = [c.id for c in courses]
    sessions = next_sessions(ids, filters, now)
    outcomes = outcomes_of(ids)
    entries = [CatalogueEntry(c, sessions.get(c.id), outcomes.get(c.id, [])) for c in courses]
    return CataloguePage(pagination, entries)
