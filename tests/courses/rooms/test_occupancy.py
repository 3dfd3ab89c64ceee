"""The room and trainer plan: weeks and months (also across the clock change and the
turn of the year), the bookings per room or trainer with days, hours and double bookings
marked, cancelled sessions left out, and a number of statements that does not grow with
the rooms, trainers and bookings shown."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import select

from academy.accounts.models import Role
from academy.extensions import db
from courses.enrolment.cancellation import cancel_session
from courses.rooms.models import Trainer
from courses.rooms.occupancy import period_of, room_occupancy, trainer_occupancy
from courses.sessions.scheduling import create_session
from tests.courses import factories as cf
from tests.courses.rooms.support import data, external, hr, meeting, room, trainer_account
from tests.courses.support import NOW
from tests.querycount import count_queries


def test_a_week_runs_from_monday_to_sunday():
    period = period_of("woche", date(2031, 3, 27))  # a Thursday
    assert (period.start, period.end) == (date(2031, 3, 24), date(2031, 3, 31))
    assert period.working_days == 5 and len(period.days) == 7
    assert (period.previous, period.following) == (date(2031, 3, 17), date(2031, 3, 31))
    start, end = period.bounds
    assert (end - start).total_seconds() == 7 * 24 * 3600 - 3600  # the clocks go forward


def test_a_month_and_the_turn_of_the_year():
    december = period_of("monat", date(2030, 12, 15))
    assert (december.start, december.end) == (date(2030, 12, 1), date(2031, 1, 1))
    assert december.previous == date(2030, 11, 1) and december.working_days == 22
    assert period_of("monat", december.following).start == date(2031, 1, 1)
    assert period_of("monat", date(2032, 2, 29)).end == date(2032, 3, 1)


def test_bookings_days_hours_and_double_bookings(db):
    hall, free = room(), room()
    create_session(
        hr(),
        cf.course(code="OCC-1"),
        data(meeting(datetime(2031, 6, 3), 9, 12, room_id=hall.id)),
        NOW,
    )
    create_session(
        hr(),
        cf.course(code="OCC-2"),
        data(meeting(datetime(2031, 6, 3), 11, 13, room_id=hall.id), override_reason="geteilt"),
        NOW,
    )
    gone = create_session(
        hr(), cf.course(), data(meeting(datetime(2031, 6, 5), room_id=hall.id)), NOW
    )
    cancel_session(hr(), gone, "abgesagt", NOW)
    week = period_of("woche", date(2031, 6, 3))
    busy, empty = room_occupancy([hall, free], week)
    assert [b.code for b in busy.bookings] == ["OCC-1", "OCC-2"]
    assert all(b.double for b in busy.bookings)
    assert (busy.days, str(busy.hours), busy.percent) == (1, "5.0", 20)
    assert (empty.bookings, empty.days, empty.percent) == ([], 0, 0)
    [(day, bookings)] = busy.by_day
    assert day == date(2031, 6, 3) and len(bookings) == 2


def test_trainers_are_booked_as_lead_or_linked(db):
    lead = trainer_account()
    coach = external()
    create_session(
        hr(),
        cf.course(),
        data(meeting(datetime(2031, 6, 3), location="A"), trainer_id=lead.id),
        NOW,
    )
    create_session(
        hr(),
        cf.course(),
        data(meeting(datetime(2031, 6, 4), location="B"), co_trainer_ids=[coach.id]),
        NOW,
    )
    cf.session(starts_at=datetime(2031, 6, 5, 7, tzinfo=UTC), trainer=lead)  # lead without a link

    lead_record = db.session.scalars(select(Trainer).where(Trainer.user_id == lead.id)).one()
    rows = trainer_occupancy([lead_record, coach], period_of("woche", date(2031, 6, 3)))
    assert [len(r.bookings) for r in rows] == [2, 1]


def statements(client, url: str) -> int:
    assert client.get(url).status_code == 200
    with count_queries(db.engine) as queries:
        assert client.get(url).status_code == 200
    return queries.count


def add_rooms_and_bookings(n: int) -> None:
    for i in range(n):
        hall = room(name=f"Planraum {n}-{i}")
        for day in (3, 4):
            create_session(
                hr(),
                cf.course(),
                data(meeting(datetime(2031, 6, day), 9, 12, room_id=hall.id)),
                NOW,
            )
        coach = external(f"Planer {n}-{i}")
        create_session(
            hr(),
            cf.course(),
            data(meeting(datetime(2031, 6, 5), location="X"), co_trainer_ids=[coach.id]),
            NOW,
        )


def test_the_plan_costs_the_same_statements_however_much_it_shows(client, login_as):
    login_as(Role.HR)
    client.set_cookie("da_lang", "de")
    urls = [
        "/kurse/verwaltung/belegung?datum=2031-06-03",
        "/kurse/verwaltung/belegung?art=trainer&datum=2031-06-03&ansicht=monat",
    ]
    add_rooms_and_bookings(2)
    db.session.commit()
    small = [statements(client, url) for url in urls]
    add_rooms_and_bookings(8)
    db.session.commit()
    large = [statements(client, url) for url in urls]
    assert small == large
    html = client.get(urls[0]).get_data(as_text=True)
    assert "Woche vom 02.06.2031 bis 08.06.2031" in html
    assert "40 % der Arbeitstage" in html
    assert "/kurse/verwaltung/belegung?datum=2031-05-26&amp;art=raeume&amp;ansicht=woche" in html


def test_bad_filter_values_fall_back_to_this_week(client, login_as):
    login_as(Role.HR)
    for query in ("datum=2031-13-45", "ansicht=jahr", "art=%00", "datum=31.02.2031", "page=-3"):
        assert client.get(f"/kurse/verwaltung/belegung?{query}").status_code == 200, query
