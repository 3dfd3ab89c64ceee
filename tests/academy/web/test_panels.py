"""Start-page panels of the core roles show real figures from the database."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest

import academy.web.panels  # noqa: F401 - registers the panels (also imported by academy.web.app)
from academy.accounts.models import Role, UserSession
from academy.audit.log import record
from academy.audit.models import AccessLogEntry
from academy.auth.sessions import start_session
from academy.clock import utcnow
from academy.extensions import db as ext_db
from tests.conftest import log_in
from tests.querycount import count_queries


@pytest.fixture(autouse=True)
def english(client):
    """English pages, so the assertions do not depend on the German translations."""
    client.set_cookie("da_lang", "en")


def figure(html: str, name: str) -> str:
    match = re.search(rf'data-figure="{re.escape(name)}">\s*(.*?)\s*</', html, re.S)
    assert match, f"figure {name!r} not on the page"
    return match.group(1).strip()


def number(html: str, name: str) -> int:
    return int(figure(html, name).replace(".", "").replace(",", ""))


def home(client) -> str:
    response = client.get("/")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_employee_panel(client, make, db):
    root = make.department("Rathaus Zentrale")
    amt = make.department("Amt für Digitales", parent=root)
    role = make.job_role("Sachbearbeitung E-Akte")
    emp = make.employee(amt, job_role=role, entry_date=date(2012, 1, 1), pay_group="E 9c")
    user = make.user(emp=emp, password=None)
    log_in(client, user)
    html = home(client)
    assert "My personnel record" in html
    assert "Amt für Digitales" in figure(html, "department")
    assert "Rathaus Zentrale" in figure(html, "department")
    assert figure(html, "job-role") == "Sachbearbeitung E-Akte"
    assert "2012" in figure(html, "entry-date")
    today = date.today()
    assert number(html, "years") == today.year - 2012
    assert figure(html, "pay-group") == "E 9c"
    assert f'href="/organisation/beschaeftigte/{emp.id}"' in html
    # Only the employee's panel.
    for other in ("My team", "Staff overview", "Data protection", "Manage accounts"):
        assert other not in html


def test_head_panel(client, make, db):
    amt = make.department("Amt für Digitales")
    sub = make.department("Abteilung Fachverfahren", parent=amt)
    elsewhere = make.department("Ordnungsamt")
    head_emp = make.employee(amt)
    head = make.user(Role.HEAD, emp=head_emp, password=None)
    make.employee(amt)
    for _ in range(3):
        make.employee(sub)
    make.employee(sub, active=False)  # has left: not counted
    make.employee(elsewhere)  # outside the team
    log_in(client, head)
    html = home(client)
    assert "My team" in html
    assert number(html, f"dept-{amt.id}") == 2
    assert number(html, f"dept-{sub.id}") == 3
    assert number(html, "team-total") == 5
    assert f"dept-{elsewhere.id}" not in html
    assert f'href="/organisation/beschaeftigte?department={sub.id}"' in html
    assert f'href="/organisation/bereiche/{amt.id}"' in html


def test_hr_panel(client, make, db):
    hr = make.user(Role.HR, password=None)
    log_in(client, hr)
    before = home(client)
    assert "Staff overview" in before
    assert figure(before, "last-import") == "none yet"

    dept = make.department()
    make.department(parent=dept)
    for _ in range(3):
        make.employee(dept)
    for _ in range(2):
        make.employee(dept, active=False)
    make.job_role()
    make.job_role()
    record(hr, "staff.import", "staff_import", 1, now=datetime(2024, 2, 5, 7, 30, tzinfo=UTC))
    record(hr, "staff.import", "staff_import", 2, now=datetime(2024, 3, 5, 7, 30, tzinfo=UTC))
    db.session.commit()
    after = home(client)
    assert number(after, "active-employees") == number(before, "active-employees") + 3
    assert number(after, "inactive-employees") == number(before, "inactive-employees") + 2
    assert number(after, "departments") == number(before, "departments") + 2
    assert number(after, "job-roles") == number(before, "job-roles") + 2
    last = figure(after, "last-import")
    assert "2024" in last and "8:30" in last and hr.display_name in last  # Berlin time
    assert "Mar" in last or "03." in last


def test_council_panel(client, make, db):
    council = make.user(Role.COUNCIL, password=None)
    viewer_a = make.user(Role.HR, password=None)
    viewer_b = make.user(Role.HEAD, password=None)
    subject = make.employee()
    log_in(client, council)
    before = home(client)
    assert "Data protection" in before
    now = utcnow()
    for actor, days in ((viewer_a, 1), (viewer_a, 10), (viewer_b, 29), (viewer_b, 40)):
        db.session.add(
            AccessLogEntry(
                actor_id=actor.id,
                subject_id=subject.id,
                what="employee.record",
                at=now - timedelta(days=days),
            )
        )
    record(council, "test.recent", "test", 1, now=now - timedelta(days=2))
    record(council, "test.recent", "test", 2, now=now - timedelta(days=20))
    record(council, "test.old", "test", 3, now=now - timedelta(days=31))
    db.session.commit()
    after = home(client)
    assert number(after, "accesses") == number(before, "accesses") + 3
    assert number(after, "viewers") == number(before, "viewers") + 2
    assert number(after, "audit-entries") == number(before, "audit-entries") + 2
    assert 'href="/personalrat/zugriffe"' in after


def test_admin_panel(client, make, db):
    admin = make.user(Role.ADMIN, password=None)
    log_in(client, admin)
    before = home(client)
    assert "Manage accounts" in before
    make.user(Role.HR, password=None)
    inactive = make.user(Role.HR, password=None)
    inactive.active = False
    make.user(Role.COUNCIL, Role.TRAINER, password=None)
    head = make.user(Role.HEAD, password=None)
    make.user(password=None, with_employee=False)
    start_session(head, now=utcnow(), lifetime=timedelta(hours=1), remote_addr="x", user_agent="y")
    db.session.add(
        UserSession(
            token_hash="expired-session-for-test",
            user_id=head.id,
            created_at=utcnow() - timedelta(hours=3),
            expires_at=utcnow() - timedelta(hours=1),
        )
    )
    db.session.commit()
    after = home(client)

    def delta(name: str) -> int:
        return number(after, name) - number(before, name)

    assert delta("role-hr") == 1  # the inactive account is not counted
    assert delta("role-council") == 1
    assert delta("role-trainer") == 1
    assert delta("role-head") == 1
    assert delta("role-employee") == 3  # the HR, council and head accounts have a record
    assert delta("role-admin") == 0
    assert delta("accounts-total") == 5
    assert delta("accounts-inactive") == 1
    assert delta("sessions") == 1  # the expired one is not counted
    assert 'href="/verwaltung/konten"' in after


def test_panels_for_several_roles_need_few_queries(client, make, db):
    user = make.user(Role.HR, Role.COUNCIL, Role.ADMIN, Role.HEAD, password=None)
    log_in(client, user)
    html = home(client)
    for title in ("My personnel record", "My team", "Staff overview", "Data protection"):
        assert title in html
    db.session.expire_all()
    with count_queries(ext_db.engine) as few:
        home(client)
    for _ in range(20):
        make.employee(user.employee.department)
    db.session.commit()
    db.session.expire_all()
    with count_queries(ext_db.engine) as more:
        home(client)
    # Every package adds its panels; what matters is that no panel queries per row. This
    # account holds four roles, so it sees nearly every panel: the head's and HR's budget
    # panels (subtree and organisation, four statements each), mandatory training,
    # evaluations and external requests come on top of round 2's 30.
    assert more.count == few.count, str(more)
    assert more.count <= 48, str(more)
