"""The current-level rule: what level a person has in a competence, derived on demand.

Current level (DOMAIN.md, "Competencies and gaps") = the best of

- the LATEST department-head rating (an older, higher one no longer counts),
- still-valid course evidence: a completed enrolment gives the course's outcomes; it is
  valid while ``completed_on + Course.validity_months`` has not passed (no validity:
  forever),
- still-valid external certificates recorded by HR (``valid_until`` today or later, or
  none).

The latest self-assessment is reported beside it but never counts. Gap = target −
current, never below zero; without a target the gap is 0; without a current level the
gap is the whole target. Nothing is copied: a completion counts as soon as it is stored.

Mappings: evidence (head rating, course, external) of a competence that an
``equivalent`` ``CompetenceMapping`` maps onto another competence counts for that
target competence too (one step, source → target; other relations are ignored).
Self-assessments are never mapped.

Ties: the higher level wins; between equal levels the more recent evidence names the
``source``/``since``; on the same day head > course > external, own > mapped.

Every function runs a fixed number of statements whatever the number of people or
competences: employees are given either as a ``Select`` of employee ids (used as a
subquery, one statement) or as a list of ids (sent in chunks of ``CHUNK``).
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from talent.competencies.level_evidence import (
    Employees,
    Evidence,
    Key,
    RatingData,
    employee_targets,
    equivalent_sources,
    load_course_evidence,
    load_ratings,
)


@dataclass(frozen=True)
class Level:
    """One person × competence."""

    current: int | None  # best of latest head rating and still-valid course/external evidence
    source: str | None  # "head" | "course" | "external"
    since: date | None  # date of the evidence that gives ``current``
    self_assessed: int | None  # latest self-assessment (shown, never counts)
    target: int | None  # from the person's job role
    gap: int  # max(target - (current or 0), 0); 0 without target
    #: Set when ``current`` comes from evidence of a mapped (equivalent) competence.
    via_competence_id: int | None = None


NO_LEVEL = Level(None, None, None, None, None, 0)


def gap_of(target: int | None, current: int | None) -> int:
    if target is None:
        return 0
    return max(target - (current or 0), 0)


def expires_on(completed_on: date, validity_months: int | None) -> date | None:
    """Last day on which a completion still counts (``None``: forever). Month ends are
    clamped: 31 January + 1 month → 28/29 February."""
    if validity_months is None:
        return None
    months = completed_on.year * 12 + completed_on.month - 1 + validity_months
    year, month = divmod(months, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(completed_on.day, last))


# ---------------------------------------------------------------------------
# Putting it together
# ---------------------------------------------------------------------------


@dataclass
class LevelData:
    """Everything loaded for a set of people and competences; ``level(e, c)`` applies
    the rule without further queries."""

    targets: dict[Key, int]
    ratings: RatingData
    courses: dict[Key, Evidence]
    sources: dict[int, set[int]]

    def level(self, employee_id: int, competence_id: int) -> Level:
        best: Evidence | None = None
        best_rank: tuple[int, date, int, int] | None = None
        for comp in (competence_id, *sorted(self.sources.get(competence_id, ()))):
            key = (employee_id, comp)
            own = comp == competence_id
            for found in (
                self.ratings.head.get(key),
                self.courses.get(key),
                self.ratings.external.get(key),
            ):
                if found is None:
                    continue
                rank = found.rank(own)
                if best_rank is None or rank > best_rank:
                    best, best_rank = found, rank
        target = self.targets.get((employee_id, competence_id))
        current = best.level if best is not None else None
        return Level(
            current=current,
            source=best.source if best is not None else None,
            since=best.since if best is not None else None,
            self_assessed=self.ratings.self_assessed.get((employee_id, competence_id)),
            target=target,
            gap=gap_of(target, current),
            via_competence_id=(
                best.competence_id
                if best is not None and best.competence_id != competence_id
                else None
            ),
        )

    def known_keys(self) -> set[Key]:
        """Every (employee, competence) with a target, a rating or evidence, including
        the target competences that mapped evidence counts for."""
        keys: set[Key] = set(self.targets)
        for found in (
            self.ratings.head,
            self.ratings.self_assessed,
            self.ratings.external,
            self.courses,
        ):
            keys.update(found)
        mapped_to: dict[int, set[int]] = defaultdict(set)
        for target_id, source_ids in self.sources.items():
            for source_id in source_ids:
                mapped_to[source_id].add(target_id)
        for employee_id, competence_id in list(keys):
            for target_id in mapped_to.get(competence_id, ()):
                keys.add((employee_id, target_id))
        return keys


def load_levels(
    employees: Employees,
    competence_ids: Iterable[int] | None,
    today: date,
    *,
    targets: dict[Key, int] | None = None,
) -> LevelData:
    """Load what the rule needs: mappings, targets (unless given), ratings and course
    evidence — four statements (per chunk of employee ids)."""
    comp = sorted(set(competence_ids)) if competence_ids is not None else None
    sources = equivalent_sources(comp)
    evidence_comp: list[int] | None = None
    if comp is not None:
        evidence_comp = sorted(set(comp).union(*sources.values()))
    if targets is None:
        targets = employee_targets(employees, comp)
    return LevelData(
        targets=targets,
        ratings=load_ratings(employees, evidence_comp, today),
        courses=load_course_evidence(employees, evidence_comp, today),
        sources=sources,
    )


def levels_for(
    employee_ids: Sequence[int], competence_ids: Sequence[int] | None, today: date
) -> dict[Key, Level]:
    """Level per (employee, competence), in a constant number of statements.

    With ``competence_ids``: every pair of the given people and competences (pairs with
    nothing known get an empty ``Level``). With ``None``: every pair where something is
    known (a target, a rating, evidence — also through a mapping).
    """
    people = sorted(set(employee_ids))
    if not people or (competence_ids is not None and not competence_ids):
        return {}
    data = load_levels(people, competence_ids, today)
    if competence_ids is not None:
        keys: Iterable[Key] = ((e, c) for e in people for c in sorted(set(competence_ids)))
    else:
        keys = sorted(data.known_keys())
    return {key: data.level(*key) for key in keys}
