"""Suppression that holds: no withheld figure of the gaps report can be computed from
what the gaps reports of any department filter show (``reports.analytics.suppression``).

The property test generates random organisations, runs the real ``gaps_report`` (the
function the pages and the CSV/XLSX/PDF exports use) for every department filter and
for the whole organisation, writes every shown figure as a linear equation over the
per-person (and per person × competence) values and proves with exact rational Gaussian
elimination that no withheld row's figure lies in the row space of the shown equations.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from academy.extensions import db as _db
from academy.i18n import translate
from reports.analytics.common import TOTAL_LABEL
from reports.analytics.gaps import gaps_report
from reports.analytics.report_model import WITHHELD, Filters, ReportScope
from reports.analytics.rowspace import RowSpace
from reports.analytics.suppression import TOTAL, Breakdown, Tree, protect
from tests import factories
from tests.reports.report_data import TODAY
from tests.talent import factories as tf

MINIMUM = 3
#: Role → its targets (competence index → level).
ROLE_TARGETS = ({0: 3}, {0: 2, 1: 2}, {1: 3})

# ---------------------------------------------------------------------------
# Exact linear algebra
# ---------------------------------------------------------------------------

Vector = dict[Any, Fraction]


def test_row_space_finds_the_measured_attack() -> None:
    """Total and three of four rows shown: the fourth is in the row space."""
    space = RowSpace()
    for members in ({1, 2, 3, 4, 5}, {1, 2}, {3}, {4}):
        space.add({m: Fraction(1) for m in members})
    assert space.contains({5: Fraction(1)})
    assert not space.contains({4: Fraction(1), 5: Fraction(1), 6: Fraction(1)})


# ---------------------------------------------------------------------------
# Random organisations
# ---------------------------------------------------------------------------


@dataclass
class Person:
    department: int  # index
    role: int  # index in ROLE_TARGETS
    levels: tuple[int | None, int | None]  # head ratings of competence 0 and 1


organisations = st.integers(min_value=1, max_value=5).flatmap(
    lambda n: st.tuples(
        st.tuples(*[st.integers(min_value=-1, max_value=i - 1) for i in range(n)]),
        st.lists(
            st.builds(
                Person,
                st.integers(min_value=0, max_value=n - 1),
                st.integers(min_value=0, max_value=2),
                st.tuples(
                    st.one_of(st.none(), st.integers(1, 4)),
                    st.one_of(st.none(), st.integers(1, 4)),
                ),
            ),
            min_size=1,
            max_size=18,
        ),
    )
)


def build_organisation(parents: tuple[int, ...], people: list[Person]) -> dict[str, Any]:
    departments: list[Any] = []
    for parent in parents:
        departments.append(
            factories.department(parent=departments[parent] if parent >= 0 else None)
        )
    framework = tf.framework()
    area = tf.area(framework)
    competences = [tf.competence(area), tf.competence(area)]
    roles = [factories.job_role() for _ in ROLE_TARGETS]
    for role, targets in zip(roles, ROLE_TARGETS, strict=True):
        for index, level in targets.items():
            tf.target(role, competences[index], level)
    employees = []
    for person in people:
        emp = factories.employee(departments[person.department], job_role_id=roles[person.role].id)
        for index, level in enumerate(person.levels):
            if level is not None:
                tf.head_rating(emp, competences[index], level)
        employees.append(emp)
    return {
        "departments": departments,
        "roles": roles,
        "competences": competences,
        "employees": employees,
    }


def row_sets(org: dict[str, Any], people: list[Person], department: Any) -> dict[str, Any]:
    """For the gaps report of ``department`` (None: everything): row label → the people
    (indexes) it is about, and per competence row the competence index."""
    covered = None
    if department is not None:
        covered = {d.id for d in org["departments"] if f"/{department.id}/" in d.path}
    chosen = [
        i
        for i, p in enumerate(people)
        if covered is None or org["departments"][p.department].id in covered
    ]
    sets: dict[str, Any] = {"total": set(chosen)}
    for d in org["departments"]:
        sets[f"{d.code} {d.name}"] = {
            i for i in chosen if org["departments"][people[i].department] is d
        }
    for r, role in enumerate(org["roles"]):
        sets[role.title] = {i for i in chosen if people[i].role == r}
    for c, comp in enumerate(org["competences"]):
        sets[("competence", comp.code)] = (
            c,
            {i for i in chosen if c in ROLE_TARGETS[people[i].role]},
        )
    return sets


def equations(org: dict[str, Any], people: list[Person], department: Any) -> list[tuple]:
    """(shown?, total-gap vector, below-target vector) for every row of the report."""
    report = gaps_report(
        ReportScope.whole_organisation(MINIMUM),
        Filters(department_id=None if department is None else department.id),
        TODAY,
    )
    sets = row_sets(org, people, department)
    total_label = translate(TOTAL_LABEL)
    out = []
    for part in report.parts:
        for record in part.frame.to_dict("records"):
            label = record["group"]
            if label == total_label:
                members, competences = sets["total"], None
            elif part.key == "by_competence":
                code = label.split(" ")[0]
                competences, members = sets[("competence", code)]
                competences = {competences}
            else:
                members, competences = sets[label], None
            gap: Vector = {}
            below: Vector = {}
            for i in members:
                for c in ROLE_TARGETS[people[i].role]:
                    if competences is None or c in competences:
                        gap[(i, c)] = Fraction(1)
                if competences is None:
                    below[i] = Fraction(1)
                else:
                    below[(i, "below", next(iter(competences)))] = Fraction(1)
            shown = not record[WITHHELD]
            if shown:
                assert record["total_gap"] is not None
            out.append((shown, gap, below, (department, part.key, label)))
    return out


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(organisations)
@pytest.mark.usefixtures("db")
def test_no_withheld_gap_is_derivable(organisation: tuple) -> None:
    parents, people = organisation
    savepoint = _db.session.begin_nested()
    try:
        org = build_organisation(parents, people)
        rows = []
        for department in [None, *org["departments"]]:
            rows.extend(equations(org, people, department))
        gaps, belows = RowSpace(), RowSpace()
        for shown, gap, below, _where in rows:
            if shown:
                gaps.add(gap)
                belows.add(below)
        for shown, gap, below, where in rows:
            if not shown and gap:
                assert not gaps.contains(gap), f"total gap of {where} can be computed"
                assert not belows.contains(below), f"people below target of {where}"
    finally:
        savepoint.rollback()


# ---------------------------------------------------------------------------
# The measured attack and the engine
# ---------------------------------------------------------------------------


def test_measured_attack_total_and_three_of_four_roles(db: Any) -> None:
    """One department, four job roles (6, 6, 6 and 1 people): before, the total and three
    role rows were shown and the fourth (one person) was their difference."""
    dept = factories.department()
    framework = tf.framework()
    comp = tf.competence(tf.area(framework))
    roles = [factories.job_role() for _ in range(4)]
    for role in roles:
        tf.target(role, comp, 3)
    for role, count in zip(roles, (6, 6, 6, 1), strict=True):
        for _ in range(count):
            tf.head_rating(factories.employee(dept, job_role_id=role.id), comp, 1)
    report = gaps_report(ReportScope.whole_organisation(5), Filters(), TODAY)
    by_role = next(p for p in report.parts if p.key == "by_job_role").frame
    withheld = by_role[WITHHELD].tolist()
    assert sum(withheld) >= 2  # the one person's row and a complementary one (or the total)
    shown = by_role[~by_role[WITHHELD]]
    total_shown = translate(TOTAL_LABEL) in shown["group"].tolist()
    assert not (total_shown and sum(withheld) == 1)


def test_protect_differencing_between_subtree_and_child() -> None:
    """A parent with 6 people of a group, its child with 5: the parent's row would give the
    one person of the parent's own department — it is withheld, the child's is shown."""
    tree = Tree({1: None, 2: 1})
    sizes = {1: {("job_role", 7): 1, TOTAL: 1}, 2: {("job_role", 7): 5, TOTAL: 5}}
    parts = [Breakdown((("job_role", 7),))]
    assert ("job_role", 7) in protect(sizes, parts, tree, 1, 5)
    assert TOTAL in protect(sizes, parts, tree, 1, 5)
    assert protect(sizes, parts, tree, 2, 5) == set()


def test_protect_complements_a_lone_withheld_row() -> None:
    tree = Tree({1: None})
    keys = tuple(("job_role", r) for r in range(4))
    sizes = {1: {keys[0]: 6, keys[1]: 7, keys[2]: 8, keys[3]: 1, TOTAL: 22}}
    hidden = protect(sizes, [Breakdown(keys)], tree, None, 5)
    assert keys[3] in hidden and keys[0] in hidden  # the next-smallest row
    assert keys[1] not in hidden and TOTAL not in hidden


@pytest.mark.parametrize("minimum", [5])
def test_protect_nothing_small_nothing_withheld(minimum: int) -> None:
    tree = Tree({1: None, 2: 1})
    sizes = {1: {("a",): 5, TOTAL: 5}, 2: {("a",): 6, TOTAL: 6}}
    assert protect(sizes, [Breakdown((("a",),))], tree, None, minimum) == set()


def _role_rows(report: Any) -> tuple[dict[str, Any], Any]:
    """Job-role rows (label → record) and the total row of a gaps report."""
    frame = next(p for p in report.parts if p.key == "by_job_role").frame
    records = {r["group"]: r for r in frame.to_dict("records")}
    return records, records.pop(translate(TOTAL_LABEL))


def test_measured_attack_on_ten_departments(db: Any) -> None:
    """The attack of the issue, on demo-like data: ten departments, each with three job
    roles of at least 5 people and one job role of a single person. The attacker takes a
    department's gaps report and subtracts the shown job-role rows from the total row.
    With primary suppression only, that gives the single person's gap in 10 of 10
    departments; with the suppression of the report, in none."""
    framework = tf.framework()
    comp = tf.competence(tf.area(framework))
    roles = [factories.job_role() for _ in range(4)]
    for role in roles:
        tf.target(role, comp, 4)
    departments = [factories.department() for _ in range(10)]
    single: dict[int, int] = {}  # department id → the single person's true gap
    for d, dept in enumerate(departments):
        for r, (role, count) in enumerate(zip(roles, (5, 6, 7, 1), strict=True)):
            for i in range(count):
                level = 1 + (d + r + i) % 4
                tf.head_rating(factories.employee(dept, job_role_id=role.id), comp, level)
                if count == 1:
                    single[dept.id] = 4 - level
    lone = roles[3].title

    def recovered(minimum: int, primary_only: bool) -> int:
        hits = 0
        for dept in departments:
            report = gaps_report(
                ReportScope.whole_organisation(minimum), Filters(department_id=dept.id), TODAY
            )
            rows, total = _role_rows(report)
            if primary_only:  # what was shown before: only the group below the minimum hidden
                shown = [r for label, r in rows.items() if label != lone]
                figures_total = total
            else:
                shown = [r for r in rows.values() if not r[WITHHELD]]
                figures_total = None if total[WITHHELD] else total
                if not rows[lone][WITHHELD]:
                    hits += 1  # the lone person shown outright
                    continue
            if figures_total is None:
                continue
            rest = figures_total["total_gap"] - sum(r["total_gap"] for r in shown)
            if rest == single[dept.id]:
                hits += 1
        return hits

    assert recovered(1, primary_only=True) == 10  # before: the difference is the person
    assert recovered(5, primary_only=False) == 0  # after: nothing to subtract from
