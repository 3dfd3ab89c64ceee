"""HR reports (issue 7) through the real UI in Chromium, each person in a browser context
of their own, axe-core (WCAG 2.1 AA) and the CSP checked on every page visited:

1. HR opens "Reports" from the HR menu and, for EACH report (matrix, gaps,
   participation, demand, cohorts, trends), opens it from the index, filters it through
   the filter form (department subtree; job role, competence area and period where the
   report offers them), reads every part (the chart's data table beside an accessible
   SVG chart, figures in German format) and compares the rows with the database; then
   downloads CSV, XLSX and PDF and checks each against the page: the CSV (UTF-8 BOM,
   ";", decimal comma, the page's rows and values), the XLSX (a cover sheet and one
   sheet per part, bold header, frozen header row, the page's rows and values) and the
   PDF (%PDF, "Seite 1 von" and the filters in pdftotext's output).
2. The demo department head opens "Reports" from the main navigation: the department
   filter offers exactly the departments of the subtree he heads (as in the database),
   the matrix names exactly the active people of his subtree, a filter on one of his
   divisions narrows it, and a department outside his subtree in the URL is refused next
   to the field (documented behaviour of reports/forms_reports.py: the report is not
   run, 200) — on the page and for an export — without showing anybody.
3. The staff council opens "Reports" from its menu: no matrix in the list, no part about
   single people on any report page or in an export, 403 for the matrix page and its
   exports.

Each test only reads the demo data (its figures are compared with the database or
with each other, so other e2e tests writing data in the same session do not matter).
"""

from __future__ import annotations

import csv
import io
import re
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import openpyxl
import pytest
from flask import Flask
from playwright.sync_api import Page
from sqlalchemy import select

from academy.clock import to_berlin, utcnow
from academy.extensions import db
from academy.frameworks.models import Competence, CompetenceArea, Framework
from academy.org.models import Department, Employee, JobRole
from reports.analytics.formatting import NOTE_LABEL, WITHHELD_NOTE
from reports.analytics.views.export import FILE_STEMS
from talent.competencies.models import RoleTarget
from tests.e2e.axe import check_a11y
from tests.e2e.journey import (
    checked,
    click_and_check,
    demo_user,
    german,
    go,
    log_in,
    nav_menu_to,
    nav_to,
    open_page_fixture,  # noqa: F401 - the open_page fixture
    path_of,
)

pytestmark = pytest.mark.e2e

INDEX = "/berichte/"
REPORT_KEYS = ("matrix", "gaps", "participation", "demand", "cohorts", "compliance", "trends")
FORMATS = ("csv", "xlsx", "pdf")
#: The parts the staff council may see (no rows about single people).
AGGREGATE_PARTS = {
    "gaps": {"by_department", "by_job_role", "by_competence"},
    "participation": {"by_department"},
    "demand": {"by_course"},
    "cohorts": {"by_cohort"},
    "compliance": {"by_department", "by_training"},
    "trends": {"by_quarter"},
}
#: Demo data (academy/demo_data): the Office for Digitalisation and IT (the demo head's),
#: two directorates, the IT specialists' job role and the "Technology" competence area.
DIGITAL_OFFICE, DIRECTORATE_I, DIRECTORATE_IV = "12", "DEZ-I", "DEZ-IV"
DIGITAL_SERVICES, PERSONNEL_OFFICE = "12.2", "11"
IT_ROLE, TECH_AREA = "ITF", "TEC"

#: A figure as the pages show it in German: "2.246", "16,8", "78,6 %" (no-break space).
PAGE_NUMBER = re.compile(r"-?\d{1,3}(?:\.\d{3})*(?:,\d+)?(?:\u00a0%)?")
#: A figure in the CSV: no thousands separator, decimal comma ("2246", "16,80", "78,6").
CSV_NUMBER = re.compile(r"-?\d+(?:,\d+)?")
NA = "–"

# ---------------------------------------------------------------------------
# Reading a report page
# ---------------------------------------------------------------------------

READ_PARTS = r"""() => {
  const text = e => e ? e.textContent.replace(/[ \t\r\n]+/g, ' ').trim() : null;
  return Array.from(document.querySelectorAll('section.report-part')).map(s => {
    const table = s.querySelector('table');
    const svg = s.querySelector('figure svg');
    const heads = table ? Array.from(table.querySelectorAll('thead th')) : [];
    return {
      key: s.id.replace(/^part-/, ''),
      title: text(s.querySelector('h2')),
      caption: text(table && table.querySelector('caption')),
      headers: heads.map(text),
      numeric: heads.map(th => th.classList.contains('text-end')),
      rows: table ? Array.from(table.querySelectorAll('tbody tr'))
        .map(tr => Array.from(tr.children).map(text)) : [],
      paged: !!s.querySelector('.pagination'),
      no_data: !!s.querySelector('.no-data'),
      chart_note: text(s.querySelector('.chart-note')),
      svg: svg ? {
        role: svg.getAttribute('role'),
        labels: (svg.getAttribute('aria-labelledby') || '').split(/\s+/).filter(Boolean)
          .map(id => text(document.getElementById(id))),
        categories: Array.from(svg.querySelectorAll('text > title')).map(text),
        texts: Array.from(svg.querySelectorAll('text'))
          .filter(t => !t.querySelector('title')).map(text),
        figcaption: text(s.querySelector('figure figcaption')),
      } : null,
    };
  });
}"""


@dataclass
class PagePart:
    """One part of a report page as the browser shows it."""

    key: str
    title: str
    caption: str | None
    headers: list[str]
    numeric: list[bool]
    rows: list[list[str]]
    paged: bool
    no_data: bool
    chart_note: str | None
    svg: dict[str, Any] | None

    @property
    def row_heads(self) -> list[str]:
        return [row[0] for row in self.rows]

    def column(self, label: str) -> list[str]:
        index = self.headers.index(label)
        return [row[index] for row in self.rows]


def read_parts(page: Page) -> dict[str, PagePart]:
    return {p["key"]: PagePart(**p) for p in page.evaluate(READ_PARTS)}


def page_number(text: str) -> float | None:
    """A German page figure as a number (percent as shown: "78,6 %" → 78.6); "–" → None."""
    if text == NA:
        return None
    assert PAGE_NUMBER.fullmatch(text), f"{text!r} is not a German figure"
    return float(text.removesuffix("\u00a0%").replace(".", "").replace(",", "."))


def german_fraction(text: str) -> bool:
    """A figure with a decimal comma or a percent sign after a no-break space."""
    return bool(PAGE_NUMBER.fullmatch(text)) and ("," in text or text.endswith("\u00a0%"))


# ---------------------------------------------------------------------------
# The database side (the live server's database, read in the test process)
# ---------------------------------------------------------------------------


def today_berlin() -> date:
    return to_berlin(utcnow()).date()


def department_id(code: str) -> int:
    found = db.session.scalar(select(Department.id).where(Department.code == code))
    assert found is not None, f"demo department {code} is missing"
    return found


def subtree(*roots: int) -> set[int]:
    """The departments below (and including) ``roots``, walking ``parent_id`` (not the
    materialised path the reports use)."""
    children: dict[int | None, list[int]] = {}
    for dept_id, parent_id in db.session.execute(select(Department.id, Department.parent_id)):
        children.setdefault(parent_id, []).append(dept_id)
    found: set[int] = set()
    todo = list(roots)
    while todo:
        current = todo.pop()
        if current not in found:
            found.add(current)
            todo += children.get(current, [])
    return found


def department_labels(ids: set[int]) -> set[str]:
    """The departments as the reports label them: "code name"."""
    rows = db.session.execute(
        select(Department.code, Department.name).where(Department.id.in_(ids))
    )
    return {f"{code} {name}" for code, name in rows}


def department_names(ids: set[int]) -> dict[str, str]:
    rows = db.session.execute(select(Department.id, Department.name).where(Department.id.in_(ids)))
    return {str(dept_id): name for dept_id, name in rows}


def people_names(dept_ids: set[int], job_role_id: int | None = None) -> set[str]:
    """Active employees of the departments as the matrix names them: "Last, First"."""
    query = select(Employee.last_name, Employee.first_name).where(
        Employee.department_id.in_(dept_ids), Employee.active.is_(True)
    )
    if job_role_id is not None:
        query = query.where(Employee.job_role_id == job_role_id)
    return {f"{last}, {first}" for last, first in db.session.execute(query)}


def job_role(code: str) -> JobRole:
    role = db.session.scalar(select(JobRole).where(JobRole.code == code))
    assert role is not None, f"demo job role {code} is missing"
    return role


def area(code: str) -> CompetenceArea:
    found = db.session.scalar(
        select(CompetenceArea)
        .join(Framework, Framework.id == CompetenceArea.framework_id)
        .where(CompetenceArea.code == code, Framework.active.is_(True))
    )
    assert found is not None, f"competence area {code} is missing"
    return found


def area_codes(area_id: int) -> set[str]:
    return set(db.session.scalars(select(Competence.code).where(Competence.area_id == area_id)))


def target_codes(job_role_id: int, area_id: int) -> set[str]:
    """Competences of the area the job role currently has a target for."""
    return set(
        db.session.scalars(
            select(Competence.code)
            .join(RoleTarget, RoleTarget.competence_id == Competence.id)
            .where(
                RoleTarget.job_role_id == job_role_id,
                RoleTarget.ended_at.is_(None),
                Competence.area_id == area_id,
            )
        )
    )


def quarter_start(day: date) -> date:
    return date(day.year, (day.month - 1) // 3 * 3 + 1, 1)


def quarters(first: date, last: date) -> list[str]:
    """The labels of the quarters from ``first`` to ``last``: "Q2 2026", …"""
    labels, current = [], quarter_start(first)
    while current <= last:
        labels.append(f"Q{(current.month - 1) // 3 + 1} {current.year}")
        month = current.month + 3
        current = date(current.year + (month > 12), (month - 1) % 12 + 1, 1)
    return labels


# ---------------------------------------------------------------------------
# What HR filters each report by, and what the page must then show
# ---------------------------------------------------------------------------


@dataclass
class Plan:
    """The filter form's input for one report and the expectations it implies."""

    filters: dict[str, str]
    department: str  # the filter department's name (in the exports' filter lines)
    check: Callable[[dict[str, PagePart]], None]
    #: the page shows at least one figure with a decimal comma or " %"
    fractions: bool = True
    #: the first filter leaves a group too small to show (a withheld row)
    withheld: bool = False
    #: a second filter after the first (department back to "all"), e.g. when the first
    #: leaves only withheld rows; the downloads use the second
    then: dict[str, str] = field(default_factory=dict)


def _without_total(app: Flask, rows: list[str]) -> list[str]:
    total = german(app, "Total")
    assert rows and rows[-1] == total, f"the last row is not the total: {rows[-1:]}"
    return rows[:-1]


def matrix_plan(app: Flask, today: date) -> Plan:
    root = department_id(DIGITAL_OFFICE)
    depts = subtree(root)
    role, tec = job_role(IT_ROLE), area(TECH_AREA)
    names = people_names(depts, role.id)
    labels = department_labels(depts)
    codes = target_codes(role.id, tec.id)
    assert names and codes, "the demo has no IT specialists with targets in the area"
    role_title = role.title
    base = [german(app, label) for label in ("Name", "Personnel number", "Department")]
    base.append(german(app, "Job role"))

    def check(parts: dict[str, PagePart]) -> None:
        matrix = parts["matrix"]
        assert not matrix.paged
        assert set(matrix.row_heads) == names
        assert len(matrix.row_heads) == len(names)
        assert set(matrix.column(base[2])) <= labels
        assert set(matrix.column(base[3])) == {role_title}
        assert matrix.headers[:4] == base
        shown = {header.split(" ", 1)[0] for header in matrix.headers[4:]}
        assert shown == codes, "the competence columns are not the area's targets"
        assert len(matrix.headers) == 4 + 3 * len(codes)  # current level, target, gap
        for row in matrix.rows:
            for cell in row[4:]:
                assert cell == NA or cell.isdigit(), f"{cell!r} is no level"

    filters = {"department": str(root), "job_role": str(role.id), "area": str(tec.id)}
    return Plan(filters, db.session.get(Department, root).name, check, fractions=False)


def gaps_plan(app: Flask, today: date) -> Plan:
    root = department_id(DIGITAL_OFFICE)
    labels = department_labels(subtree(root))
    role, tec = job_role(IT_ROLE), area(TECH_AREA)
    codes = area_codes(tec.id)
    role_title = role.title

    def check(parts: dict[str, PagePart]) -> None:
        assert list(parts) == ["by_department", "by_job_role", "by_competence"]
        departments = _without_total(app, parts["by_department"].row_heads)
        assert departments and set(departments) <= labels
        assert _without_total(app, parts["by_job_role"].row_heads) == [role_title]
        competences = _without_total(app, parts["by_competence"].row_heads)
        assert competences and {c.split(" ", 1)[0] for c in competences} <= codes

    filters = {"department": str(root), "job_role": str(role.id), "area": str(tec.id)}
    return Plan(filters, db.session.get(Department, root).name, check, withheld=True)


def participation_plan(app: Flask, today: date) -> Plan:
    root = department_id(DIRECTORATE_I)
    labels = department_labels(subtree(root))
    start = today - timedelta(days=240)
    years = {str(year) for year in range(start.year, today.year + 1)}
    dept_label, year_label = german(app, "Department"), german(app, "Year")

    def check(parts: dict[str, PagePart]) -> None:
        assert list(parts) == ["ue_per_person", "by_department"]
        people = parts["ue_per_person"]
        assert people.rows, "nobody completed a course in the period"
        assert set(people.column(dept_label)) <= labels
        assert set(people.column(year_label)) <= years
        departments = _without_total(app, parts["by_department"].row_heads)
        assert departments and set(departments) <= labels

    filters = {
        "department": str(root),
        "period_from": start.isoformat(),
        "period_to": today.isoformat(),
    }
    return Plan(filters, db.session.get(Department, root).name, check, withheld=True)


def demand_plan(app: Flask, today: date) -> Plan:
    root = department_id(DIRECTORATE_IV)

    def check(parts: dict[str, PagePart]) -> None:
        courses = parts["by_course"]
        assert courses.rows, "no course with unmet demand in the directorate"
        assert courses.svg is not None

    filters = {
        "department": str(root),
        "period_from": (today - timedelta(days=240)).isoformat(),
        "period_to": (today + timedelta(days=120)).isoformat(),
    }
    return Plan(filters, db.session.get(Department, root).name, check, fractions=False)


def cohorts_plan(app: Flask, today: date) -> Plan:
    root = department_id(DIRECTORATE_IV)

    def check(parts: dict[str, PagePart]) -> None:
        assert parts["by_cohort"].rows, "no fast-track cohort in the period"

    period = {
        "period_from": (today - timedelta(days=365)).isoformat(),
        "period_to": (today + timedelta(days=365)).isoformat(),
    }
    # One directorate first (few members: withheld), then the whole organisation.
    return Plan(
        {"department": str(root), **period},
        db.session.get(Department, root).name,
        check,
        withheld=True,
        then={"department": "", **period},
    )


def compliance_plan(app: Flask, today: date) -> Plan:
    root = department_id(DIGITAL_OFFICE)
    labels = department_labels(subtree(root))

    def check(parts: dict[str, PagePart]) -> None:
        assert list(parts) == ["by_department", "by_training"]
        departments = _without_total(app, parts["by_department"].row_heads)
        assert departments and set(departments) <= labels
        assert parts["by_training"].rows, "no mandatory training in the office"

    filters = {"department": str(root)}
    return Plan(filters, db.session.get(Department, root).name, check)


def trends_plan(app: Flask, today: date) -> Plan:
    root = department_id(DIRECTORATE_IV)
    start = quarter_start(today - timedelta(days=180))
    end = quarter_start(quarter_start(today) + timedelta(days=100)) - timedelta(days=1)
    expected = quarters(start, end)

    def check(parts: dict[str, PagePart]) -> None:
        assert parts["by_quarter"].row_heads == expected

    period = {"period_from": start.isoformat(), "period_to": end.isoformat()}
    # One directorate first (its quarters may all be withheld: whole quarters, distinct
    # people per quarter), then the whole organisation, whose rates show.
    return Plan(
        {"department": str(root), **period},
        db.session.get(Department, root).name,
        check,
        then={"department": "", **period},
    )


PLANS: dict[str, Callable[[Flask, date], Plan]] = {
    "matrix": matrix_plan,
    "gaps": gaps_plan,
    "participation": participation_plan,
    "demand": demand_plan,
    "cohorts": cohorts_plan,
    "compliance": compliance_plan,
    "trends": trends_plan,
}


# ---------------------------------------------------------------------------
# Checks of a page
# ---------------------------------------------------------------------------

#: (report, part) → the column with the group size that decides the withholding.
GROUP_SIZE = {
    **{("gaps", part): "People with a target" for part in AGGREGATE_PARTS["gaps"]},
    ("participation", "by_department"): "People",
    ("cohorts", "by_cohort"): "Members",
    **{("compliance", part): "People" for part in AGGREGATE_PARTS["compliance"]},
}


def apply_filters(page: Page, problems: list[str], filters: dict[str, str]) -> None:
    """Fill the filter form, submit it, check the new page and that it kept the input."""
    for name, value in filters.items():
        if name.startswith("period_"):
            page.fill(f"#report-filters #{name}", value)
        else:
            page.select_option(f"#report-filters #{name}", value)
    click_and_check(page, problems, "#report-filters button[type=submit]")
    query = parse_qs(urlsplit(page.url).query, keep_blank_values=True)
    for name, value in filters.items():
        assert query.get(name) == [value], f"{name} is not in the query string {page.url}"
        assert page.input_value(f"#report-filters #{name}") == value
    assert page.locator("#report-filters [aria-invalid=true]").count() == 0


def check_parts(app: Flask, parts: dict[str, PagePart]) -> None:
    """Every part: a data table with a caption (or "no data"), figures in German format,
    and a drawn chart that is an accessible image of exactly the table's rows."""
    assert parts, "the report page shows no part"
    for part in parts.values():
        assert part.no_data or part.caption, f"part {part.key} has no table"
        if part.no_data:
            continue
        assert part.caption.startswith(part.title)
        assert part.rows and all(len(row) == len(part.headers) for row in part.rows)
        for row in part.rows:
            for cell, numeric in zip(row, part.numeric, strict=True):
                if numeric:
                    page_number(cell)  # "–" or German
        if part.svg is None:
            continue
        svg = part.svg
        assert svg["role"] == "img"
        assert len(svg["labels"]) == 2 and all(svg["labels"]), "chart without title/desc"
        assert part.title in svg["figcaption"]
        if not part.paged:  # one bar/point per row of the table beside it
            assert sorted(svg["categories"]) == sorted(part.row_heads)
        for text in svg["texts"]:
            if text[:1].isdigit():
                page_number(text)  # values and axis ticks German too


def check_withholding(app: Flask, key: str, parts: dict[str, PagePart]) -> int:
    """Every row whose group has 1 to MIN_GROUP_SIZE - 1 people is withheld (its note says
    so, every figure but the group size is "–"); larger rows may be withheld too
    (complementary suppression, so that no withheld figure can be worked out from the
    shown ones). Returns how many rows are withheld."""
    minimum = app.config.get("MIN_GROUP_SIZE", 5)
    note = german(app, WITHHELD_NOTE, n=minimum)
    count = 0
    for part in parts.values():
        label = GROUP_SIZE.get((key, part.key))
        if label is None or part.no_data:
            continue
        size_at = part.headers.index(german(app, label))
        has_note = part.headers[-1] == german(app, NOTE_LABEL)
        for row in part.rows:
            size = page_number(row[size_at]) or 0
            withheld = has_note and row[-1] == note
            if 0 < size < minimum:
                assert withheld, f"{key}/{part.key}: small group shown: {row}"
            if withheld:
                count += 1
                figures = [c for i, c in enumerate(row) if part.numeric[i] and i != size_at]
                assert set(figures) == {NA}, f"{key}/{part.key}: withheld row shows {row}"
    return count


# ---------------------------------------------------------------------------
# Checks of the downloads
# ---------------------------------------------------------------------------


def download(page: Page, fmt: str, tmp_path: Path) -> Path:
    button = page.locator(f"#export-{fmt} button[type=submit]")
    with page.expect_download() as info:
        button.click()
    assert info.value.failure() is None
    path = tmp_path / info.value.suggested_filename
    info.value.save_as(path)
    return path


def _strip_note(app: Flask, headers: list[str]) -> list[str]:
    note = german(app, NOTE_LABEL)
    return headers[:-1] if headers and headers[-1] == note else headers


def _same_figure(shown: str, value: float | None, kind: str) -> bool:
    """Whether the page's figure ``shown`` and the file's ``value`` agree (the page
    rounds to one decimal, the CSV to two; percent: page 78,6 % ↔ CSV 78,6 ↔ XLSX 0,786)."""
    expected = page_number(shown)
    if expected is None or value is None:
        return expected is None and value is None
    if kind == "xlsx" and shown.endswith("%"):
        value *= 100
    return abs(expected - value) <= 0.051


def check_csv(app: Flask, path: Path, parts: dict[str, PagePart], plan: Plan) -> None:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "the CSV has no UTF-8 byte order mark"
    text = raw.decode("utf-8")[1:]
    lines = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    preamble = lines[: lines.index([])]
    assert any(plan.department in cell for line in preamble for cell in line), "no filters"
    fractions = False
    for part in parts.values():
        headers = _strip_note(app, part.headers)
        start = next(
            (
                i
                for i in range(len(lines) - 1)
                if lines[i] == [part.title] and lines[i + 1][:1] == headers[:1]
            ),
            None,
        )
        assert start is not None, f"no section {part.title!r} in the CSV"
        header = _strip_note(app, lines[start + 1])
        assert [h.removesuffix(" (%)") for h in header] == headers
        assert len(lines[start + 1]) > 1, "the CSV is not separated by ';'"
        body = lines[start + 2 : start + 2 + len(part.rows)]
        if part.no_data:
            assert lines[start + 2] == []
            continue
        for row, shown in zip(body, part.rows, strict=True):
            assert row[0] == shown[0]
            for index, numeric in enumerate(part.numeric):
                if not numeric or index >= len(header):
                    continue
                cell = row[index]
                assert cell == "" or CSV_NUMBER.fullmatch(cell), f"{cell!r} is no CSV figure"
                fractions |= "," in cell
                value = float(cell.replace(",", ".")) if cell else None
                assert _same_figure(shown[index], value, "csv"), (part.key, shown, row)
            if len(shown) > len(headers):  # the page's note column: withheld
                assert row[-1] == shown[-1]
        if not part.paged:
            assert lines[start + 2 + len(part.rows)] == [], "the CSV has more rows"
    assert fractions or not plan.fractions, "no decimal comma in the CSV"


def check_xlsx(app: Flask, path: Path, parts: dict[str, PagePart]) -> None:
    workbook = openpyxl.load_workbook(path)
    assert workbook.sheetnames[0] == german(app, "Report")
    sheets = workbook.worksheets[1:]
    assert len(sheets) == len(parts), "not one sheet per part"
    for sheet, part in zip(sheets, parts.values(), strict=True):
        assert sheet.title == part.title[:31]
        assert sheet.freeze_panes in ("A2", "B2"), f"{sheet.title}: header row not frozen"
        header_cells = next(sheet.iter_rows(min_row=1, max_row=1))
        assert all(cell.font.b for cell in header_cells if cell.value)
        headers = _strip_note(app, [cell.value for cell in header_cells if cell.value])
        assert headers == _strip_note(app, part.headers)
        if part.no_data:
            continue
        rows = sheet.iter_rows(min_row=2, max_row=1 + len(part.rows))
        for cells, shown in zip(rows, part.rows, strict=True):
            assert cells[0].value == shown[0]
            for index, numeric in enumerate(part.numeric):
                if numeric and index < len(headers):
                    cell = cells[index]
                    assert _same_figure(shown[index], cell.value, "xlsx"), (sheet.title, shown)
                    if shown[index].endswith("%"):
                        assert "%" in cell.number_format


def pdf_text(path: Path) -> str:
    result = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"],
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    )
    return " ".join(result.stdout.split())


def check_pdf(path: Path, title: str, plan: Plan) -> None:
    assert path.read_bytes().startswith(b"%PDF")
    text = pdf_text(path)
    assert "Seite 1 von" in text
    assert title in text
    assert plan.department in text, "the PDF does not name the filter department"


# ---------------------------------------------------------------------------
# 1. HR: every report, filtered, every download
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("key", REPORT_KEYS)
def test_hr_filters_each_report_and_downloads_it(
    key: str,
    e2e_app: Flask,
    open_page: Callable[[], Page],
    browser_problems: list[str],
    tmp_path: Path,
) -> None:
    problems = browser_problems
    today = today_berlin()
    with e2e_app.app_context():
        plan = PLANS[key](e2e_app, today)

    hr = open_page()
    log_in(hr, problems, "hr")
    assert nav_menu_to(hr, problems, INDEX) == german(e2e_app, "HR")
    listed = hr.locator("#report-list [data-report]").evaluate_all(
        "items => items.map(i => i.dataset.report)"
    )
    assert listed == list(REPORT_KEYS)
    click_and_check(hr, problems, f"#report-list a[href='/berichte/bericht/{key}']")
    title = hr.locator("main h1").inner_text().strip()
    assert read_parts(hr), "the report shows nothing before filtering"

    apply_filters(hr, problems, plan.filters)
    parts = read_parts(hr)
    check_parts(e2e_app, parts)
    withheld = check_withholding(e2e_app, key, parts)
    assert withheld or not plan.withheld, "no group withheld"
    plan.check(parts)
    if plan.then:
        apply_filters(hr, problems, plan.then)
        parts = read_parts(hr)
        check_parts(e2e_app, parts)
        check_withholding(e2e_app, key, parts)
        plan.check(parts)
        plan.department = german(e2e_app, "all")
    if plan.fractions:
        figures = [cell for part in parts.values() for row in part.rows for cell in row]
        assert any(german_fraction(cell) for cell in figures), "no decimal comma, no %"

    files = {fmt: download(hr, fmt, tmp_path) for fmt in FORMATS}
    for fmt, path in files.items():
        assert path.name == f"{FILE_STEMS[key]}-{today.isoformat()}.{fmt}"
    check_csv(e2e_app, files["csv"], parts, plan)
    check_xlsx(e2e_app, files["xlsx"], parts)
    check_pdf(files["pdf"], title, plan)
    assert path_of(hr) == f"/berichte/bericht/{key}"
    checked(hr, problems)  # still the report page, no CSP violation or JS error


# ---------------------------------------------------------------------------
# 2. The department head: his subtree only
# ---------------------------------------------------------------------------


def test_head_sees_only_his_subtree(
    e2e_app: Flask, open_page: Callable[[], Page], browser_problems: list[str]
) -> None:
    problems = browser_problems
    with e2e_app.app_context():
        head = demo_user("head")
        roots = set(
            db.session.scalars(select(Department.id).where(Department.head_id == head.employee_id))
        )
        assert roots, "the demo head heads no department"
        mine = subtree(*roots)
        offered = department_names(mine)
        names = people_names(mine)
        labels = department_labels(mine)
        division = department_id(DIGITAL_SERVICES)
        assert division in mine
        division_names = people_names(subtree(division))
        outside = department_id(PERSONNEL_OFFICE)
        assert outside not in mine
        outsiders = people_names(subtree(outside))
        own_name = f"{head.employee.last_name}, {head.employee.first_name}"
    assert names and division_names and outsiders
    assert division_names < names and not (outsiders & names)

    page = open_page()
    log_in(page, problems, "head")
    assert page.locator(f"header nav .dropdown-menu a[href='{INDEX}']").count() == 0
    nav_to(page, problems, INDEX)  # in his main navigation
    assert page.locator("#report-list [data-report='matrix']").count() == 1
    click_and_check(page, problems, "#report-list a[href='/berichte/bericht/matrix']")

    # The department filter offers exactly his subtree.
    options = page.locator("#department option").evaluate_all(
        "os => os.map(o => [o.value, o.textContent.trim()])"
    )
    assert options[0] == ["", german(e2e_app, "All my departments")]
    assert dict(options[1:]) == offered

    # The matrix names exactly the active people of his subtree.
    matrix = read_parts(page)["matrix"]
    assert not matrix.paged
    assert set(matrix.row_heads) == names
    assert own_name in matrix.row_heads
    assert set(matrix.column(german(e2e_app, "Department"))) <= labels

    # A filter on one of his divisions narrows it to that division.
    apply_filters(page, problems, {"department": str(division)})
    assert set(read_parts(page)["matrix"].row_heads) == division_names

    # The gaps report groups only his departments.
    go(page, problems, "/berichte/bericht/gaps")
    departments = _without_total(e2e_app, read_parts(page)["by_department"].row_heads)
    assert departments and set(departments) <= labels

    # A department outside his subtree in the URL: refused next to the field (the report
    # is not run, 200), nothing about anybody on the page.
    refused = german(e2e_app, "Please choose one of the offered entries.")
    for url in (
        f"/berichte/bericht/matrix?department={outside}",
        f"/berichte/bericht/gaps?department={outside}",
        # an export with it: redirected to the page with the message, no download
        f"/berichte/bericht/matrix.csv?department={outside}",
    ):
        go(page, problems, url)
        assert path_of(page) == urlsplit(url).path.rsplit(".", 1)[0]
        assert page.locator("#department").get_attribute("aria-invalid") == "true"
        assert refused in page.locator("#department-error").inner_text()
        assert page.locator("section.report-part, #report-downloads").count() == 0
        text = page.locator("main").inner_text()
        assert not [name for name in outsiders if name in text], "outsiders shown"
    for fmt in FORMATS:
        response = page.request.get(f"/berichte/bericht/gaps.{fmt}?department={outside}")
        assert response.ok and "attachment" not in response.headers.get(
            "content-disposition", ""
        ), f"the {fmt} export of a foreign department was delivered"


# ---------------------------------------------------------------------------
# 3. The staff council: aggregates only
# ---------------------------------------------------------------------------


def test_council_gets_aggregates_only(
    e2e_app: Flask, open_page: Callable[[], Page], browser_problems: list[str]
) -> None:
    problems = browser_problems
    with e2e_app.app_context():
        everybody = people_names(subtree(*db.session.scalars(select(Department.id))))
    personal = {german(e2e_app, "Name"), german(e2e_app, "Personnel number")}

    page = open_page()
    log_in(page, problems, "council")
    assert nav_menu_to(page, problems, INDEX) == german(e2e_app, "Staff council")
    listed = page.locator("#report-list [data-report]").evaluate_all(
        "items => items.map(i => i.dataset.report)"
    )
    assert listed == [key for key in REPORT_KEYS if key != "matrix"]

    for key in listed:
        go(page, problems, INDEX)
        click_and_check(page, problems, f"#report-list a[href='/berichte/bericht/{key}']")
        parts = read_parts(page)
        assert set(parts) == AGGREGATE_PARTS[key], f"{key}: {sorted(parts)}"
        check_parts(e2e_app, parts)
        check_withholding(e2e_app, key, parts)
        assert page.locator("#access-log-note").count() == 0
        for part in parts.values():
            assert not personal & set(part.headers), f"{key}/{part.key} names people"
        text = page.locator("main").inner_text()
        assert not [name for name in everybody if name in text], f"{key} names people"
        csv_export = page.request.get(f"/berichte/bericht/{key}.csv")
        assert csv_export.ok
        body = csv_export.text()
        assert not [name for name in everybody if name in body], f"{key}.csv names people"

    # The matrix: 403 for the page and every export.
    response = page.goto("/berichte/bericht/matrix")
    assert response is not None and response.status == 403
    assert page.locator("html").get_attribute("lang") == "de"
    check_a11y(page)
    for fmt in FORMATS:
        assert page.request.get(f"/berichte/bericht/matrix.{fmt}").status == 403
    assert page.request.get("/berichte/bericht/participation.csv").ok
