"""Suppression for the reports with a period filter and for reports without a total:
the department-tree method of ``reports.analytics.suppression`` applied per calendar
quarter, so that neither a neighbouring department filter nor a neighbouring period
filter lets a withheld figure be computed by subtraction.

Method (the fixed-hierarchy approach of official statistics — τ-Argus "linked tables"
with a fixed, request-independent suppression pattern on the finest published grid,
combined with the restriction of flexible queries to whole units of a fixed calendar
classification, as Destatis/ONS table builders do for time):

1. **Whole calendar quarters.** A period filter is widened to whole calendar quarters
   (``whole_quarters``): the report for a year is the union of its four quarters, a
   quarter is never split by a request. Every figure of these reports is a count or a
   sum of events, so the figure of a row for a period is the sum of the row's figures
   per quarter.
2. **Pattern per quarter.** For every quarter of the period the row pattern is decided
   by ``reports.analytics.suppression.protect`` on the department tree (primary
   suppression below ``MIN_GROUP_SIZE``, differencing between a subtree and its
   children, complementary suppression in every ``total = Σ rows`` relation) from the
   group sizes of that quarter alone. The pattern of a quarter therefore does not depend
   on the request (any department filter, any period that contains the quarter).
3. **A row is shown for a period only when it is shown in every quarter of the period**
   (``protect_units``). So every shown figure is a sum of shown per-quarter figures,
   and a withheld figure contains a withheld per-quarter figure that no combination of
   shown figures reaches: figures of different quarters have no unknown in common, so
   the only way to reach a withheld quarter cell is with shown cells of the same
   quarter, which step 2 rules out. Year against its quarters, the whole period against
   a sub-period, subtree against children — all are covered by the same argument.

Rows that stand for the same group in every request (a cohort, a course) have no total
row; they are judged with ``Breakdown(..., total=False)``.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import date

from academy.i18n import N_
from reports.analytics.common import quarter_end, quarter_key, quarter_start, quarters_between
from reports.analytics.report_model import Filters
from reports.analytics.suppression import Breakdown, Tree, protect

#: Sizes of one unit: own department → row key → people.
UnitSizes = Mapping[int, Mapping[Hashable, int]]

PERIOD_NOTE = N_(
    "The period was widened to whole calendar quarters (data protection: a quarter is "
    "never split, so no figure can be worked out by subtracting two periods)."
)


def whole_quarters(filters: Filters) -> Filters:
    """The filters with the period widened to whole calendar quarters."""
    start, end = filters.period_from, filters.period_to
    if start is not None:
        start = quarter_start(quarter_key(start))
    if end is not None:
        end = quarter_end(quarter_key(end))
    return replace(filters, period_from=start, period_to=end)


def widened(asked: Filters, used: Filters) -> bool:
    return (asked.period_from, asked.period_to) != (used.period_from, used.period_to)


def period_quarters(filters: Filters, known: Iterable[str], today: date) -> list[str]:
    """The quarter keys of the (whole-quarter) period; an open end runs to the first or
    last quarter with data (or today's quarter)."""
    keys = sorted(set(known))
    first = filters.period_from or (quarter_start(keys[0]) if keys else today)
    last = filters.period_to or (quarter_start(keys[-1]) if keys else today)
    if keys:
        first = min(first, quarter_start(keys[0])) if filters.period_from is None else first
        last = max(last, quarter_start(keys[-1])) if filters.period_to is None else last
    return quarters_between(first, last)


def _frozen(sizes: UnitSizes) -> frozenset:
    return frozenset(
        (dept, key, int(n)) for dept, row in sizes.items() for key, n in row.items() if n
    )


def protect_units(
    units: Iterable[UnitSizes],
    breakdowns: Sequence[Breakdown],
    root: int | None,
    minimum: int,
    tree: Tree | None = None,
) -> set[Hashable]:
    """The row keys withheld for a request covering ``units`` (per quarter, the group
    sizes per own department and row key): a row is withheld when it is withheld in any
    unit (module docstring, step 3). Units with the same sizes are judged once."""
    tree = tree if tree is not None else Tree.load()
    hidden: set[Hashable] = set()
    seen: set[frozenset] = set()
    for sizes in units:
        frozen = _frozen(sizes)
        if frozen in seen or not frozen:
            continue
        seen.add(frozen)
        hidden |= protect(sizes, breakdowns, tree, root, minimum)
    return hidden
