"""The report pages and exports over HTTP: who may open what, the filter form (scope,
defaults, errors), parts with charts, tables and pagination, exports' headers and files,
the access log and the audit record.

Most tests run against a stand-in catalogue of hand-built reports, so they test the
pages and exports alone; ``test_every_real_report_*`` run the real catalogue."""

from __future__ import annotations

import csv
import io
import re
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from types import SimpleNamespace

import pandas as pd
import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from academy.accounts.models import Role, User
from academy.audit.models import AccessLogEntry, AuditLogEntry
from academy.clock import to_berlin, utcnow
from academy.errors import PermissionDenied
from academy.extensions import db
from academy.web.navigation import nav_for
from reports.analytics import catalogue, pages
from reports.analytics.report_model import Filters, Report, ReportScope
from reports.analytics.views.export import FILE_STEMS
from tests import factories
from tests.reports import report_samples as samples
from tests.reports.report_data import build_known_data


@dataclass(frozen=True)
class FakeDef:
    key: str
    title: str
    description: str
    build: Callable[..., Report] | None
    individual: bool
    uses_area: bool
    uses_period: bool


@pytest.fixture(autouse=True)
def english(client):
    client.set_cookie("da_lang", "en")


@pytest.fixture()
def fake(monkeypatch):
    """A catalogue with an aggregate report ``gaps`` and an individual one ``people``
    (``fake.people_ids`` are the rows' employees); ``fake.calls`` records each build."""
    state = SimpleNamespace(calls=[], people_ids=[], extra_parts=[])

    def build(key: str, user: User, filters: Filters, today: date) -> Report:
        scope = ReportScope.for_user(user)
        if key == "people" and scope.aggregates_only:
            raise PermissionDenied("no")
        state.calls.append((key, filters, today))
        if key == "people":
            report = samples.individual_report(count=len(state.people_ids), key="people")
            part = report.parts[0]
            part.frame["employee_id"] = state.people_ids
            part.people_shown = list(state.people_ids)
        else:
            report = samples.aggregate_report(key)
            report.parts += state.extra_parts
        report.filters, report.scope = filters, scope
        return report

    reports = {
        "gaps": FakeDef("gaps", "Skill gaps", "Gaps everywhere.", None, False, True, False),
        "people": FakeDef("people", "People matrix", "Single people.", None, True, False, True),
    }
    monkeypatch.setattr(catalogue, "REPORTS", reports)
    monkeypatch.setattr(pages, "build", build)
    return state


def people(n: int) -> list[int]:
    dept = factories.department("Bürgeramt")
    return [factories.employee(dept).id for _ in range(n)]


def options(html: str, name: str) -> list[str]:
    """The option values of the select ``name``."""
    select_html = re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', html, re.S)
    assert select_html, name
    return re.findall(r'<option[^>]*value="([^"]*)"', select_html.group(1))


def access_rows() -> list[AccessLogEntry]:
    return list(db.session.scalars(select(AccessLogEntry).order_by(AccessLogEntry.id)))


# ---------------------------------------------------------------------------
# Who may open what
# ---------------------------------------------------------------------------


def test_index_lists_the_reports_a_reader_may_open(client, login_as, fake):
    login_as(Role.HR)
    page = client.get("/berichte/")
    assert page.status_code == 200
    assert 'data-report="gaps"' in page.text and 'data-report="people"' in page.text
    assert "Gaps everywhere." in page.text

    login_as(Role.COUNCIL)
    page = client.get("/berichte/")
    assert page.status_code == 200
    assert 'data-report="gaps"' in page.text
    assert 'data-report="people"' not in page.text
    assert "aggregated figures only" in page.text


@pytest.mark.parametrize("role", [Role.EMPLOYEE, Role.TRAINER, Role.ADMIN])
def test_others_are_refused(client, login_as, fake, role):
    login_as(role)
    for url in ("/berichte/", "/berichte/bericht/gaps", "/berichte/bericht/gaps.csv"):
        assert client.get(url).status_code == 403, url
    assert fake.calls == []


def test_anonymous_is_sent_to_the_login(client, fake):
    response = client.get("/berichte/bericht/gaps")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"] or "anmelden" in response.headers["Location"]


def test_council_may_not_open_individual_reports(client, login_as, fake):
    login_as(Role.COUNCIL)
    assert client.get("/berichte/bericht/people").status_code == 403
    assert client.get("/berichte/bericht/people.xlsx").status_code == 403
    assert client.get("/berichte/bericht/gaps").status_code == 200
    assert fake.calls[0][0] == "gaps"


def test_unknown_report_is_404(client, login_as, fake):
    login_as(Role.HR)
    assert client.get("/berichte/bericht/nothing").status_code == 404
    assert client.get("/berichte/bericht/nothing.pdf").status_code == 404
    assert client.get("/berichte/bericht/gaps.doc").status_code == 404


def test_nav_entry(app, client, login_as, fake):
    for role in (Role.HR, Role.HEAD, Role.COUNCIL):
        user = login_as(role)
        with app.test_request_context():
            urls = [i["url"] for items in nav_for(user).values() for i in items]
        assert "/berichte/" in urls, role
    user = login_as(Role.EMPLOYEE)
    with app.test_request_context():
        urls = [i["url"] for items in nav_for(user).values() for i in items]
    assert "/berichte/" not in urls


# ---------------------------------------------------------------------------
# The page
# ---------------------------------------------------------------------------


def test_hr_page_shows_parts_charts_tables_and_downloads(client, login_as, fake):
    login_as(Role.HR)
    page = client.get("/berichte/bericht/gaps")

    assert page.status_code == 200
    text = page.text
    assert "<h1>Skill gaps</h1>" in text
    for title in ("Gaps by department", "Unmet demand per course", "Trends by quarter"):
        assert f">{title}</h2>" in text
    assert text.count('role="img"') == 3
    assert '<caption id="table-by_department-caption">Gaps by department' in text
    assert '<th scope="row">Amt für Digitales</th>' in text
    assert "12.5%" in text.replace("\xa0", "") or "12.5 %" in text  # English UI locale
    assert (
        "Withheld: fewer than 5 people, or a figure from which such a group could be worked out"
        in text
    )
    assert "1 group withheld: fewer than 5 people" in text
    assert "style=" not in text.split("<main", 1)[1]  # CSP: no inline styles
    for fmt in ("csv", "xlsx", "pdf"):
        assert f'action="/berichte/bericht/gaps.{fmt}"' in text
    assert text.count("data-busy-download") == 3
    # the report without a period ignores it; the area filter is offered
    assert 'name="area"' in text and 'name="period_from"' not in text
    key, filters, today = fake.calls[-1]
    assert key == "gaps" and filters == Filters()
    assert today == to_berlin(utcnow()).date()


def test_note_column_only_with_withheld_rows_and_chart_caption_only_with_a_chart(
    client, login_as, fake
):
    many = samples.trend_part()
    many.key = "many"
    many.frame = pd.concat([many.frame] * 12, ignore_index=True)  # 48 categories
    many.frame["withheld"] = False
    fake.extra_parts = [many]
    login_as(Role.HR)
    text = client.get("/berichte/bericht/gaps").text

    gaps = text.split('id="part-by_department"')[1].split("</section>")[0]
    assert '<th scope="col">Note</th>' in gaps
    assert "holds the same figures" in gaps
    many_html = text.split('id="part-many"')[1].split("</section>")[0]
    assert '<th scope="col">Note</th>' not in many_html  # nothing withheld
    assert "48 categories are too many for a readable chart" in many_html
    assert "<figure" not in many_html and "holds the same figures" not in many_html
    assert "rows 1 to 48 of 48" not in many_html  # one page of 50 holds all
    assert many_html.count('<th scope="row">') == 48


def test_german_page_uses_german_numbers(client, login_as, fake):
    client.set_cookie("da_lang", "de")
    login_as(Role.HR)
    text = client.get("/berichte/bericht/gaps").text
    assert "12,5\xa0%" in text
    assert "1.234" in text


def test_period_defaults_to_the_current_year(client, login_as, fake):
    fake.people_ids = people(3)
    login_as(Role.HR)
    page = client.get("/berichte/bericht/people")
    year = to_berlin(utcnow()).year
    assert page.status_code == 200
    assert f'value="{year}-01-01"' in page.text and f'value="{year}-12-31"' in page.text
    filters = fake.calls[-1][1]
    assert filters.period_from == date(year, 1, 1) and filters.period_to == date(year, 12, 31)
    # the downloads carry the same filters
    assert f'name="period_from" value="{year}-01-01"' in page.text


def test_filters_are_passed_on(client, login_as, fake):
    fake.people_ids = people(2)
    root = factories.department("Amt")
    login_as(Role.HR)
    url = (
        f"/berichte/bericht/people?department={root.id}&job_role="
        "&period_from=2024-04-01&period_to=2024-06-30"
    )
    assert client.get(url).status_code == 200
    filters = fake.calls[-1][1]
    assert filters == Filters(
        department_id=root.id, period_from=date(2024, 4, 1), period_to=date(2024, 6, 30)
    )
    # an open period stays open
    client.get("/berichte/bericht/people?period_from=&period_to=")
    assert fake.calls[-1][1] == Filters()


def test_head_sees_only_the_own_subtree(client, login_as, fake):
    head_emp = factories.employee(factories.department("Dezernat II"))
    own = head_emp.department
    child = factories.department("Jugendamt", parent=own)
    other = factories.department("Kämmerei")
    head = factories.user(Role.HEAD, emp=head_emp)
    login_as(account=head)

    page = client.get("/berichte/bericht/gaps")
    assert page.status_code == 200
    assert options(page.text, "department") == ["", str(own.id), str(child.id)]
    assert "All my departments" in page.text

    calls = len(fake.calls)
    page = client.get(f"/berichte/bericht/gaps?department={other.id}")
    assert page.status_code == 200
    assert "Please choose one of the offered entries." in page.text
    assert 'aria-invalid="true"' in page.text
    assert len(fake.calls) == calls  # the report did not run
    assert '<h2 id="download-heading"' not in page.text


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("period_from=2024-13-01&period_to=2024-12-31", "Not a valid date value."),
        ("period_from=2024-05-01&period_to=2024-04-30", "must not be before its start"),
        ("period_from=1900-01-01&period_to=2024-04-30", "at most 25 years"),
        ("job_role=999999&period_from=&period_to=", "Please choose one of the offered entries."),
    ],
)
def test_bad_filters_show_a_message_and_do_not_run(client, login_as, fake, query, message):
    fake.people_ids = people(1)
    login_as(Role.HR)
    page = client.get(f"/berichte/bericht/people?{query}")
    assert page.status_code == 200
    assert message in page.text
    assert fake.calls == []
    # an export with the same filters goes back to the page with the messages
    export = client.get(f"/berichte/bericht/people.csv?{query}")
    assert export.status_code == 303
    assert export.headers["Location"].startswith("/berichte/bericht/people?")
    assert fake.calls == []


def test_individual_part_is_paginated_and_logged_per_page(client, login_as, fake):
    fake.people_ids = people(120)
    hr = login_as(Role.HR)

    page = client.get("/berichte/bericht/people")
    assert page.status_code == 200
    assert "rows 1 to 50 of 120" in page.text
    assert page.text.count('<th scope="row">') == 50
    assert 'href="/berichte/bericht/people?' in page.text and "p_people=3" in page.text
    rows = access_rows()
    assert [r.subject_id for r in rows] == fake.people_ids[:50]
    assert {(r.actor_id, r.what) for r in rows} == {(hr.id, "report")}
    assert {r.purpose.startswith("Bericht angesehen: ") for r in rows} == {True}

    page = client.get("/berichte/bericht/people?p_people=3&period_from=&period_to=")
    assert "rows 101 to 120 of 120" in page.text
    assert [r.subject_id for r in access_rows()][50:] == fake.people_ids[100:]


def test_own_row_is_not_logged_and_aggregates_are_not(client, login_as, fake):
    hr = login_as(Role.HR)
    fake.people_ids = [hr.employee_id, *people(2)]
    client.get("/berichte/bericht/people")
    assert [r.subject_id for r in access_rows()] == fake.people_ids[1:]
    client.get("/berichte/bericht/gaps")
    assert len(access_rows()) == 2


# ---------------------------------------------------------------------------
# Exports
# ---------------------------------------------------------------------------


def _today() -> str:
    return to_berlin(utcnow()).date().isoformat()


def test_csv_export_is_streamed_with_its_file_name(client, login_as, fake):
    login_as(Role.HR)
    response = client.get("/berichte/bericht/gaps.csv")

    assert response.status_code == 200
    assert response.is_streamed
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="kompetenzluecken-{_today()}.csv"'
    )
    assert response.headers["Cache-Control"] == "no-store"
    data = response.get_data()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert ["Amt für Digitales", "12", "12,5", "14", "1,17", ""] in rows


def test_xlsx_export(client, login_as, fake):
    login_as(Role.HR)
    response = client.get("/berichte/bericht/gaps.xlsx")

    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="kompetenzluecken-{_today()}.xlsx"'
    )
    data = response.get_data()
    assert int(response.headers["Content-Length"]) == len(data)
    book = load_workbook(io.BytesIO(data))
    assert book.sheetnames[1:] == [
        "Gaps by department",
        "Unmet demand per course",
        "Trends by quarter",
    ]


def test_pdf_export(client, login_as, fake, tmp_path):
    login_as(Role.HR)
    response = client.get("/berichte/bericht/gaps.pdf")

    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="kompetenzluecken-{_today()}.pdf"'
    )
    data = response.get_data()
    assert data.startswith(b"%PDF-") and int(response.headers["Content-Length"]) == len(data)
    path = tmp_path / "r.pdf"
    path.write_bytes(data)
    text = subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, check=True, text=True
    ).stdout
    assert "Skill gaps" in text and "Page 1 of 4" in text


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "pdf"])
def test_export_logs_every_person_and_writes_an_audit_record(client, login_as, fake, fmt):
    fake.people_ids = people(60)
    hr = login_as(Role.HR)
    url = f"/berichte/bericht/people.{fmt}?period_from=2024-01-01&period_to=2024-12-31"
    response = client.get(url)
    assert response.status_code == 200
    response.get_data()

    rows = access_rows()
    assert [r.subject_id for r in rows] == fake.people_ids  # all, not a page
    (purpose,) = {r.purpose for r in rows}
    assert purpose.startswith("Bericht exportiert: ") and purpose.endswith(f"({fmt.upper()})")
    audit = db.session.scalars(
        select(AuditLogEntry).where(AuditLogEntry.action == "report.exported")
    ).one()
    assert audit.actor_id == hr.id and audit.object_type == "report" and audit.object_id == "people"
    assert audit.details["format"] == fmt
    assert audit.details["filters"]["period_from"] == "2024-01-01"
    assert audit.details["filters"]["department_id"] is None


def test_council_export_of_an_aggregate_report(client, login_as, fake):
    login_as(Role.COUNCIL)
    response = client.get("/berichte/bericht/gaps.csv")
    assert response.status_code == 200
    response.get_data()
    assert access_rows() == []


# ---------------------------------------------------------------------------
# The real catalogue
# ---------------------------------------------------------------------------


REAL_KEYS = list(catalogue.REPORTS)


PERIOD = "period_from=2027-01-01&period_to=2030-12-31"


@pytest.fixture()
def known():
    """The analytics tests' known data set (two subtrees, ratings, enrolments, cohorts)."""
    return build_known_data()


@pytest.mark.parametrize("key", REAL_KEYS)
def test_every_real_report_opens_and_exports_for_hr(client, login_as, known, key):
    login_as(Role.HR)
    definition = catalogue.REPORTS[key]
    page = client.get(f"/berichte/bericht/{key}?{PERIOD}")
    assert page.status_code == 200, page.text[:2000]
    assert f"<h1>{definition.title}</h1>" in page.text
    assert "<table" in page.text
    for fmt in ("csv", "xlsx", "pdf"):
        response = client.get(f"/berichte/bericht/{key}.{fmt}?{PERIOD}")
        assert response.status_code == 200, (key, fmt)
        assert response.get_data()
        stem = FILE_STEMS[key]  # German file names, one per report
        assert f'filename="{stem}-{_today()}.{fmt}"' in response.headers["Content-Disposition"]
    logged = {r.subject_id for r in access_rows()}
    if definition.individual:
        assert {e.id for e in known.all("a_meets")} <= logged


@pytest.mark.parametrize("key", REAL_KEYS)
def test_every_real_report_opens_on_an_empty_organisation(client, login_as, key):
    login_as(Role.HR)
    assert client.get(f"/berichte/bericht/{key}").status_code == 200
    assert client.get(f"/berichte/bericht/{key}.csv").status_code == 200


def test_real_reports_for_a_head_stay_in_the_subtree(client, login_as, known):
    login_as(account=known.head_user)
    page = client.get("/berichte/bericht/matrix")
    assert page.status_code == 200
    dept = known.departments
    assert options(page.text, "department") == ["", str(dept["A"].id), str(dept["A1"].id)]
    assert "a_meets" in page.text and "b_meets" not in page.text
    data = client.get("/berichte/bericht/matrix.csv").get_data().decode("utf-8-sig")
    assert "a1_mapped" in data and "b1_none" not in data
    logged = {r.subject_id for r in access_rows()}
    assert known.one("a1_mapped").id in logged and known.one("b_meets").id not in logged


def test_real_matrix_is_refused_to_the_council(client, login_as):
    login_as(Role.COUNCIL)
    assert client.get("/berichte/bericht/matrix").status_code == 403
    assert client.get("/berichte/bericht/matrix.csv").status_code == 403
    page = client.get("/berichte/")
    assert 'data-report="matrix"' not in page.text


def test_council_reports_have_no_job_role_filter(client, login_as, fake, make):
    """One job role against all job roles would give the other roles' group (a
    difference no row's suppression judged): the council's reports cover all roles."""
    role = make.job_role()
    login_as(Role.COUNCIL)
    page = client.get("/berichte/bericht/gaps")
    assert page.status_code == 200 and 'id="job_role"' not in page.get_data(as_text=True)
    calls = len(fake.calls)
    typed = client.get(f"/berichte/bericht/gaps?job_role={role.id}")
    html = typed.get_data(as_text=True)
    assert typed.status_code == 200 and 'id="job_role"' in html
    assert "cover all job roles" in html and 'aria-invalid="true"' in html
    assert len(fake.calls) == calls  # the report did not run
    export = client.get(f"/berichte/bericht/gaps.csv?job_role={role.id}")
    assert "attachment" not in export.headers.get("Content-Disposition", "")


def test_hr_and_heads_keep_the_job_role_filter(client, login_as, fake, make):
    role = make.job_role()
    login_as(Role.HR)
    html = client.get("/berichte/bericht/gaps").get_data(as_text=True)
    assert 'id="job_role"' in html and f'value="{role.id}"' in html
