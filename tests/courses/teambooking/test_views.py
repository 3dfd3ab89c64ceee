"""The team booking pages, route by route: a head books members of their team and
reserves seats (another unit's member or reservation: 403, an unknown id: 404; bad input
at the field, nothing changed), fills and releases a reservation; HR releases with a
reason; a member accepts or declines a suggestion made to them — nobody else's."""

from __future__ import annotations

from sqlalchemy import func, select

from academy.accounts.models import Role
from academy.clock import utcnow
from academy.extensions import db
from courses.enrolment.models import Enrolment, EnrolmentState
from courses.teambooking.models import ProposalState, Reservation
from courses.teambooking.proposals import propose
from courses.teambooking.reservations import reserve
from tests import factories
from tests.courses import factories as cf
from tests.courses.support import person
from tests.courses.teambooking.support import team


def enrolments() -> int:
    return db.session.scalar(select(func.count()).select_from(Enrolment)) or 0


def test_a_head_books_members_from_the_session_page(client, login_as):
    _unit, _sub, head, (a, _), _b = team()
    session = cf.session(capacity=4)
    db.session.commit()
    login_as(account=head)
    assert client.get("/kurse/team-buchung").status_code == 200
    page = client.get(f"/kurse/team-buchung/termine/{session.id}").get_data(as_text=True)
    assert a.sort_name in page
    response = client.post(
        f"/kurse/team-buchung/termine/{session.id}", data={"employee": [str(a.id)]}
    )
    assert response.status_code == 302
    enrolment = db.session.scalar(select(Enrolment).where(Enrolment.employee_id == a.id))
    assert enrolment.state == EnrolmentState.CONFIRMED
    again = client.get(f"/kurse/team-buchung/termine/{session.id}").get_data(as_text=True)
    assert "Bestätigt" in again and f'name="employee" value="{a.id}"' not in again


def test_ids_of_other_units_and_unknown_ids_are_refused(client, login_as):
    _unit, _sub, head, _a, _b = team()
    stranger, _ = person()
    session = cf.session()
    other_head_unit = factories.department()
    db.session.commit()
    login_as(account=head)
    url = f"/kurse/team-buchung/termine/{session.id}"
    assert client.post(url, data={"employee": [str(stranger.id)]}).status_code == 403
    assert client.post(url, data={"employee": ["99999999"]}).status_code == 404
    assert client.post(url, data={"employee": ["abc"]}).status_code == 400
    nobody = client.post(url, data={})
    assert (
        nobody.status_code == 422
        and "Bitte wählen Sie mindestens eine Person aus." in nobody.get_data(as_text=True)
    )
    assert client.get("/kurse/team-buchung/termine/99999999").status_code == 404
    response = client.post(
        f"/kurse/team-buchung/termine/{session.id}/reservieren",
        data={"unit": str(other_head_unit.id), "seats": "1"},
    )
    assert response.status_code == 422  # not a unit of theirs: not offered
    assert (
        enrolments() == 0 and db.session.scalar(select(func.count()).select_from(Reservation)) == 0
    )


def test_reserving_filling_and_releasing_through_the_pages(client, login_as):
    unit, _sub, head, (a, _), _b = team()
    session = cf.session(capacity=3)
    db.session.commit()
    login_as(account=head)
    url = f"/kurse/team-buchung/termine/{session.id}/reservieren"
    too_many = client.post(url, data={"unit": str(unit.id), "seats": "5"})
    assert too_many.status_code == 422 and "Freie Plätze: nur noch 3." in too_many.get_data(
        as_text=True
    )
    response = client.post(url, data={"unit": str(unit.id), "seats": "2"})
    assert response.status_code == 302
    reservation = db.session.scalar(select(Reservation))
    page = f"/kurse/team-buchung/kontingente/{reservation.id}"
    assert client.get(page).status_code == 200
    assert client.post(page, data={"employee": [str(a.id)]}).status_code == 302
    db.session.refresh(reservation)
    assert reservation.filled == 1
    assert client.post(page + "/freigeben", data={"reason": ""}).status_code == 302
    db.session.refresh(reservation)
    assert reservation.released_at is not None and reservation.returned == 1


def test_another_units_reservation_is_refused_and_hr_releases_with_a_reason(client, login_as):
    unit, _sub, head, _a, _b = team()
    session = cf.session(capacity=5)
    reservation = reserve(head, session, unit, 2, utcnow())
    _u2, _s2, other_head, _a2, _b2 = team()
    db.session.commit()
    login_as(account=other_head)
    assert client.get(f"/kurse/team-buchung/kontingente/{reservation.id}").status_code == 403
    assert (
        client.post(f"/kurse/team-buchung/kontingente/{reservation.id}/freigeben").status_code
        == 403
    )
    login_as(Role.HR)
    assert client.get("/kurse/verwaltung/kontingente").status_code == 200
    url = f"/kurse/verwaltung/kontingente/{reservation.id}/freigeben"
    refused = client.post(url, data={"reason": ""}, follow_redirects=True)
    assert "Bitte geben Sie eine Begründung an." in refused.get_data(as_text=True)
    assert client.post(url, data={"reason": "Lange Warteliste"}).status_code == 302
    db.session.refresh(reservation)
    assert reservation.released_at is not None


def test_a_member_answers_only_their_own_suggestions(client, login_as):
    _unit, _sub, head, (a, a_user), (b, b_user) = team()
    session = cf.session(capacity=4)
    [mine] = propose(head, session, [a], utcnow())
    [theirs] = propose(head, cf.session(), [b], utcnow())
    db.session.commit()
    login_as(account=a_user)
    learning = client.get("/kurse/meine").get_data(as_text=True)
    assert 'id="my-proposals"' in learning and session.course.title in learning
    assert client.post(f"/kurse/vorschlaege/{theirs.id}/annehmen").status_code == 403
    assert client.get(f"/kurse/vorschlaege/{theirs.id}/ablehnen").status_code == 403
    assert client.post(f"/kurse/vorschlaege/{mine.id}/annehmen").status_code == 302
    db.session.refresh(mine)
    assert mine.state == ProposalState.ACCEPTED
    login_as(account=b_user)
    assert client.get(f"/kurse/vorschlaege/{theirs.id}/ablehnen").status_code == 200
    too_long = client.post(f"/kurse/vorschlaege/{theirs.id}/ablehnen", data={"reason": "x" * 1001})
    assert too_long.status_code == 422
    assert (
        client.post(
            f"/kurse/vorschlaege/{theirs.id}/ablehnen", data={"reason": "Urlaub"}
        ).status_code
        == 302
    )
    db.session.refresh(theirs)
    assert theirs.state == ProposalState.DECLINED and theirs.decline_reason == "Urlaub"


def test_employees_without_a_team_cannot_book(client, login_as):
    login_as(account=person()[1])
    assert client.get("/kurse/team-buchung").status_code == 403
    assert client.get("/kurse/verwaltung/kontingente").status_code == 403
