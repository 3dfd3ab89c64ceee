"""The staff council's overview of the access log: accesses aggregated per viewer, per
purpose and per period (calendar week or month, German time), with two flags.

- **Outside the viewer's scope**: the viewed person's department is not in the
  viewer's scope *when the overview is built* (the organisation is not historised): HR
  may see everyone; a role named in the access code's remit (``register_access_label(…,
  remit=…)``, e.g. the staff council for the selection proposals) may see everyone for
  that code; a department head may see their subtrees (``academy.auth.scope``); every
  other view of someone else's data is flagged. A mentor looking at a mentee's progress
  is flagged too — the council checks whether the relation explains it.
- **Unusual volume**: a viewer's accesses in one period (all purposes together) exceed
  ``max(VOLUME_MINIMUM, VOLUME_FACTOR × median)`` — the median of the same viewer's counts
  in the ``VOLUME_LOOKBACK`` periods before it, periods without accesses counting as 0.
  So more than 50 accesses and more than three times the usual.

Cost: a constant number of statements whatever the number of rows (the counts grouped
in SQL with the period computed by a ``CASE`` over the period bounds; the viewers, their
roles and the subtrees of the heads among them each in one statement).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from statistics import median

from sqlalchemy import case, func, select
from sqlalchemy.orm import aliased, selectinload

from academy.accounts.models import Role, User
from academy.audit.log import ACCESS_REMIT
from academy.audit.models import AccessLogEntry
from academy.clock import berlin_to_utc
from academy.extensions import db
from academy.org.models import Department, Employee

WEEK, MONTH = "week", "month"
#: Periods shown when no dates are given.
DEFAULT_PERIODS = {WEEK: 12, MONTH: 6}
#: The unusual-volume rule (see the module docstring).
VOLUME_FACTOR = 3
VOLUME_MINIMUM = 50
VOLUME_LOOKBACK = 8
#: The longest range one overview covers (in periods), so a request stays bounded.
MAX_PERIODS = 400


@dataclass(frozen=True)
class Period:
    start: date  # first day (Berlin)
    end: date  # first day of the next period
    kind: str

    @property
    def label(self) -> str:
        if self.kind == MONTH:
            return self.start.strftime("%m/%Y")
        year, week, _ = self.start.isocalendar()
        return f"KW {week:02d}/{year}"


@dataclass
class OverviewRow:
    period: Period
    viewer_id: int | None
    viewer_name: str
    viewer_email: str
    code: str
    purpose: str
    accesses: int = 0
    people: int = 0
    outside_scope: int = 0
    unusual_volume: bool = False
    viewer_total: int = 0
    usual: float = 0.0

    @property
    def flagged(self) -> bool:
        return bool(self.outside_scope) or self.unusual_volume


@dataclass
class Overview:
    kind: str
    periods: list[Period]
    rows: list[OverviewRow] = field(default_factory=list)
    purposes: list[str] = field(default_factory=list)


def period_start(day: date, kind: str) -> date:
    if kind == MONTH:
        return day.replace(day=1)
    return day - timedelta(days=day.weekday())


def next_start(start: date, kind: str) -> date:
    if kind == MONTH:
        return (start.replace(day=28) + timedelta(days=4)).replace(day=1)
    return start + timedelta(days=7)


def periods_between(first: date, last: date, kind: str) -> list[Period]:
    """The periods that cover the Berlin days ``first`` … ``last``."""
    periods, start = [], period_start(first, kind)
    while start <= last and len(periods) < MAX_PERIODS:
        end = next_start(start, kind)
        periods.append(Period(start, end, kind))
        start = end
    return periods


def default_range(today: date, kind: str) -> tuple[date, date]:
    start = period_start(today, kind)
    for _ in range(DEFAULT_PERIODS[kind] - 1):
        start = period_start(start - timedelta(days=1), kind)
    return start, today


def _utc(day: date) -> datetime:
    return berlin_to_utc(datetime.combine(day, time.min))


def _period_index(bounds: Sequence[date]) -> object:
    """SQL: the index of the period an access falls into (bounds are period starts)."""
    whens = [(AccessLogEntry.at < _utc(b), i - 1) for i, b in enumerate(bounds) if i > 0]
    return case(*whens, else_=len(bounds) - 1)


def _viewers(ids: set[int]) -> dict[int, User]:
    if not ids:
        return {}
    users = db.session.scalars(
        select(User).options(selectinload(User.role_assignments)).where(User.id.in_(ids))
    )
    return {u.id: u for u in users}


def _subtrees(employee_ids: set[int]) -> dict[int, set[int]]:
    """Head employee id → departments in the subtrees they head (one statement)."""
    reach: dict[int, set[int]] = defaultdict(set)
    if employee_ids:
        root = aliased(Department)
        rows = db.session.execute(
            select(root.head_id, Department.id)
            .join(root, Department.path.startswith(root.path))
            .where(root.head_id.in_(employee_ids))
        )
        for head, department in rows:
            reach[head].add(department)
    return reach


def in_remit(roles: set[Role], code: str) -> bool:
    """Does the viewer's role let them see anyone's data for this access code?"""
    return Role.HR in roles or bool({r.value for r in roles} & ACCESS_REMIT.get(code, set()))


def unusual(count: int, history: Sequence[int]) -> tuple[bool, float]:
    """The unusual-volume rule; also the usual value (median) it compared with."""
    usual = float(median(history)) if history else 0.0
    return count > max(VOLUME_MINIMUM, VOLUME_FACTOR * usual), usual


def build_overview(
    *,
    kind: str,
    first: date,
    last: date,
    viewer_ids: Sequence[int] | None = None,
    purpose: str | None = None,
    flagged_only: bool = False,
) -> Overview:
    """The overview rows for the Berlin days ``first`` … ``last`` (filters applied to
    the rows; the volume rule always counts all of a viewer's accesses)."""
    shown = periods_between(first, last, kind)
    lookback = []
    start = shown[0].start if shown else period_start(first, kind)
    for _ in range(VOLUME_LOOKBACK):
        start = period_start(start - timedelta(days=1), kind)
        lookback.insert(0, Period(start, next_start(start, kind), kind))
    every = lookback + shown
    bounds = [p.start for p in every] + [every[-1].end]
    window = (AccessLogEntry.at >= _utc(bounds[0]), AccessLogEntry.at < _utc(bounds[-1]))
    actor_filter = () if viewer_ids is None else (AccessLogEntry.actor_id.in_(viewer_ids),)
    # the period index in a subquery: grouping by a column, not by an expression whose
    # bound parameters PostgreSQL would see twice
    entries = (
        select(
            _period_index(bounds[:-1]).label("period"),
            AccessLogEntry.actor_id.label("actor_id"),
            AccessLogEntry.what.label("code"),
            func.coalesce(AccessLogEntry.purpose, AccessLogEntry.what).label("purpose"),
            AccessLogEntry.subject_id.label("subject_id"),
        )
        .where(*window, *actor_filter)
        .subquery()
    )
    e = entries.c
    totals: dict[tuple[int | None, int], int] = {
        (actor, int(i)): n
        for i, actor, n in db.session.execute(
            select(e.period, e.actor_id, func.count()).group_by(e.period, e.actor_id)
        )
    }
    grouped = db.session.execute(
        select(
            e.period,
            e.actor_id,
            e.code,
            e.purpose,
            Employee.department_id,
            func.count(),
            func.count(func.distinct(e.subject_id)),
        )
        .outerjoin(Employee, Employee.id == e.subject_id)
        .where(e.period >= len(lookback))
        .group_by(e.period, e.actor_id, e.code, e.purpose, Employee.department_id)
    ).all()
    viewers = _viewers({r[1] for r in grouped if r[1] is not None})
    heads = _subtrees({u.employee_id for u in viewers.values() if u.employee_id is not None})
    rows: dict[tuple[int, int | None, str, str], OverviewRow] = {}
    for i, actor, code, text, department, count, people in grouped:
        i = int(i)
        user = viewers.get(actor) if actor is not None else None
        key = (i, actor, code, text)
        row = rows.get(key)
        if row is None:
            history = [totals.get((actor, j), 0) for j in range(i - VOLUME_LOOKBACK, i)]
            total = totals.get((actor, i), 0)
            flag, usual = unusual(total, history)
            row = rows[key] = OverviewRow(
                period=every[i],
                viewer_id=actor,
                viewer_name=user.display_name if user else "",
                viewer_email=user.email if user else "",
                code=code,
                purpose=text,
                unusual_volume=flag,
                viewer_total=total,
                usual=usual,
            )
        row.accesses += count
        row.people += people
        roles = user.assigned_roles if user else set()
        reach = heads.get(user.employee_id, set()) if user and user.employee_id else set()
        if not in_remit(roles, code) and department not in reach:
            row.outside_scope += count
    result = sorted(
        rows.values(), key=lambda r: (-r.period.start.toordinal(), r.viewer_name, r.purpose)
    )
    purposes = sorted({r.purpose for r in result})
    if purpose:
        result = [r for r in result if r.purpose == purpose]
    if flagged_only:
        result = [r for r in result if r.flagged]
    return Overview(kind=kind, periods=shown, rows=result, purposes=purposes)
