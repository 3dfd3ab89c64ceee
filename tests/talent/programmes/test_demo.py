"""The ``programmes`` step of ``flask academy demo``: one fast-track programme, a running
intake (members with mentors, progress, two behind schedule, one drop-out, the demo
employee among them, the selection documented with the council's consent) and one in
selection (applications, statements, nominations, two thirds scored) — consistent with
the services' rules and the courses step's seat counters, deterministic with the seed,
with a fixed number of reads whatever the number of employees."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from click.testing import Result
from flask import Flask
from sqlalchemy import func, select

from academy.accounts.models import User
from academy.clock import to_berlin, utcnow, years_between
from academy.demo import steps as core_demo
from academy.demo.accounts import DEMO_ACCOUNTS
from academy.demo.steps import DemoStep
from academy.extensions import db as _db
from academy.frameworks.models import Competence, Framework
from academy.org.models import Department, Employee
from courses.catalogue.models import Course
from courses.enrolment.models import ACTIVE_STATES, Enrolment, EnrolmentState
from courses.enrolment.queries import SEATED, my_learning
from courses.sessions.models import CourseSession
from reports.certificates.models import Certificate
from talent.programmes.cohort_models import (
    Application,
    CohortMember,
    CouncilReview,
    MilestoneSignoff,
    Score,
)
from talent.programmes.council import council_decide, propose, send_decisions
from talent.programmes.demo import content as demo_data
from talent.programmes.demo import steps as demo
from talent.programmes.eligibility import History, reasons_for
from talent.programmes.models import Cohort, CohortStatus, MemberState, Milestone, Programme
from talent.programmes.progress import member_progress
from talent.programmes.selection import ranking, set_score
from tests.querycount import count_queries

SEED = 3
COUNT = 300


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


def cohort_in(db: Any, status: CohortStatus) -> Cohort:
    return db.session.scalars(select(Cohort).where(Cohort.status == status.value)).one()


def office(employee: Employee) -> str:
    return employee.department.code.split(".")[0]


def today() -> Any:
    return to_berlin(utcnow()).date()


# ---------------------------------------------------------------------------
# The step
# ---------------------------------------------------------------------------


def test_the_step_runs_after_talent_and_before_the_certificates(app: Flask) -> None:
    order = {step.name: step.order for step in core_demo.demo_steps}
    assert order["talent"] < order["programmes"] == 35 < order["certificates"]
    assert order["courses"] < order["programmes"]


def test_registering_twice_is_harmless(app: Flask) -> None:
    before = [s.name for s in core_demo.demo_steps]
    core_demo.register_demo_step(demo.STEP_NAME, demo.programmes_demo_step, demo.STEP_ORDER)
    assert [s.name for s in core_demo.demo_steps] == before
    assert before.count("programmes") == 1


def test_the_programme(db: Any, loaded: Result) -> None:
    assert "Fast-Track-Programm angelegt: 3 Jahrgänge" in loaded.output
    programme = db.session.scalars(select(Programme)).one()
    assert (programme.code, programme.title) == ("FT-DIGI", "Fast Track Digitale Verwaltung")
    assert programme.length_months == 18 and len(programme.description) > 200
    assert not programme.archived and programme.created_by_id == account(db, "hr").id
    codes = [(pc.course.code, pc.due_offset_days) for pc in programme.courses]
    assert [c for c, _ in codes] == ["DAT-101", "PM-101", "UX-101", "AGI-101", "OZG-201", "SIC-202"]
    offsets = [o for _, o in codes]
    assert offsets == sorted(offsets) and offsets[0] <= 90 and offsets[-1] >= 450
    assert all(offset <= 18 * 30 for offset in offsets)
    kinds = Counter(m.kind for m in programme.milestones)
    assert kinds == {"mentoring": 3, "project": 1, "rotation": 1, "presentation": 1}
    assert {m.title for m in programme.milestones} >= {
        "Praxisprojekt",
        "Rotation in ein anderes Amt",
        "Abschlusspräsentation",
    }
    assert max(m.due_offset_days for m in programme.milestones) <= 18 * 30
    targets = db.session.execute(
        select(Competence.code, Framework.name_de)
        .join(Framework, Framework.id == Competence.framework_id)
        .where(Competence.id.in_([t.competence_id for t in programme.targets]))
    ).all()
    assert 4 <= len(targets) == len(programme.targets) <= 6
    assert {fw for _, fw in targets} == {"Fachkompetenzen Digitalisierung"}
    assert {t.level for t in programme.targets} == {3}


def test_three_intakes(db: Any, loaded: Result) -> None:
    day = today()
    running = cohort_in(db, CohortStatus.RUNNING)
    selection = cohort_in(db, CohortStatus.SELECTION)
    draft = cohort_in(db, CohortStatus.DRAFT)
    assert db.session.scalar(select(func.count()).select_from(Cohort)) == 3

    assert running.seats == 12 and running.starts_on.day == 1
    assert 200 <= (day - running.starts_on).days <= 250  # about seven months ago
    assert 300 <= (running.ends_on - day).days <= 370  # about eleven months ahead
    assert running.applications_close_on < running.starts_on

    assert selection.seats == 15
    assert 1 <= (day - selection.applications_close_on).days <= 7  # closed a few days ago
    assert selection.applications_open_on < selection.applications_close_on
    assert selection.starts_on > day and selection.ends_on > selection.starts_on
    assert (selection.min_service_years, selection.max_service_years) == (1, 8)
    assert set(selection.pay_groups) == {
        "E 9a", "E 9b", "E 9c", "E 10", "E 11", "E 12", "A 9", "A 10", "A 11", "A 12",
    }  # fmt: skip
    assert [(c.name, c.weight) for c in selection.criteria] == [
        ("Motivation", 3),
        ("Bisherige Erfahrung mit Digitalisierungsprojekten", 2),
        ("Entwicklungspotenzial laut Führungskraft", 2),
    ]
    assert all(c.description for c in selection.criteria)
    assert draft.applications_open_on > day and draft.starts_on > selection.starts_on
    names = [running.name, selection.name, draft.name]
    year = running.starts_on.year
    assert names == [f"Jahrgang {year}", f"Jahrgang {year + 1}", f"Jahrgang {year + 2}"]
    now = utcnow()
    for cohort in (running, selection, draft):
        assert cohort.created_at <= cohort.status_changed_at < now


# ---------------------------------------------------------------------------
# The running intake
# ---------------------------------------------------------------------------


def test_members_mentors_and_progress(db: Any, loaded: Result) -> None:
    running = cohort_in(db, CohortStatus.RUNNING)
    members = list(
        db.session.scalars(select(CohortMember).where(CohortMember.cohort_id == running.id))
    )
    assert 10 <= len(members) <= running.seats
    ids = {m.employee_id for m in members}
    assert len(ids) == len(members)
    assert len({office(m.employee) for m in members}) >= 6, "from all over the organisation"
    day = today()
    for member in members:
        assert member.mentor is not None and member.mentor_id not in ids
        assert office(member.mentor) != office(member.employee)
        assert years_between(member.mentor.entry_date, day) >= 10
        assert member.application_id is not None
    dropped = [m for m in members if m.state == MemberState.DROPPED_OUT.value]
    assert len(dropped) == 1 and dropped[0].drop_out_reason and dropped[0].dropped_out_on < day
    assert not any(m.state == MemberState.GRADUATED.value for m in members)
    assert db.session.scalar(select(func.count()).select_from(Certificate).where(
        Certificate.kind == "programme"
    )) == 0  # fmt: skip

    active = [m for m in members if m.state == MemberState.ACTIVE.value]
    progress = member_progress(active, day)
    behind = [p for p in progress.values() if p.behind]
    assert len(behind) == 2
    employee = account(db, "employee")
    own = next(m for m in members if m.employee_id == employee.employee_id)
    trainer = account(db, "trainer")
    assert own.mentor_id == trainer.employee_id and own.state == MemberState.ACTIVE.value
    mine = progress[own.id]
    assert mine.behind and mine.done >= 2 and mine.next_item is not None
    assert any(item.kind == "course" and item.done for item in mine.items)
    on_track = [p for p in progress.values() if not p.behind]
    assert all(p.done >= p.due_by_today for p in on_track)
    assert sum(p.done for p in on_track) > sum(p.due_by_today for p in on_track), "some ahead"
    head = account(db, "head")
    assert sum(m.mentor_id == head.employee_id for m in members) == 2


def test_sign_offs_by_the_mentor_or_hr(db: Any, loaded: Result) -> None:
    hr = account(db, "hr")
    running = cohort_in(db, CohortStatus.RUNNING)
    rows = db.session.execute(
        select(MilestoneSignoff, CohortMember, Milestone)
        .join(CohortMember, CohortMember.id == MilestoneSignoff.member_id)
        .join(Milestone, Milestone.id == MilestoneSignoff.milestone_id)
        .where(CohortMember.cohort_id == running.id)
    ).all()
    assert len(rows) >= 9
    mentors_with_account = {
        u.employee_id: u.id for u in db.session.scalars(select(User)) if u.employee_id
    }
    now = utcnow()
    for signoff, member, milestone in rows:
        assert milestone.programme_id == running.programme_id and signoff.note
        expected = mentors_with_account.get(member.mentor_id, hr.id)
        assert signoff.signed_off_by_id == expected
        assert running.starts_on <= signoff.met_on <= to_berlin(signoff.signed_off_at).date()
        assert signoff.signed_off_at < now
        if member.dropped_out_on is not None:
            assert signoff.met_on <= member.dropped_out_on
    assert {m.title for _, _, m in rows} >= {"Mentoring-Gespräch 1: Auftakt"}


def test_the_selection_of_the_running_intake(db: Any, loaded: Result) -> None:
    running = cohort_in(db, CohortStatus.RUNNING)
    apps = list(db.session.scalars(select(Application).where(Application.cohort_id == running.id)))
    states = Counter(a.state for a in apps)
    members = db.session.scalar(
        select(func.count()).where(CohortMember.cohort_id == running.id)
    )  # fmt: skip
    assert states["accepted"] == members and states["rejected"] >= 5
    assert set(states) <= {"accepted", "rejected", "withdrawn"}
    for app in apps:
        assert not reasons_for(app.employee, running, today(), History()), app.employee_id
        assert app.motivation and app.submitted_at is not None
        assert app.submitted_at.date() <= running.applications_close_on
        if app.state != "withdrawn":
            assert app.endorsement in ("endorsed", "not_endorsed") and app.endorsement_comment
            assert app.decided_at is not None and app.proposed == (app.state == "accepted")
    reviews = list(
        db.session.scalars(
            select(CouncilReview)
            .where(CouncilReview.cohort_id == running.id)
            .order_by(CouncilReview.submitted_at)
        )
    )
    assert [r.decision for r in reviews] == ["objection", "consent"]
    council, hr = account(db, "council"), account(db, "hr")
    assert all(r.decision_comment and r.decided_by_id == council.id for r in reviews)
    assert all(r.submitted_by_id == hr.id and r.submitted_at < r.decided_at for r in reviews)
    ranked = ranking(running)
    by_id = {r.application.id: r for r in ranked}
    accepted = {a.id for a in apps if a.state == "accepted"}
    assert {r.rank for r in ranked if r.application.id in accepted} == set(
        range(1, len(accepted) + 1)
    ), "everyone accepted ranks above everyone rejected"
    proposal = reviews[-1].proposal
    assert {item["application_id"] for item in proposal} == accepted
    for item in proposal:
        r = by_id[item["application_id"]]
        assert Decimal(item["weighted"]) == r.weighted and item["rank"] == r.rank
        assert item["employee_name"] == r.employee.full_name
    scores = db.session.scalars(
        select(Score).join(Application).where(Application.cohort_id == running.id)
    ).all()
    assert all(s.comment and s.scored_by_id == hr.id for s in scores)
    assert all(r.fully_scored for r in ranked)


# ---------------------------------------------------------------------------
# The intake in selection
# ---------------------------------------------------------------------------


def test_applications_to_the_intake_in_selection(db: Any, loaded: Result) -> None:
    selection = cohort_in(db, CohortStatus.SELECTION)
    running = cohort_in(db, CohortStatus.RUNNING)
    apps = list(
        db.session.scalars(select(Application).where(Application.cohort_id == selection.id))
    )
    assert 20 <= len(apps) <= 40
    members = set(
        db.session.scalars(
            select(CohortMember.employee_id).where(CohortMember.cohort_id == running.id)
        )
    )
    demo_people = {u.employee_id for u in db.session.scalars(select(User)) if u.employee_id}
    day = today()
    for app in apps:
        assert app.employee_id not in members and app.employee_id not in demo_people
        assert not reasons_for(app.employee, selection, day, History()), app.employee_id
    motivations = [a.motivation for a in apps if a.motivation]
    assert len(set(motivations)) >= 0.9 * len(motivations), "varied motivations"

    head = account(db, "head")
    team = team_ids(db, head)
    eligible = [
        e
        for e in db.session.scalars(select(Employee).where(Employee.id.in_(team)))
        if not reasons_for(e, selection, day, History()) and e.id not in members | demo_people
    ]
    nominations = [a for a in apps if a.nominated_by_id is not None]
    assert len(nominations) == min(2, len(eligible))
    assert all(a.nominated_by_id == head.id for a in nominations)
    assert sorted(a.state for a in nominations) == ["nominated", "submitted"][-len(nominations) :]
    assert all(a.employee_id in team and a.nomination_note for a in nominations)
    assert all(a.endorsement == "endorsed" and a.endorsed_by_id == head.id for a in nominations)

    endorsements = Counter(a.endorsement for a in apps)
    assert endorsements["endorsed"] and endorsements["not_endorsed"] and endorsements["pending"]
    for app in apps:
        if app.endorsement == "pending":
            assert app.endorsed_by_id is None and app.endorsed_at is None
        else:
            assert app.endorsement_comment and app.endorsed_at
            assert app.endorsed_by_id == (head.id if app.employee_id in team else None)
    from_team = [a for a in apps if a.employee_id in team and a.nominated_by_id is None]
    assert any(a.endorsement == "pending" for a in from_team) == (len(eligible) > 2)
    assert Counter(a.state for a in apps)["withdrawn"] == 1

    submitted = [a for a in apps if a.state == "submitted"]
    scores = Counter(
        db.session.scalars(
            select(Score.application_id)
            .join(Application)
            .where(Application.cohort_id == selection.id)
        )
    )
    scored = [a for a in submitted if scores[a.id] == 3]
    assert {scores[a.id] for a in submitted} <= {0, 3}
    assert abs(len(scored) - round(len(submitted) * 2 / 3)) <= 1
    assert set(scores) <= {a.id for a in submitted}
    hr = account(db, "hr")
    for score in db.session.scalars(
        select(Score).join(Application).where(Application.cohort_id == selection.id)
    ):
        assert score.scored_by_id == hr.id and score.comment
        assert selection.applications_close_on < to_berlin(score.scored_at).date() < day


def test_hr_can_finish_the_selection_through_the_services(db: Any, loaded: Result) -> None:
    """Score the rest, propose, the council consents, decisions go out."""
    hr, council = account(db, "hr"), account(db, "council")
    selection = cohort_in(db, CohortStatus.SELECTION)
    now = utcnow()
    for item in ranking(selection):
        if item.application.state == "submitted" and not item.fully_scored:
            for criterion in selection.criteria:
                set_score(hr, item.application, criterion, 3, "Solide Bewerbung.", now)
    best = [r.application.id for r in ranking(selection) if r.application.state == "submitted"][
        : selection.seats
    ]
    propose(hr, selection, best, "Vorschlag", now)
    council_decide(council, selection, "consent", "Einverstanden.", now)
    members = send_decisions(hr, selection, now)
    assert len(members) == len(best) and selection.status == "running"


# ---------------------------------------------------------------------------
# Courses: completions consistent with the courses step
# ---------------------------------------------------------------------------


def test_completions_keep_the_seat_counters(db: Any, loaded: Result) -> None:
    seated = dict(
        db.session.execute(
            select(Enrolment.session_id, func.count())
            .where(Enrolment.state.in_([s.value for s in SEATED]))
            .group_by(Enrolment.session_id)
        ).all()
    )
    for session_id, count, capacity in db.session.execute(
        select(CourseSession.id, CourseSession.confirmed_count, CourseSession.capacity)
    ):
        assert count == seated.get(session_id, 0), session_id
        assert count <= capacity
    twice = db.session.execute(
        select(Enrolment.employee_id, Enrolment.course_id)
        .where(Enrolment.state.in_([s.value for s in ACTIVE_STATES]))
        .group_by(Enrolment.employee_id, Enrolment.course_id)
        .having(func.count() > 1)
    ).all()
    assert twice == []
    # Every active member on schedule has completed the course due by now.
    running = cohort_in(db, CohortStatus.RUNNING)
    data_course = db.session.scalar(select(Course.id).where(Course.code == "DAT-101"))
    done = set(
        db.session.scalars(
            select(Enrolment.employee_id).where(
                Enrolment.course_id == data_course,
                Enrolment.state == EnrolmentState.COMPLETED.value,
            )
        )
    )
    active = db.session.scalars(
        select(CohortMember).where(
            CohortMember.cohort_id == running.id, CohortMember.state == "active"
        )
    ).all()
    progress = member_progress(active, today())
    assert all(m.employee_id in done for m in active if not progress[m.id].behind)
    # Completions are well-formed, and the certificates step issued their certificates.
    now = utcnow()
    rows = db.session.execute(
        select(Enrolment, CourseSession)
        .join(CourseSession, CourseSession.id == Enrolment.session_id)
        .where(Enrolment.state == EnrolmentState.COMPLETED.value)
    ).all()
    for e, s in rows:
        assert e.requested_at < s.enrolment_deadline and e.requested_at < now
        assert s.starts_at <= e.attendance_marked_at <= now and e.updated_at <= now
        assert e.completed_on == to_berlin(e.attendance_marked_at).date()
    certified = set(
        db.session.scalars(select(Certificate.enrolment_id).where(Certificate.kind == "course"))
    )
    assert {e.id for e, _ in rows} <= certified


def test_the_demo_employees_course_record_is_the_courses_steps(db: Any, loaded: Result) -> None:
    employee = account(db, "employee")
    record = my_learning(employee.employee, utcnow())
    assert Counter(e.state for e in record.history)["completed"] == 2


# ---------------------------------------------------------------------------
# Small demos, determinism, a fixed number of reads
# ---------------------------------------------------------------------------


def test_a_small_demo(app: Flask, db: Any) -> None:
    result = invoke(app, count=100)
    assert result.exit_code == 0, (result.output, result.exception)
    running = cohort_in(db, CohortStatus.RUNNING)
    selection = cohort_in(db, CohortStatus.SELECTION)
    members = db.session.scalars(
        select(CohortMember).where(CohortMember.cohort_id == running.id)
    ).all()
    assert 3 <= len(members) <= running.seats
    employee = account(db, "employee")
    assert employee.employee_id in {m.employee_id for m in members}
    assert all(m.mentor_id is not None for m in members)
    apps = db.session.scalars(
        select(Application).where(Application.cohort_id == selection.id)
    ).all()
    assert len(apps) <= 40
    assert all(not reasons_for(a.employee, selection, today(), History()) for a in apps)


def team_ids(db: Any, head: User) -> set[int]:
    path = db.session.scalar(select(Department.path).where(Department.head_id == head.employee_id))
    ids = set(
        db.session.scalars(
            select(Employee.id)
            .join(Department, Department.id == Employee.department_id)
            .where(Department.path.startswith(path))
        )
    )
    return ids - {head.employee_id}


def fingerprint(db: Any) -> tuple[Any, ...]:
    apps = db.session.execute(
        select(Cohort.name, Employee.personnel_no, Application.state, Application.endorsement)
        .join(Cohort, Cohort.id == Application.cohort_id)
        .join(Employee, Employee.id == Application.employee_id)
    ).all()
    scores = db.session.execute(
        select(Employee.personnel_no, Score.score)
        .join(Application, Application.id == Score.application_id)
        .join(Employee, Employee.id == Application.employee_id)
    ).all()
    members = db.session.execute(
        select(Employee.personnel_no, CohortMember.state, CohortMember.mentor_id.is_(None)).join(
            Employee, Employee.id == CohortMember.employee_id
        )
    ).all()
    signoffs = db.session.scalar(select(func.count()).select_from(MilestoneSignoff))
    enrolments = db.session.scalar(select(func.count()).select_from(Enrolment))
    return (
        sorted(tuple(r) for r in apps),
        sorted(tuple(r) for r in scores),
        sorted(tuple(r) for r in members),
        signoffs,
        enrolments,
    )


def load_and_undo(app: Flask, db: Any, seed: int, count: int = COUNT) -> tuple[Any, ...]:
    """Load the demo inside a savepoint of the test's connection, read it, roll back."""
    db.session.close()
    savepoint = db.session.get_bind().begin_nested()
    try:
        result = invoke(app, seed=seed, count=count)
        assert result.exit_code == 0, (result.output, result.exception)
        return fingerprint(db)
    finally:
        db.session.close()
        savepoint.rollback()


def test_same_seed_same_data(app: Flask, db: Any) -> None:
    first = load_and_undo(app, db, SEED)
    assert db.session.scalar(select(func.count()).select_from(Application)) == 0
    again = load_and_undo(app, db, SEED)
    other = load_and_undo(app, db, SEED + 1)
    assert first == again
    assert first[0] != other[0]  # who applied is not fixed


def test_a_fixed_number_of_reads(app: Flask, db: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """The step reads with the same statements at 100 and at 300 employees."""
    counted: list[tuple[int, int]] = []

    def counting(ctx: Any) -> str | None:
        with count_queries(_db.engine) as queries:
            summary = demo.programmes_demo_step(ctx)
        selects = sum(1 for s in queries.statements if s.lstrip().upper().startswith("SELECT"))
        counted.append((selects, queries.count))
        return summary

    steps = [
        DemoStep(s.name, counting, s.order) if s.name == demo.STEP_NAME else s
        for s in core_demo.demo_steps
    ]
    monkeypatch.setattr(core_demo, "demo_steps", steps)
    load_and_undo(app, db, SEED, count=100)
    load_and_undo(app, db, SEED, count=300)
    (small_reads, small_total), (large_reads, large_total) = counted
    assert small_reads == large_reads <= 12
    assert small_total == large_total, "the writes are bulk INSERTs too"


def test_scale_without_a_database() -> None:
    """50,000 employees: the plan is built from the people in memory, in moments."""
    from datetime import UTC, date, datetime

    now = datetime(2026, 11, 21, 9, 30, tzinfo=UTC)
    n = 50000
    people = {
        i: demo_data.Person(
            i,
            f"{10 + i % 60}.{i % 3 + 1}",
            demo_data.PAY_GROUPS[i % 10] if i % 3 else "E 5",
            date(2000 + i % 26, 1 + i % 12, 1),
            f"Person {i}",
        )
        for i in range(1, n + 1)
    }
    staff = demo_data.Staff(
        people=people,
        order=list(people),
        user_of={7: 6, 101: 3, 3: 2, 4: 4},
        employee_of={"employee": 7, "head": 101, "hr": 3, "trainer": 4},
        users={"employee": 6, "head": 3, "hr": 2, "trainer": 4, "council": 5},
        team={e for e in people if people[e].department.startswith("12.")} - {101},
        unit_names={},
    )
    record = demo_data.CourseRecord(
        course_ids={code: i for i, (code, _) in enumerate(demo_data.CURRICULUM, 1)},
        sessions={
            1: [
                demo_data.SessionSeat(
                    1, 1, now - timedelta(days=60), now - timedelta(days=5),
                    now - timedelta(days=67), True, False, None, 40,
                )
            ]
        },
        completed=set(),
        enrolled=set(),
    )  # fmt: skip
    rng = core_demo.step_rng(SEED, "programmes")
    plan = demo.build_programme_plan(rng, now, staff, record, busy=lambda *_: None)
    assert len(plan.members) == 12
    assert 25 <= sum(a.cohort == "selection" for a in plan.applications) <= 40
    assert sum(plan.seats_added.values()) == len(plan.enrolments) <= 40
