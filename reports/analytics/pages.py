"""What the report pages show, built from the request: the filter form, the parts of a
page (texts formatted for the UI locale, paginated ``ROWS_PER_PAGE`` rows per part with
its own page argument ``p_<part key>``) and the people whose rows are shown or exported
(for the access log)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from flask import request, url_for
from flask_babel import gettext
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from academy.accounts.models import User
from academy.clock import to_berlin
from academy.errors import ValidationFailed
from academy.extensions import db
from academy.frameworks.models import CompetenceArea, Framework
from academy.i18n import N_
from academy.org.heads import order_as_tree
from academy.org.models import Department, JobRole
from academy.web.kit import language
from reports.analytics.catalogue import ReportDef, build, definition_for
from reports.analytics.charts import svg_chart
from reports.analytics.formatting import (
    NOTE_LABEL,
    column_label,
    is_numeric,
    min_group_text,
    part_notes,
    scope_text,
    t,
    ui_value,
    withheld_mask,
    withheld_text,
)
from reports.analytics.forms import ReportFilterForm
from reports.analytics.report_model import Part, Report, ReportScope
from reports.exports.pdf import pdf_rows

ROWS_PER_PAGE = 50
FORMATS = [("csv", N_("CSV (Excel)")), ("xlsx", N_("XLSX")), ("pdf", N_("PDF"))]


def today(now: datetime) -> date:
    return to_berlin(now).date()


# ---------------------------------------------------------------------------
# Filters
# ---------------------------------------------------------------------------


def _departments(scope: ReportScope) -> list[tuple[Department, int]]:
    query = select(Department).where(Department.active.is_(True))
    if not scope.people.everything:
        query = query.where(scope.people.where(Department.id))
    return order_as_tree(db.session.scalars(query))


def _areas() -> list[tuple[CompetenceArea, str]]:
    lang = language()
    areas = db.session.scalars(
        select(CompetenceArea)
        .join(Framework, Framework.id == CompetenceArea.framework_id)
        .options(joinedload(CompetenceArea.framework))
        .where(Framework.active.is_(True))
        .order_by(Framework.code, CompetenceArea.position, CompetenceArea.code)
    )

    def name(obj: Any) -> str:
        return getattr(obj, f"name_{lang}", None) or obj.name_de

    return [(area, f"{name(area.framework)} – {area.code} {name(area)}") for area in areas]


def filter_form(scope: ReportScope, definition: ReportDef, day: date) -> ReportFilterForm:
    """The form from the query string, or with the defaults (period: the current
    year) when the query string holds none of its fields."""
    if ReportFilterForm.submitted(request.args):
        form = ReportFilterForm(formdata=request.args)
    else:
        form = ReportFilterForm(
            formdata=None,
            period_from=date(day.year, 1, 1),
            period_to=date(day.year, 12, 31),
        )
    form.set_choices(
        _departments(scope),
        db.session.scalars(select(JobRole).order_by(JobRole.title, JobRole.code)),
        _areas() if definition.uses_area else [],
        all_departments_label=gettext("All departments")
        if scope.people.everything
        else gettext("All my departments"),
        job_role_filter=not scope.aggregates_only,
    )
    return form


def _build(
    definition: ReportDef, form: ReportFilterForm, user: User, now: datetime
) -> Report | None:
    """Run the report, or None when the filters are invalid (errors are on the form;
    a ``ValidationFailed`` of the report naming a field is shown there too)."""
    if not form.validate():
        return None
    filters = form.filters(uses_area=definition.uses_area, uses_period=definition.uses_period)
    try:
        report = build(definition.key, user, filters, today(now))
    except ValidationFailed as error:
        target = getattr(form, error.field or "", None)
        if target is None or not hasattr(target, "errors"):
            raise
        db.session.rollback()
        target.errors = [*target.errors, t(error.message, **error.params)]
        return None
    if report.scope.aggregates_only:  # defence in depth: never a row about one person
        report.parts = [part for part in report.parts if not part.individual]
    return report


@dataclass
class Request:
    """A report asked for with the query string: its definition, the filter form, the
    report (None while the filters are invalid) and the filters as query arguments."""

    key: str
    scope: ReportScope
    definition: ReportDef
    form: ReportFilterForm
    report: Report | None
    args: dict[str, str]


def report_request(key: str, user: User, now: datetime) -> Request:
    """The report ``key`` for ``user`` with the filters of the query string (``NotFound``
    for an unknown key, ``PermissionDenied`` for the staff council and single people)."""
    scope = ReportScope.for_user(user)
    definition = definition_for(key, scope)
    form = filter_form(scope, definition, today(now))
    report = _build(definition, form, user, now)
    args = form.query_args(uses_area=definition.uses_area, uses_period=definition.uses_period)
    return Request(key, scope, definition, form, report, args)


# ---------------------------------------------------------------------------
# Access log
# ---------------------------------------------------------------------------


def people_in_rows(part: Part, start: int, end: int) -> list[int]:
    """Employee ids of the part's rows ``start:end`` (individual parts only): from an
    ``employee_id`` column when the frame has one, else from ``people_shown`` when it
    lists one id per row, else (unknown order) all of ``people_shown``."""
    if not part.individual:
        return []
    frame = part.frame
    if "employee_id" in frame.columns:
        ids = frame["employee_id"].iloc[start:end].tolist()
        return [int(i) for i in ids if i is not None and i == i]
    if len(part.people_shown) == len(frame):
        return [int(i) for i in part.people_shown[start:end]]
    return [int(i) for i in part.people_shown]


def exported_people(report: Report, fmt: str) -> list[int]:
    people: list[int] = []
    for part in report.parts:
        end = pdf_rows(part) if fmt == "pdf" else len(part.frame)
        people += people_in_rows(part, 0, end)
    return people


# ---------------------------------------------------------------------------
# Parts of a page
# ---------------------------------------------------------------------------


@dataclass
class PartView:
    """What the template shows of one part (texts already formatted)."""

    key: str
    title: str
    description: str
    chart: Markup
    headers: list[tuple[str, bool]]  # (label, numeric)
    rows: list[list[str]]
    notes: list[str]
    total: int
    page: int
    pages: int
    first: int  # 1-based number of the first row shown
    page_urls: dict[int, str] = field(default_factory=dict)
    individual: bool = False

    @property
    def has_svg(self) -> bool:
        """A drawn chart (not the note that there are too many categories)."""
        return str(self.chart).startswith("<svg")


def _page_of(part: Part) -> int:
    page = request.args.get(f"p_{part.key}", 1, type=int) or 1
    pages = max((len(part.frame) + ROWS_PER_PAGE - 1) // ROWS_PER_PAGE, 1)
    return min(max(page, 1), pages)


def _page_window(page: int, pages: int) -> list[int]:
    shown = {1, pages, *range(page - 2, page + 3)}
    return sorted(n for n in shown if 1 <= n <= pages)


def part_view(
    report: Report, part: Part, page: int, args: dict[str, str], key: str
) -> tuple[PartView, list[int]]:
    """The part's rows of ``page`` formatted for the UI locale, and the people on it."""
    total = len(part.frame)
    pages = max((total + ROWS_PER_PAGE - 1) // ROWS_PER_PAGE, 1)
    start = (page - 1) * ROWS_PER_PAGE
    end = min(start + ROWS_PER_PAGE, total)
    rows_frame = part.frame.iloc[start:end]
    columns = [[ui_value(v, c.kind) for v in rows_frame[c.key].tolist()] for c in part.columns]
    headers = [(column_label(c), is_numeric(c)) for c in part.columns]
    if any(withheld_mask(part)):  # the page has the note column only when a row is withheld
        note = withheld_text(report.scope)
        columns.append([note if w else "" for w in withheld_mask(part, start, end)])
        headers.append((t(NOTE_LABEL), False))
    rows = [list(row) for row in zip(*columns, strict=True)] if columns else []
    others = {k: v for k, v in request.args.items() if k.startswith("p_") and k != f"p_{part.key}"}
    urls = {
        n: url_for("reports.report", key=key, **args, **others, **{f"p_{part.key}": n})
        + f"#part-{part.key}"
        for n in _page_window(page, pages)
    }
    view = PartView(
        key=part.key,
        title=t(part.title),
        description=t(part.description),
        chart=svg_chart(part, uid=f"chart-{part.key}"),
        headers=headers,
        rows=rows,
        notes=part_notes(part),
        total=total,
        page=page,
        pages=pages,
        first=start + 1,
        page_urls=urls,
        individual=part.individual,
    )
    return view, people_in_rows(part, start, end)


def report_page(asked: Request) -> tuple[dict[str, Any], list[int]]:
    """The template context of the report page and the people whose rows it shows."""
    parts: list[PartView] = []
    people: list[int] = []
    report = asked.report
    if report is not None:
        for part in report.parts:
            view, shown = part_view(report, part, _page_of(part), asked.args, asked.key)
            parts.append(view)
            people += shown
    scope = report.scope if report else asked.scope
    context = {
        "definition": asked.definition,
        "form": asked.form,
        "report": report,
        "parts": parts,
        "args": asked.args,
        "scope_text": scope_text(scope),
        "min_group": min_group_text(scope),
        "formats": FORMATS,
    }
    return context, people
