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
4. **Group sizes.** A withheld row keeps its label; its group size is shown only where
   the size is not itself withheld information (the size column is blanked together
   with the figures when the size would let a withheld size be computed).

The pattern of a subtree depends only on the data of that subtree, so every request
(any department filter, any reader who may see the subtree) gets the same pattern —
pages, charts and CSV/XLSX/PDF exports are all rendered from the same ``Part`` frames.

The property test ``tests/reports/analytics/test_suppression.py`` builds random
organisations, runs the real report builders for a department, its children and its
parent and proves with exact rational Gaussian elimination that no withheld figure is
in the row space of the shown ones.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from sqlalchemy import select

from academy.extensions import db
from academy.org.models import Department

#: Key of the total row in every part.
TOTAL: tuple[str] = ("total",)
#: The virtual root above the top departments (a report without a department filter).
ROOT = 0


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
    #: any of the rows it is linked to (cross-breakdown differencing).
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
) -> set[Hashable]:
    """The row keys (``TOTAL`` included) the report for the subtree of ``root`` (None:
    everything in ``sizes``) withholds. ``sizes[department][key]`` = people of the row
    ``key`` in that department's own staff (not its subtree); ``TOTAL`` included."""
    start = ROOT if root is None else root
    children = tree.closure(sizes.keys(), start)
    own_keys = {key for b in breakdowns if b.own for key in b.keys}
    patterns: dict[int, Pattern] = {}
    subtree_sizes: dict[int, dict[Hashable, int]] = {}

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
                    and total_sizes.get(key, 0)
                    and linked & pattern.hidden
                ):
                    pattern.hidden.add(key)
                    pattern.base[key] = max(pattern.base.get(key, 0), total_sizes[key])
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
                unknown = [k for k in candidates if pattern.base.get(k, 0) > 0]
                candidates = unknown or candidates
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
