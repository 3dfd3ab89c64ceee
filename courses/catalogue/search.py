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
from functools import cache, lru_cache
from typing import Any

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import ColumnElement, Integer, Select, and_, bindparam, case, func, or_, select
from sqlalchemy.orm import joinedload

from academy.clock import berlin_to_utc
from academy.extensions import db
from courses.catalogue.models import Course, CourseOutcome
from courses.enrolment.queries import StatementPage
from courses.sessions.models import CourseSession

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
    pagination: Pagination
    entries: list[CatalogueEntry]


def search_words(text: str | None) -> list[str]:
    """The words of a search text (at most ten, each cut to 60 characters)."""
    words = [w[:MAX_WORD_LENGTH] for w in (text or "").split()]
    return list(dict.fromkeys(words))[:MAX_WORDS]


def _day_start_utc(day: date) -> datetime:
    return berlin_to_utc(datetime.combine(day, time.min))


def _like_escaped(word: str) -> str:
    """``word`` for ``icontains(…, escape="/")``: what ``autoescape=True`` does to a
    literal, done here because the statements take the word as a parameter."""
    return word.replace("/", "//").replace("%", "/%").replace("_", "/_")


# ---------------------------------------------------------------------------
# Statements
#
# Every search runs the same few statement shapes with different values, so each
# shape is built once (with bound parameters) and reused: building and keying a
# statement of this size costs more than running it. Only the statement structure is
# kept, never data.
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _SessionShape:
    """Which session conditions a search has (their values are parameters)."""

    date_from: bool
    date_to: bool
    free_seats: bool

    @classmethod
    def of(cls, filters: CatalogueFilters) -> _SessionShape:
        return cls(filters.date_from is not None, filters.date_to is not None, filters.free_seats)


@dataclass(frozen=True)
class _Shape:
    """Which filters a search has (their values are parameters)."""

    words: int
    category: bool
    format: bool
    level: bool
    competence: bool
    sessions: _SessionShape

    @classmethod
    def of(cls, filters: CatalogueFilters) -> _Shape:
        return cls(
            len(search_words(filters.text)),
            filters.category_id is not None,
            bool(filters.format),
            bool(filters.level),
            filters.competence_id is not None,
            _SessionShape.of(filters),
        )


def _parameters(filters: CatalogueFilters, now: datetime) -> dict[str, Any]:
    params: dict[str, Any] = {"now": now}
    for i, word in enumerate(search_words(filters.text)):
        params[f"word_{i}"] = _like_escaped(word)
    if filters.category_id is not None:
        params["category_id"] = filters.category_id
    if filters.format:
        params["format"] = filters.format
    if filters.level:
        params["level"] = filters.level
    if filters.competence_id is not None:
        params["competence_id"] = filters.competence_id
    if filters.date_from is not None:
        params["starts_from"] = _day_start_utc(filters.date_from)
    if filters.date_to is not None:
        params["starts_before"] = _day_start_utc(filters.date_to + timedelta(days=1))
    return params


def _session_conditions(shape: _SessionShape) -> list[ColumnElement[bool]]:
    """Which sessions count as a course's "next session" under these filters."""
    now = bindparam("now")
    conditions: list[ColumnElement[bool]] = [
        CourseSession.cancelled_at.is_(None),
        CourseSession.starts_at > now,
    ]
    if shape.date_from:
        conditions.append(CourseSession.starts_at >= bindparam("starts_from"))
    if shape.date_to:
        conditions.append(CourseSession.starts_at < bindparam("starts_before"))
    if shape.free_seats:
        conditions += [
            CourseSession.confirmed_count + CourseSession.reserved_seats < CourseSession.capacity,
            CourseSession.enrolment_deadline > now,
        ]
    return conditions


@dataclass(frozen=True)
class _Statements:
    #: The page of courses (with their categories), in catalogue order; parameters
    #: ``limit`` and ``offset`` besides the filters'.
    page: Select[tuple[Course]]
    #: How many courses match.
    count: Select[tuple[int]]


@lru_cache(maxsize=256)
def _statements(shape: _Shape) -> _Statements:
    """The matching, not archived courses in catalogue order: by the next matching
    session's start (courses without one last), then by title."""
    sessions = shape.sessions
    nxt = (
        select(
            CourseSession.course_id.label("course_id"),
            func.min(CourseSession.starts_at).label("next_start"),
        )
        .where(*_session_conditions(sessions))
        .group_by(CourseSession.course_id)
        .subquery("next_starts")
    )
    filters_sessions = sessions.date_from or sessions.date_to or sessions.free_seats
    query = (
        select(Course)
        .join(nxt, nxt.c.course_id == Course.id, isouter=not filters_sessions)
        .where(Course.archived.is_(False))
    )
    for i in range(shape.words):
        word = bindparam(f"word_{i}")
        query = query.where(
            or_(
                Course.code.icontains(word, escape="/"),
                Course.title.icontains(word, escape="/"),
                Course.description.icontains(word, escape="/"),
            )
        )
    if shape.category:
        query = query.where(Course.category_id == bindparam("category_id"))
    if shape.format:
        query = query.where(Course.format == bindparam("format"))
    if shape.level:
        query = query.where(Course.level == bindparam("level"))
    if shape.competence:
        query = query.where(
            Course.id.in_(
                select(CourseOutcome.course_id).where(
                    CourseOutcome.competence_id == bindparam("competence_id")
                )
            )
        )
    page = (
        query.options(joinedload(Course.category))
        .order_by(
            case((nxt.c.next_start.is_(None), 1), else_=0),
            nxt.c.next_start,
            func.lower(Course.title),
            Course.id,
        )
        .limit(bindparam("limit", type_=Integer))
        .offset(bindparam("offset", type_=Integer))
    )
    count = select(func.count()).select_from(query.with_only_columns(Course.id).subquery())
    return _Statements(page, count)


@lru_cache(maxsize=16)
def _next_sessions_statement(shape: _SessionShape) -> Select[tuple[CourseSession]]:
    conditions = _session_conditions(shape)
    first = (
        select(
            CourseSession.course_id.label("course_id"),
            func.min(CourseSession.starts_at).label("next_start"),
        )
        .where(CourseSession.course_id.in_(bindparam("course_ids", expanding=True)), *conditions)
        .group_by(CourseSession.course_id)
        .subquery("first_starts")
    )
    return (
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


@cache
def _outcomes_statement() -> Select[tuple[CourseOutcome]]:
    return (
        select(CourseOutcome)
        .options(joinedload(CourseOutcome.competence))
        .where(CourseOutcome.course_id.in_(bindparam("course_ids", expanding=True)))
        .order_by(CourseOutcome.course_id, CourseOutcome.competence_id)
    )


# ---------------------------------------------------------------------------
# Queries
# ---------------------------------------------------------------------------


def next_sessions(
    course_ids: list[int], filters: CatalogueFilters, now: datetime
) -> dict[int, CourseSession]:
    """The next matching session of each course, in one statement."""
    if not course_ids:
        return {}
    sessions = db.session.scalars(
        _next_sessions_statement(_SessionShape.of(filters)),
        {**_parameters(filters, now), "course_ids": course_ids},
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
    for outcome in db.session.scalars(_outcomes_statement(), {"course_ids": course_ids}):
        result[outcome.course_id].append(outcome)
    return result


def search_catalogue(
    filters: CatalogueFilters, *, now: datetime, page: int = 1, per_page: int = PER_PAGE
) -> CataloguePage:
    statements = _statements(_Shape.of(filters))
    pagination = StatementPage(
        page=max(page, 1),
        per_page=per_page,
        max_per_page=None,
        error_out=False,
        items_statement=statements.page,
        count_statement=statements.count,
        params=_parameters(filters, now),
    )
    courses: list[Course] = list(pagination.items)
    ids = [c.id for c in courses]
    sessions = next_sessions(ids, filters, now)
    outcomes = outcomes_of(ids)
    entries = [CatalogueEntry(c, sessions.get(c.id), outcomes.get(c.id, [])) for c in courses]
    return CataloguePage(pagination, entries)
