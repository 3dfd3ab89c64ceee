"""The finance department's files of a budget year, as German Excel opens them: ``;``
between fields, CRLF, UTF-8 with a byte order mark, amounts with a decimal comma and no
grouping (numbers in Excel), dates ``TT.MM.JJJJ``; every cell through
``academy.spreadsheets.csv_writer`` (formula-like texts neutralised).

- ``bookings_csv``: one line per charged place (no names: the finance department books
  costs to cost centres, not to people);
- ``cost_centres_csv``: one line per department with its own budget and bookings (not
  rolled up, so that the column sums are the organisation's), and a total line.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from typing import Any

from flask_babel import gettext
from sqlalchemy import select

from academy.clock import to_berlin
from academy.extensions import db
from academy.i18n import N_
from academy.org.models import Department
from academy.spreadsheets import csv_writer
from courses.budgets.models import (
    BOOKING_LABELS,
    CHARGED,
    REASON_LABELS,
    BookingState,
    BudgetBooking,
)
from courses.budgets.money import csv_amount
from courses.budgets.queries import Figures, overview
from courses.catalogue.models import Course
from courses.sessions.models import CourseSession

BOM = "\ufeff"

BOOKING_COLUMNS = (
    N_("Year"),
    N_("Booking no."),
    N_("Cost centre"),
    N_("Unit code"),
    N_("Unit"),
    N_("Course code"),
    N_("Course"),
    N_("Session starts"),
    N_("Status"),
    N_("Reason"),
    N_("Course price (€)"),
    N_("Trainer fee share (€)"),
    N_("Room cost share (€)"),
    N_("Travel costs (€)"),
    N_("Amount (€)"),
    N_("Booked on"),
)
CENTRE_COLUMNS = (
    N_("Year"),
    N_("Cost centre"),
    N_("Unit code"),
    N_("Unit"),
    N_("Parent unit code"),
    N_("Budget (€)"),
    N_("Spent (€)"),
    N_("Committed (€)"),
    N_("Left (€)"),
    N_("Open requests (€)"),
)


def _day(value: Any) -> str:
    return to_berlin(value).strftime("%d.%m.%Y") if value is not None else ""


def _write(header: Iterable[str], rows: Iterable[Iterable[Any]]) -> bytes:
    out = io.StringIO(newline="")
    writer = csv_writer(out)
    writer.writerow([gettext(h) for h in header])
    writer.writerows(rows)
    return (BOM + out.getvalue()).encode("utf-8")


def bookings_csv(year: int) -> bytes:
    rows = db.session.execute(
        select(BudgetBooking, Department, Course.code, Course.title, CourseSession.starts_at)
        .join(Department, Department.id == BudgetBooking.department_id)
        .join(CourseSession, CourseSession.id == BudgetBooking.session_id)
        .join(Course, Course.id == CourseSession.course_id)
        .where(BudgetBooking.year == year, BudgetBooking.state.in_(CHARGED))
        .order_by(Department.code, CourseSession.starts_at, BudgetBooking.id)
    ).all()
    labels = {state: gettext(label) for state, label in BOOKING_LABELS.items()}
    reasons = {key: gettext(label) for key, label in REASON_LABELS.items()}
    lines = (
        [
            year,
            b.id,
            dept.cost_centre or "",
            dept.code,
            dept.name,
            code,
            title,
            _day(starts_at),
            labels[BookingState(b.state)],
            reasons.get(b.reason or "", ""),
            csv_amount(b.price),
            csv_amount(b.trainer_share),
            csv_amount(b.room_share),
            csv_amount(b.travel),
            csv_amount(b.amount),
            _day(b.booked_at),
        ]
        for b, dept, code, title, starts_at in rows
    )
    return _write(BOOKING_COLUMNS, lines)


def cost_centres_csv(year: int) -> bytes:
    shown = overview(year)
    parents = {row.department.id: row.department for row in shown.rows}
    lines: list[list[Any]] = []
    total = Figures()
    for row in sorted(shown.rows, key=lambda r: r.department.code):
        dept, own = row.department, row.own
        parent = parents.get(dept.parent_id) if dept.parent_id else None
        lines.append(
            [
                year,
                dept.cost_centre or "",
                dept.code,
                dept.name,
                parent.code if parent else "",
                csv_amount(own.budget),
                csv_amount(own.spent),
                csv_amount(own.committed),
                csv_amount(own.left),
                csv_amount(own.pending),
            ]
        )
        total.add(own)
    lines.append(
        [
            year,
            "",
            "",
            gettext("Total"),
            "",
            csv_amount(total.budget),
            csv_amount(total.spent),
            csv_amount(total.committed),
            csv_amount(total.left),
            csv_amount(total.pending),
        ]
    )
    return _write(CENTRE_COLUMNS, lines)
