"""Administration pages: accounts, the audit log and the staff council's access log."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from academy.accounts.models import Role, User, UserSession
from academy.audit.log import record
from academy.audit.models import AccessLogEntry, AuditLogEntry
from academy.auth.passwords import verify_password
from academy.auth.sessions import start_session
from academy.clock import utcnow
from tests.conftest import log_in

GOOD_PASSWORD = "Ruhige-Amsel-am-Fluss-24"


@pytest.fixture(autouse=True)
def english(client):
    """English pages, so the assertions do not depend on the German translations."""
    client.set_cookie("da_lang", "en")


def field_error(html: str, field_id: str) -> str | None:
    """The text of the error tied to a form field (``<div id="<field>-error">``)."""
    match = re.search(rf'id="{re.escape(field_id)}-error"[^>]*>(.*?)</div>', html, re.S)
    return match.group(1).strip() if match else None


def session_count(db, user: User) -> int:
    return db.session.scalar(
        select(func.count()).select_from(UserSession).where(UserSession.user_id == user.id)
    )


# ---------------------------------------------------------------------------
# Permissions
# ---------------------------------------------------------------------------

ROUTES = [
    # (method, path, roles that may, roles that may not)
    ("get", "/verwaltung/konten", [Role.ADMIN], [Role.EMPLOYEE, Role.HR, Role.COUNCIL]),
    ("get", "/verwaltung/konten/neu", [Role.ADMIN], [Role.EMPLOYEE, Role.HR, Role.TRAINER]),
    ("post", "/verwaltung/konten/neu", [], [Role.HR, Role.HEAD, Role.COUNCIL]),
    ("get", "/verwaltung/konten/{uid}", [Role.ADMIN], [Role.EMPLOYEE, Role.HR, Role.HEAD]),
    ("post", "/verwaltung/konten/{uid}", [], [Role.HR, Role.COUNCIL, Role.TRAINER]),
    ("post", "/verwaltung/konten/{uid}/passwort", [], [Role.HR, Role.COUNCIL, Role.EMPLOYEE]),
    (
        "get",
        "/verwaltung/protokoll",
        [Role.ADMIN, Role.HR, Role.COUNCIL],
        [Role.EMPLOYEE, Role.HEAD, Role.TRAINER],
    ),
    (
        "get",
        "/personalrat/zugriffe",
        [Role.COUNCIL, Role.ADMIN],
        [Role.EMPLOYEE, Role.HR, Role.HEAD, Role.TRAINER],
    ),
]


@pytest.mark.parametrize(("method", "path", "allowed", "denied"), ROUTES)
def test_anonymous_is_sent_to_login(client, make, db, method, path, allowed, denied):
    target = make.user(password=None)
    db.session.commit()
    response = getattr(client, method)(path.format(uid=target.id))
    assert response.status_code == 302
    assert "/anmelden" in response.headers["Location"]


@pytest.mark.parametrize(("method", "path", "allowed", "denied"), ROUTES)
def test_route_permissions(client, app, make, db, method, path, allowed, denied):
    target = make.user(password=None)
    db.session.commit()
    url = path.format(uid=target.id)
    for role in denied:
        log_in(client, make.user(role, password=None))
        assert getattr(client, method)(url).status_code == 403, (role, url)
    for role in allowed:
        log_in(client, make.user(role, password=None))
        assert getattr(client, method)(url).status_code == 200, (role, url)
    # Nothing was changed by the refused requests.
    db.session.expire_all()
    assert target.active and target.assigned_roles == set()


def test_navigation_entries(client, login_as):
    login_as(Role.ADMIN)
    html = client.get("/").get_data(as_text=True)
    assert 'href="/verwaltung/konten"' in html
    assert 'href="/verwaltung/protokoll"' in html
    assert 'href="/personalrat/zugriffe"' in html
    login_as(Role.HR)
    html = client.get("/").get_data(as_text=True)
    assert 'href="/verwaltung/protokoll"' in html
    assert 'href="/verwaltung/konten"' not in html
    assert 'href="/personalrat/zugriffe"' not in html


# ---------------------------------------------------------------------------
# Accounts list
# ---------------------------------------------------------------------------


def test_accounts_list_shows_roles_state_and_last_login(client, login_as, make, db):
    login_as(Role.ADMIN)
    head = make.user(Role.HEAD, Role.TRAINER, password=None)
    inactive = make.user(Role.HR, password=None)
    inactive.active = False
    head.last_login_at = datetime(2024, 6, 1, 10, 0, tzinfo=UTC)
    db.session.commit()
    html = client.get("/verwaltung/konten?q=" + head.email).get_data(as_text=True)
    row = html.split("<tbody>")[1].split(head.email)[1].split("</tr>")[0]
    assert "Department head" in row and "Trainer" in row and "Employee" in row
    assert "Active" in row and "2024" in row
    html = client.get("/verwaltung/konten?q=" + inactive.email).get_data(as_text=True)
    row = html.split("<tbody>")[1].split(inactive.email)[1].split("</tr>")[0]
    assert "Inactive" in row and "HR development" in row


def test_accounts_search_and_role_filter(client, login_as, make, db):
    login_as(Role.ADMIN)
    head = make.user(Role.HEAD, password=None)
    council = make.user(Role.COUNCIL, password=None)
    other = make.user(password=None)
    db.session.commit()

    html = client.get("/verwaltung/konten", query_string={"role": "head"}).get_data(as_text=True)
    assert head.email in html and council.email not in html and other.email not in html

    html = client.get("/verwaltung/konten", query_string={"role": "council"}).get_data(as_text=True)
    assert council.email in html and head.email not in html

    html = client.get("/verwaltung/konten", query_string={"q": other.display_name}).get_data(
        as_text=True
    )
    assert other.email in html and council.email not in html


def test_accounts_pagination(client, login_as, make, db):
    login_as(Role.ADMIN)
    for n in range(27):
        make.user(email=f"pagetest{n:02d}@example.org", password=None, with_employee=False)
    db.session.commit()
    first = client.get("/verwaltung/konten?q=pagetest").get_data(as_text=True)
    second = client.get("/verwaltung/konten?q=pagetest&page=2").get_data(as_text=True)
    on_first = set(re.findall(r"pagetest\d\d@example.org", first))
    on_second = set(re.findall(r"pagetest\d\d@example.org", second))
    assert len(on_first) == 25 and len(on_second) == 2
    assert not on_first & on_second
    assert "page=2" in first


# ---------------------------------------------------------------------------
# Creating an account
# ---------------------------------------------------------------------------


def test_create_account(client, login_as, make, db):
    admin = login_as(Role.ADMIN)
    emp = make.employee()
    db.session.commit()
    response = client.post(
        "/verwaltung/konten/neu",
        data={
            "email": "Neu.Konto@Example.org",
            "display_name": "Neues Konto",
            "personnel_no": emp.personnel_no,
            "password": GOOD_PASSWORD,
            "roles": ["hr", "trainer"],
        },
    )
    assert response.status_code == 302
    user = db.session.scalar(select(User).where(User.email == "neu.konto@example.org"))
    assert user is not None and user.employee_id == emp.id
    assert user.assigned_roles == {Role.HR, Role.TRAINER}
    assert verify_password(user.password_hash, GOOD_PASSWORD)
    assert response.headers["Location"].endswith(f"/verwaltung/konten/{user.id}")
    entry = db.session.scalar(
        select(AuditLogEntry).where(
            AuditLogEntry.action == "account.created", AuditLogEntry.object_id == str(user.id)
        )
    )
    assert entry is not None and entry.actor_id == admin.id


def _count_users(db) -> int:
    return db.session.scalar(select(func.count()).select_from(User))


@pytest.mark.parametrize(
    ("change", "field", "status"),
    [
        ({"password": "kurz"}, "password", 422),
        ({"password": "Passwort2024!"}, "password", 422),  # a common password
        ({"personnel_no": "X-DOES-NOT-EXIST"}, "personnel_no", 422),
        ({"email": "no-email-address"}, "email", 422),
        ({"display_name": ""}, "display_name", 422),
    ],
)
def test_create_account_validation(client, login_as, db, change, field, status):
    login_as(Role.ADMIN)
    before = _count_users(db)
    data = {
        "email": "valid@example.org",
        "display_name": "Valid",
        "password": GOOD_PASSWORD,
        "roles": ["hr"],
    }
    data.update(change)
    response = client.post("/verwaltung/konten/neu", data=data)
    assert response.status_code == status
    assert field_error(response.get_data(as_text=True), field)
    assert _count_users(db) == before


def test_create_account_conflicts(client, login_as, make, db):
    login_as(Role.ADMIN)
    taken = make.user(password=None)
    emp_with_account = taken.employee
    db.session.commit()
    before = _count_users(db)
    response = client.post(
        "/verwaltung/konten/neu",
        data={
            "email": "fresh@example.org",
            "display_name": "Fresh",
            "personnel_no": emp_with_account.personnel_no,
            "password": GOOD_PASSWORD,
        },
    )
    assert response.status_code == 409
    assert "already has an account" in field_error(response.get_data(as_text=True), "personnel_no")
    response = client.post(
        "/verwaltung/konten/neu",
        data={"email": taken.email.upper(), "display_name": "Dup", "password": GOOD_PASSWORD},
    )
    assert response.status_code == 409
    assert "already exists" in field_error(response.get_data(as_text=True), "email")
    assert _count_users(db) == before


# ---------------------------------------------------------------------------
# Editing an account
# ---------------------------------------------------------------------------


def _edit_data(user: User, **changes) -> dict:
    data = {
        "display_name": user.display_name,
        "personnel_no": user.employee.personnel_no if user.employee else "",
        "roles": sorted(r.value for r in user.assigned_roles),
        "active": "y" if user.active else "",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v not in ("", None)}


def test_edit_account(client, login_as, make, db):
    admin = login_as(Role.ADMIN)
    user = make.user(Role.TRAINER, password=None)
    new_emp = make.employee()
    db.session.commit()
    response = client.post(
        f"/verwaltung/konten/{user.id}",
        data=_edit_data(
            user,
            display_name="Anders Benannt",
            roles=["council", "hr"],
            personnel_no=new_emp.personnel_no,
        ),
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert user.display_name == "Anders Benannt"
    assert user.assigned_roles == {Role.COUNCIL, Role.HR}
    assert user.employee_id == new_emp.id
    actions = set(
        db.session.scalars(
            select(AuditLogEntry.action).where(
                AuditLogEntry.object_id == str(user.id), AuditLogEntry.actor_id == admin.id
            )
        )
    )
    assert {"account.updated", "account.roles_changed"} <= actions


def test_edit_unlinks_employee(client, login_as, make, db):
    login_as(Role.ADMIN)
    user = make.user(password=None)
    db.session.commit()
    data = _edit_data(user)
    del data["personnel_no"]
    assert client.post(f"/verwaltung/konten/{user.id}", data=data).status_code == 302
    db.session.expire_all()
    assert user.employee_id is None


def test_edit_form_shows_current_values_and_head_status(client, login_as, make, db):
    login_as(Role.ADMIN)
    user = make.user(Role.HEAD, Role.COUNCIL, password=None)
    dept = user.employee.department
    db.session.commit()
    html = client.get(f"/verwaltung/konten/{user.id}").get_data(as_text=True)
    assert f'value="{user.display_name}"' in html
    assert re.search(r'value="council"[^>]*checked|checked[^>]*value="council"', html)
    assert not re.search(r'value="hr"[^>]*checked', html)
    headed = html.split('id="headed-departments"')[1].split("</dd>")[0]
    assert f'href="/organisation/bereiche/{dept.id}"' in headed and dept.name in headed


def test_admin_cannot_remove_own_admin_role(client, login_as, db):
    admin = login_as(Role.ADMIN)
    response = client.post(f"/verwaltung/konten/{admin.id}", data=_edit_data(admin, roles=["hr"]))
    assert response.status_code == 422
    assert "own administrator role" in field_error(response.get_data(as_text=True), "roles")
    db.session.expire_all()
    assert admin.assigned_roles == {Role.ADMIN}


def test_admin_cannot_deactivate_self(client, login_as, db):
    admin = login_as(Role.ADMIN)
    data = _edit_data(admin, display_name="Changed Too")
    del data["active"]
    response = client.post(f"/verwaltung/konten/{admin.id}", data=data)
    assert response.status_code == 422
    assert "deactivate your own account" in field_error(response.get_data(as_text=True), "active")
    db.session.expire_all()
    assert admin.active and admin.display_name != "Changed Too"


def test_edit_conflicting_employee_link_changes_nothing(client, login_as, make, db):
    login_as(Role.ADMIN)
    user = make.user(Role.TRAINER, password=None)
    other = make.user(password=None)
    old_emp = user.employee_id
    db.session.commit()
    response = client.post(
        f"/verwaltung/konten/{user.id}",
        data=_edit_data(
            user, display_name="Should Not Stick", personnel_no=other.employee.personnel_no
        ),
    )
    assert response.status_code == 409
    assert field_error(response.get_data(as_text=True), "personnel_no")
    db.session.expire_all()
    assert user.employee_id == old_emp and user.display_name != "Should Not Stick"


def test_deactivation_asks_for_confirmation_then_ends_sessions(client, app, login_as, make, db):
    login_as(Role.ADMIN)
    user = make.user(Role.HR, password=None)
    start_session(
        user,
        now=utcnow(),
        lifetime=timedelta(hours=1),
        remote_addr="10.0.0.1",
        user_agent="other browser",
    )
    db.session.commit()
    assert session_count(db, user) == 1
    data = _edit_data(user)
    del data["active"]

    response = client.post(f"/verwaltung/konten/{user.id}", data=data)
    assert response.status_code == 200
    assert 'id="confirm-deactivation"' in response.get_data(as_text=True)
    assert 'name="confirm_deactivation"' in response.get_data(as_text=True)
    db.session.expire_all()
    assert user.active and session_count(db, user) == 1

    data["confirm_deactivation"] = "y"
    response = client.post(f"/verwaltung/konten/{user.id}", data=data)
    assert response.status_code == 302
    db.session.expire_all()
    assert not user.active
    assert session_count(db, user) == 0
    assert db.session.scalar(
        select(AuditLogEntry).where(
            AuditLogEntry.action == "account.deactivated", AuditLogEntry.object_id == str(user.id)
        )
    )
    # The deactivated person's own client is logged out.
    other = app.test_client()
    log_in(other, user)  # a fresh session row, but the account is inactive
    assert other.get("/").status_code == 302

    # Reactivating needs no confirmation.
    data = _edit_data(user, active="y")
    assert client.post(f"/verwaltung/konten/{user.id}", data=data).status_code == 302
    db.session.expire_all()
    assert user.active


def test_set_password(client, login_as, make, db):
    login_as(Role.ADMIN)
    user = make.user(password=None)
    start_session(
        user, now=utcnow(), lifetime=timedelta(hours=1), remote_addr="10.0.0.1", user_agent="x"
    )
    db.session.commit()
    response = client.post(
        f"/verwaltung/konten/{user.id}/passwort",
        data={"pw-password": "schwach", "pw-repeat": "schwach"},
    )
    assert response.status_code == 422
    assert "at least 12" in field_error(response.get_data(as_text=True), "pw-password")
    db.session.expire_all()
    assert user.password_hash is None and session_count(db, user) == 1

    response = client.post(
        f"/verwaltung/konten/{user.id}/passwort",
        data={"pw-password": GOOD_PASSWORD, "pw-repeat": GOOD_PASSWORD + "x"},
    )
    assert response.status_code == 422
    assert field_error(response.get_data(as_text=True), "pw-repeat")

    response = client.post(
        f"/verwaltung/konten/{user.id}/passwort",
        data={"pw-password": GOOD_PASSWORD, "pw-repeat": GOOD_PASSWORD},
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert verify_password(user.password_hash, GOOD_PASSWORD)
    assert session_count(db, user) == 0


def test_unknown_account_is_404(client, login_as):
    login_as(Role.ADMIN)
    assert client.get("/verwaltung/konten/999999").status_code == 404


# ---------------------------------------------------------------------------
# Audit log
# ---------------------------------------------------------------------------


def _entries(db, actor: User, other: User) -> None:
    record(actor, "course.created", "course", 1, now=datetime(2024, 3, 1, 9, 0, tzinfo=UTC))
    record(actor, "course.updated", "course", 1, now=datetime(2024, 3, 1, 10, 0, tzinfo=UTC))
    # 23:30 UTC on 1 March is 00:30 on 2 March in Berlin.
    record(
        other,
        "enrolment.confirmed",
        "enrolment",
        7,
        from_state="pending_approval",
        to_state="confirmed",
        now=datetime(2024, 3, 1, 23, 30, tzinfo=UTC),
    )
    db.session.commit()


def _listed_actions(html: str) -> list[str]:
    return re.findall(r'<tr data-action="([a-z0-9_.]+)">', html)


def test_audit_log_newest_first_and_filters(client, login_as, make, db):
    hr = login_as(Role.HR)
    other = make.user(Role.TRAINER, password=None)
    _entries(db, hr, other)
    since = {"date_from": "2024-03-01", "date_to": "2024-03-02"}

    html = client.get("/verwaltung/protokoll", query_string=since).get_data(as_text=True)
    assert _listed_actions(html) == ["enrolment.confirmed", "course.updated", "course.created"]
    assert "<code>pending_approval</code>" in html and "<code>confirmed</code>" in html

    html = client.get(
        "/verwaltung/protokoll", query_string={**since, "action": "course."}
    ).get_data(as_text=True)
    assert _listed_actions(html) == ["course.updated", "course.created"]

    html = client.get(
        "/verwaltung/protokoll", query_string={**since, "actor": other.email.upper()}
    ).get_data(as_text=True)
    assert _listed_actions(html) == ["enrolment.confirmed"]

    html = client.get(
        "/verwaltung/protokoll", query_string={**since, "object_type": "course"}
    ).get_data(as_text=True)
    assert _listed_actions(html) == ["course.updated", "course.created"]

    # Date range in Berlin time: the late entry belongs to 2 March.
    html = client.get(
        "/verwaltung/protokoll", query_string={"date_from": "2024-03-02", "date_to": "2024-03-02"}
    ).get_data(as_text=True)
    assert _listed_actions(html) == ["enrolment.confirmed"]
    html = client.get(
        "/verwaltung/protokoll", query_string={"date_from": "2024-03-01", "date_to": "2024-03-01"}
    ).get_data(as_text=True)
    assert _listed_actions(html) == ["course.updated", "course.created"]
    # Shown in Berlin time: 10:00 UTC is 11:00 CET.
    assert "11:00" in html


def test_audit_log_invalid_date_range_is_reported(client, login_as):
    login_as(Role.COUNCIL)
    response = client.get(
        "/verwaltung/protokoll", query_string={"date_from": "2024-03-05", "date_to": "2024-03-01"}
    )
    assert response.status_code == 200
    assert field_error(response.get_data(as_text=True), "date_to")


def test_audit_log_pagination(client, login_as, db):
    admin = login_as(Role.ADMIN)
    base = datetime(2023, 1, 1, 12, 0, tzinfo=UTC)
    for n in range(30):
        record(admin, f"paging.test{n:02d}", "paging", n, now=base + timedelta(minutes=n))
    db.session.commit()
    first = client.get("/verwaltung/protokoll?action=paging.").get_data(as_text=True)
    second = client.get("/verwaltung/protokoll?action=paging.&page=2").get_data(as_text=True)
    assert _listed_actions(first)[:2] == ["paging.test29", "paging.test28"]
    assert len(_listed_actions(first)) == 25
    assert _listed_actions(second) == [f"paging.test{n:02d}" for n in range(4, -1, -1)]


# ---------------------------------------------------------------------------
# Access log
# ---------------------------------------------------------------------------


def test_access_log_lists_and_filters(client, login_as, make, db):
    login_as(Role.COUNCIL)
    hr = make.user(Role.HR, password=None)
    head = make.user(Role.HEAD, password=None)
    seen = make.employee(last_name="Zugriffsperson")
    other_seen = make.employee(last_name="Anderemensch")
    db.session.add_all(
        [
            AccessLogEntry(
                actor_id=hr.id,
                subject_id=seen.id,
                what="employee.record",
                at=datetime(2024, 5, 2, 8, 0, tzinfo=UTC),
            ),
            AccessLogEntry(
                actor_id=head.id,
                subject_id=other_seen.id,
                what="talent.profile",
                at=datetime(2024, 5, 3, 8, 0, tzinfo=UTC),
            ),
        ]
    )
    db.session.commit()
    html = client.get("/personalrat/zugriffe").get_data(as_text=True)
    assert "Zugriffsperson" in html and "Anderemensch" in html
    assert html.index("Anderemensch") < html.index("Zugriffsperson")  # newest first
    assert "Personnel record" in html and "talent.profile" in html

    html = client.get("/personalrat/zugriffe", query_string={"viewer": hr.email}).get_data(
        as_text=True
    )
    assert "Zugriffsperson" in html and "Anderemensch" not in html

    html = client.get(
        "/personalrat/zugriffe", query_string={"subject": other_seen.personnel_no}
    ).get_data(as_text=True)
    assert "Anderemensch" in html and "Zugriffsperson" not in html

    html = client.get("/personalrat/zugriffe", query_string={"date_from": "2024-05-03"}).get_data(
        as_text=True
    )
    assert "Anderemensch" in html and "Zugriffsperson" not in html
