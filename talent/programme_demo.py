"""Demo data of the fast-track programmes: the ``programmes`` step of ``flask academy demo``.

- One programme, "Fast Track Digitale Verwaltung" (FT-DIGI, 18 months): six required
  courses of the courses step's catalogue (data literacy, project management, UX, Scrum,
  OZG, IT security) due over the 18 months, six milestones (three mentoring talks, a
  practice project, a rotation into another office, the final presentation) and six
  target competences of "Fachkompetenzen Digitalisierung" at level 3.
- The running intake (started on the first of the month seven months ago, ends eleven
  to twelve months from now, 12 seats): the selection is documented as the services
  would have left it (applications with the heads' statements, HR's scores with
  comments, a council objection and then its consent with the proposal snapshot,
  acceptances and rejections, one withdrawal). Members come from all over the
  organisation, each with an experienced mentor from another office (the demo trainer
  mentors the demo employee, the demo head two members from other offices); the first
  mentoring talk is signed off, the data-literacy e-learning (due after 90 days)
  completed — new completed enrolments in past sessions with free seats, the seat
  counters raised with them. Two members are behind schedule: the demo employee
  (Özlem Demir: her course record belongs to the courses step, which did not give her
  that e-learning; she has completed the programme's UX course) and one more member;
  one member dropped out with a reason. Some members are ahead (courses completed
  early, the second mentoring talk held). Nobody has graduated yet, so there are no
  programme certificates.
- The next intake, in selection: the application window closed four days ago (15
  seats, 1–8 years of service, pay groups E 9a–E 12 / A 9–A 12, three weighted
  criteria); 25–40 applications (fewer in small demos: only eligible people apply)
  with German motivations, the heads' statements (some not endorsed, some still
  missing — among them candidates of the demo head's team), two nominations by the
  demo head (one accepted, one still awaiting the person's consent), one withdrawal;
  about two thirds scored by the demo HR account, the rest not yet — so HR can finish
  scoring and propose, and the staff council review, through the pages.
- A draft for the intake after that.

Heads other than the demo head have no account in the demo: their statements are
recorded without ``endorsed_by``; milestones of members whose mentor has no account are
signed off by the demo HR account (as HR may).

Everything is decided in Python and written with a few bulk INSERTs; the reads are a
fixed handful of statements whatever the number of employees. Deterministic with the
seed (the step's own generator); every date is relative to the demo's day and no
timestamp falls on it, so the time of day does not change the data.

The programme's data and German texts are in ``talent.programme_demo_data``, the
decisions in ``talent.programme_demo_plan``; this module reads, writes and registers the
step.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta

from sqlalchemy import bindparam, select, update

from academy import demo_data
from academy.clock import berlin_to_utc, to_berlin
from academy.demo import DEMO_ACCOUNTS, DemoContext, bulk_insert, register_demo_step
from academy.extensions import db
from academy.models import Employee, User
from courses.demo import competence_ids
from courses.models import Course, CourseFormat, CourseSession, Enrolment, EnrolmentState
from talent.programme_demo_data import (
    CODE,
    CONSENT,
    CONSENT_NOTE,
    CONSENTED,
    CRITERIA,
    CURRICULUM,
    DECISIONS,
    DESCRIPTION,
    FIRST_PROPOSAL,
    LENGTH_MONTHS,
    MAX_SERVICE_YEARS,
    MILESTONES,
    MIN_SERVICE_YEARS,
    OBJECTED,
    OBJECTION,
    OBJECTION_NOTE,
    PAY_GROUPS,
    RUNNING_SEATS,
    SECOND_PROPOSAL,
    SELECTION_SEATS,
    TARGETS,
    TITLE,
    BusyLoader,
    CourseRecord,
    Person,
    PlannedApplication,
    ProgrammePlan,
    SessionSeat,
    Staff,
    Timeline,
)
from talent.programme_demo_plan import Planner, ranking
from talent.programme_models import (
    Application,
    ApplicationState,
    Cohort,
    CohortMember,
    CohortStatus,
    CouncilDecision,
    CouncilReview,
    Milestone,
    MilestoneSignoff,
    Programme,
    ProgrammeCourse,
    ProgrammeTarget,
    Score,
    SelectionCriterion,
)

STEP_NAME = "programmes"
#: After the talent step (30), before the certificates step (40), which then issues the
#: course certificates of the completions added here.
STEP_ORDER = 35

S = EnrolmentState
#: Enrolment states that occupy the person's time (for the no-overlap rule).
BUSY = (S.CONFIRMED, S.ATTENDED, S.NO_SHOW, S.COMPLETED, S.FAILED, S.PENDING, S.WAITLISTED)

# ---------------------------------------------------------------------------
# Reads: the staff as the core step created them
# ---------------------------------------------------------------------------


def staff_from_context(ctx: DemoContext) -> Staff:
    """Two statements: the demo accounts' employees and every active employee."""
    employee_of_user: dict[int, int] = {}
    if ctx.user_ids:
        employee_of_user = {
            user_id: employee_id
            for user_id, employee_id in db.session.execute(
                select(User.id, User.employee_id).where(User.id.in_(list(ctx.user_ids.values())))
            )
            if employee_id is not None
        }
    codes = {id_: code for code, id_ in ctx.department_ids.items()}
    people = {
        id_: Person(id_, codes.get(dept, ""), pay, entry, f"{first} {last}")
        for id_, dept, pay, entry, first, last in db.session.execute(
            select(
                Employee.id,
                Employee.department_id,
                Employee.pay_group,
                Employee.entry_date,
                Employee.first_name,
                Employee.last_name,
            ).where(Employee.active.is_(True))
        )
    }
    parent = {spec.code: spec.parent for spec in demo_data.DEPARTMENTS}
    employee_of = {
        key: employee_of_user[user_id]
        for key, user_id in ctx.user_ids.items()
        if user_id in employee_of_user
    }
    head_account = next(a for a in DEMO_ACCOUNTS if a.key == "head")
    head_dept = head_account.person.department if head_account.person else "12"

    def in_subtree(code: str) -> bool:
        current: str | None = code
        while current is not None:
            if current == head_dept:
                return True
            current = parent.get(current)
        return False

    head = employee_of.get("head")
    team = {e for e, p in people.items() if in_subtree(p.department) and e != head}
    return Staff(
        people=people,
        order=[e for e in ctx.employee_ids if e in people],
        user_of={e: u for u, e in employee_of_user.items()},
        employee_of=employee_of,
        users=dict(ctx.user_ids),
        team=team,
        unit_names={spec.code: spec.name for spec in demo_data.DEPARTMENTS},
    )


# ---------------------------------------------------------------------------
# The courses step's sessions and enrolments of the curriculum
# ---------------------------------------------------------------------------


def course_record(now: datetime, cap: datetime) -> CourseRecord:
    """Three statements: the curriculum's courses, their sessions that ended long enough
    ago (or, self-paced, started before yesterday) with free seats, and every enrolment
    in them."""
    codes = [code for code, _ in CURRICULUM]
    courses = {
        code: (id_, fmt, approval)
        for id_, code, fmt, approval in db.session.execute(
            select(Course.id, Course.code, Course.format, Course.requires_approval).where(
                Course.code.in_(codes)
            )
        )
    }
    ids = [id_ for id_, _, _ in courses.values()]
    info = {id_: (fmt, approval) for id_, fmt, approval in courses.values()}
    sessions: dict[int, list[SessionSeat]] = defaultdict(list)
    if ids:
        for row in db.session.execute(
            select(
                CourseSession.id,
                CourseSession.course_id,
                CourseSession.starts_at,
                CourseSession.ends_at,
                CourseSession.enrolment_deadline,
                CourseSession.trainer_id,
                CourseSession.capacity,
                CourseSession.confirmed_count,
            )
            .where(
                CourseSession.course_id.in_(ids),
                CourseSession.cancelled_at.is_(None),
                CourseSession.starts_at < now,
            )
            .order_by(CourseSession.starts_at, CourseSession.id)
        ):
            fmt, approval = info[row.course_id]
            self_paced = fmt == CourseFormat.SELF_PACED.value
            # Past sessions whose marks are all made (the demo trainer's latest two weeks
            # still wait for hers); self-paced windows that started at least two days ago.
            usable = (
                row.starts_at < cap - timedelta(days=2)
                if self_paced
                else row.ends_at < now - timedelta(days=15)
            )
            if usable and row.capacity > row.confirmed_count:
                sessions[row.course_id].append(
                    SessionSeat(
                        id=row.id,
                        course_id=row.course_id,
                        starts_at=row.starts_at,
                        ends_at=row.ends_at,
                        enrolment_deadline=row.enrolment_deadline,
                        self_paced=self_paced,
                        approval=approval,
                        trainer_id=row.trainer_id,
                        free=row.capacity - row.confirmed_count,
                    )
                )
    completed: set[tuple[int, int]] = set()
    enrolled: set[tuple[int, int]] = set()
    if ids:
        for employee_id, course_id, state in db.session.execute(
            select(Enrolment.employee_id, Enrolment.course_id, Enrolment.state).where(
                Enrolment.course_id.in_(ids)
            )
        ):
            enrolled.add((employee_id, course_id))
            if state == S.COMPLETED.value:
                completed.add((employee_id, course_id))
    return CourseRecord(
        course_ids={code: courses[code][0] for code in codes if code in courses},
        sessions=dict(sessions),
        completed=completed,
        enrolled=enrolled,
    )


def load_busy(record: CourseRecord, employee_ids: Sequence[int]) -> None:
    """One statement: the time the given people spend in sessions that are not
    self-paced (self-paced courses neither clash nor are clashed with)."""
    if not employee_ids:
        return
    for employee_id, starts, ends in db.session.execute(
        select(Enrolment.employee_id, CourseSession.starts_at, CourseSession.ends_at)
        .join(CourseSession, CourseSession.id == Enrolment.session_id)
        .join(Course, Course.id == CourseSession.course_id)
        .where(
            Enrolment.employee_id.in_(list(employee_ids)),
            Enrolment.state.in_([s.value for s in BUSY]),
            Course.format != CourseFormat.SELF_PACED.value,
        )
    ):
        record.busy.setdefault(employee_id, []).append((starts, ends))


# ---------------------------------------------------------------------------
# The plan
# ---------------------------------------------------------------------------


def build_programme_plan(
    rng: random.Random,
    now: datetime,
    staff: Staff,
    record: CourseRecord,
    busy: BusyLoader = load_busy,
) -> ProgrammePlan:
    """Every application, score, member, sign-off and added completion of the demo.
    Reads nothing but the members' busy times (``busy``, one statement)."""
    return Planner(rng, now, staff, record, busy).plan()


# ---------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------


def _structure(
    now: datetime, t: Timeline, hr_user: int | None, record: CourseRecord
) -> tuple[Programme, dict[str, Cohort], dict[str, int]]:
    """The programme, its curriculum, targets, the three intakes and their criteria
    (ORM, a few dozen rows). Returns the programme, the cohorts by key and the milestone
    ids by key."""
    created = berlin_to_utc(datetime.combine(t.running_open - timedelta(days=60), time(10, 15)))
    competences = competence_ids(now)
    programme = Programme(
        code=CODE,
        title=TITLE,
        description=DESCRIPTION,
        length_months=LENGTH_MONTHS,
        archived=False,
        created_at=created,
        created_by_id=hr_user,
    )
    db.session.add(programme)
    db.session.flush()
    for code, offset in CURRICULUM:
        course_id = record.course_ids.get(code)
        if course_id is not None:
            db.session.add(
                ProgrammeCourse(
                    programme_id=programme.id, course_id=course_id, due_offset_days=offset
                )
            )
    milestones = {
        spec.key: Milestone(
            programme_id=programme.id,
            kind=spec.kind.value,
            title=spec.title,
            description=spec.description,
            due_offset_days=spec.offset,
        )
        for spec in MILESTONES
    }
    db.session.add_all(milestones.values())
    for code, level in TARGETS:
        if code in competences:
            db.session.add(
                ProgrammeTarget(
                    programme_id=programme.id, competence_id=competences[code], level=level
                )
            )

    def moment(day: date, hour: int, minute: int = 0) -> datetime:
        return berlin_to_utc(datetime.combine(day, time(hour, minute)))

    year = t.running_start.year
    specs = {
        "running": (
            f"Jahrgang {year}", CohortStatus.RUNNING, RUNNING_SEATS,
            (t.running_open, t.running_close, t.running_start, t.running_end),
            moment(t.running_step(DECISIONS), 9, 30),
        ),
        "selection": (
            f"Jahrgang {year + 1}", CohortStatus.SELECTION, SELECTION_SEATS,
            (t.selection_open, t.selection_close, t.selection_start, t.selection_end),
            moment(t.selection_close + timedelta(days=1), 0, 5),
        ),
        "draft": (
            f"Jahrgang {year + 2}", CohortStatus.DRAFT, SELECTION_SEATS,
            (t.draft_open, t.draft_close, t.draft_start, t.draft_end),
            moment(t.today - timedelta(days=9), 11, 40),
        ),
    }  # fmt: skip
    cohorts: dict[str, Cohort] = {}
    for key, (name, status, seats, dates, changed) in specs.items():
        opens, closes, starts, ends = dates
        created = min(moment(opens - timedelta(days=35), 10), changed)
        cohort = Cohort(
            programme_id=programme.id,
            name=name,
            status=status.value,
            applications_open_on=opens,
            applications_close_on=closes,
            starts_on=starts,
            ends_on=ends,
            seats=seats,
            min_service_years=MIN_SERVICE_YEARS,
            max_service_years=MAX_SERVICE_YEARS,
            pay_groups=list(PAY_GROUPS),
            created_at=created,
            created_by_id=hr_user,
            status_changed_at=changed,
        )
        for position, (criterion, description, weight) in enumerate(CRITERIA):
            cohort.criteria.append(
                SelectionCriterion(
                    name=criterion, description=description, weight=weight, position=position
                )
            )
        db.session.add(cohort)
        cohorts[key] = cohort
    db.session.flush()
    return programme, cohorts, {key: m.id for key, m in milestones.items()}


def _write(
    plan: ProgrammePlan, now: datetime, staff: Staff, record: CourseRecord
) -> dict[str, int]:
    t = plan.timeline
    hr_user, council_user = staff.users.get("hr"), staff.users.get("council")
    programme, cohorts, milestone_ids = _structure(now, t, hr_user, record)
    cohort_ids = {key: c.id for key, c in cohorts.items()}
    criteria = {key: [c.id for c in cohort.criteria] for key, cohort in cohorts.items()}

    apps = plan.applications
    bulk_insert(
        Application.__table__,
        (
            {
                "cohort_id": cohort_ids[a.cohort],
                "employee_id": a.employee_id,
                "state": a.state.value,
                "motivation": a.motivation,
                "submitted_at": a.submitted_at,
                "withdrawn_at": a.withdrawn_at,
                "nominated_by_id": a.nominated_by,
                "nomination_note": a.nomination_note,
                "endorsement": a.endorsement.value,
                "endorsed_by_id": a.endorsed_by,
                "endorsement_comment": a.endorsement_comment,
                "endorsed_at": a.endorsed_at,
                "proposed": a.proposed,
                "decided_at": a.decided_at,
                "created_at": a.created_at,
            }
            for a in apps
        ),
    )
    ids = {
        (cohort_id, employee_id): id_
        for id_, cohort_id, employee_id in db.session.execute(
            select(Application.id, Application.cohort_id, Application.employee_id).where(
                Application.cohort_id.in_(list(cohort_ids.values()))
            )
        )
    }

    def app_id(a: PlannedApplication) -> int:
        return ids[(cohort_ids[a.cohort], a.employee_id)]

    bulk_insert(
        Score.__table__,
        (
            {
                "application_id": app_id(a),
                "criterion_id": criteria[a.cohort][position],
                "score": value,
                "comment": comment,
                "scored_at": at,
                "scored_by_id": hr_user,
            }
            for a in apps
            for position, (value, comment, at) in sorted(a.scores.items())
        ),
    )

    # The council's review of the running intake: an objection, then its consent.
    running_apps = [a for a in apps if a.cohort == "running"]
    ranked = ranking(a for a in running_apps if a.state != ApplicationState.WITHDRAWN)
    proposal = [
        {
            "application_id": app_id(a),
            "employee_name": staff.people[a.employee_id].name,
            "weighted": str(a.weighted()),
            "rank": rank,
        }
        for rank, a in enumerate(ranked, 1)
        if a.proposed
    ]

    def at(days: int, hour: int) -> datetime:
        return berlin_to_utc(datetime.combine(t.running_step(days), time(hour, 0)))

    reviews = [
        CouncilReview(
            cohort_id=cohort_ids["running"],
            submitted_at=at(FIRST_PROPOSAL, 15),
            submitted_by_id=hr_user,
            proposal=proposal,
            note=OBJECTION_NOTE,
            decision=CouncilDecision.OBJECTION.value,
            decision_comment=OBJECTION,
            decided_at=at(OBJECTED, 11),
            decided_by_id=council_user,
        ),
        CouncilReview(
            cohort_id=cohort_ids["running"],
            submitted_at=at(SECOND_PROPOSAL, 14),
            submitted_by_id=hr_user,
            proposal=proposal,
            note=CONSENT_NOTE,
            decision=CouncilDecision.CONSENT.value,
            decision_comment=CONSENT,
            decided_at=at(CONSENTED, 10),
            decided_by_id=council_user,
        ),
    ]
    db.session.add_all(reviews)

    joined = at(DECISIONS, 9)
    by_employee = {a.employee_id: a for a in running_apps if a.state == ApplicationState.ACCEPTED}
    bulk_insert(
        CohortMember.__table__,
        (
            {
                "cohort_id": cohort_ids["running"],
                "employee_id": m.employee_id,
                "application_id": app_id(by_employee[m.employee_id]),
                "mentor_id": m.mentor_id,
                "state": m.state.value,
                "joined_at": joined,
                "graduated_on": None,
                "dropped_out_on": m.dropped_out_on,
                "drop_out_reason": m.drop_out_reason,
            }
            for m in plan.members
        ),
    )
    member_ids = dict(
        db.session.execute(
            select(CohortMember.employee_id, CohortMember.id).where(
                CohortMember.cohort_id == cohort_ids["running"]
            )
        ).all()
    )
    bulk_insert(
        MilestoneSignoff.__table__,
        (
            {
                "member_id": member_ids[m.employee_id],
                "milestone_id": milestone_ids[key],
                "met_on": met_on,
                "note": note,
                "signed_off_at": signed_at,
                "signed_off_by_id": by,
            }
            for m in plan.members
            for key, (met_on, signed_at, by, note) in sorted(m.signoffs.items())
        ),
    )
    enrolments = bulk_insert(Enrolment.__table__, plan.enrolments)
    if plan.seats_added:
        table = CourseSession.__table__
        db.session.execute(
            update(table)
            .where(table.c.id == bindparam("session"))
            .values(confirmed_count=table.c.confirmed_count + bindparam("added")),
            [{"session": s, "added": n} for s, n in sorted(plan.seats_added.items())],
        )
    return {
        "programme": programme.id,
        "applications": len(apps),
        "members": len(plan.members),
        "enrolments": enrolments,
    }


def programmes_demo_step(ctx: DemoContext) -> str:
    """The ``programmes`` step of ``flask academy demo``."""
    staff = staff_from_context(ctx)
    t = Timeline.of(to_berlin(ctx.now).date())
    record = course_record(ctx.now, t.yesterday_evening)
    plan = build_programme_plan(ctx.rng, ctx.now, staff, record)
    written = _write(plan, ctx.now, staff, record)
    return (
        f"Fast-Track-Programm angelegt: 3 Jahrgänge, {written['applications']} Bewerbungen, "
        f"{written['members']} Teilnehmende, {written['enrolments']} abgeschlossene Kurse ergänzt"
    )


register_demo_step(STEP_NAME, programmes_demo_step, order=STEP_ORDER)
