"""Read-side queries of the catalogue pages: categories and competences for the filters,
a course with what its page shows, the sessions one may enrol in, HR's course list."""

from __future__ import annotations

from datetime import datetime
from functools import cache

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import joinedload, selectinload

from academy.extensions import db
from academy.frameworks.models import Competence, CompetenceArea, Framework, FrameworkLevel
from academy.org.models import Employee
from courses.catalogue.models import Category, Course, CourseOutcome
from courses.enrolment.models import ACTIVE_STATES, Enrolment, EnrolmentState
from courses.sessions.models import CourseSession, SessionMeeting


def all_categories() -> list[Category]:
    return list(db.session.scalars(_categories_statement()))


def competences_in_catalogue() -> list[Competence]:
    """Competences that some course in the catalogue leads to, by framework and order."""
    return list(db.session.scalars(_competences_statement()))


# The filter form's two statements never change: built once (structure only, no data).


@cache
def _categories_statement() -> Select[tuple[Category]]:
    return select(Category).order_by(Category.position, Category.name)


@cache
def _competences_statement() -> Select[tuple[Competence]]:
    used = select(CourseOutcome.competence_id).join(Course).where(Course.archived.is_(False))
    return (
        select(Competence)
        .options(joinedload(Competence.framework))
        .where(Competence.id.in_(used))
        .order_by(Competence.framework_id, Competence.area_id, Competence.position)
    )


# ---------------------------------------------------------------------------
# A course's page
# ---------------------------------------------------------------------------


def course_for_page(course_id: int) -> Course | None:
    """A course with its category, outcomes (competence, framework) and prerequisites."""
    return db.session.scalar(
        select(Course)
        .options(
            joinedload(Course.category),
            selectinload(Course.outcomes)
            .joinedload(CourseOutcome.competence)
            .joinedload(Competence.framework),
            selectinload(Course.prerequisites),
        )
        .where(Course.id == course_id)
    )


def open_sessions(course: Course, now: datetime) -> list[CourseSession]:
    """Sessions not cancelled that have not started yet, by start."""
    return list(
        db.session.scalars(
            select(CourseSession)
            .options(
                joinedload(CourseSession.trainer),
                selectinload(CourseSession.meetings).joinedload(SessionMeeting.room),
            )
            .where(
                CourseSession.course_id == course.id,
                CourseSession.cancelled_at.is_(None),
                CourseSession.starts_at > now,
            )
            .order_by(CourseSession.starts_at, CourseSession.id)
        )
    )


def override_sessions(course: Course, now: datetime) -> list[CourseSession]:
    """HR may enrol someone in any session that is not cancelled and has not ended."""
    return list(
        db.session.scalars(
            select(CourseSession)
            .where(
                CourseSession.course_id == course.id,
                CourseSession.cancelled_at.is_(None),
                CourseSession.ends_at > now,
            )
            .order_by(CourseSession.starts_at, CourseSession.id)
        )
    )


def level_names(course: Course) -> dict[tuple[int, int], FrameworkLevel]:
    """The named levels of the frameworks the course's outcomes belong to."""
    ids = {o.competence.framework_id for o in course.outcomes}
    if not ids:
        return {}
    rows = db.session.scalars(select(FrameworkLevel).where(FrameworkLevel.framework_id.in_(ids)))
    return {(lv.framework_id, lv.level): lv for lv in rows}


def completed_course_ids(employee: Employee | None, course_ids: list[int]) -> set[int]:
    if employee is None or not course_ids:
        return set()
    return set(
        db.session.scalars(
            select(Enrolment.course_id).where(
                Enrolment.employee_id == employee.id,
                Enrolment.course_id.in_(course_ids),
                Enrolment.state == EnrolmentState.COMPLETED.value,
            )
        )
    )


def active_enrolment(employee: Employee | None, course: Course) -> Enrolment | None:
    if employee is None:
        return None
    return db.session.scalar(
        select(Enrolment)
        .options(joinedload(Enrolment.session))
        .where(
            Enrolment.employee_id == employee.id,
            Enrolment.course_id == course.id,
            Enrolment.state.in_([s.value for s in ACTIVE_STATES]),
        )
    )


# ---------------------------------------------------------------------------
# HR's management pages
# ---------------------------------------------------------------------------


def course_for_editing(course_id: int) -> Course | None:
    """A course with its category, outcomes and prerequisites (HR's pages)."""
    return db.session.scalar(
        select(Course)
        .options(
            joinedload(Course.category),
            selectinload(Course.outcomes),
            selectinload(Course.prerequisites),
        )
        .where(Course.id == course_id)
    )


def managed_courses(
    text: str | None, category_id: int | None, status: str | None
) -> Select[tuple[Course]]:
    """HR's course list (archived ones too, not the external trainings approved on
    request: they are on their requests' pages), filtered by text, category and status."""
    query = select(Course).options(joinedload(Course.category)).where(Course.external.is_(False))
    if text:
        query = query.where(
            or_(
                Course.code.icontains(text, autoescape=True),
                Course.title.icontains(text, autoescape=True),
            )
        )
    if category_id:
        query = query.where(Course.category_id == category_id)
    if status:
        query = query.where(Course.archived.is_(status == "archived"))
    return query.order_by(Course.archived, func.lower(Course.title), Course.id)


def upcoming_session_counts(course_ids: list[int], now: datetime) -> dict[int, int]:
    """Per course, its sessions not cancelled that have not started yet."""
    return dict(
        db.session.execute(
            select(CourseSession.course_id, func.count())
            .where(
                CourseSession.course_id.in_(course_ids),
                CourseSession.cancelled_at.is_(None),
                CourseSession.starts_at > now,
            )
            .group_by(CourseSession.course_id)
        ).all()
    )


def categories_page_statement() -> Select[tuple[Category]]:
    return select(Category).order_by(Category.position, func.lower(Category.name))


def course_counts(category_ids: list[int]) -> dict[int, int]:
    """Per category, its courses."""
    return dict(
        db.session.execute(
            select(Course.category_id, func.count())
            .where(Course.category_id.in_(category_ids))
            .group_by(Course.category_id)
        ).all()
    )


def competence_options(course: Course | None) -> list[Competence]:
    """Competences of the active frameworks, plus those the course already has."""
    current = [o.competence_id for o in course.outcomes] if course is not None else []
    return list(
        db.session.scalars(
            select(Competence)
            .join(Framework, Competence.framework_id == Framework.id)
            .join(CompetenceArea, Competence.area_id == CompetenceArea.id)
            .options(joinedload(Competence.framework))
            .where(or_(Framework.active.is_(True), Competence.id.in_(current)))
            .order_by(Framework.code, CompetenceArea.position, Competence.position)
        )
    )


def prerequisite_options(course: Course | None) -> list[Course]:
    """Courses in the catalogue (not the course itself), plus its current prerequisites."""
    current = [c.id for c in course.prerequisites] if course is not None else []
    query = select(Course).where(or_(Course.archived.is_(False), Course.id.in_(current)))
    if course is not None:
        query = query.where(Course.id != course.id)
    return list(db.session.scalars(query.order_by(Course.code)))
