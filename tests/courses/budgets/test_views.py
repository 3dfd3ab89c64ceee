"""The budget pages over HTTP: a head sees their units only (whatever id is typed), HR
the organisation with the forecast and sets budgets (bad input: a German message at the
field, nothing saved); the finance files open in German Excel; the approval inbox shows
each request's cost and what would be left."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import func, select

from academy.accounts.models import Role
from academy.audit.models import AccessLogEntry
from academy.clock import to_berlin, utcnow
from academy.extensions import db
from courses.budgets.models import TrainingBudget
from courses.enrolment.requests import request_enrolment
from tests import factories
from tests.courses import factories as cf
from tests.courses.budgets.support import budget
from tests.courses.support import head_of, person

#: Every session of these tests starts then; budgets are set for its year (the pages
#: are asked for that year: near New Year it is the next one).
START = (utcnow() + timedelta(days=20)).replace(microsecond=0)
YEAR = to_berlin(START).year


def error_text(html: str, field_id: str) -> str:
    match = re.search(rf'id="{re.escape(field_id)}-error"[^>]*>([^<]*)<', html)
    assert match, f"no error shown for {field_id}"
    return match.group(1)


def city():
    """Two offices under one root, each with a head and a booked place this year."""
    root = factories.department("Stadtverwaltung")
    ours = factories.department("Amt für Digitales", parent=root)
    theirs = factories.department("Amt für Umwelt", parent=root)
    ours.cost_centre = "4711"
    head = head_of(ours)
    head_of(theirs)
    for dept, price in ((ours, "320.50"), (theirs, "99.00")):
        session = cf.session(cf.course(cost=Decimal(price)), starts_at=START)
        employee, user = person(dept)
        if dept is ours:
            employee.first_name, employee.last_name = "Özlem", "Demir"
        request_enrolment(user, employee, session, utcnow())
    budget(ours, YEAR, "10000")
    db.session.commit()
    return root, ours, theirs, head


def test_employees_see_no_budgets(client, login_as):
    login_as(Role.EMPLOYEE)
    assert client.get("/kurse/budgets").status_code == 403
    assert client.get("/kurse/budgets/buchungen.csv").status_code == 403


def test_a_head_sees_own_units_only(client, login_as, db):
    root, ours, theirs, head = city()
    login_as(account=head)
    page = client.get(f"/kurse/budgets?jahr={YEAR}").get_data(as_text=True)
    assert "Amt für Digitales" in page and "Amt für Umwelt" not in page
    assert "320,50" in page and "9.679,50" in page  # left of 10,000
    for other in (theirs, root):
        assert client.get(f"/kurse/budgets/bereich/{other.id}").status_code == 403
    assert client.get("/kurse/budgets/bereich/999999").status_code == 404
    assert client.get("/kurse/budgets/kostenstellen.csv").status_code == 403
    unit = client.get(f"/kurse/budgets/bereich/{ours.id}?jahr={YEAR}")
    assert unit.status_code == 200
    assert "Demir, Özlem" in unit.get_data(as_text=True)
    assert 'id="budget-form"' not in unit.get_data(as_text=True)  # heads do not set budgets
    logged = db.session.scalar(
        select(func.count()).select_from(AccessLogEntry).where(AccessLogEntry.actor_id == head.id)
    )
    assert logged == 1
    assert (
        client.post(f"/kurse/budgets/bereich/{ours.id}/festlegen", data={"amount": "1"}).status_code
        == 403
    )


def test_hr_sees_the_organisation_and_the_forecast(client, login_as, db):
    city()
    login_as(Role.HR)
    page = client.get(f"/kurse/budgets?jahr={YEAR}").get_data(as_text=True)
    assert "Amt für Digitales" in page and "Amt für Umwelt" in page
    assert "Prognose für das Jahr" in page and "kostenstellen.csv" in page


def test_hr_sets_a_budget_and_a_cost_centre(client, login_as, db):
    _root, _ours, theirs, _head = city()
    login_as(Role.HR)
    response = client.post(
        f"/kurse/budgets/bereich/{theirs.id}/festlegen?jahr={YEAR}",
        data={"amount": "12.500,00", "cost_centre": "5120", "note": "laut Haushaltsplan"},
    )
    assert response.status_code == 302
    db.session.expire_all()
    row = db.session.scalar(select(TrainingBudget).where(TrainingBudget.department_id == theirs.id))
    assert (row.amount, row.year, row.note) == (Decimal("12500.00"), YEAR, "laut Haushaltsplan")
    assert theirs.cost_centre == "5120"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "12.500,00" in page


def test_bad_budget_input_is_refused_at_the_field(client, login_as, db):
    _root, ours, _theirs, _head = city()
    login_as(Role.HR)
    url = f"/kurse/budgets/bereich/{ours.id}/festlegen?jahr={YEAR}"
    for data, field, words in (
        ({"amount": "zwölf"}, "amount", "Betrag"),
        ({"amount": "-5"}, "amount", "0 oder mehr"),
        ({"amount": "1,005"}, "amount", "zwei Nachkommastellen"),
        ({"amount": "100", "cost_centre": "=SUMME(A1)"}, "cost_centre", "Kostenstelle"),
        ({"amount": "1" + "0" * 30}, "amount", "0 oder mehr"),
    ):
        response = client.post(url, data=data)
        assert response.status_code == 422, data
        assert words in error_text(response.get_data(as_text=True), field), data
    db.session.expire_all()
    assert db.session.get(TrainingBudget, budget_id(ours)).amount == Decimal("10000.00")
    assert ours.cost_centre == "4711"


def budget_id(dept) -> int:
    return db.session.scalar(
        select(TrainingBudget.id).where(TrainingBudget.department_id == dept.id)
    )


def test_the_finance_files_open_in_german_excel(client, login_as, db):
    _root, _ours, theirs, _head = city()
    theirs.name = '=HYPERLINK("http://x";"y")'
    db.session.commit()
    login_as(Role.HR)
    response = client.get(f"/kurse/budgets/kostenstellen.csv?jahr={YEAR}")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    body = response.get_data()
    assert body.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))
    header = rows[0]
    assert header[:4] == ["Jahr", "Kostenstelle", "Kürzel der Einheit", "Organisationseinheit"]
    ours_row = next(r for r in rows if r[3] == "Amt für Digitales")
    assert ours_row[1] == "4711" and ours_row[5] == "10000,00" and ours_row[7] == "320,50"
    assert any(r[3] == "'" + theirs.name for r in rows)  # neutralised
    assert rows[-1][3] == "Gesamt" and rows[-1][7] == "419,50"
    bookings = client.get(f"/kurse/budgets/buchungen.csv?jahr={YEAR}").get_data()
    lines = list(csv.reader(io.StringIO(bookings.decode("utf-8-sig")), delimiter=";"))
    assert len(lines) == 3 and {line[14] for line in lines[1:]} == {"320,50", "99,00"}
    assert "Demir" not in bookings.decode("utf-8-sig")  # costs, not people


def test_the_approval_inbox_shows_cost_and_what_is_left(client, login_as, db):
    _root, ours, _theirs, head = city()
    course = cf.course(cost=Decimal("1250.00"), requires_approval=True)
    session = cf.session(course, starts_at=START + timedelta(hours=1))
    employee, user = person(ours)
    pending = request_enrolment(user, employee, session, utcnow())
    db.session.commit()
    login_as(account=head)
    page = client.get("/kurse/genehmigungen").get_data(as_text=True)
    row = page.split(f'id="request-{pending.id}"', 1)[1].split("</tr>", 1)[0]
    assert "1.250,00" in row and "9.679,50" in row and "8.429,50" in row
