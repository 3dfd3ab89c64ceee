"""Suppression that cannot be undone by subtraction: primary suppression, the
differencing rule for the department tree and complementary (secondary) suppression.

Method (as in official statistics: primary and complementary cell suppression as in
τ-Argus for hierarchical, linked tables, with the "differencing" rule for nested areas
used by ONS and Destatis):

1. **Primary suppression.** A row about fewer than ``minimum`` people (but not nobody)
   is withheld.
2. **Differencing across department filters.** A report for a department subtree could
   be subtracted from the same report for its parent, its children or the sum of shown
   sibling subtrees. Every row is therefore judged on the department tree, bottom up, the
   same way whichever subtree is asked for: for the row's group ``g`` and a department
   ``v``, the *unknown part* of ``(v, g)`` is the people of ``g`` in ``v``'s own department
   (unless that is shown as a row of its own) plus the unknown parts of the children whose
   ``(c, g)`` is withheld. ``(v, g)`` is shown only when that unknown part is empty (all
   of it can be added up from shown children anyway) or holds at least ``minimum``
   people *and* does not come from one withheld child alone. So every difference an
   attacker can form between shown subtrees is a group of nobody or of at least
   ``minimum`` people, and a withheld subtree is never equal to a shown one.
3. **Complementary suppression within a report.** Every part of a report with a total
   row is a linear relation ``total = Σ rows`` (the gaps report has three breakdowns of
   the same total). In every relation a withheld row never stands alone: when exactly one
   row is withheld, or the withheld rows together hold fewer than ``minimum`` people,
   the next-smallest row whose figures are not fully given by shown children is withheld
   too; when the total is withheld, at least one row of every breakdown is. These choices
   are part of the subtree's pattern, so a parent sees them as withheld (step 2).
4. **Exact audit.** Steps 2 and 3 look at one relation at a time; the gaps report's
   job-role and competence breakdowns overlap (a competence row holds the people of
   every job role with a target for it) and cross the department rows, so a withheld row
   can still be a linear combination of shown rows of *other* breakdowns or of the
   report of a neighbouring filter. When the caller gives the report's finest cells
   (``cells``: per own department and row key, the cells the row adds up — the gaps
   report's cells are (department, job role, competence), the mandatory training
   report's the people of a department with the same set of trainings), every
   subtree's report is audited bottom up with exact rational Gaussian elimination
   (``RowSpace``) *together with the reports of every department below it*: while a
   withheld row of any of them lies in the row space of all their shown rows, the
   smallest row of this report that takes part in the combination (and is not given by
   the reports below anyway) is withheld too — rows of one department's own people last,
   as they are the same in every report. Sibling subtrees share no cell, so the audits
   together cover every department filter. The audit's choices are part of the subtree's
   pattern like those of step 3. Above ``MAX_AUDIT_CELLS`` cells in a subtree the audit
   falls back to withholding the overlapping breakdowns (job role, competence) of that
   report whole; the department rows and the total stay under steps 1–3.
5. **Group sizes.** A withheld row keeps its label; its group size is shown only where
   the size is not itself withheld information (the size column is blanked together
   with the figures when the size would let a withheld size be computed).

The pattern of a subtree depends only on the data of that subtree, so every request
(any department filter, any reader who may see the subtree) gets the same pattern —
pages, charts and CSV/XLSX/PDF exports are all rendered from the same ``Part`` frames.

The property test ``tests/reports/analytics/test_suppression.py`` builds random
organisations, runs the real ``gaps_report`` for every department filter and the whole
organisation and proves, with the same exact elimination but over per-person unknowns,
that no withheld figure is in the row space of all the shown ones.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from fractions import Fraction

from sqlalchemy import select

from academy.extensions import db
from academy.org.models import Department
from reports.analytics.rowspace import RowSpace, Vector

#: Key of the total row in every part.
TOTAL: tuple[str] = ("total",)
#: The virtual root above the top departments (a report without a department filter).
ROOT = 0
#: Largest number of cells (unknowns) of one subtree's report the exact audit handles;
#: above it the audit withholds conservatively (see the module docstring, step 4).
MAX_AUDIT_CELLS = 4000


@dataclass(frozen=True)
class Breakdown:
    """One part of a report: the keys of its rows. ``own`` when every row is one
    department's own people (the "by department" parts): such a row is the same in every
    report that holds it, so it only gets primary suppression."""

    keys: tuple[Hashable, ...]
    own: bool = False
    total: bool = True  # the part has a total row (a linear relation total = Σ rows)
    #: Rows of this part that share people with rows of another breakdown without being
    #: their sum (the gaps report's competences and job roles): a row is withheld with
    #: any of the rows it is linked to (cross-breakdown differencing), unless shown
    #: children add it up anyway. The exact audit (step 4) has the last word.
    links: Mapping[Hashable, frozenset[Hashable]] = field(default_factory=dict)


@dataclass
class Pattern:
    """What a subtree's report withholds: row keys (``TOTAL`` included) and the unknown
    part (people) of every key, for the parent's judgement."""

    hidden: set[Hashable] = field(default_factory=set)
    base: dict[Hashable, int] = field(default_factory=dict)


class Tree:
    """Parent links of the departments, ``ROOT`` above the top ones."""

    def __init__(self, parents: Mapping[int, int | None]) -> None:
        self.parents = {d: (p if p is not None else ROOT) for d, p in parents.items()}

    @classmethod
    def load(cls) -> Tree:
        return cls(dict(db.session.execute(select(Department.id, Department.parent_id)).all()))

    def closure(self, departments: Iterable[int], root: int) -> dict[int, list[int]]:
        """Children lists of the nodes between ``departments`` and ``root``."""
        children: dict[int, set[int]] = defaultdict(set)
        for department in departments:
            node = department
            seen = 0
            while node != root and seen < 10_000:
                parent = self.parents.get(node, ROOT)
                children[parent].add(node)
                if parent == ROOT and root != ROOT:
                    break  # outside the root's subtree: ignore the rest of the path
                node, seen = parent, seen + 1
        return {k: sorted(v) for k, v in children.items()}


def protect(
    sizes: Mapping[int, Mapping[Hashable, int]],
    breakdowns: Sequence[Breakdown],
    tree: Tree,
    root: int | None,
    minimum: int,
    cells: Mapping[int, Mapping[Hashable, Iterable[Hashable]]] | None = None,
) -> set[Hashable]:
    """The row keys (``TOTAL`` included) the report for the subtree of ``root`` (None:
    everything in ``sizes``) withholds. ``sizes[department][key]`` = people of the row
    ``key`` in that department's own staff (not its subtree); ``TOTAL`` included.
    ``cells[department][key]``: the report's finest cells of that department's own staff
    that the row ``key`` adds up (each cell once per row); given, every subtree's report is
    audited exactly (module docstring, step 4)."""
    start = ROOT if root is None else root
    children = tree.closure(sizes.keys(), start)
    own_keys = {key for b in breakdowns if b.own for key in b.keys}
    if cells is not None:  # the exact audit decides about linked rows (step 4)
        breakdowns = [replace(b, links={}) for b in breakdowns]
    patterns: dict[int, Pattern] = {}
    subtree_sizes: dict[int, dict[Hashable, int]] = {}
    subtree_cells: dict[int, dict[Hashable, set[Hashable]] | None] = {}
    audits: dict[int, _Audit | None] = {}

    def visit(node: int) -> None:
        # iterative post-order: the tree may be deep
        stack: list[tuple[int, bool]] = [(node, False)]
        while stack:
            current, done = stack.pop()
            if done:
                patterns[current] = _judge(
                    current,
                    children.get(current, []),
                    sizes,
                    patterns,
                    subtree_sizes,
                    breakdowns,
                    own_keys,
                    minimum,
                )
                if cells is not None:
                    subtree_cells[current] = _cells(
                        cells.get(current, {}),
                        [subtree_cells[c] for c in children.get(current, [])],
                    )
                    audits[current] = _audit(
                        patterns[current],
                        subtree_sizes[current],
                        subtree_cells[current],
                        breakdowns,
                        own_keys,
                        [audits[c] for c in children.get(current, [])],
                    )
                    for c in children.get(current, []):  # no longer needed
                        del subtree_cells[c], audits[c]
                continue
            stack.append((current, True))
            stack.extend((c, False) for c in children.get(current, []))

    visit(start)
    return patterns[start].hidden


def _judge(
    node: int,
    kids: list[int],
    sizes: Mapping[int, Mapping[Hashable, int]],
    patterns: dict[int, Pattern],
    subtree_sizes: dict[int, dict[Hashable, int]],
    breakdowns: Sequence[Breakdown],
    own_keys: set[Hashable],
    minimum: int,
) -> Pattern:
    own = sizes.get(node, {})
    total_sizes: dict[Hashable, int] = defaultdict(int)
    for key, n in own.items():
        total_sizes[key] += int(n)
    for kid in kids:
        for key, n in subtree_sizes[kid].items():
            total_sizes[key] += n
    subtree_sizes[node] = dict(total_sizes)
    pattern = Pattern()
    for key, size in total_sizes.items():
        if key in own_keys:  # one department's own row: primary only, same everywhere
            if 0 < size < minimum:
                pattern.hidden.add(key)
            continue
        own_unknown = int(own.get(key, 0))
        if key == TOTAL and own_keys:
            own_rows = [k for k in own if k in own_keys]
            own_unknown = sum(int(own[k]) for k in own_rows if int(own[k]) < minimum)
        base = own_unknown
        contributors = 1 if own_unknown else 0
        for kid in kids:
            kid_pattern = patterns[kid]
            if key in kid_pattern.hidden and kid_pattern.base.get(key, 0) > 0:
                base += kid_pattern.base[key]
                contributors += 1
        pattern.base[key] = base
        if base > 0 and (base < minimum or (contributors == 1 and not own_unknown)):
            pattern.hidden.add(key)
    _complement(pattern, total_sizes, breakdowns, minimum)
    return pattern


def _complement(
    pattern: Pattern,
    total_sizes: Mapping[Hashable, int],
    breakdowns: Sequence[Breakdown],
    minimum: int,
) -> None:
    """Complementary suppression in every relation total = Σ rows (until nothing
    changes): never one withheld row alone, never fewer than ``minimum`` people withheld
    together, never a withheld total with every row shown."""
    changed = True
    while changed:
        changed = False
        for breakdown in breakdowns:
            for key, linked in breakdown.links.items():
                if (
                    key not in pattern.hidden
                    and pattern.base.get(key, 0) > 0  # not given by shown children
                    and linked & pattern.hidden
                ):
                    pattern.hidden.add(key)
                    changed = True
            if not breakdown.total:
                continue
            rows = [k for k in breakdown.keys if total_sizes.get(k, 0) > 0]
            hidden = [k for k in rows if k in pattern.hidden]
            people = sum(total_sizes[k] for k in hidden)
            total_hidden = TOTAL in pattern.hidden
            needs = (not total_hidden and hidden and (len(hidden) == 1 or people < minimum)) or (
                total_hidden and not hidden and rows
            )
            if not needs:
                continue
            candidates = [k for k in rows if k not in pattern.hidden]
            if not breakdown.own:
                # a row fully given by shown children hides nothing: prefer unknown ones
                # (withholding a row the shown children add up to would hide nothing)
                candidates = [k for k in candidates if pattern.base.get(k, 0) > 0]
            if candidates and not breakdown.own:
                chosen = min(candidates, key=lambda k: (total_sizes[k], repr(k)))
                pattern.hidden.add(chosen)
                pattern.base.setdefault(chosen, total_sizes[chosen])
                if pattern.base[chosen] == 0:
                    pattern.base[chosen] = total_sizes[chosen]
            elif not total_hidden:
                pattern.hidden.add(TOTAL)
                if pattern.base.get(TOTAL, 0) == 0:
                    pattern.base[TOTAL] = total_sizes.get(TOTAL, 0)
            else:
                continue
            changed = True


def _cells(
    own: Mapping[Hashable, Iterable[Hashable]],
    kids: Sequence[dict[Hashable, set[Hashable]] | None],
) -> dict[Hashable, set[Hashable]] | None:
    """The cells of every row key of a subtree (None above ``MAX_AUDIT_CELLS``)."""
    if any(kid is None for kid in kids):
        return None
    out: dict[Hashable, set[Hashable]] = defaultdict(set)
    for source in [own, *kids]:
        for key, members in source.items():  # type: ignore[union-attr]
            out[key].update(members)
    if len(out.get(TOTAL, ())) > MAX_AUDIT_CELLS:
        return None
    return dict(out)


def _withhold(pattern: Pattern, key: Hashable, size: int) -> None:
    pattern.hidden.add(key)
    if pattern.base.get(key, 0) == 0:
        pattern.base[key] = size


@dataclass
class _Audit:
    """What the reports of a subtree show, as one row space, and the cells of every row
    they withhold (the parent's audit checks them again against its own shown rows)."""

    space: RowSpace
    withheld: list[Vector]


def _audit(
    pattern: Pattern,
    total_sizes: Mapping[Hashable, int],
    cells: Mapping[Hashable, set[Hashable]] | None,
    breakdowns: Sequence[Breakdown],
    own_keys: set[Hashable],
    kids: Sequence[_Audit | None],
) -> _Audit | None:
    """Exact audit of one subtree's report together with the reports of every department
    below it: while a withheld row of any of them is in the row space of all their shown
    rows, withhold the smallest shown row of this report that shares cells with it and
    is not given by the reports below anyway (rows of one department's own people last,
    as they are the same in every report). Sibling subtrees have no cell in common, so
    the audits of the subtrees together cover every department filter."""
    keys = [TOTAL, *(k for b in breakdowns for k in b.keys)]
    rows = [k for k in dict.fromkeys(keys) if total_sizes.get(k, 0) > 0]
    if cells is None or any(kid is None for kid in kids):
        # too large for the exact audit: the overlapping breakdowns are withheld whole
        for b in breakdowns:
            if not b.own:
                for key in b.keys:
                    if total_sizes.get(key, 0):
                        _withhold(pattern, key, total_sizes[key])
        return None
    below = RowSpace()
    withheld_below: list[Vector] = []
    for kid in kids:
        assert kid is not None
        below.merge(kid.space)
        withheld_below.extend(kid.withheld)
    vectors = {k: {cell: Fraction(1) for cell in cells.get(k, ())} for k in rows}
    given: dict[Hashable, bool] = {}  # row → given by the reports below anyway (lazily)
    while True:
        space = below.copy()
        for key in rows:
            if key not in pattern.hidden:
                space.add(vectors[key], tag=key)
        withheld = [vectors[k] for k in rows if k in pattern.hidden] + withheld_below
        combination = None
        for vector in withheld:
            combination = space.combination(vector) if vector else None
            if combination is not None:
                break
        if combination is None:
            return _Audit(space.untagged(), withheld)
        for key in combination:
            if key not in given:
                given[key] = below.contains(vectors[key])
        candidates = [k for k in combination if not given[k]]
        if not candidates:  # given by the subtrees' reports alone: checked there
            return _Audit(space.untagged(), withheld)
        chosen = min(candidates, key=lambda k: (k in own_keys, total_sizes[k], repr(k)))
        _withhold(pattern, chosen, total_sizes[chosen])
