"""The approval inbox (/kurse/genehmigungen) over HTTP: who sees which requests, approving
one or several, declining with a reason (required), ids outside one's scope (403), the
tabs, the start-page panel and a query count that does not grow with the requests."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest

from academy.accounts.models import Role, User
from academy.clock import utcnow
from academy.extensions import db
from academy.org.models import Department, Employee
from courses.enrolment.models import Enrolment, EnrolmentState
from courses.sessions.models import CourseSession
from tests import factories
from tests.courses import factories as cf
from tests.courses.support import audit, head_of, hr, inbox, person
from tests.querycount import count_queries


def english(account: User) -> User:
    account.locale = "en"
    db.session.flush()
    return account


def future(days: float) -> datetime:
    return (utcnow() + timedelta(days=days)).replace(microsecond=0)


def request_of(
    employee: Employee, session: CourseSession | None = None, *, days_ago: int = 1
) -> Enrolment:
    """A pending request of ``employee`` for a session (of a course needing approval)."""
    session = session or cf.session(cf.course(requires_approval=True), starts_at=future(30))
    return cf.enrolment(
        session,
        employee,
        state=EnrolmentState.PENDING,
        requested_at=utcnow() - timedelta(days=days_ago),
    )


def team() -> tuple[Department, User, Department]:
    """A department with a head (English pages) and a sub-department."""
    dept = factories.department()
    sub = factories.department(parent=dept)
    boss = english(head_of(dept))
    return dept, boss, sub


def refreshed(*enrolments: Enrolment) -> list[str]:
    for enrolment in enrolments:
        db.session.refresh(enrolment)
    return [e.state for e in enrolments]


# ---------------------------------------------------------------------------
# Permissions
# ---------------------------------------------------------------------------


def test_anonymous_is_sent_to_login(client):
    for response in (
        client.get("/kurse/genehmigungen"),
        client.post("/kurse/genehmigungen/genehmigen"),
        client.post("/kurse/genehmigungen/1/genehmigen"),
        client.post("/kurse/genehmigungen/1/ablehnen"),
    ):
        assert response.status_code == 302 and "/anmelden" in response.headers["Location"]


def test_employee_cannot_open_the_inbox_or_decide(client, login_as):
    _dept, _boss, sub = team()
    request = request_of(factories.employee(sub))
    login_as(Role.EMPLOYEE)
    assert client.get("/kurse/genehmigungen").status_code == 403
    assert client.post(f"/kurse/genehmigungen/{request.id}/genehmigen").status_code == 403
    assert (
        client.post(f"/kurse/genehmigungen/{request.id}/ablehnen", data={"reason": "x"})
    ).status_code == 403
    response = client.post("/kurse/genehmigungen/genehmigen", data={"enrolment": [request.id]})
    assert response.status_code == 403
    assert refreshed(request) == [EnrolmentState.PENDING]
    assert "/kurse/genehmigungen" not in client.get("/").get_data(as_text=True)


def test_head_sees_the_subtree_only(client, login_as):
    dept, boss, sub = team()
    mine = request_of(factories.employee(dept))
    deeper = request_of(factories.employee(sub))
    own = request_of(boss.employee)
    elsewhere = request_of(factories.employee())
    login_as(account=boss)
    html = client.get("/kurse/genehmigungen").get_data(as_text=True)
    assert f'id="request-{mine.id}"' in html and f'id="request-{deeper.id}"' in html
    assert f'id="request-{own.id}"' not in html
    assert f'id="request-{elsewhere.id}"' not in html
    assert 'href="/kurse/genehmigungen"' in html  # navigation entry


def test_hr_sees_every_request(client, login_as):
    requests = [request_of(factories.employee()) for _ in range(2)]
    login_as(account=english(hr()))
    html = client.get("/kurse/genehmigungen").get_data(as_text=True)
    for request in requests:
        assert f'id="request-{request.id}"' in html


def test_head_cannot_decide_outside_the_subtree_by_typing_an_id(client, login_as):
    _dept, boss, _sub = team()
    foreign = request_of(factories.employee())
    own = request_of(boss.employee)
    login_as(account=boss)
    for request in (foreign, own):
        assert client.post(f"/kurse/genehmigungen/{request.id}/genehmigen").status_code == 403
        assert client.get(f"/kurse/genehmigungen/{request.id}/ablehnen").status_code == 403
        response = client.post(
            f"/kurse/genehmigungen/{request.id}/ablehnen", data={"reason": "Nein"}
        )
        assert response.status_code == 403
    assert refreshed(foreign, own) == [EnrolmentState.PENDING, EnrolmentState.PENDING]
    assert client.post("/kurse/genehmigungen/999999/genehmigen").status_code == 404


# ---------------------------------------------------------------------------
# Deciding
# ---------------------------------------------------------------------------


def test_head_approves_one_request(client, login_as):
    dept, boss, _sub = team()
    emp, account = person(dept)
    request = request_of(emp)
    login_as(account=boss)
    response = client.post(
        f"/kurse/genehmigungen/{request.id}/genehmigen",
        data={"next": "/kurse/genehmigungen?status=pending"},
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/kurse/genehmigungen?status=pending")
    assert refreshed(request) == [EnrolmentState.CONFIRMED]
    assert request.decided_by_id == boss.id
    assert audit(request, "enrolment.approved")
    assert inbox(account, "enrolment.approved")
    html = client.get("/kurse/genehmigungen").get_data(as_text=True)
    assert "has been approved; the place is confirmed" in html
    assert f'id="request-{request.id}"' not in html


def test_approving_a_decided_request_is_refused(client, login_as):
    dept, boss, _sub = team()
    request = request_of(factories.employee(dept))
    request.state = EnrolmentState.DECLINED.value
    db.session.flush()
    login_as(account=boss)
    response = client.post(f"/kurse/genehmigungen/{request.id}/genehmigen")
    assert response.status_code == 409
    assert "already been decided" in response.get_data(as_text=True)


def test_bulk_approve_gives_seats_then_waiting_list_places(client, login_as):
    dept, boss, sub = team()
    session = cf.session(cf.course(requires_approval=True), starts_at=future(30), capacity=2)
    requests = [
        request_of(factories.employee(dept if i % 2 else sub), session, days_ago=10 - i)
        for i in range(3)
    ]
    untouched = request_of(factories.employee(dept))
    login_as(account=boss)
    response = client.post(
        "/kurse/genehmigungen/genehmigen",
        data={"enrolment": [str(r.id) for r in requests], "next": "/kurse/genehmigungen"},
    )
    assert response.status_code == 302
    assert refreshed(*requests, untouched) == [
        EnrolmentState.CONFIRMED,
        EnrolmentState.CONFIRMED,
        EnrolmentState.WAITLISTED,
        EnrolmentState.PENDING,
    ]
    db.session.refresh(session)
    assert session.confirmed_count == 2
    html = client.get("/kurse/genehmigungen").get_data(as_text=True)
    assert "3 requests approved." in html
    assert "Places confirmed: 2; on the waiting list: 1." in html


def test_bulk_approve_with_a_foreign_id_changes_nothing(client, login_as):
    dept, boss, _sub = team()
    mine = request_of(factories.employee(dept))
    foreign = request_of(factories.employee())
    login_as(account=boss)
    response = client.post(
        "/kurse/genehmigungen/genehmigen", data={"enrolment": [mine.id, foreign.id]}
    )
    assert response.status_code == 403
    assert refreshed(mine, foreign) == [EnrolmentState.PENDING, EnrolmentState.PENDING]


def test_bulk_approve_without_selection(client, login_as):
    dept, boss, _sub = team()
    request_of(factories.employee(dept))
    login_as(account=boss)
    response = client.post("/kurse/genehmigungen/genehmigen", data={})
    assert response.status_code == 422
    assert "Please select at least one request." in response.get_data(as_text=True)


def test_decline_requires_a_reason(client, login_as):
    dept, boss, _sub = team()
    emp, account = person(dept)
    request = request_of(emp)
    login_as(account=boss)
    url = f"/kurse/genehmigungen/{request.id}/ablehnen"
    page = client.get(url)
    assert page.status_code == 200 and 'id="decline-form"' in page.get_data(as_text=True)

    response = client.post(url, data={"reason": "   "})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    match = re.search(r'id="reason-error"[^>]*>([^<]*)<', html)
    assert match and "Please give a reason for declining." in match.group(1)
    assert 'aria-invalid="true"' in html
    assert refreshed(request) == [EnrolmentState.PENDING]
    assert not inbox(account, "enrolment.declined")

    response = client.post(url, data={"reason": "Kein Budget im Quartal", "next": "/kurse/meine"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/kurse/meine")
    assert refreshed(request) == [EnrolmentState.DECLINED]
    assert request.decline_reason == "Kein Budget im Quartal"
    [notice] = inbox(account, "enrolment.declined")
    assert "Kein Budget im Quartal" in notice.body

    again = client.get(url)
    assert again.status_code == 302


def test_decline_from_the_inbox_row_with_an_external_next_stays_local(client, login_as):
    dept, boss, _sub = team()
    request = request_of(factories.employee(dept))
    login_as(account=boss)
    response = client.post(
        f"/kurse/genehmigungen/{request.id}/ablehnen",
        data={"reason": "Nicht dienstlich", "next": "https://evil.example/"},
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/kurse/genehmigungen")
    assert refreshed(request) == [EnrolmentState.DECLINED]


def test_tabs_show_approved_and_declined_requests(client, login_as):
    dept, boss, _sub = team()
    approved, declined, pending = (request_of(factories.employee(dept)) for _ in range(3))
    login_as(account=boss)
    client.post(f"/kurse/genehmigungen/{approved.id}/genehmigen")
    client.post(f"/kurse/genehmigungen/{declined.id}/ablehnen", data={"reason": "Zu teuer"})

    html = client.get("/kurse/genehmigungen?status=approved").get_data(as_text=True)
    assert f'id="request-{approved.id}"' in html
    assert f'id="request-{declined.id}"' not in html and f'id="request-{pending.id}"' not in html
    assert boss.display_name in html

    html = client.get("/kurse/genehmigungen?status=declined").get_data(as_text=True)
    assert f'id="request-{declined.id}"' in html and "Zu teuer" in html
    assert f'id="request-{approved.id}"' not in html

    html = client.get("/kurse/genehmigungen?status=nonsense").get_data(as_text=True)
    assert f'id="request-{pending.id}"' in html


def test_pending_rows_show_the_details_and_the_controls(client, login_as):
    dept, boss, _sub = team()
    emp = factories.employee(dept, first_name="Özlem", last_name="Straßburger")
    request = request_of(
        emp, cf.session(cf.course("Datenschutz für Ämter", requires_approval=True))
    )
    login_as(account=boss)
    html = client.get("/kurse/genehmigungen").get_data(as_text=True)
    row = re.search(rf'<tr id="request-{request.id}">.*?</tr>', html, re.S).group(0)
    assert "Özlem Straßburger" in row and "Datenschutz für Ämter" in row
    assert f'value="{request.id}" form="bulk-approve"' in row
    assert f'action="/kurse/genehmigungen/{request.id}/genehmigen"' in row
    assert f'action="/kurse/genehmigungen/{request.id}/ablehnen"' in row
    assert 'id="bulk-approve"' in html


@pytest.mark.parametrize("tab", ["pending", "approved"])
def test_inbox_query_count_does_not_grow(client, login_as, tab):
    counts = []
    for n in (3, 30):
        dept, boss, sub = team()
        for i in range(n):
            emp = factories.employee(sub if i % 2 else dept)
            request = request_of(emp, days_ago=i + 1)
            if tab == "approved":
                request.decided_at = utcnow()
                request.decided_by_id = boss.id if i % 2 else hr().id
                request.state = EnrolmentState.CONFIRMED.value
        db.session.flush()
        login_as(account=boss)
        url = f"/kurse/genehmigungen?status={tab}"
        assert client.get(url).status_code == 200  # warm-up
        with count_queries(db.engine) as queries:
            response = client.get(url)
        assert response.get_data(as_text=True).count('<tr id="request-') == min(n, 25)
        counts.append(queries.count)
    assert counts[0] == counts[1], counts


def test_head_start_page_panel(client, login_as):
    dept, boss, _sub = team()
    requests = [request_of(factories.employee(dept), days_ago=10 - i) for i in range(5)]
    login_as(account=boss)
    html = client.get("/").get_data(as_text=True)
    assert 'data-figure="pending-approvals">5 requests await your decision.' in html
    panel = re.search(r'id="panel-oldest-requests".*?</table>', html, re.S).group(0)
    names = [r.employee.full_name for r in requests]
    assert all(name in panel for name in names[:3])
    assert not any(name in panel for name in names[3:])
    assert 'href="/kurse/genehmigungen"' in html
