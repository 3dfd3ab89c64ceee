"""POST /kurse/termine/<id>/ergebnisse/alle ('Alle bestanden') over HTTP: offered with
a confirmation beside the results form, records everyone left as completed, and
another trainer changes nothing."""

from __future__ import annotations

import re
from datetime import timedelta

from academy.accounts.models import Role, User
from academy.clock import utcnow
from academy.extensions import db
from courses.enrolment.models import Enrolment, EnrolmentState
from courses.sessions.models import CourseSession
from tests import factories
from tests.courses import factories as cf


def trainer_account() -> User:
    return factories.user(Role.TRAINER, with_employee=False)


def running_session(trainer: User) -> CourseSession:
    starts = (utcnow() - timedelta(hours=1)).replace(second=0, microsecond=0)
    return cf.session(starts_at=starts, trainer=trainer)


def state_of(enrolment: Enrolment) -> str:
    db.session.expire_all()
    return db.session.get(Enrolment, enrolment.id).state


def test_the_trainer_records_everyone_left_as_completed(client, login_as):
    trainer = trainer_account()
    session = running_session(trainer)
    attended = [cf.enrolment(session, state=EnrolmentState.ATTENDED) for _ in range(2)]
    absent = cf.enrolment(session, state=EnrolmentState.NO_SHOW)
    db.session.commit()
    login_as(account=trainer)
    client.set_cookie("da_lang", "en")
    roster = f"/kurse/termine/{session.id}/teilnehmende"

    page = client.get(roster).get_data(as_text=True)
    form = re.search(r'<form[^>]*id="results-all-form"[^>]*>', page, re.S).group(0)
    assert f"/kurse/termine/{session.id}/ergebnisse/alle" in form
    assert "data-confirm=" in form and "all 2 participants" in form
    assert "All passed (2)" in page

    response = client.post(f"/kurse/termine/{session.id}/ergebnisse/alle")
    assert response.status_code == 303 and response.headers["Location"].endswith(roster)
    html = client.get(roster).get_data(as_text=True)
    assert "2 participants have been recorded as completed." in html
    assert [state_of(e) for e in attended] == [EnrolmentState.COMPLETED] * 2
    assert state_of(absent) == EnrolmentState.NO_SHOW
    assert 'id="results-all-form"' not in html

    client.post(f"/kurse/termine/{session.id}/ergebnisse/alle")
    html = client.get(roster).get_data(as_text=True)
    assert "Everyone who attended already has a result." in html


def test_german_wording(client, login_as):
    trainer = trainer_account()
    session = running_session(trainer)
    cf.enrolment(session, state=EnrolmentState.ATTENDED)
    db.session.commit()
    login_as(account=trainer)
    page = client.get(f"/kurse/termine/{session.id}/teilnehmende").get_data(as_text=True)
    assert "Alle bestanden (1)" in page
    client.post(f"/kurse/termine/{session.id}/ergebnisse/alle")
    html = client.get(f"/kurse/termine/{session.id}/teilnehmende").get_data(as_text=True)
    assert "1 Teilnehmende/r wurde als bestanden erfasst." in html


def test_another_trainer_changes_nothing(client, login_as):
    session = running_session(trainer_account())
    attended = cf.enrolment(session, state=EnrolmentState.ATTENDED)
    db.session.commit()
    login_as(Role.TRAINER)
    assert client.post(f"/kurse/termine/{session.id}/ergebnisse/alle").status_code == 403
    assert client.post("/kurse/termine/999999/ergebnisse/alle").status_code == 404
    for role in (Role.EMPLOYEE, Role.HEAD):
        login_as(role)
        assert client.post(f"/kurse/termine/{session.id}/ergebnisse/alle").status_code == 403
    assert state_of(attended) == EnrolmentState.ATTENDED
