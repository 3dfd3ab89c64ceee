"""German number, percent and date formatting shared by the report pages and exports.

Two audiences:

- **Files** (CSV, XLSX, PDF) always use German number and date formats (``babel.numbers``
  with locale ``de_DE``; dates ``TT.MM.JJJJ``), whatever the UI language: they are read
  in German Excel and filed in a German administration. Their *labels* (column headers,
  titles, notes) follow the reader's UI language, like the page they came from.
- **Pages** use the UI locale through ``flask_babel`` (``format_decimal``,
  ``format_percent``, ``format_date``).

Column kinds (``reports.analytics.report_model.Column.kind``): ``int`` (no decimals), ``decimal``
(one decimal on pages/PDF/XLSX, two in CSV), ``percent`` (a fraction 0..1: "12,5 %"),
``date`` and ``text``. NA (``None``, ``NaN``, ``pd.NA``, ``NaT``) is shown as an empty
cell in files and as "–" on pages.
"""

from __future__ import annotations

import decimal
import math
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

import pandas as pd
from babel.numbers import format_decimal as babel_decimal
from babel.numbers import format_percent as babel_percent
from flask import has_app_context

from academy.clock import to_berlin
from academy.i18n import N_
from reports.analytics.report_model import WITHHELD, Column, Filters, Part, Report, ReportScope

FILE_LOCALE = "de_DE"
NUMBER_PATTERNS = {"int": "#,##0", "decimal": "#,##0.0", "percent": "#,##0.0 %"}
NUMERIC_KINDS = frozenset({"int", "decimal", "percent"})

#: Outside the f-string where it is used, so that the extraction finds it.
WITH_SUBTREE = N_("with sub-departments")
WITHHELD_NOTE = N_(
    "Withheld: fewer than %(n)s people, or a figure from which such a group could be worked out"
)
MIN_GROUP_NOTE = N_(
    "Figures about groups of fewer than %(n)s people are withheld (data protection); "
    "such rows stay visible with empty figures."
)
NOTE_LABEL = N_("Note")


# ---------------------------------------------------------------------------
# Translation (labels are English N_ source strings)
# ---------------------------------------------------------------------------


def t(message: str | None, **params: object) -> str:
    """Translate an ``N_`` string into the UI language (untranslated outside an app)."""
    if not message:
        return ""
    if has_app_context():
        from flask_babel import gettext

        return gettext(message, **params) if params else gettext(message)
    return message % params if params else message


def column_label(column: Column, *, csv: bool = False) -> str:
    """The translated header; in CSV a percent column says "(%)" because its values are
    written as numbers of percent (``12,5``), which German Excel reads as numbers."""
    label = t(column.label)
    if csv and column.kind == "percent":
        return f"{label} (%)"
    return label


# ---------------------------------------------------------------------------
# Values
# ---------------------------------------------------------------------------


def is_na(value: Any) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    if isinstance(value, float):
        return math.isnan(value)
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def as_date(value: Any) -> date | None:
    """A calendar date from a date, datetime (aware: in Berlin) or pandas Timestamp."""
    if is_na(value):
        return None
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    if isinstance(value, datetime):
        return to_berlin(value).date() if value.tzinfo is not None else value.date()
    if isinstance(value, date):
        return value
    return None


def german_date(value: Any) -> str:
    """``TT.MM.JJJJ`` or an empty string."""
    day = as_date(value)
    return day.strftime("%d.%m.%Y") if day else ""


HALF_UP = decimal.Context(rounding=decimal.ROUND_HALF_UP, prec=28)


def file_value(value: Any, kind: str) -> str:
    """A value for a PDF (German, with thousands separators); NA → empty string.
    Rounded half up (2,25 → 2,3) as commercial rounding in Germany expects."""
    with decimal.localcontext(HALF_UP):
        return _file_value(value, kind)


def _file_value(value: Any, kind: str) -> str:
    if is_na(value):
        return ""
    if kind == "date":
        return german_date(value)
    if kind == "int":
        return babel_decimal(float(value), format="#,##0", locale=FILE_LOCALE)
    if kind == "decimal":
        return babel_decimal(float(value), format="#,##0.0", locale=FILE_LOCALE)
    if kind == "percent":
        return babel_percent(float(value), format="#,##0.0\u00a0%", locale=FILE_LOCALE)
    return str(value)


def ui_value(value: Any, kind: str) -> str:
    """A value for a page in the UI locale; NA → "–" (rounded half up)."""
    with decimal.localcontext(HALF_UP):
        return _ui_value(value, kind)


def _ui_value(value: Any, kind: str) -> str:
    if is_na(value):
        return "–"
    from flask_babel import format_date, format_decimal, format_percent

    if kind == "date":
        day = as_date(value)
        return format_date(day) if day else str(value)
    if kind == "int":
        return format_decimal(float(value), format="#,##0")
    if kind == "decimal":
        return format_decimal(float(value), format="#,##0.0")
    if kind == "percent":
        return format_percent(float(value), format="#,##0.0\u00a0%")
    return str(value)


# ---------------------------------------------------------------------------
# CSV: fast column-wise formatting (German: decimal comma, no thousands separator)
# ---------------------------------------------------------------------------


def _csv_int(value: Any) -> str:
    return "" if is_na(value) else _half_up(value, decimal.Decimal(1))


_CENT = decimal.Decimal("0.01")
_TENTH = decimal.Decimal("0.1")


def _half_up(value: Any, quantum: decimal.Decimal, scale: int = 0) -> str:
    number = decimal.Decimal(repr(float(value))).scaleb(scale)
    rounded = number.quantize(quantum, rounding=decimal.ROUND_HALF_UP)
    if rounded.is_zero():
        rounded = abs(rounded)  # no "-0,00"
    return str(rounded).replace(".", ",")


def _csv_decimal(value: Any) -> str:
    return "" if is_na(value) else _half_up(value, _CENT)


def _csv_percent(value: Any) -> str:
    return "" if is_na(value) else _half_up(value, _TENTH, 2)


def _csv_text(value: Any) -> str:
    if is_na(value):
        return ""
    return str(value)  # the CSV writer keeps it from becoming a formula


CSV_FORMATTERS: dict[str, Callable[[Any], str]] = {
    "int": _csv_int,
    "decimal": _csv_decimal,
    "percent": _csv_percent,
    "date": german_date,
    "text": _csv_text,
}


def csv_column(values: pd.Series, kind: str) -> list[str]:
    """One column of a chunk as CSV texts: ``1234``, ``0,25`` (two decimals), percent as
    a number of percent with one decimal (``12,5``), dates ``TT.MM.JJJJ``, NA empty."""
    return [CSV_FORMATTERS.get(kind, _csv_text)(v) for v in values.tolist()]


# ---------------------------------------------------------------------------
# Report-level texts (title page, "Bericht" sheet, CSV preamble, page header)
# ---------------------------------------------------------------------------


def has_withheld(part: Part) -> bool:
    return WITHHELD in part.frame.columns


def withheld_mask(part: Part, start: int = 0, end: int | None = None) -> list[bool]:
    """Which of the rows ``start:end`` are withheld."""
    if not has_withheld(part):
        return [False] * len(part.frame.iloc[start:end])
    values = part.frame[WITHHELD].iloc[start:end].tolist()
    return [bool(v) if not is_na(v) else False for v in values]


def withheld_text(scope: ReportScope) -> str:
    return t(WITHHELD_NOTE, n=scope.min_group)


def min_group_text(scope: ReportScope) -> str:
    return t(MIN_GROUP_NOTE, n=scope.min_group)


def scope_text(scope: ReportScope) -> str:
    if scope.people.everything:
        if scope.aggregates_only:
            return t(N_("Whole organisation, aggregated figures only"))
        return t(N_("Whole organisation"))
    return t(N_("The departments you head (%(n)s)"), n=len(scope.people.department_ids))


def _localized(obj: Any, attr: str) -> str:
    language = "de"
    if has_app_context():
        from flask_babel import get_locale

        locale = get_locale()
        language = locale.language if locale else "de"
    return getattr(obj, f"{attr}_{language}", None) or getattr(obj, f"{attr}_de", "") or ""


def filter_lines(filters: Filters) -> list[tuple[str, str]]:
    """The filters in words: ``(label, value)`` pairs, names looked up in the database,
    dates German. Filters that are not set say "all"."""
    from academy.extensions import db
    from academy.frameworks.models import CompetenceArea
    from academy.org.models import Department, JobRole

    lines: list[tuple[str, str]] = []
    dept = db.session.get(Department, filters.department_id) if filters.department_id else None
    lines.append((t(N_("Department")), f"{dept.name} ({t(WITH_SUBTREE)})" if dept else ""))
    role = db.session.get(JobRole, filters.job_role_id) if filters.job_role_id else None
    lines.append((t(N_("Job role")), role.title if role else ""))
    if filters.area_id:
        area = db.session.get(CompetenceArea, filters.area_id)
        lines.append((t(N_("Competence area")), _localized(area, "name") if area else ""))
    if filters.period_from or filters.period_to:
        period = f"{german_date(filters.period_from)} – {german_date(filters.period_to)}"
        lines.append((t(N_("Period")), period.strip(" –")))
    everything = t(N_("all"))
    return [(label, value or everything) for label, value in lines]


def generated_text(report: Report) -> str:
    moment = report.generated_at
    if moment.tzinfo is not None:
        moment = to_berlin(moment)
    return moment.strftime("%d.%m.%Y %H:%M")


def part_notes(part: Part) -> list[str]:
    return [t(note) for note in part.notes if note]


def filters_dict(filters: Filters) -> dict[str, Any]:
    """The filters as JSON-able values (the audit record of an export)."""
    return {
        "department_id": filters.department_id,
        "job_role_id": filters.job_role_id,
        "area_id": filters.area_id,
        "period_from": filters.period_from.isoformat() if filters.period_from else None,
        "period_to": filters.period_to.isoformat() if filters.period_to else None,
    }


def is_numeric(column: Column) -> bool:
    return column.kind in NUMERIC_KINDS
