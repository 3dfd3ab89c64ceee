"""What the budget pages show, put together outside the views: the year asked for, the
overview (a head's units, HR's organisation with the forecast) and a unit's page with
its bookings."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import request, url_for
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import Select, func, literal, select

from academy.accounts.models import User
from academy.audit.log import access_purpose, record_accesses
from academy.auth.policy import authorize, can
from academy.auth.scope import scope_of, subtree_ids
from academy.clock import to_berlin
from academy.extensions import db
from academy.org.heads import department_path
from academy.org.models import Department, Employee
from academy.web.kit import page_number, paginate_list
from courses.budgets.editing import YEARS_AROUND
from courses.budgets.forecast import forecast
from courses.budgets.forms import BudgetForm, YearForm
from courses.budgets.models import (
    BOOKING_LABELS,
    CHARGED,
    REASON_LABELS,
    BudgetBooking,
    TrainingBudget,
)
from courses.budgets.policy import ACCESS_BOOKINGS
from courses.budgets.queries import overview
from courses.catalogue.models import Course
from courses.sessions.models import CourseSession

#: Departments per page of the overview, bookings per page of a unit.
ROWS_PER_PAGE = 50
BOOKINGS_PER_PAGE = 25


def year_form(now: datetime) -> YearForm:
    """The year asked for with ``?jahr=`` (this year when missing or out of range)."""
    current = to_berlin(now).year
    form = YearForm(request.args)
    form.set_years(list(range(current - YEARS_AROUND, current + YEARS_AROUND + 1)), current)
    return form


def overview_context(user: User, now: datetime) -> dict[str, Any]:
    years = year_form(now)
    year = years.year
    is_hr = can(user, "budgets.manage")
    scope = scope_of(user)
    shown = overview(year, None if is_hr else set(scope.department_ids))
    return {
        "years": years,
        "year": year,
        "page": paginate_list(shown.rows, size=ROWS_PER_PAGE),
        "total": shown.total,
        "forecast": forecast(shown.total, year, now) if is_hr else None,
        "is_hr": is_hr,
        "headed": set(scope.headed_ids),
    }


def load_department(department_id: int) -> Department:
    """The department of a unit page, if the reader may see its budget (else 404/403)."""
    department = db.get_or_404(Department, department_id)
    authorize("budgets.view", department)
    return department


def _bookings(department: Department, year: int) -> Select[Any]:
    person = Employee.last_name + literal(", ") + Employee.first_name
    return (
        select(BudgetBooking, person.label("person"), Course.title, CourseSession.starts_at)
        .join(CourseSession, CourseSession.id == BudgetBooking.session_id)
        .join(Course, Course.id == CourseSession.course_id)
        .outerjoin(Employee, Employee.id == BudgetBooking.employee_id)
        .where(
            BudgetBooking.department_id.in_(subtree_ids(department)),
            BudgetBooking.year == year,
            BudgetBooking.state.in_(CHARGED),
        )
        .order_by(CourseSession.starts_at.desc(), BudgetBooking.id.desc())
    )


class RowsPage(Pagination):
    """A page of rows of several columns (``db.paginate`` answers the first entity only)."""

    def _query_items(self) -> list[Any]:
        statement = self._query_args["statement"]
        return list(db.session.execute(statement.limit(self.per_page).offset(self._query_offset)))

    def _query_count(self) -> int:
        statement = self._query_args["statement"]
        counted = select(func.count()).select_from(statement.order_by(None).subquery())
        return int(db.session.scalar(counted) or 0)


def _log_access(user: User, department: Department, rows: list[Any], now: datetime) -> None:
    """The people on the shown page of bookings go into the access log (not the reader)."""
    subjects = [row[0].employee_id for row in rows if row[0].employee_id is not None]
    if subjects:
        record_accesses(
            user,
            subjects,
            ACCESS_BOOKINGS,
            access_purpose(ACCESS_BOOKINGS, unit=department.name),
            now=now,
        )


def budget_form(department: Department, budget: TrainingBudget | None) -> BudgetForm:
    """HR's form filled with the department's budget of the year and its cost centre."""
    form = BudgetForm(formdata=None)
    form.amount.data = budget.amount if budget else None
    form.note.data = budget.note if budget else None
    form.cost_centre.data = department.cost_centre
    return form


def unit_context(
    user: User, department: Department, now: datetime, form: BudgetForm | None = None
) -> dict[str, Any]:
    years = year_form(now)
    year = years.year
    shown = overview(year, set(subtree_ids(department)))
    bookings = RowsPage(
        page=page_number(),
        per_page=BOOKINGS_PER_PAGE,
        max_per_page=None,
        error_out=False,
        statement=_bookings(department, year),
    )
    _log_access(user, department, bookings.items, now)
    budget = db.session.scalar(
        select(TrainingBudget).where(
            TrainingBudget.department_id == department.id, TrainingBudget.year == year
        )
    )
    if form is None and can(user, "budgets.manage"):
        form = budget_form(department, budget)
    parent = department.parent
    return {
        "department": department,
        "path": department_path(department),
        "years": years,
        "year": year,
        "row": next(r for r in shown.rows if r.department.id == department.id),
        "children": [r for r in shown.rows if r.department.parent_id == department.id],
        "bookings": bookings,
        "labels": BOOKING_LABELS,
        "reasons": REASON_LABELS,
        "form": form,
        "budget": budget,
        "parent_link": parent is not None and can(user, "budgets.view", parent),
    }


def unit_url(department: Department, year: int) -> str:
    return url_for("courses.budget_unit", department_id=department.id, jahr=year)
