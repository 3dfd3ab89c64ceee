"""The shape every HR report has, so pages and the CSV/XLSX/PDF exports are generic.

A report is a list of parts; a part is one table (one XLSX sheet, one PDF section) held
as a pandas DataFrame with one column per :class:`Column`, optionally a chart, and notes
(e.g. why figures are withheld). Labels are English ``N_`` source strings, translated
when rendered. Percentages are fractions 0..1.

Withheld aggregates (fewer than ``ReportScope.min_group`` people): the row stays, its figures
are NA and the boolean column ``withheld`` is True; the part carries a note.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal

import pandas as pd
from flask import current_app

from academy.accounts.models import Role, User
from academy.auth.policy import has_role
from academy.auth.scope import Scope, scope_of

ColumnKind = Literal["text", "int", "decimal", "percent", "date"]
WITHHELD = "withheld"


@dataclass(frozen=True)
class Filters:
    """What the reader asked for (parsed from the query string by the views)."""

    department_id: int | None = None  # subtree root; None = everything in scope
    job_role_id: int | None = None
    area_id: int | None = None  # competence area (competence reports only)
    period_from: date | None = None  # inclusive
    period_to: date | None = None  # inclusive


@dataclass(frozen=True)
class ReportScope:
    """What the reader may see: HR and the staff council the whole organisation (the
    council aggregates only), a department head the subtree they head (``scope_of``)."""

    people: Scope  # the departments whose people the report may count
    aggregates_only: bool
    min_group: int

    @classmethod
    def for_user(cls, user: User) -> ReportScope:
        minimum = int(current_app.config.get("MIN_GROUP_SIZE", 5))
        if has_role(user, Role.HR):
            return cls(Scope.whole_organisation(), False, minimum)
        if has_role(user, Role.HEAD):
            return cls(scope_of(user), False, minimum)
        if has_role(user, Role.COUNCIL):
            return cls(Scope.whole_organisation(), True, minimum)
        return cls(Scope(), True, minimum)

    @classmethod
    def whole_organisation(cls, min_group: int, *, aggregates_only: bool = False) -> ReportScope:
        return cls(Scope.whole_organisation(), aggregates_only, min_group)


@dataclass(frozen=True)
class Column:
    key: str
    label: str  # N_ source string
    kind: ColumnKind = "text"


@dataclass(frozen=True)
class Chart:
    kind: Literal["bar", "hbar", "line"]
    category: str  # column key of the categories (x axis)
    values: tuple[str, ...]  # column keys of the plotted series
    title: str  # N_ source string


@dataclass
class Part:
    """One table of a report."""

    key: str
    title: str  # N_ source string
    columns: list[Column]
    frame: pd.DataFrame
    description: str | None = None  # N_ source string
    chart: Chart | None = None
    notes: list[str] = field(default_factory=list)  # already translated or N_ strings
    individual: bool = False  # rows about single people (never for the staff council)
    people_shown: list[int] = field(default_factory=list)  # employees in individual rows
    #: Per row, where the builder knows it: what the row is about (``("department", id)``,
    #: ``("total",)`` …) — the read API names rows by id, pages by their label.
    row_keys: list[tuple[object, ...]] = field(default_factory=list)


@dataclass
class Report:
    key: str
    title: str  # N_ source string
    filters: Filters
    scope: ReportScope
    parts: list[Part]
    generated_at: datetime
