"""Organisation pages: department tree, department page, staff list and personnel record.
A department head sees only their subtree; every view of someone else's record is logged."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

import pytest
from sqlalchemy import func, select

from academy.accounts.models import Role, User
from academy.audit.models import AccessLogEntry, AuditLogEntry
from academy.org.heads import department_tree
from academy.org.models import Department, Employee
from tests.conftest import log_in
from tests.querycount import count_queries


@pytest.fixture(autouse=True)
def english(client):
    """English pages, so the assertions do not depend on the German translations."""
    client.set_cookie("da_lang", "en")


@dataclass
class Org:
    root: Department
    amt: Department  # headed by ``head``
    sub: Department  # below ``amt``
    other: Department  # beside ``amt``
    head: User
    head_emp: Employee
    member_amt: Employee
    member_sub: Employee
    outsider: Employee


@pytest.fixture()
def org(make, db) -> Org:
    root = make.department("Rathaus Zentrale")
    amt = make.department("Amt für Digitales", parent=root)
    sub = make.department("Abteilung Fachverfahren", parent=amt)
    other = make.department("Ordnungsamt", parent=root)
    head_emp = make.employee(amt, last_name="Leitungsperson")
    head = make.user(Role.HEAD, emp=head_emp, password=None)
    member_amt = make.employee(amt, last_name="Amtsmitglied", pay_group="E 11")
    member_sub = make.employee(
        sub, last_name="Abteilungsmitglied", entry_date=date(2010, 1, 1), pay_group="E 10"
    )
    outsider = make.employee(other, last_name="Außenstehend")
    db.session.commit()
    return Org(root, amt, sub, other, head, head_emp, member_amt, member_sub, outsider)


def access_rows(db) -> list[AccessLogEntry]:
    return list(db.session.scalars(select(AccessLogEntry).order_by(AccessLogEntry.id)))


def account(make, role: Role) -> User:
    return make.user(role, password=None)


# ---------------------------------------------------------------------------
# Permissions
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/organisation", "/organisation/beschaeftigte"])
def test_lists_permissions(client, make, db, org, path):
    assert client.get(path).status_code == 302
    assert "/anmelden" in client.get(path).headers["Location"]
    for role in (Role.EMPLOYEE, Role.TRAINER, Role.COUNCIL):
        log_in(client, account(make, role))
        assert client.get(path).status_code == 403, role
    for role in (Role.HR, Role.ADMIN):
        log_in(client, account(make, role))
        assert client.get(path).status_code == 200, role
    log_in(client, org.head)
    assert client.get(path).status_code == 200


def test_department_page_permissions(client, make, db, org):
    url = "/organisation/bereiche/{}".format
    assert client.get(url(org.amt.id)).status_code == 302
    log_in(client, org.head)
    assert client.get(url(org.amt.id)).status_code == 200
    assert client.get(url(org.sub.id)).status_code == 200
    assert client.get(url(org.other.id)).status_code == 403
    assert client.get(url(org.root.id)).status_code == 403
    for role in (Role.EMPLOYEE, Role.COUNCIL, Role.TRAINER):
        log_in(client, account(make, role))
        assert client.get(url(org.amt.id)).status_code == 403, role
    for role in (Role.HR, Role.ADMIN):
        log_in(client, account(make, role))
        assert client.get(url(org.other.id)).status_code == 200, role
    assert client.get(url(999999)).status_code == 404


def test_record_permissions_and_access_log(client, make, db, org):
    url = "/organisation/beschaeftigte/{}".format
    assert client.get(url(org.member_amt.id)).status_code == 302

    # An employee: only their own record, which is not logged.
    employee = make.user(emp=org.member_sub, password=None)
    db.session.commit()
    log_in(client, employee)
    assert client.get(url(org.member_sub.id)).status_code == 200
    assert client.get(url(org.member_amt.id)).status_code == 403
    assert client.get(url(org.outsider.id)).status_code == 403
    assert access_rows(db) == []

    # The head: the own subtree (sub-departments too), logged; nothing outside.
    log_in(client, org.head)
    assert client.get(url(org.head_emp.id)).status_code == 200  # own record, not logged
    assert access_rows(db) == []
    assert client.get(url(org.member_sub.id)).status_code == 200
    assert client.get(url(org.outsider.id)).status_code == 403
    rows = access_rows(db)
    assert [(r.actor_id, r.subject_id, r.what) for r in rows] == [
        (org.head.id, org.member_sub.id, "employee.record")
    ]

    # HR: everyone, logged.
    hr = account(make, Role.HR)
    log_in(client, hr)
    assert client.get(url(org.outsider.id)).status_code == 200
    assert (access_rows(db)[-1].actor_id, access_rows(db)[-1].subject_id) == (
        hr.id,
        org.outsider.id,
    )
    assert len(access_rows(db)) == 2

    # Administrators and the staff council do not read personnel records.
    for role in (Role.ADMIN, Role.COUNCIL, Role.TRAINER):
        log_in(client, account(make, role))
        assert client.get(url(org.outsider.id)).status_code == 403, role
    assert len(access_rows(db)) == 2
    assert client.get(url(999999)).status_code == 404


def test_record_shows_the_personal_data(client, make, db, org):
    hr = account(make, Role.HR)
    linked = make.user(Role.TRAINER, emp=org.member_sub, password=None)
    db.session.commit()
    log_in(client, hr)
    html = client.get(f"/organisation/beschaeftigte/{org.member_sub.id}").get_data(as_text=True)
    for text in (
        org.member_sub.personnel_no,
        org.member_sub.email,
        "Abteilungsmitglied",
        "Abteilung Fachverfahren",
        "Rathaus Zentrale › Amt für Digitales › Abteilung Fachverfahren",
        "E 10",
        linked.email,
        "Trainer",
    ):
        assert text in html, text
    years = re.search(r'id="years-of-service">(\d+)<', html)
    today = date.today()
    expected = today.year - 2010 - (1 if (today.month, today.day) < (1, 1) else 0)
    assert years and int(years.group(1)) in (expected, expected - 1)


# ---------------------------------------------------------------------------
# Department tree and department page
# ---------------------------------------------------------------------------


def test_tree_of_a_head_shows_only_the_subtree(client, db, org):
    log_in(client, org.head)
    html = client.get("/organisation").get_data(as_text=True)
    assert "Amt für Digitales" in html and "Abteilung Fachverfahren" in html
    assert "Ordnungsamt" not in html and "Rathaus Zentrale" not in html
    assert "tree-depth-1" in html  # the sub-department is indented below its parent


def test_tree_for_hr_shows_everything_with_counts(client, make, db, org):
    make.employee(org.sub, active=False)  # not counted
    db.session.commit()
    log_in(client, account(make, Role.HR))
    html = client.get("/organisation").get_data(as_text=True)
    names = ["Rathaus Zentrale", "Amt für Digitales", "Abteilung Fachverfahren", "Ordnungsamt"]
    positions = [html.index(n) for n in names]
    assert positions == sorted(positions)  # depth first: the sub-department below its parent
    rows = {r.department.id: r for r in department_tree(None)}
    assert (rows[org.root.id].direct, rows[org.root.id].total) == (0, 4)
    assert (rows[org.amt.id].direct, rows[org.amt.id].total) == (2, 3)
    assert (rows[org.sub.id].direct, rows[org.sub.id].total) == (1, 1)
    assert rows[org.sub.id].depth == 2 and rows[org.root.id].depth == 0
    amt_row = html.split("Amt für Digitales</a>")[1].split("</tr>")[0]
    assert "Leitungsperson" in amt_row
    assert re.findall(r'<td class="text-end">(\d+)</td>', amt_row) == ["2", "3"]


def test_department_page(client, make, db, org):
    log_in(client, org.head)
    html = client.get(f"/organisation/bereiche/{org.amt.id}").get_data(as_text=True)
    assert "Leitungsperson" in html and "Amtsmitglied" in html
    assert "Abteilung Fachverfahren" in html  # sub-department
    assert "Außenstehend" not in html
    assert f'href="/organisation/beschaeftigte/{org.member_amt.id}"' in html
    # The parent is outside the head's scope: named, not linked.
    assert "Rathaus Zentrale" in html
    assert f'href="/organisation/bereiche/{org.root.id}"' not in html
    assert 'action="/organisation/bereiche/' not in html  # only HR sets the head


def test_department_members_are_paginated(client, make, db, org):
    for n in range(27):
        make.employee(org.other, last_name=f"Seitenperson{n:02d}")
    db.session.commit()
    log_in(client, account(make, Role.HR))
    url = f"/organisation/bereiche/{org.other.id}"
    # Only the members table counts (the head form lists every member as an option).
    first = client.get(url).get_data(as_text=True).split("Active members of")[1]
    second = client.get(url + "?page=2").get_data(as_text=True).split("Active members of")[1]
    on_first = set(re.findall(r"(?:Seitenperson\d\d|Außenstehend)", first))
    on_second = set(re.findall(r"(?:Seitenperson\d\d|Außenstehend)", second))
    assert len(on_first) == 25 and len(on_second) == 3 and not on_first & on_second


def test_hr_sets_the_head(client, make, db, org):
    hr = account(make, Role.HR)
    log_in(client, hr)
    page = client.get(f"/organisation/bereiche/{org.sub.id}").get_data(as_text=True)
    assert f'<option value="{org.member_sub.id}"' in page
    assert f'<option value="{org.outsider.id}"' not in page

    response = client.post(
        f"/organisation/bereiche/{org.sub.id}/leitung", data={"head": str(org.member_sub.id)}
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert org.sub.head_id == org.member_sub.id
    entry = db.session.scalar(
        select(AuditLogEntry).where(AuditLogEntry.action == "department.head_changed")
    )
    assert entry.actor_id == hr.id and entry.object_id == str(org.sub.id)
    assert entry.to_state == org.member_sub.personnel_no

    # Someone who is not a member cannot be chosen; nothing changes.
    response = client.post(
        f"/organisation/bereiche/{org.sub.id}/leitung", data={"head": str(org.outsider.id)}
    )
    assert response.status_code == 422
    assert re.search(r'id="head-error"', response.get_data(as_text=True))
    db.session.expire_all()
    assert org.sub.head_id == org.member_sub.id

    # The head can be removed.
    assert (
        client.post(f"/organisation/bereiche/{org.sub.id}/leitung", data={"head": ""}).status_code
        == 302
    )
    db.session.expire_all()
    assert org.sub.head_id is None


def test_set_head_is_for_hr_only(client, make, db, org):
    for user in (org.head, account(make, Role.ADMIN)):
        log_in(client, user)
        response = client.post(
            f"/organisation/bereiche/{org.amt.id}/leitung", data={"head": str(org.member_amt.id)}
        )
        assert response.status_code == 403
    db.session.expire_all()
    assert org.amt.head_id == org.head_emp.id


# ---------------------------------------------------------------------------
# Staff list
# ---------------------------------------------------------------------------


def test_staff_list_of_a_head(client, make, db, org):
    left = make.employee(org.sub, last_name="Ausgeschieden", active=False)
    db.session.commit()
    log_in(client, org.head)
    html = client.get("/organisation/beschaeftigte").get_data(as_text=True)
    for name in ("Leitungsperson", "Amtsmitglied", "Abteilungsmitglied"):
        assert name in html
    assert "Außenstehend" not in html and "Ausgeschieden" not in html
    # The department filter offers only the head's scope.
    assert f'<option value="{org.other.id}"' not in html
    assert f'<option value="{org.sub.id}"' in html

    html = client.get(
        "/organisation/beschaeftigte", query_string={"department": org.sub.id}
    ).get_data(as_text=True)
    assert "Abteilungsmitglied" in html and "Amtsmitglied" not in html

    html = client.get(
        "/organisation/beschaeftigte", query_string={"department": org.amt.id, "sub": "y"}
    ).get_data(as_text=True)
    assert "Abteilungsmitglied" in html and "Amtsmitglied" in html

    # A department outside the scope typed into the address shows nothing from outside.
    html = client.get(
        "/organisation/beschaeftigte", query_string={"department": org.other.id}
    ).get_data(as_text=True)
    assert "Außenstehend" not in html

    html = client.get("/organisation/beschaeftigte", query_string={"inactive": "y"}).get_data(
        as_text=True
    )
    assert "Ausgeschieden" in html
    assert left.personnel_no in html


def test_staff_list_for_hr_search(client, make, db, org):
    log_in(client, account(make, Role.HR))
    html = client.get("/organisation/beschaeftigte").get_data(as_text=True)
    assert "Außenstehend" in html and "Amtsmitglied" in html
    html = client.get(
        "/organisation/beschaeftigte", query_string={"q": org.outsider.personnel_no}
    ).get_data(as_text=True)
    assert "Außenstehend" in html and "Amtsmitglied" not in html
    html = client.get("/organisation/beschaeftigte", query_string={"q": "amtsmitglied"}).get_data(
        as_text=True
    )
    assert "Amtsmitglied" in html and "Außenstehend" not in html
    assert f'href="/organisation/beschaeftigte/{org.member_amt.id}"' in html


def test_staff_list_pagination(client, make, db, org):
    for n in range(28):
        make.employee(org.other, last_name=f"Listenperson{n:02d}")
    db.session.commit()
    log_in(client, account(make, Role.HR))
    query = {"department": org.other.id}
    first = client.get("/organisation/beschaeftigte", query_string=query).get_data(as_text=True)
    second = client.get("/organisation/beschaeftigte", query_string={**query, "page": 2}).get_data(
        as_text=True
    )
    pattern = r"(?:Listenperson\d\d|Außenstehend)"
    on_first, on_second = set(re.findall(pattern, first)), set(re.findall(pattern, second))
    assert len(on_first) == 25 and len(on_second) == 4 and not on_first & on_second
    assert f"department={org.other.id}" in first.split('class="pagination')[1]


# ---------------------------------------------------------------------------
# No N+1: the number of statements does not grow with the data
# ---------------------------------------------------------------------------


def _grow(make, db, parent: Department, departments: int, employees: int) -> None:
    depts = [make.department(parent=parent) for _ in range(departments)]
    roles = [make.job_role() for _ in range(3)]
    for n in range(employees):
        dept = depts[n % len(depts)]
        emp = make.employee(dept, job_role=roles[n % 3])
        if dept.head is None:
            dept.head = emp
    db.session.commit()


@pytest.mark.parametrize(
    "path", ["/organisation", "/organisation/beschaeftigte", "/organisation/bereiche/{root}"]
)
def test_query_count_does_not_grow(client, app, make, db, path):
    from academy.extensions import db as ext_db

    root = make.department("Wurzel")
    _grow(make, db, root, departments=5, employees=5)
    log_in(client, account(make, Role.HR))
    url = path.format(root=root.id)
    assert client.get(url).status_code == 200  # warm-up
    db.session.expire_all()  # the test's session outlives requests: start both runs cold
    with count_queries(ext_db.engine) as small:
        assert client.get(url).status_code == 200
    _grow(make, db, root, departments=45, employees=45)
    total = db.session.scalar(select(func.count()).select_from(Employee))
    assert total >= 50
    db.session.expire_all()
    with count_queries(ext_db.engine) as large:
        assert client.get(url).status_code == 200
    assert large.count == small.count, f"{small}\n======\n{large}"
    assert small.count < 15, str(small)
