"""The trainer's past sessions: those whose attendance or results are still open come
first, the urgent ones (open for more than ``ATTENDANCE_URGENT_DAYS``) before them, each
saying how long it has been open; the page's statements do not grow with the list."""

from __future__ import annotations

import re
from datetime import timedelta

from academy.accounts.models import Role, User
from academy.clock import utcnow
from academy.extensions import db
from courses.enrolment.models import EnrolmentState
from courses.sessions.models import CourseSession
from tests import factories
from tests.courses import factories as cf
from tests.querycount import count_queries

PAST = "/kurse/trainer?zeit=vergangen"


def trainer_account() -> User:
    return factories.user(Role.TRAINER, with_employee=False)


def ended(
    trainer: User, days_ago: int, title: str, *states: EnrolmentState, **fields: object
) -> CourseSession:
    """A session of seven hours that ended ``days_ago`` days (and an hour) ago."""
    starts = utcnow() - timedelta(days=days_ago, hours=8)
    session = cf.session(starts_at=starts.replace(microsecond=0), trainer=trainer, **fields)
    session.course.title = title
    for state in states:
        cf.enrolment(session, state=state)
    return session


def order(html: str) -> list[int]:
    return [int(i) for i in re.findall(r'<tr data-session="(\d+)">', html)]


def row(html: str, session: CourseSession) -> str:
    return re.search(rf'<tr data-session="{session.id}">(.*?)</tr>', html, re.S).group(1)


def world(trainer: User) -> dict[str, CourseSession]:
    done = EnrolmentState.COMPLETED
    return {
        "done_recent": ended(trainer, 1, "Erledigt gestern", done, EnrolmentState.NO_SHOW),
        "open_recent": ended(trainer, 3, "Offen seit drei", done, EnrolmentState.CONFIRMED),
        "urgent_results": ended(trainer, 12, "Ergebnisse offen", EnrolmentState.ATTENDED),
        "urgent_attendance": ended(trainer, 20, "Anwesenheit offen", EnrolmentState.CONFIRMED),
        "done_old": ended(trainer, 30, "Erledigt alt", EnrolmentState.FAILED),
        "cancelled": ended(trainer, 2, "Abgesagt", EnrolmentState.CONFIRMED, cancelled_at=utcnow()),
    }


def test_urgent_then_open_then_latest_first(client, login_as):
    trainer = trainer_account()
    s = world(trainer)
    db.session.commit()
    login_as(account=trainer)
    html = client.get(PAST).get_data(as_text=True)
    assert order(html) == [
        s["urgent_results"].id,
        s["urgent_attendance"].id,
        s["open_recent"].id,
        s["done_recent"].id,
        s["cancelled"].id,
        s["done_old"].id,
    ]
    assert "Dringend" in row(html, s["urgent_results"])
    assert "seit 12 Tagen offen" in row(html, s["urgent_results"])
    assert "Ergebnisse offen" in row(html, s["urgent_results"])
    assert "Ergebnis von 1 Person fehlt" in row(html, s["urgent_results"])
    assert "Anwesenheit offen" in row(html, s["urgent_attendance"])
    assert "Anwesenheit von 1 Person fehlt" in row(html, s["urgent_attendance"])
    assert "seit 3 Tagen offen" in row(html, s["open_recent"])
    for quiet in ("open_recent", "done_recent", "done_old", "cancelled"):
        assert "data-urgent" not in row(html, s[quiet]), quiet
    for done in ("done_recent", "done_old"):
        assert "offen" not in row(html, s[done]) and "Beendet" in row(html, s[done])
    assert "mehr als 7 Tage nach einem Termin" in html


def test_the_urgent_limit_is_configurable(app, client, login_as):
    trainer = trainer_account()
    s = world(trainer)
    db.session.commit()
    login_as(account=trainer)
    app.config["ATTENDANCE_URGENT_DAYS"] = 1
    try:
        client.set_cookie("da_lang", "en")
        html = client.get(PAST).get_data(as_text=True)
    finally:
        app.config["ATTENDANCE_URGENT_DAYS"] = 7
    assert order(html)[:3] == [
        s["open_recent"].id,
        s["urgent_results"].id,
        s["urgent_attendance"].id,
    ]
    assert "Urgent" in row(html, s["open_recent"])
    assert "open for 3 days" in row(html, s["open_recent"])
    assert "more than 1 day after a session" in html


def test_a_session_ended_today_is_open_since_today(client, login_as):
    trainer = trainer_account()
    session = ended(trainer, 0, "Heute", EnrolmentState.CONFIRMED)
    one_day = ended(trainer, 1, "Gestern", EnrolmentState.ATTENDED, EnrolmentState.ATTENDED)
    db.session.commit()
    login_as(account=trainer)
    html = client.get(PAST).get_data(as_text=True)
    assert "seit heute offen" in row(html, session)
    assert "seit 1 Tag offen" in row(html, one_day)
    assert "Ergebnisse von 2 Personen fehlen" in row(html, one_day)


def test_the_past_list_statements_do_not_grow(client, login_as):
    counts = []
    for n in (2, 12):
        trainer = trainer_account()
        for i in range(n):
            states = [EnrolmentState.CONFIRMED, EnrolmentState.ATTENDED, EnrolmentState.COMPLETED]
            ended(trainer, 2 + 3 * i, f"Kurs {i}", *states)
        db.session.commit()
        login_as(account=trainer)
        db.session.expire_all()
        with count_queries(db.engine) as queries:
            html = client.get(PAST).get_data(as_text=True)
        assert len(order(html)) == n
        counts.append(queries.count)
    assert counts[0] == counts[1], counts
