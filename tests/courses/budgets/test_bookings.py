"""Booking places through the enrolment lifecycle: confirmed → committed, cancelled in
time → released, cancelled late or not attended → spent and kept, attended → spent; the
fixed costs (external trainer, room) split over the charged places exactly; every path
books (waiting list move-up, HR promotion, capacity raised, session cancelled)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from courses.budgets.bookings import budget_year
from courses.budgets.ledger import rebuild
from courses.enrolment.attendance import mark_attendance, record_result
from courses.enrolment.cancellation import cancel, cancel_session
from courses.enrolment.models import EnrolmentState
from courses.enrolment.requests import approve, request_enrolment
from courses.enrolment.waitlist import change_capacity, promote_from_waitlist
from tests.courses import factories as cf
from tests.courses.budgets.support import bookings, charged_total, paid_session
from tests.courses.support import NOW, hr, person


def enrol(session, dept=None):
    employee, user = person(dept)
    return request_enrolment(user, employee, session, NOW)


def test_a_confirmed_place_is_committed_against_the_persons_department(db):
    session = paid_session("450.00")
    employee, user = person()
    enrolment = request_enrolment(user, employee, session, NOW)
    booking = bookings(session)[enrolment.id]
    assert (booking.state, booking.reason) == ("committed", None)
    assert booking.amount == Decimal("450.00") and booking.price == Decimal("450.00")
    assert booking.department_id == employee.department_id
    assert booking.year == budget_year(session) == 2030


def test_requests_and_waiting_list_places_book_nothing(db):
    session = paid_session("100", capacity=1)
    seated = enrol(session)
    waiting = enrol(session)
    assert waiting.state == EnrolmentState.WAITLISTED
    assert set(bookings(session)) == {seated.id}
    other = paid_session("80", approval=True)
    assert enrol(other).state == EnrolmentState.PENDING
    assert bookings(other) == {}


def test_cancelled_in_time_is_released_late_is_kept(db):
    session = paid_session("300", capacity=5)
    early, late = enrol(session), enrol(session)
    cancel(hr(), early, NOW)
    cancel(hr(), late, session.cancellation_deadline + timedelta(hours=1), reason="krank")
    rows = bookings(session)
    assert (rows[early.id].state, rows[early.id].amount) == ("released", Decimal("0.00"))
    assert (rows[late.id].state, rows[late.id].reason) == ("spent", "late_cancellation")
    assert rows[late.id].amount == Decimal("300.00")


def test_attendance_and_results_spend_and_no_show_keeps(db):
    session = paid_session("120", capacity=5)
    done, failed, absent = enrol(session), enrol(session), enrol(session)
    staff, later = hr(), session.starts_at + timedelta(hours=1)
    mark_attendance(staff, done, True, later)
    record_result(staff, done, True, later)
    mark_attendance(staff, failed, True, later)
    record_result(staff, failed, False, later)
    mark_attendance(staff, absent, False, later)
    rows = bookings(session)
    assert [(rows[e.id].state, rows[e.id].reason) for e in (done, failed, absent)] == [
        ("spent", "completed"),
        ("spent", "failed"),
        ("spent", "no_show"),
    ]
    assert charged_total(session) == Decimal("360.00")


def test_fixed_costs_are_split_over_the_charged_places_to_the_cent(db):
    # 2 days: trainer 1000 €/day, room 250 €/day → 2,500 € over 3 places
    session = paid_session("99.99", capacity=5, fee="1000", room="250", days=2)
    first, second, third = enrol(session), enrol(session), enrol(session)
    rows = bookings(session)
    shares = sorted(rows[e.id].trainer_share for e in (first, second, third))
    assert shares == [Decimal("666.66"), Decimal("666.67"), Decimal("666.67")]
    assert sum(rows[e.id].room_share for e in (first, second, third)) == Decimal("500.00")
    assert charged_total(session) == Decimal("2799.97")  # 3 × 99.99 + 2,500
    cancel(hr(), second, NOW)  # in time: two places carry the fixed costs now
    rows = bookings(session)
    assert rows[first.id].trainer_share == rows[third.id].trainer_share == Decimal("1000.00")
    assert charged_total(session) == Decimal("2699.98")


def test_every_path_books_move_up_promotion_capacity_and_session_cancelled(db):
    session = paid_session("200", capacity=1)
    seated, first, second, third = (enrol(session) for _ in range(4))
    staff = hr()
    cancel(staff, seated, NOW)  # the first waiting person moves up
    assert first.state == EnrolmentState.CONFIRMED
    change_capacity(staff, session, 2, NOW)  # the next moves up
    assert second.state == EnrolmentState.CONFIRMED
    after = session.enrolment_deadline + timedelta(hours=1)
    change_capacity(staff, session, 3, after)  # no automatic move-up: HR promotes
    promote_from_waitlist(staff, third, "Dringend", after)
    rows = bookings(session)
    assert {e.id: rows[e.id].state for e in (seated, first, second, third)} == {
        seated.id: "released",
        first.id: "committed",
        second.id: "committed",
        third.id: "committed",
    }
    cancel_session(staff, session, "Trainerin erkrankt", after)
    assert {b.state for b in bookings(session).values()} == {"released"}
    assert charged_total(session) == 0


def test_approval_books_when_the_place_is_confirmed(db):
    session = paid_session("640", approval=True)
    employee, user = person()
    enrolment = request_enrolment(user, employee, session, NOW)
    assert bookings(session) == {}
    approve(hr(), enrolment, NOW)
    assert bookings(session)[enrolment.id].state == "committed"


def test_rebuild_books_places_confirmed_before_budgets_and_changes_nothing_twice(db):
    session = paid_session("75", capacity=5, fee="300")
    old = [cf.enrolment(session, state=s) for s in ("confirmed", "completed", "no_show")]
    cf.enrolment(session, state="cancelled")  # never held a place: no booking
    first = rebuild(NOW)
    assert first.booked == 3
    rows = bookings(session)
    assert {rows[e.id].state for e in old} == {"committed", "spent"}
    assert charged_total(session) == Decimal("525.00")  # 3 × 75 + 300
    again = rebuild(NOW)
    assert (again.booked, again.changed, again.repriced) == (0, 0, 0)


def test_the_tick_follows_price_changes_of_open_places_only(db):
    from courses.budgets.ledger import reprice_open

    session = paid_session("100", capacity=5)
    open_place = enrol(session)
    past = paid_session("100", capacity=5, starts_at=NOW - timedelta(days=10))
    done = cf.enrolment(past, state="completed")
    rebuild(NOW)
    session.course.cost = Decimal("150.00")
    past.course.cost = Decimal("150.00")
    session.starts_at = session.starts_at.replace(year=2031)  # moved into the next year
    session.ends_at = session.starts_at + timedelta(hours=7)
    db.session.flush()
    summary = reprice_open(NOW)
    assert summary.startswith("1 ") and ", 1 in das Haushaltsjahr" in summary
    db.session.expire_all()
    assert bookings(session)[open_place.id].amount == Decimal("150.00")
    assert bookings(session)[open_place.id].year == 2031
    assert bookings(past)[done.id].amount == Decimal("100.00")  # spent: final
    assert reprice_open(NOW).startswith("0 ")
