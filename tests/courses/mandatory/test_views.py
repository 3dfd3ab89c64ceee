"""The mandatory training pages, route by route: HR's assignments (form errors at the
field, nothing changed), one assignment, the organisation overview and its exports,
a head's team (their subtree only), a person's page (self, head, HR — nobody else) and
HR's external evidence; every page of other people's data writes the access log."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

from openpyxl import load_workbook
from sqlalchemy import func, select

from academy.accounts.models import Role
from academy.audit.models import AccessLogEntry
from academy.extensions import db
from courses.mandatory.models import Assignment, Evidence
from tests import factories
from tests.courses import factories as cf
from tests.courses.mandatory.support import TODAY, assign
from tests.courses.support import hr


def accesses(what: str) -> int:
    return db.session.scalar(select(func.count()).where(AccessLogEntry.what == what)) or 0


def unit_with_head():
    dept = factories.department("Amt für Ordnung")
    head_emp = factories.employee(dept, first_name="Hanna", last_name="Haupt")
    dept.head = head_emp
    member = factories.employee(dept, first_name="Mia", last_name="Mitglied")
    return dept, factories.user(emp=head_emp), member


def test_hr_assigns_a_training_through_the_form(client, login_as):
    login_as(Role.HR)
    course = cf.course("Datenschutz im Alltag")
    role = factories.job_role()
    assert client.get("/kurse/pflichtschulungen/neu").status_code == 200
    response = client.post(
        "/kurse/pflichtschulungen/neu",
        data={
            "title": "Datenschutz-Unterweisung",
            "courses": [str(course.id)],
            "target_kind": "job_role",
            "job_role": str(role.id),
            "due_days": "90",
            "recurrence_months": "24",
        },
    )
    assert response.status_code == 302
    assignment = db.session.scalar(select(Assignment))
    assert assignment.recurrence_months == 24 and assignment.job_role_id == role.id
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Datenschutz-Unterweisung" in page


def test_bad_input_shows_a_german_message_at_the_field_and_changes_nothing(client, login_as):
    login_as(Role.HR)
    course = cf.course()
    db.session.commit()  # the view's rollback after a refused request keeps it
    base = {"title": "X", "courses": [str(course.id)], "target_kind": "people", "due_days": "30"}
    cases = [
        ({"people": "GIBTESNICHT"}, "Keine aktive beschäftigte Person"),
        ({"courses": []}, "Bitte wählen Sie mindestens einen Kurs aus."),
        ({"due_days": "-3"}, "invalid-feedback"),
        ({"first_due_on": "31.02.2026", "people": "x"}, "invalid-feedback"),
        ({"target_kind": "job_role"}, "Bitte wählen Sie eine Stelle aus."),
    ]
    for change, message in cases:
        response = client.post("/kurse/pflichtschulungen/neu", data={**base, **change})
        assert response.status_code == 422, change
        assert message in response.get_data(as_text=True), change
    assert db.session.scalar(select(func.count()).select_from(Assignment)) == 0


def test_changing_and_ending_an_assignment(client, login_as):
    user = login_as(Role.HR)
    course = cf.course()
    assignment = assign(user, [course])
    url = f"/kurse/pflichtschulungen/{assignment.id}"
    assert client.get(url + "/bearbeiten").status_code == 200
    response = client.post(url + "/beenden", data={"reason": ""})
    assert (
        response.status_code == 422
        and "Bitte geben Sie eine Begründung an." in response.get_data(as_text=True)
    )
    response = client.post(url + "/beenden", data={"reason": "Ersetzt"})
    assert response.status_code == 302
    db.session.refresh(assignment)
    assert assignment.ended_at is not None


def test_pages_are_refused_to_people_without_the_right(client, login_as, db):
    emp = factories.employee()
    login_as(account=factories.user(emp=emp))
    for url in (
        "/kurse/pflichtschulungen",
        "/kurse/pflichtschulungen/neu",
        "/kurse/pflichtschulungen/uebersicht",
        "/kurse/pflichtschulungen/uebersicht.csv",
        "/kurse/pflichtschulungen/team",
        f"/kurse/pflichtschulungen/personen/{factories.employee().id}",
    ):
        assert client.get(url).status_code == 403, url
    assert client.get("/kurse/pflichtschulungen/personen/99999999").status_code in (403, 404)


def test_an_employee_sees_what_is_due_on_the_start_page_and_in_my_learning(client, login_as):
    emp = factories.employee()
    login_as(account=factories.user(emp=emp))
    assign(hr(), [cf.course("IT-Sicherheit Basis")], title="IT-Sicherheit jährlich")
    home = client.get("/").get_data(as_text=True)
    assert "Meine Pflichtschulungen" in home and "IT-Sicherheit jährlich" in home
    assert home.index("Meine Pflichtschulungen") < home.index("Mein Personaldatensatz")
    learning = client.get("/kurse/meine").get_data(as_text=True)
    assert 'id="mandatory"' in learning and "Offen – fällig am" in learning
    own = client.get("/kurse/pflichtschulungen/meine")
    assert own.status_code == 200 and "IT-Sicherheit Basis" in own.get_data(as_text=True)
    assert accesses("mandatory.person") == 0  # one's own page is not logged


def test_a_head_sees_the_team_and_its_members_only(client, login_as):
    dept, head, member = unit_with_head()
    outsider = factories.employee(first_name="Otto", last_name="Außen")
    assign(hr(), [cf.course()])
    login_as(account=head)
    page = client.get("/kurse/pflichtschulungen/team").get_data(as_text=True)
    assert "Mitglied, Mia" in page and "Außen" not in page
    assert accesses("mandatory.compliance") >= 1
    assert client.get(f"/kurse/pflichtschulungen/personen/{member.id}").status_code == 200
    assert accesses("mandatory.person") == 1
    assert client.get(f"/kurse/pflichtschulungen/personen/{outsider.id}").status_code == 403
    # another unit typed into the filter: refused as a choice, nothing of it shown
    other = factories.department("Fremdes Amt")
    factories.employee(other, last_name="Fremd")
    response = client.get(f"/kurse/pflichtschulungen/team?unit={other.id}")
    assert response.status_code == 200 and "Fremd," not in response.get_data(as_text=True)
    assert dept is not None


def test_hr_overview_filters_and_exports_safely(client, login_as):
    user = login_as(Role.HR)
    factories.employee(last_name="=SUMME(A1)", first_name="Eva")
    assign(user, [cf.course()], due_days=0)
    page = client.get("/kurse/pflichtschulungen/uebersicht?status=open")
    assert page.status_code == 200 and "=SUMME(A1)" in page.get_data(as_text=True)
    bad = client.get("/kurse/pflichtschulungen/uebersicht?status=bogus&assignment=abc")
    assert bad.status_code == 200 and "invalid-feedback" in bad.get_data(as_text=True)
    response = client.get("/kurse/pflichtschulungen/uebersicht.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    assert rows[0][0] == "Name"
    assert any(row[0] == "'=SUMME(A1), Eva" for row in rows[1:])
    xlsx = client.get("/kurse/pflichtschulungen/uebersicht.xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.get_data())).active
    names = [sheet.cell(row=r, column=1) for r in range(2, sheet.max_row + 1)]
    cell = next(c for c in names if c.value == "=SUMME(A1), Eva")
    assert cell.data_type == "s" and cell.quotePrefix
    assert accesses("mandatory.export") >= 2


def test_hr_records_and_withdraws_external_evidence(client, login_as):
    user = login_as(Role.HR)
    emp = factories.employee()
    assignment = assign(user, [cf.course()])
    db.session.commit()  # the view's rollback after a refused request keeps it
    url = f"/kurse/pflichtschulungen/personen/{emp.id}/nachweis"
    assert client.get(url).status_code == 200
    bad = client.post(
        url, data={"assignment": str(assignment.id), "title": "Schulung", "completed_on": ""}
    )
    assert (
        bad.status_code == 422
        and "Bitte geben Sie das Datum des Abschlusses ein." in bad.get_data(as_text=True)
    )
    future = (TODAY + timedelta(days=400)).isoformat()
    bad = client.post(
        url, data={"assignment": str(assignment.id), "title": "Schulung", "completed_on": future}
    )
    assert bad.status_code == 422 and "in der Zukunft" in bad.get_data(as_text=True)
    good = client.post(
        url,
        data={
            "assignment": str(assignment.id),
            "title": "Schulung extern",
            "completed_on": "2024-05-01",
        },
    )
    assert good.status_code == 302
    evidence = db.session.scalar(select(Evidence))
    page = client.get(f"/kurse/pflichtschulungen/personen/{emp.id}").get_data(as_text=True)
    assert "Schulung extern" in page
    response = client.post(
        f"/kurse/pflichtschulungen/nachweise/{evidence.id}/zuruecknehmen", data={"reason": "Irrtum"}
    )
    assert response.status_code == 302
    db.session.refresh(evidence)
    assert evidence.withdrawn_at is not None
