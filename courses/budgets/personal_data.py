"""The budget bookings of a person's places in the Art. 15 export (what each place cost
and against which unit it was booked)."""

from __future__ import annotations

from flask_babel import gettext
from sqlalchemy import select

from academy.extensions import db
from academy.org.models import Department
from academy.privacy.registry import Record, declare_not_exported, register_personal_data
from courses.budgets.models import BOOKING_LABELS, REASON_LABELS, BookingState, BudgetBooking
from courses.catalogue.models import Course
from courses.sessions.models import CourseSession


def bookings(employee_id: int | None, user_id: int | None) -> list[Record]:
    if employee_id is None:
        return []
    rows = db.session.execute(
        select(BudgetBooking, Course.title, CourseSession.starts_at, Department.name)
        .join(CourseSession, CourseSession.id == BudgetBooking.session_id)
        .join(Course, Course.id == CourseSession.course_id)
        .join(Department, Department.id == BudgetBooking.department_id)
        .where(BudgetBooking.employee_id == employee_id)
        .order_by(BudgetBooking.booked_at, BudgetBooking.id)
    ).all()
    return [
        {
            "Anmeldung Nr.": b.enrolment_id,
            "Kurs": title,
            "Termin": starts_at,
            "Gebucht auf": unit,
            "Haushaltsjahr": b.year,
            "Stand": gettext(BOOKING_LABELS[BookingState(b.state)]),
            "Grund": gettext(REASON_LABELS[b.reason]) if b.reason in REASON_LABELS else None,
            "Betrag (€)": f"{b.amount:.2f}",
            "Gebucht am": b.booked_at,
            "Geändert am": b.updated_at,
        }
        for b, title, starts_at, unit in rows
    ]


def register_sections() -> None:
    register_personal_data(
        "fortbildungskosten",
        "Kosten Ihrer Fortbildungen",
        bookings,
        tables=("budget_bookings",),
        order=330,
        description="Was jeder Ihrer Plätze gekostet hat und auf welche Organisationseinheit "
        "er gebucht wurde (Fortbildungsbudget).",
    )
    declare_not_exported(
        "training_budgets",
        "Fortbildungsbudgets gehören zu Organisationseinheiten, nicht zu Personen; wer ein "
        "Budget festgelegt hat, steht im Abschnitt eigene Handlungen (budget.*).",
    )
    declare_not_exported(
        "budget_booking_totals",
        "Summen aller Buchungen je Organisationseinheit, Jahr und Stand; keine Person ist "
        "darin zu erkennen, die eigenen Buchungen stehen im Abschnitt Fortbildungskosten.",
    )
