"""The mandatory training report: figures by department and by training, without
names, so the staff council sees it; groups below the minimum size are withheld, and
so is the neighbouring row that would give them away (complementary suppression)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pandas as pd

from academy.accounts.models import Role
from academy.i18n import translate
from courses.mandatory.evidence import record_evidence
from reports.analytics.catalogue import build
from reports.analytics.common import TOTAL_LABEL
from reports.analytics.report_model import WITHHELD, Filters
from tests import factories
from tests.courses import factories as cf
from tests.courses.mandatory.support import assign
from tests.courses.support import NOW, hr

TODAY = date(2030, 3, 4)


def rows(part: Any) -> dict[str, dict[str, Any]]:
    return {row["group"]: row for row in part.frame.to_dict("records")}


def plain(value: Any) -> Any:
    return None if value is None or pd.isna(value) else value


def test_figures_by_department_and_training_with_suppression(db):
    actor = hr()
    big = factories.department("Großes Amt")
    small = factories.department("Kleines Amt")
    tiny = factories.department("Winziges Amt")
    people = [factories.employee(big) for _ in range(8)]
    few = [factories.employee(small) for _ in range(5)]
    one = factories.employee(tiny, last_name="Einzeln")
    course = cf.course()
    assignment = assign(actor, [course], due_days=10, now=NOW - timedelta(days=30))
    for person in people[:6] + few[:1]:
        record_evidence(actor, assignment, person, title="Nachweis", completed_on=TODAY, now=NOW)
    council = factories.user(Role.COUNCIL, with_employee=False)
    report = build("compliance", council, Filters(), TODAY)
    assert [p.key for p in report.parts] == ["by_department", "by_training"]
    by_dept = rows(report.parts[0])
    assert plain(by_dept[f"{big.code} {big.name}"]["done"]) == 6
    assert plain(by_dept[f"{big.code} {big.name}"]["overdue"]) == 2
    tiny_row = by_dept[f"{tiny.code} {tiny.name}"]
    assert tiny_row[WITHHELD] and plain(tiny_row["done"]) is None
    # the single person could be worked out from the total and the other rows:
    # another row is withheld too
    withheld = [r for r in by_dept.values() if r[WITHHELD]]
    assert len(withheld) >= 2
    total = by_dept[translate(TOTAL_LABEL)]
    assert plain(total["people"]) == 14
    # the training's figure for everyone minus those of the shown departments would be
    # the single person's: withheld as well (differencing across department filters)
    [training] = rows(report.parts[1]).values()
    assert training[WITHHELD] and plain(training["done"]) is None
    text = report.parts[0].frame.to_string() + report.parts[1].frame.to_string()
    assert "Einzeln" not in text and one.personnel_no not in text


def test_without_mandatory_training_the_report_has_only_the_department_part(db):
    factories.employee()
    report = build("compliance", factories.user(Role.HR), Filters(), TODAY)
    assert [p.key for p in report.parts] == ["by_department"]


def test_groups_of_the_minimum_size_are_shown(db):
    actor = hr()
    departments = [factories.department(f"Amt {i}") for i in range(3)]
    people = [factories.employee(d) for d in departments for _ in range(5)]
    assignment = assign(actor, [cf.course()], due_days=10, now=NOW - timedelta(days=30))
    for person in people[::2]:
        record_evidence(actor, assignment, person, title="Nachweis", completed_on=TODAY, now=NOW)
    report = build(
        "compliance", factories.user(Role.COUNCIL, with_employee=False), Filters(), TODAY
    )
    assert not any(row[WITHHELD] for row in rows(report.parts[0]).values())
    [training] = rows(report.parts[1]).values()
    assert (plain(training["people"]), plain(training["done"]), plain(training["overdue"])) == (
        15,
        8,
        7,
    )


def test_training_sets_as_bits_and_as_tuples_agree():
    """The audit's cells come from each person's set of trainings: as bits of an int64
    up to 62 trainings, as tuples beyond — both give the same distinct sets."""
    import random

    import pandas as pd

    from reports.analytics import compliance

    rng = random.Random(7)
    for trainings in (3, 62, 70):
        rows = [
            (a, person, person % 4)
            for person in range(200)
            for a in rng.sample(range(100, 100 + trainings), rng.randint(1, 3))
        ]
        frame = pd.DataFrame(rows, columns=["assignment_id", "employee_id", "department_id"])
        expected = sorted(
            {
                (d, tuple(sorted(a for a, p, _ in rows if p == person)))
                for person, d in {(p, d) for _, p, d in rows}
            }
        )
        assert compliance._training_sets(frame) == expected, trainings
