"""HR: a department's budget and cost centre, and the finance department's CSV files."""

from __future__ import annotations

from flask import Response, flash, redirect, render_template
from flask_babel import gettext

from academy.auth.policy import requires
from academy.clock import to_berlin, utcnow
from academy.errors import DomainError
from academy.extensions import db
from academy.org.models import Department
from academy.web.kit import acting_user, show_error
from courses import bp
from courses.budgets import policy  # noqa: F401 - registers the actions before @requires
from courses.budgets.editing import set_budget, set_cost_centre
from courses.budgets.export import bookings_csv, cost_centres_csv
from courses.budgets.forms import BudgetForm
from courses.budgets.money import euro
from courses.budgets.pages import load_department, unit_context, unit_url, year_form


@bp.post("/budgets/bereich/<int:department_id>/festlegen")
@requires("budgets.manage")
def budget_set(department_id: int) -> Response | tuple[str, int]:
    department = load_department(department_id)
    now, user = utcnow(), acting_user()
    year = year_form(now).year
    form = BudgetForm()
    status = _save(form, department, year) if form.validate_on_submit() else 422
    if status is None:
        db.session.commit()
        flash(_saved(department.name, year, form.amount.data), "success")
        return redirect(unit_url(department, year))
    html = render_template("courses/budgets/unit.html", **unit_context(user, department, now, form))
    return html, status


def _save(form: BudgetForm, department: Department, year: int) -> int | None:
    """Set the cost centre and the budget; None when saved, else the error's status
    (the message at its field, nothing saved)."""
    now, user = utcnow(), acting_user()
    try:
        set_cost_centre(user, department, form.cost_centre.data, now)
        set_budget(
            user, department, year, form.amount.data, form.note.data, now,
            current_year=to_berlin(now).year,
        )  # fmt: skip
    except DomainError as error:
        db.session.rollback()
        return show_error(form, error)
    return None


def _saved(name: str, year: int, amount: object) -> str:
    if amount is None:
        return gettext("The budget %(year)s of %(unit)s has been removed.", year=year, unit=name)
    return gettext(
        "The budget %(year)s of %(unit)s is now %(amount)s.",
        year=year,
        unit=name,
        amount=euro(amount),  # type: ignore[arg-type]
    )


def _csv(data: bytes, name: str) -> Response:
    response = Response(data, mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.get("/budgets/buchungen.csv")
@requires("budgets.manage")
def budget_bookings_csv() -> Response:
    year = year_form(utcnow()).year
    return _csv(bookings_csv(year), f"fortbildungsbudget-buchungen-{year}.csv")


@bp.get("/budgets/kostenstellen.csv")
@requires("budgets.manage")
def budget_cost_centres_csv() -> Response:
    year = year_form(utcnow()).year
    return _csv(cost_centres_csv(year), f"fortbildungsbudget-kostenstellen-{year}.csv")
