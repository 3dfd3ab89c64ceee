"""What every HR report needs: the people in scope, frames from SQL, the minimum group
size, periods and quarters.

People in scope (``scoped_people``): employees whose department is in the reader's
``ReportScope.people`` and in the subtree of ``Filters.department_id``
(``academy.auth.scope.subtree_statement``), optionally of one job role and
only active ones. A filter department outside the reader's scope (or unknown) gives an
empty selection — never data from outside the scope.

Minimum group size (``withhold``): an aggregate row over fewer than ``ReportScope.min_group``
people keeps its label and group size but its figures become NA and its ``withheld``
column True; the part gets a note with the count and the minimum (data protection).
The ``withheld`` column is the frame's last column and is not one of the part's
``Column`` s: renderers show it as a marker on the figures.

Quarters are keyed ``"2026-Q3"`` and labelled ``"Q3 2026"``; dates and times are taken
in Berlin time.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

import pandas as pd
from flask_babel import get_locale
from sqlalchemy import ColumnElement, Select, select

from academy.auth.scope import subtree_statement
from academy.clock import berlin_to_utc, utcnow
from academy.extensions import db
from academy.i18n import N_, translate
from academy.org.models import Department, Employee
from reports.analytics.report_model import WITHHELD, Column, Filters, Part, Report, ReportScope
from talent.competencies.gaps import sort_key

#: Note on a part with withheld rows.
WITHHELD_NOTE = N_(
    "Figures withheld for groups with fewer than %(minimum)s people or from which such a "
    "group could be worked out (data protection); such groups: %(count)s."
)
#: Label of the row over all groups of a part.
TOTAL_LABEL = N_("Total")


# ---------------------------------------------------------------------------
# People in scope
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class People:
    """Where clauses on ``Employee`` for the people a report is about; ``empty`` when
    the filters leave nobody (e.g. a department outside the reader's scope)."""

    conditions: tuple[ColumnElement[bool], ...]
    empty: bool = False
    #: No department restriction (the whole organisation, perhaps one job role): most
    #: rows of the evidence tables belong to these people, so scanning those tables and
    #: filtering afterwards beats looking them up person by person.
    broad: bool = False

    def ids(self) -> Select[Any]:
        """The employee ids, as a subquery for ``IN``."""
        return select(Employee.id).where(*self.conditions)


def scoped_people(scope: ReportScope, filters: Filters, *, active_only: bool) -> People:
    """The people in ``scope`` ∩ the filter's department subtree ∩ its job role.

    One statement at most (the filter department's path)."""
    conditions: list[ColumnElement[bool]] = []
    reach = scope.people
    if not reach.everything:
        if not reach.department_ids:
            return People((), empty=True)
        conditions.append(reach.where(Employee.department_id))
    if filters.department_id is not None:
        if not reach.includes_department(filters.department_id):
            return People((), empty=True)
        path = db.session.scalar(
            select(Department.path).where(Department.id == filters.department_id)
        )
        if path is None:
            return People((), empty=True)
        conditions.append(Employee.department_id.in_(subtree_statement(path)))
    if filters.job_role_id is not None:
        conditions.append(Employee.job_role_id == filters.job_role_id)
    if active_only:
        conditions.append(Employee.active.is_(True))
    broad = reach.everything and filters.department_id is None
    return People(tuple(conditions), broad=broad)


# ---------------------------------------------------------------------------
# Frames
# ---------------------------------------------------------------------------


def read_frame(statement: Select[Any], columns: Sequence[str] | None = None) -> pd.DataFrame:
    """The rows of ``statement`` as a frame: Core rows through the session's connection
    (inside the session's transaction, without the ORM's per-row work)."""
    result = db.session.connection().execute(statement)
    names = list(columns) if columns is not None else list(result.keys())
    return pd.DataFrame.from_records(result.fetchall(), columns=names)


def ordered(frame: pd.DataFrame, columns: Sequence[Column], *, withheld: bool) -> pd.DataFrame:
    """The frame with exactly the part's columns in order (plus ``withheld`` last),
    integers as nullable ``Int64`` and decimals/percentages as ``Float64``."""
    data: dict[str, Any] = {}
    wanted = {"int": "Int64", "decimal": "Float64", "percent": "Float64"}
    for column in columns:
        values = (
            frame[column.key]
            if column.key in frame.columns
            else pd.Series(pd.NA, index=frame.index)
        )
        if str(values.dtype) == wanted.get(column.kind):
            pass
        elif column.kind == "int":
            values = pd.to_numeric(values, errors="coerce").round().astype("Int64")
        elif column.kind in ("decimal", "percent"):
            values = pd.to_numeric(values, errors="coerce").astype("Float64")
        elif column.kind == "text":
            values = values.astype("object").where(values.notna(), None)
        data[column.key] = values.to_numpy() if column.kind in ("text", "date") else values.array
    if withheld:
        data[WITHHELD] = (
            frame[WITHHELD].astype(bool).to_numpy()
            if WITHHELD in frame.columns
            else [False] * len(frame)
        )
    return pd.DataFrame(data)


def empty_frame(columns: Sequence[Column], *, withheld: bool) -> pd.DataFrame:
    return ordered(pd.DataFrame({c.key: [] for c in columns}), columns, withheld=withheld)


def ratio(numerator: pd.Series, denominator: pd.Series) -> pd.Series:
    """``numerator / denominator`` as floats, NA where the denominator is 0 or NA."""
    num = pd.to_numeric(numerator, errors="coerce").astype("Float64")
    den = pd.to_numeric(denominator, errors="coerce").astype("Float64")
    return (num / den.where(den != 0)).astype("Float64")


# ---------------------------------------------------------------------------
# Minimum group size
# ---------------------------------------------------------------------------


def withhold(frame: pd.DataFrame, size: str, figures: Iterable[str], minimum: int) -> int:
    """Rows whose group ``size`` is below ``minimum``: ``figures`` set to NA and
    ``withheld`` True (in place). Returns how many rows were withheld. A group of nobody
    (size 0) reveals nobody and is shown (its figures are zeros or NA anyway)."""
    sizes = pd.to_numeric(frame[size], errors="coerce").fillna(0)
    hidden = (sizes > 0) & (sizes < minimum)
    frame[WITHHELD] = hidden.to_numpy(dtype=bool)
    for column in figures:
        if column in frame.columns:
            frame[column] = frame[column].astype("object").where(~hidden, None)
    return int(hidden.sum())


def withheld_figures(frame: pd.DataFrame, hidden: Sequence[bool], figures: Iterable[str]) -> int:
    """Rows marked in ``hidden`` (``reports.analytics.suppression.protect``: primary,
    differencing and complementary suppression): ``figures`` set to NA and ``withheld``
    True (in place). The group size stays: it is a head count the organisation chart
    shows anyway, never a figure about what people know or did. Returns how many."""
    mask = pd.Series(list(hidden), index=frame.index, dtype=bool)
    frame[WITHHELD] = mask.to_numpy(dtype=bool)
    for column in figures:
        if column in frame.columns:
            frame[column] = frame[column].astype("object").where(~mask, None)
    return int(mask.sum())


def withheld_note(count: int, minimum: int) -> str:
    return translate(WITHHELD_NOTE, count=count, minimum=minimum)


def add_withheld_note(part: Part, count: int, minimum: int) -> None:
    if count:
        part.notes.append(withheld_note(count, minimum))


# ---------------------------------------------------------------------------
# Periods and quarters
# ---------------------------------------------------------------------------


def day_start_utc(day: date) -> datetime:
    """Berlin midnight at the start of ``day``, as aware UTC."""
    return berlin_to_utc(datetime.combine(day, time.min))


def period_bounds(filters: Filters) -> tuple[datetime | None, datetime | None]:
    """The period as UTC instants: [start of ``period_from``, start of the day after
    ``period_to``) — for ``UTCDateTime`` columns."""
    start = day_start_utc(filters.period_from) if filters.period_from else None
    end = day_start_utc(filters.period_to + timedelta(days=1)) if filters.period_to else None
    return start, end


def datetime_in_period(column: Any, filters: Filters) -> list[ColumnElement[bool]]:
    start, end = period_bounds(filters)
    clauses = []
    if start is not None:
        clauses.append(column >= start)
    if end is not None:
        clauses.append(column < end)
    return clauses


def date_in_period(column: Any, filters: Filters) -> list[ColumnElement[bool]]:
    clauses = []
    if filters.period_from is not None:
        clauses.append(column >= filters.period_from)
    if filters.period_to is not None:
        clauses.append(column <= filters.period_to)
    return clauses


def quarter_key(day: date) -> str:
    """``date(2026, 8, 1)`` → ``"2026-Q3"``."""
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def quarter_label(key: str) -> str:
    """``"2026-Q3"`` → ``"Q3 2026"``."""
    year, quarter = key.split("-")
    return f"{quarter} {year}"


def quarter_start(key: str) -> date:
    year, quarter = key.split("-Q")
    return date(int(year), (int(quarter) - 1) * 3 + 1, 1)


def quarter_end(key: str) -> date:
    start = quarter_start(key)
    month = start.month + 3
    year = start.year + (month - 1) // 12
    month = (month - 1) % 12 + 1
    return date(year, month, 1) - timedelta(days=1)


def quarters_between(first: date, last: date) -> list[str]:
    """Every quarter from the one holding ``first`` to the one holding ``last``."""
    if last < first:
        return []
    keys = []
    year, quarter = first.year, (first.month - 1) // 3 + 1
    end = (last.year, (last.month - 1) // 3 + 1)
    while (year, quarter) <= end:
        keys.append(f"{year}-Q{quarter}")
        quarter += 1
        if quarter == 5:
            year, quarter = year + 1, 1
    return keys


def berlin_days(values: pd.Series) -> pd.Series:
    """UTC datetimes (aware, or naive UTC) → the Berlin calendar day, as naive
    ``datetime64`` at midnight (NaT stays NaT)."""
    stamps = pd.to_datetime(values, utc=True)
    return stamps.dt.tz_convert("Europe/Berlin").dt.tz_localize(None).dt.normalize()


def quarter_keys(days: pd.Series) -> pd.Series:
    """Days (``datetime64`` or dates) → quarter keys ``"2026-Q3"``, vectorised."""
    stamps = pd.to_datetime(days)
    return stamps.dt.year.astype("string") + "-Q" + stamps.dt.quarter.astype("string")


# ---------------------------------------------------------------------------
# Labels
# ---------------------------------------------------------------------------


def language() -> str:
    """The current locale's language (``de`` outside a request)."""
    try:
        locale = get_locale()
    except (RuntimeError, KeyError):  # no app context / babel not set up
        locale = None
    return locale.language if locale is not None and locale.language == "en" else "de"


def fold_name(text: str) -> str:
    """A name in German dictionary order (``talent.competencies.gaps.sort_key``: ä as a,
    ß as ss)."""
    return sort_key(text, "")[0]


def name_order(last: pd.Series, first: pd.Series, ids: pd.Series) -> Any:
    """Positions that sort people by last name, first name (German dictionary order),
    then id — folding each distinct name once."""
    folded = {name: fold_name(name) for name in pd.unique(pd.concat([last, first]))}
    keys = pd.DataFrame(
        {
            "last": last.map(folded).to_numpy(),
            "first": first.map(folded).to_numpy(),
            "id": ids.to_numpy(),
        }
    )
    return keys.sort_values(["last", "first", "id"], kind="stable").index.to_numpy()


def path_order(path: str) -> tuple[int, ...]:
    """Sort key of a materialised path ``/1/4/9/`` in tree order."""
    return tuple(int(p) for p in path.strip("/").split("/") if p)


def department_label(code: str, name: str) -> str:
    return f"{code} {name}" if code else name


def new_report(
    key: str, title: str, filters: Filters, scope: ReportScope, parts: list[Part]
) -> Report:
    return Report(
        key=key, title=title, filters=filters, scope=scope, parts=parts, generated_at=utcnow()
    )


def ceil_div(numerator: float, denominator: float) -> int:
    return math.ceil(numerator / denominator) if denominator else 0
