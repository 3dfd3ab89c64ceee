"""What the fast-track programmes demo writes: the programme with its curriculum, the
three intakes, and the plan (applications, scores, council reviews, members, sign-offs,
added completions) in a few bulk INSERTs."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import bindparam, select, update

from academy.clock import berlin_to_utc
from academy.demo.steps import bulk_insert
from academy.extensions import db
from courses.demo.writing import competence_ids
from courses.enrolment.models import Enrolment
from courses.rooms.demo.step import write_attendance
from courses.sessions.models import CourseSession
from talent.programmes.cohort_models import (
    Application,
    CohortMember,
    CouncilReview,
    MilestoneSignoff,
    Score,
)
from talent.programmes.demo.content import (
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
    CourseRecord,
    PlannedApplication,
    ProgrammePlan,
    Staff,
    Timeline,
)
from talent.programmes.demo.plan import ranking
from talent.programmes.models import (
    ApplicationState,
    Cohort,
    CohortStatus,
    CouncilDecision,
    Milestone,
    Programme,
    ProgrammeCourse,
    ProgrammeTarget,
    SelectionCriterion,
)

# ---------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------


def write_structure(
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


def write_plan(
    plan: ProgrammePlan, now: datetime, staff: Staff, record: CourseRecord
) -> dict[str, int]:
    t = plan.timeline
    hr_user, council_user = staff.users.get("hr"), staff.users.get("council")
    programme, cohorts, milestone_ids = write_structure(now, t, hr_user, record)
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
    write_attendance(hr_user)
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
