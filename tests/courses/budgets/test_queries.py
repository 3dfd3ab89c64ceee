"""What the budget pages read: own and rolled-up figures, the budget a request is charged
to (the nearest unit up the tree with a budget), the cost and remaining budget of each
request in the approval inbox, HR's forecast — with a fixed number of statements."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from academy.org.models import Employee
from courses.budgets.bookings import book as rebook
from courses.budgets.forecast import forecast
from courses.budgets.inbox import enrolment_budgets, external_budget
from courses.budgets.queries import overview, own_figures
from courses.enrolment.models import Enrolment, EnrolmentState
from courses.enrolment.requests import request_enrolment
from tests import factories
from tests.courses import factories as cf
from tests.courses.budgets.support import budget, paid_session
from tests.courses.support import NOW, person
from tests.querycount import count_queries

YEAR = 2030


def tree():
    """A office with two units; the office and the first unit have budgets."""
    office = factories.department("Amt für Digitales")
    left = factories.department("Abteilung Betrieb", parent=office)
    right = factories.department("Abteilung Dienste", parent=office)
    budget(office, YEAR, "5000")
    budget(left, YEAR, "1000")
    return office, left, right


def book(dept, price, state=EnrolmentState.CONFIRMED, **fields):
    session = paid_session(price, **fields)
    employee, user = person(dept)
    enrolment = request_enrolment(user, employee, session, NOW)
    if state != EnrolmentState.CONFIRMED:
        enrolment.state = state.value
        rebook(enrolment, NOW)
    return enrolment


def test_own_and_rolled_up_figures(db):
    office, left, right = tree()
    book(left, "300")
    book(left, "200", EnrolmentState.COMPLETED)
    book(right, "1250.50")
    own = own_figures(YEAR, {office.id, left.id, right.id})
    assert (own[left.id].budget, own[left.id].committed, own[left.id].spent) == (
        Decimal("1000.00"),
        Decimal("300.00"),
        Decimal("200.00"),
    )
    assert own[left.id].left == Decimal("500.00")
    assert own[right.id].budget is None and own[right.id].left is None
    shown = overview(YEAR, {office.id, left.id, right.id})
    rows = {row.department.id: row for row in shown.rows}
    assert [row.department.id for row in shown.rows] == [office.id, left.id, right.id]
    whole = rows[office.id].subtree
    assert (whole.budget, whole.booked, whole.left) == (
        Decimal("6000.00"),
        Decimal("1750.50"),
        Decimal("4249.50"),
    )
    assert shown.total.booked == Decimal("1750.50")
    assert rows[left.id].subtree.used_percent == 50


def test_a_request_is_charged_to_the_nearest_budget_up_the_tree(db):
    _office, left, right = tree()
    book(right, "400")
    session = paid_session("150", fee="600", approval=True, capacity=5)
    waiting = []
    for dept in (left, right):
        employee, user = person(dept)
        waiting.append(request_enrolment(user, employee, session, NOW))
    found = enrolment_budgets(waiting)
    mine, theirs = found[waiting[0].id], found[waiting[1].id]
    assert mine.cost == Decimal("750.00")  # 150 + the whole fee (nobody booked yet)
    assert (mine.holder.name, mine.left_now) == ("Abteilung Betrieb", Decimal("1000.00"))
    assert mine.left_after == Decimal("250.00") and not mine.exceeds
    assert theirs.holder.name == "Amt für Digitales"  # no budget of its own
    assert theirs.left_now == Decimal("5600.00")  # 6,000 of the subtree − 400 booked


def test_no_budget_anywhere_above_means_no_holder(db):
    dept = factories.department()
    check = external_budget(dept, NOW + timedelta(days=40), Decimal("990.00"))
    assert check.holder is None and check.left_after is None and not check.exceeds


def test_an_exceeded_budget_is_flagged(db):
    _office, left, _right = tree()
    book(left, "900")
    check = external_budget(left, NOW + timedelta(days=40), Decimal("250.00"))
    assert check.left_now == Decimal("100.00")
    assert check.left_after == Decimal("-150.00") and check.exceeds


def test_forecast_adds_requests_and_the_free_places_of_planned_sessions(db):
    _office, left, _right = tree()
    book(left, "100")
    planned = paid_session("50", capacity=4, fee="400")
    cf.enrolment(planned, state=EnrolmentState.WAITLISTED)
    pending_session = paid_session("80", approval=True)
    employee, user = person(left)
    request_enrolment(user, employee, pending_session, NOW)
    shown = overview(YEAR)
    result = forecast(shown.total, YEAR, NOW)
    assert shown.total.pending == Decimal("80.00")
    # 4 free places × 50 + the fee (nobody booked) + the session of the booked place
    # and the pending request's session, each with their free places
    assert result.planned >= Decimal("600.00")
    assert result.total == shown.total.booked + shown.total.pending + result.planned


def test_the_inbox_budget_costs_the_same_statements_for_any_page(db):
    _office, left, right = tree()

    def requests(n):
        found = []
        for i in range(n):
            session = paid_session(str(100 + i), approval=True, fee="300", room="50")
            dept = (left, right)[i % 2]
            employee, user = person(factories.department(parent=dept))
            found.append(request_enrolment(user, employee, session, NOW))
        db.session.flush()
        return found

    def as_the_inbox_loads(found):
        db.session.expire_all()
        return list(
            db.session.scalars(
                select(Enrolment)
                .options(
                    joinedload(Enrolment.employee).joinedload(Employee.department),
                    joinedload(Enrolment.session),
                )
                .where(Enrolment.id.in_([e.id for e in found]))
            ).unique()
        )

    counts = []
    for n in (2, 12):
        page = as_the_inbox_loads(requests(n))
        with count_queries(db.engine) as queries:
            result = enrolment_budgets(page)
        assert len(result) == n
        counts.append(queries.count)
    assert counts[0] == counts[1] <= 6, counts
