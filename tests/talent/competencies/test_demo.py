"""The ``talent`` step of ``flask academy demo``: role profiles for every job role (with
history), a rating history that gives the demo head's team view real gaps, the demo
employee's gaps with a recommended course, ratings across the organisation —
deterministic with the seed."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import timedelta
from typing import Any

import pytest
from click.testing import Result
from flask import Flask
from sqlalchemy import func, select

from academy.accounts.models import User
from academy.clock import to_berlin, utcnow
from academy.demo.accounts import DEMO_ACCOUNTS
from academy.demo.steps import demo_steps
from academy.frameworks.models import Competence, Framework
from academy.org.models import Department, Employee, JobRole
from talent.competencies.demo import content as demo_content
from talent.competencies.demo import offer as demo_offer
from talent.competencies.gaps import team_matrix
from talent.competencies.level_evidence import targets_for_job_roles
from talent.competencies.levels import levels_for
from talent.competencies.models import Rating, RoleTarget
from talent.competencies.recommendations import recommendations

SEED = 3
COUNT = 400


def invoke(app: Flask, seed: int = SEED, count: int = COUNT) -> Result:
    return app.test_cli_runner().invoke(
        args=["academy", "demo", "--employees", str(count), "--seed", str(seed)]
    )


@pytest.fixture()
def loaded(app: Flask, db: Any) -> Result:
    result = invoke(app)
    assert result.exit_code == 0, (result.output, result.exception)
    return result


def account(db: Any, key: str) -> User:
    email = next(a.email for a in DEMO_ACCOUNTS if a.key == key)
    user = db.session.scalar(select(User).where(User.email == email))
    assert user is not None
    return user


def team_ids(db: Any, head: User) -> set[int]:
    """The demo head's subtree (by department path), without him."""
    path = db.session.scalar(select(Department.path).where(Department.head_id == head.employee_id))
    ids = set(
        db.session.scalars(
            select(Employee.id)
            .join(Department, Department.id == Employee.department_id)
            .where(Department.path.startswith(path))
        )
    )
    return ids - {head.employee_id}


def test_the_step_runs_after_the_courses(app: Flask) -> None:
    order = {step.name: step.order for step in demo_steps}
    assert order["talent"] == 30 and order["courses"] < order["talent"]


def test_summary_line(loaded: Result) -> None:
    assert "Soll-Profile angelegt: 20 Stellen" in loaded.output
    assert "Einschätzungen:" in loaded.output


# ---------------------------------------------------------------------------
# Role profiles
# ---------------------------------------------------------------------------


def test_every_job_role_has_a_profile(db: Any, loaded: Result) -> None:
    roles = {r.code: r.id for r in db.session.scalars(select(JobRole))}
    assert len(roles) == 20
    targets = targets_for_job_roles(roles.values())
    for code, role_id in roles.items():
        assert 4 <= len(targets.get(role_id, {})) <= 8, code
    codes = {id_: code for code, id_ in db.session.execute(select(Competence.code, Competence.id))}
    ux = {codes[c]: level for c, level in targets[roles["UX"]].items()}
    assert ux["F03"] == 4 and ux["3.1"] == 5
    itf = {codes[c]: level for c, level in targets[roles["ITF"]].items()}
    assert itf["F05"] == 3 and itf["F08"] == 3
    isb = {codes[c]: level for c, level in targets[roles["ISB"]].items()}
    assert isb["4.1"] == 6 and isb["4.2"] == 6

    # Levels within each framework's scale; everything set by the demo HR account.
    hr = account(db, "hr")
    rows = db.session.execute(
        select(RoleTarget, Framework)
        .join(Competence, Competence.id == RoleTarget.competence_id)
        .join(Framework, Framework.id == Competence.framework_id)
    ).all()
    assert {fw.code for _, fw in rows} == {"DIGCOMP-2.2", "FK-DIGITAL"}
    for target, fw in rows:
        assert fw.level_min <= target.level <= fw.level_max, (fw.code, target.level)
        assert target.set_by_id == hr.id and target.set_at < utcnow()


def test_profile_history(db: Any, loaded: Result) -> None:
    ended = db.session.scalars(select(RoleTarget).where(RoleTarget.ended_at.is_not(None))).all()
    assert len(ended) >= 5
    hr = account(db, "hr")
    current = {
        (t.job_role_id, t.competence_id): t
        for t in db.session.scalars(select(RoleTarget).where(RoleTarget.ended_at.is_(None)))
    }
    replaced = 0
    for old in ended:
        assert old.ended_by_id == hr.id and old.set_at < old.ended_at
        new = current.get((old.job_role_id, old.competence_id))
        if new is not None:
            replaced += 1
            assert new.set_at >= old.ended_at and new.level != old.level and new.note
    assert replaced >= 4 and replaced < len(ended), "changed targets and a removed one"


# ---------------------------------------------------------------------------
# The demo head's team
# ---------------------------------------------------------------------------


def test_the_head_sees_real_gaps(db: Any, loaded: Result) -> None:
    head = account(db, "head")
    today = to_berlin(utcnow()).date()
    matrix = team_matrix(head, today=today)
    assert len(matrix.members) >= 10 and matrix.competences
    shown = [s for s in matrix.summaries.values() if not s.withheld]
    assert shown and all(s.members_with_target >= matrix.min_group_size for s in shown)
    assert any(s.below_target and s.total_gap for s in shown)
    sources = Counter(cell.source for cell in matrix.cells.values())
    assert sources["head"] > 20
    # Some rated people are below their target, some at or above.
    rated = [c for c in matrix.cells.values() if c.source == "head" and c.target is not None]
    assert any(c.gap > 0 for c in rated) and any(c.gap == 0 for c in rated)


def test_team_rating_history(db: Any, loaded: Result) -> None:
    head, hr = account(db, "head"), account(db, "hr")
    team = team_ids(db, head)
    now = utcnow()
    ratings = db.session.scalars(
        select(Rating).where(Rating.employee_id.in_(team)).order_by(Rating.rated_at)
    ).all()
    by_head = [r for r in ratings if r.source == "head"]
    assert by_head and all(r.rated_by_id == head.id and r.comment for r in by_head)
    assert all(now - timedelta(days=731) <= r.rated_at < now for r in ratings)
    remarks = set(demo_content.SPECIFIC.values())
    assert any(remark in (r.comment or "") for r in by_head for remark in remarks)
    assert {r.rated_by_id for r in ratings if r.source == "head"} == {head.id}

    # Some people were rated twice in a competence, the later rating higher.
    history: dict[tuple[int, int], list[Rating]] = defaultdict(list)
    for r in by_head:
        history[(r.employee_id, r.competence_id)].append(r)
    twice = [rows for rows in history.values() if len(rows) > 1]
    assert len(twice) >= 3
    assert all(rows[0].level < rows[-1].level for rows in twice)

    # Self-assessments, often higher than the head's latest rating.
    own = [r for r in ratings if r.source == "self"]
    assert len({r.employee_id for r in own}) >= 3
    latest = {key: rows[-1].level for key, rows in history.items()}
    higher = [r for r in own if r.level > latest.get((r.employee_id, r.competence_id), 99)]
    assert len(higher) >= len(own) / 3

    # External certificates recorded by HR: valid ones and one that has expired.
    today = to_berlin(now).date()
    certificates = [r for r in ratings if r.source == "external"]
    assert all(r.rated_by_id == hr.id and r.evidence_title for r in certificates)
    valid = [r for r in certificates if r.valid_until is not None and r.valid_until > today]
    expired = [r for r in certificates if r.valid_until is not None and r.valid_until < today]
    assert len(valid) >= 2 and len(expired) == 1
    assert all(r.valid_until > to_berlin(r.rated_at).date() for r in expired)
    titles = {r.evidence_title for r in certificates}
    assert titles & {"AWS Certified Cloud Practitioner", "ITIL 4 Foundation", "PRINCE2 Foundation"}


def test_levels_within_scale_and_nobody_rates_themselves(db: Any, loaded: Result) -> None:
    rows = db.session.execute(
        select(Rating.level, Rating.source, Rating.rated_by_id, User.employee_id, Framework)
        .join(Competence, Competence.id == Rating.competence_id)
        .join(Framework, Framework.id == Competence.framework_id)
        .outerjoin(User, User.id == Rating.rated_by_id)
        .add_columns(Rating.employee_id)
    ).all()
    for level, source, _by, rater_employee, fw, employee_id in rows:
        assert 0 <= level <= fw.level_max
        if source == "external":
            assert level >= fw.level_min
        if source == "self":
            assert rater_employee in (None, employee_id)
        else:
            assert rater_employee != employee_id, "a head or HR never rates themselves"


# ---------------------------------------------------------------------------
# The demo employee
# ---------------------------------------------------------------------------


def test_the_demo_employee_has_gaps_and_a_course_for_them(db: Any, loaded: Result) -> None:
    user = account(db, "employee")
    employee = user.employee
    assert employee is not None and employee.job_role.code == "UX"
    now = utcnow()
    levels = levels_for([employee.id], None, to_berlin(now).date())
    gaps = {c: lv for (_, c), lv in levels.items() if lv.gap > 0}
    assert gaps
    assert any(lv.self_assessed is not None for lv in levels.values())

    head = account(db, "head")
    ratings = db.session.scalars(select(Rating).where(Rating.employee_id == employee.id)).all()
    by_head = [r for r in ratings if r.source == "head"]
    assert by_head and all(r.rated_by_id == head.id and r.comment for r in by_head)
    own = [r for r in ratings if r.source == "self"]
    assert own and all(r.rated_by_id == user.id for r in own)

    found = recommendations([employee.id], levels, now)
    assert found
    for rec in found:
        assert rec.session.course_id == rec.course.id and rec.session.starts_at > now
        assert rec.session.enrolment_deadline > now and rec.session.cancelled_at is None
        assert {c.competence_id for c in rec.closes} <= set(gaps)


# ---------------------------------------------------------------------------
# The rest of the organisation
# ---------------------------------------------------------------------------


def test_ratings_across_the_organisation(db: Any, loaded: Result) -> None:
    head, hr = account(db, "head"), account(db, "hr")
    team = team_ids(db, head) | {head.employee_id}
    others = set(db.session.scalars(select(Employee.id))) - team
    rated = Counter(
        employee_id
        for employee_id, source in db.session.execute(
            select(Rating.employee_id, Rating.source).where(Rating.source != "external")
        )
        if employee_id in others
    )
    assert 0.1 * len(others) <= len(rated) <= 0.3 * len(others)
    assert max(rated.values()) <= 3
    by = set(
        db.session.scalars(
            select(Rating.rated_by_id).where(
                Rating.source == "head", Rating.employee_id.in_(others)
            )
        )
    )
    assert by == {hr.id}


# ---------------------------------------------------------------------------
# The demo employee's course: the fallback when no course would close a gap
# ---------------------------------------------------------------------------


def test_ensure_closable_lowers_one_level_only_when_needed() -> None:
    offer = demo_offer.CourseOffer(joinable={7: {1: 3, 2: 2}}, evidence={2: 2})
    targets = {1: 4, 2: 3}
    enough = {1: 2, 2: 3}
    assert demo_offer.ensure_closable(offer, targets, enough) == enough
    high = {1: 4, 2: 3}  # no gap at all
    lowered = demo_offer.ensure_closable(offer, targets, high)
    assert lowered == {1: 2, 2: 3}
    assert demo_offer.closable_gaps(offer, targets, lowered) == [(1, 7, 3)]
    assert demo_offer.ensure_closable(demo_offer.CourseOffer(), targets, high) == high


# ---------------------------------------------------------------------------
# Determinism
# ---------------------------------------------------------------------------


def fingerprint(db: Any) -> tuple[Any, ...]:
    targets = db.session.scalar(select(func.count()).select_from(RoleTarget))
    sources = dict(
        db.session.execute(select(Rating.source, func.count()).group_by(Rating.source)).all()
    )
    rows = db.session.execute(
        select(Employee.personnel_no, Competence.code, Rating.source, Rating.level)
        .join(Employee, Employee.id == Rating.employee_id)
        .join(Competence, Competence.id == Rating.competence_id)
    ).all()
    return targets, sources, sorted(tuple(r) for r in rows)


def load_and_undo(app: Flask, db: Any, seed: int) -> tuple[Any, ...]:
    """Load the demo inside a savepoint of the test's connection, read it, roll back."""
    db.session.close()
    savepoint = db.session.get_bind().begin_nested()
    try:
        result = invoke(app, seed=seed)
        assert result.exit_code == 0, (result.output, result.exception)
        return fingerprint(db)
    finally:
        db.session.close()
        savepoint.rollback()


def test_same_seed_same_data(app: Flask, db: Any) -> None:
    first = load_and_undo(app, db, SEED)
    assert db.session.scalar(select(func.count()).select_from(Rating)) == 0
    again = load_and_undo(app, db, SEED)
    other = load_and_undo(app, db, SEED + 1)
    assert first == again
    assert first[0] == other[0]  # the profiles are fixed
    assert first[2] != other[2]  # who was rated how is not
