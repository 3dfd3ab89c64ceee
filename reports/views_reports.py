"""HR report pages and their CSV/XLSX/PDF exports (/berichte/…).

- ``/berichte/`` (``reports.index``): the reports the reader may open.
- ``/berichte/bericht/<key>`` (``reports.report``): the GET filter form (department
  within the reader's scope, job role, competence area, period; period defaults to the
  current year), then every part: title, description, chart with its data table (the
  table is always there), notes; each part paginated ``ROWS_PER_PAGE`` rows with its own
  page argument ``p_<part key>``. Invalid filter input → message next to the field, the
  report is not run (200).
- ``/berichte/bericht/<key>.<csv|xlsx|pdf>`` (``reports.export``): the same filters,
  streamed as an attachment ``<key>-<YYYY-MM-DD>.<ext>``. CSV is streamed while it is
  written; XLSX and PDF are written into a ``SpooledTemporaryFile`` (memory, on disk
  when large) and streamed from it with a ``Content-Length``, so the result is held once
  and the browser shows the download's progress. The download buttons use the busy
  indication of ``app.js`` (``data-busy-download``), like the certificate ZIP.

Data protection: whenever rows about single people are shown (the page's rows of an
individual part) or exported (all of them; the PDF's rows), every person gets an entry
in the access log (``what="report"``, purpose = report key / file type), in one bulk
INSERT; every export also writes the audit record ``report.exported`` (key, format,
filters). The staff council never gets an individual part (refused for whole reports,
dropped for parts).
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from types import ModuleType
from typing import IO, Any

from flask import abort, redirect, render_template, request, stream_with_context, url_for
from flask_babel import get_locale, gettext
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from werkzeug.wrappers import Response

from academy.audit import record, record_accesses, register_access_label
from academy.auth.policy import register_rule, requires, roles_rule
from academy.clock import to_berlin, utcnow
from academy.errors import ValidationFailed
from academy.extensions import db
from academy.i18n import N_
from academy.models import (
    CompetenceArea,
    Department,
    Framework,
    JobRole,
    Role,
    User,
)
from academy.navigation import NavItem, add_nav
from academy.org_admin import order_as_tree
from reports import bp
from reports.charts import svg_chart
from reports.export_csv import csv_bytes
from reports.export_pdf import pdf_rows, write_pdf
from reports.export_xlsx import write_xlsx
from reports.formatting import (
    NOTE_LABEL,
    column_label,
    filters_dict,
    is_numeric,
    min_group_text,
    part_notes,
    scope_text,
    t,
    ui_value,
    withheld_mask,
    withheld_text,
)
from reports.forms_reports import ReportFilterForm
from reports.report_model import Part, Report, Scope

register_rule("reports.view", roles_rule(Role.HR, Role.HEAD, Role.COUNCIL))
ACCESS_REPORT = "report"
register_access_label(ACCESS_REPORT, N_("HR report"))
# One entry per audience: HR in the HR menu, the council in its menu, heads in the main bar.
register_rule("reports.view_hr", roles_rule(Role.HR))
register_rule("reports.view_council", roles_rule(Role.COUNCIL))
register_rule("reports.view_head", roles_rule(Role.HEAD))
add_nav(NavItem("reports.index", N_("Reports"), "reports.view_hr", "hr", order=40))
add_nav(NavItem("reports.index", N_("Reports"), "reports.view_council", "council", order=40))
add_nav(NavItem("reports.index", N_("Reports"), "reports.view_head", "main", order=40))

ROWS_PER_PAGE = 50
SPOOL_MAX = 8 * 1024 * 1024  # in memory up to 8 MB, then a temporary file
STREAM_CHUNK = 256 * 1024
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MIMETYPES = {"csv": "text/csv; charset=utf-8", "xlsx": XLSX_MIMETYPE, "pdf": "application/pdf"}


def _catalogue() -> ModuleType:
    """The report registry (``reports.catalogue``: ``REPORTS`` and ``build``)."""
    from reports import catalogue

    return catalogue


def _actor() -> User:
    return current_user._get_current_object()


def _today(now: datetime) -> date:
    return to_berlin(now).date()


def _language() -> str:
    locale = get_locale()
    return locale.language if locale else "de"


def _may_open(scope: Scope, definition: Any) -> bool:
    """The staff council (aggregates only) never opens a report about single people."""
    return not (scope.aggregates_only and definition.individual)


def _definition(key: str, scope: Scope) -> Any:
    definition = _catalogue().REPORTS.get(key)
    if definition is None:
        abort(404)
    if not _may_open(scope, definition):
        abort(403)
    return definition


# ---------------------------------------------------------------------------
# Filters
# ---------------------------------------------------------------------------


def _departments(scope: Scope) -> list[tuple[Department, int]]:
    query = select(Department).where(Department.active.is_(True))
    if scope.department_ids is not None:
        query = query.where(Department.id.in_(sorted(scope.department_ids)))
    return order_as_tree(db.session.scalars(query))


def _areas() -> list[tuple[CompetenceArea, str]]:
    language = _language()
    areas = db.session.scalars(
        select(CompetenceArea)
        .join(Framework, Framework.id == CompetenceArea.framework_id)
        .options(joinedload(CompetenceArea.framework))
        .where(Framework.active.is_(True))
        .order_by(Framework.code, CompetenceArea.position, CompetenceArea.code)
    )

    def name(obj: Any) -> str:
        return getattr(obj, f"name_{language}", None) or obj.name_de

    return [(area, f"{name(area.framework)} – {area.code} {name(area)}") for area in areas]


def filter_form(scope: Scope, definition: Any, today: date) -> ReportFilterForm:
    """The form from the query string, or with the defaults (period: the current
    year) when the query string holds none of its fields."""
    if ReportFilterForm.submitted(request.args):
        form = ReportFilterForm(formdata=request.args)
    else:
        form = ReportFilterForm(
            formdata=None,
            period_from=date(today.year, 1, 1),
            period_to=date(today.year, 12, 31),
        )
    form.set_choices(
        _departments(scope),
        db.session.scalars(select(JobRole).order_by(JobRole.title, JobRole.code)),
        _areas() if definition.uses_area else [],
        all_departments_label=gettext("All my departments")
        if scope.department_ids is not None
        else gettext("All departments"),
    )
    return form


def _args(form: ReportFilterForm, definition: Any) -> dict[str, str]:
    return form.query_args(uses_area=definition.uses_area, uses_period=definition.uses_period)


def _build(definition: Any, form: ReportFilterForm, user: User, now: datetime) -> Report | None:
    """Run the report, or None when the filters are invalid (errors are on the form;
    a ``ValidationFailed`` of the report naming a field is shown there too)."""
    if not form.validate():
        return None
    filters = form.filters(uses_area=definition.uses_area, uses_period=definition.uses_period)
    try:
        report = _catalogue().build(definition.key, user, filters, _today(now))
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


# ---------------------------------------------------------------------------
# Pages
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


@bp.get("/", endpoint="index")
@requires("reports.view")
def index() -> str:
    scope = Scope.for_user(_actor())
    definitions = [d for d in _catalogue().REPORTS.values() if _may_open(scope, d)]
    return render_template(
        "reports/report_index.html",
        definitions=definitions,
        scope_text=scope_text(scope),
        min_group=min_group_text(scope),
    )


@bp.get("/bericht/<key>", endpoint="report")
@requires("reports.view")
def report_page(key: str) -> str:
    user, now = _actor(), utcnow()
    scope = Scope.for_user(user)
    definition = _definition(key, scope)
    form = filter_form(scope, definition, _today(now))
    report = _build(definition, form, user, now)
    args = _args(form, definition)
    parts: list[PartView] = []
    people: list[int] = []
    if report is not None:
        for part in report.parts:
            view, shown = part_view(report, part, _page_of(part), args, key)
            parts.append(view)
            people += shown
    html = render_template(
        "reports/report_page.html",
        definition=definition,
        form=form,
        report=report,
        parts=parts,
        args=args,
        scope_text=scope_text(report.scope if report else scope),
        min_group=min_group_text(report.scope if report else scope),
        formats=[("csv", N_("CSV (Excel)")), ("xlsx", N_("XLSX")), ("pdf", N_("PDF"))],
    )
    if people:
        record_accesses(user, people, ACCESS_REPORT, purpose=key, now=now)
        db.session.commit()
    return html


# ---------------------------------------------------------------------------
# Exports
# ---------------------------------------------------------------------------


def exported_people(report: Report, fmt: str) -> list[int]:
    people: list[int] = []
    for part in report.parts:
        end = pdf_rows(part) if fmt == "pdf" else len(part.frame)
        people += people_in_rows(part, 0, end)
    return people


def _file_chunks(spool: IO[bytes]) -> Iterator[bytes]:
    try:
        while chunk := spool.read(STREAM_CHUNK):
            yield chunk
    finally:
        spool.close()


def _attachment(body: Any, fmt: str, filename: str, length: int | None = None) -> Response:
    response = Response(body, mimetype=MIMETYPES[fmt])
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    if length is not None:
        response.headers["Content-Length"] = str(length)
    return response


@bp.get("/bericht/<key>.<any(csv, xlsx, pdf):fmt>", endpoint="export")
@requires("reports.view")
def export(key: str, fmt: str) -> Response:
    user, now = _actor(), utcnow()
    scope = Scope.for_user(user)
    definition = _definition(key, scope)
    form = filter_form(scope, definition, _today(now))
    report = _build(definition, form, user, now)
    if report is None:  # invalid filters: the page shows the messages
        target = url_for("reports.report", key=key, **request.args.to_dict())
        return redirect(target, code=303)  # type: ignore[return-value]
    filename = f"{key}-{_today(now).isoformat()}.{fmt}"
    record(
        user,
        "report.exported",
        "report",
        key,
        details={"key": key, "format": fmt, "filters": filters_dict(report.filters)},
        now=now,
    )
    record_accesses(
        user, exported_people(report, fmt), ACCESS_REPORT, purpose=f"{key}.{fmt}", now=now
    )
    if fmt == "csv":
        db.session.commit()
        return _attachment(stream_with_context(csv_bytes(report)), fmt, filename)
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_MAX)  # noqa: SIM115 - closed by the stream
    try:
        (write_xlsx if fmt == "xlsx" else write_pdf)(report, spool)
        length = spool.tell()
        spool.seek(0)
    except BaseException:
        spool.close()
        raise
    db.session.commit()
    del report
    return _attachment(_file_chunks(spool), fmt, filename, length)
