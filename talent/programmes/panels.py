"""Start-page panels of the fast-track programmes, with real figures:

- employees: open cohorts they could apply to, their undecided applications and
  nominations, and — for members — their progress (percent, what is next, behind?);
- HR: cohorts that need action (open, in selection, with the staff council, running
  with members behind schedule);
- the staff council: selection proposals awaiting its review;
- department heads: applications of their team awaiting their statement.

Figures only, no names of other people (so showing the start page does not need an
access-log entry). Each ``context`` runs a fixed number of queries, however many
cohorts, applications or members there are. Registering twice is harmless
(``add_panel`` skips a template it already has).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from academy.accounts.models import Role, User
from academy.clock import to_berlin, utcnow
from academy.extensions import db
from academy.i18n import N_
from academy.org.models import Employee
from academy.web.navigation import Panel, add_panel
from talent.programmes.cohort_models import Application, CohortMember, CouncilReview, Score
from talent.programmes.eligibility import DECIDING_STATES, UNDECIDED_STATES, open_cohorts_for
from talent.programmes.endorsements import ENDORSABLE_COHORT, applications_for_head
from talent.programmes.models import (
    COHORT_STATUS_LABELS,
    ApplicationState,
    Cohort,
    CohortStatus,
    CouncilDecision,
    Endorsement,
    MemberState,
    SelectionCriterion,
)
from talent.programmes.progress import MemberProgress, member_progress

#: Cohort states in which HR has something to do (running only with members behind).
HR_STATES = (
    CohortStatus.OPEN.value,
    CohortStatus.SELECTION.value,
    CohortStatus.COUNCIL_REVIEW.value,
    CohortStatus.RUNNING.value,
)


def today() -> date:
    return to_berlin(utcnow()).date()


# ---------------------------------------------------------------------------
# Employees
# ---------------------------------------------------------------------------


def employee_context(user: User) -> dict[str, Any]:
    """Open cohorts (eligible or not), own undecided applications and nominations, the
    active membership with its progress. At most eleven queries."""
    empty: dict[str, Any] = {"employee": False}
    if user.employee_id is None:
        return empty
    employee = db.session.get(Employee, user.employee_id)
    if employee is None:
        return empty
    day = today()
    cohorts = open_cohorts_for(employee, day)
    undecided = db.session.execute(
        select(Application.state, func.count())
        .join(Cohort, Cohort.id == Application.cohort_id)
        .where(
            Application.employee_id == employee.id,
            Application.state.in_(UNDECIDED_STATES),
            Cohort.status.in_(DECIDING_STATES),
        )
        .group_by(Application.state)
    ).all()
    states = {state: count for state, count in undecided}
    member = db.session.scalar(
        select(CohortMember)
        .options(joinedload(CohortMember.cohort).joinedload(Cohort.programme))
        .where(
            CohortMember.employee_id == employee.id,
            CohortMember.state == MemberState.ACTIVE.value,
        )
        .order_by(CohortMember.joined_at.desc(), CohortMember.id.desc())
        .limit(1)
    )
    progress: MemberProgress | None = None
    if member is not None:
        progress = member_progress([member], day)[member.id]
    return {
        "employee": True,
        "open": len(cohorts),
        "eligible": sum(1 for _cohort, reasons in cohorts if not reasons),
        "submitted": states.get(ApplicationState.SUBMITTED.value, 0),
        "nominated": states.get(ApplicationState.NOMINATED.value, 0),
        "member": member,
        "progress": progress,
        "today": day,
    }


# ---------------------------------------------------------------------------
# HR
# ---------------------------------------------------------------------------


@dataclass
class CohortAction:
    """One cohort on HR's panel and what it needs."""

    cohort: Cohort
    status_label: str
    applications: int = 0  #: submitted applications
    nominated: int = 0  #: nominations the nominee has not answered yet
    unscored: int = 0  #: submitted applications not yet fully scored
    awaiting_council: bool = False
    consented: bool = False  #: the council consented: the decisions can be sent
    objected: bool = False  #: back in selection after an objection
    members: int = 0  #: active members
    behind: int = 0  #: active members behind schedule


def hr_context(user: User) -> dict[str, Any]:
    """Cohorts that need HR's action. Nine queries at most: cohorts, applications per
    state, scores per application, criteria per cohort, latest reviews, active members
    and their progress (four)."""
    day = today()
    cohorts = list(
        db.session.scalars(
            select(Cohort)
            .options(joinedload(Cohort.programme))
            .where(Cohort.status.in_(HR_STATES))
            .order_by(Cohort.applications_close_on, Cohort.id)
        )
    )
    if not cohorts:
        return {"rows": []}
    ids = [c.id for c in cohorts]
    selecting = [
        c.id for c in cohorts if c.status in (CohortStatus.OPEN.value, CohortStatus.SELECTION.value)
    ]
    counts: dict[int, Counter[str]] = defaultdict(Counter)
    unscored: Counter[int] = Counter()
    criteria: dict[int, int] = {}
    if selecting:
        for cohort_id, state, count in db.session.execute(
            select(Application.cohort_id, Application.state, func.count())
            .where(Application.cohort_id.in_(selecting))
            .group_by(Application.cohort_id, Application.state)
        ):
            counts[cohort_id][state] = count
        criteria = dict(
            db.session.execute(
                select(SelectionCriterion.cohort_id, func.count())
                .where(SelectionCriterion.cohort_id.in_(selecting))
                .group_by(SelectionCriterion.cohort_id)
            ).all()
        )
        scored = (
            select(Application.cohort_id, func.count(Score.id).label("scores"))
            .outerjoin(Score, Score.application_id == Application.id)
            .where(
                Application.cohort_id.in_(selecting),
                Application.state == ApplicationState.SUBMITTED.value,
            )
            .group_by(Application.id, Application.cohort_id)
            .subquery()
        )
        for cohort_id, scores in db.session.execute(select(scored.c.cohort_id, scored.c.scores)):
            if scores < criteria.get(cohort_id, 0) or not criteria.get(cohort_id):
                unscored[cohort_id] += 1
    latest = _latest_reviews(ids)
    running = [c.id for c in cohorts if c.status == CohortStatus.RUNNING.value]
    members: list[CohortMember] = []
    if running:
        members = list(
            db.session.scalars(
                select(CohortMember).where(
                    CohortMember.cohort_id.in_(running),
                    CohortMember.state == MemberState.ACTIVE.value,
                )
            )
        )
    progress = member_progress(members, day)
    rows: list[CohortAction] = []
    for cohort in cohorts:
        status = CohortStatus(cohort.status)
        row = CohortAction(cohort, COHORT_STATUS_LABELS[status])
        review = latest.get(cohort.id)
        if status in (CohortStatus.OPEN, CohortStatus.SELECTION):
            row.applications = counts[cohort.id][ApplicationState.SUBMITTED.value]
            row.nominated = counts[cohort.id][ApplicationState.NOMINATED.value]
            row.unscored = unscored[cohort.id]
            row.objected = review is not None and review.decision == CouncilDecision.OBJECTION
        elif status == CohortStatus.COUNCIL_REVIEW:
            row.consented = review is not None and review.decision == CouncilDecision.CONSENT
            row.awaiting_council = review is None or review.decision is None
        else:  # running
            own = [p for p in progress.values() if p.member.cohort_id == cohort.id]
            row.members = len(own)
            row.behind = sum(1 for p in own if p.behind)
            if not row.behind:
                continue
        rows.append(row)
    return {"rows": rows}


def _latest_reviews(cohort_ids: list[int]) -> dict[int, CouncilReview]:
    """The latest council review of each cohort (one query)."""
    if not cohort_ids:
        return {}
    newest = (
        select(CouncilReview.cohort_id, func.max(CouncilReview.id).label("id"))
        .where(CouncilReview.cohort_id.in_(cohort_ids))
        .group_by(CouncilReview.cohort_id)
        .subquery()
    )
    return {
        r.cohort_id: r
        for r in db.session.scalars(
            select(CouncilReview).join(newest, newest.c.id == CouncilReview.id)
        )
    }


# ---------------------------------------------------------------------------
# Staff council
# ---------------------------------------------------------------------------


def council_context(user: User) -> dict[str, Any]:
    """Proposals awaiting the council's decision (two queries)."""
    cohorts = list(
        db.session.scalars(
            select(Cohort)
            .options(joinedload(Cohort.programme))
            .where(Cohort.status == CohortStatus.COUNCIL_REVIEW.value)
            .order_by(Cohort.status_changed_at, Cohort.id)
        )
    )
    latest = _latest_reviews([c.id for c in cohorts])
    waiting: list[tuple[Cohort, CouncilReview]] = [
        (c, latest[c.id]) for c in cohorts if c.id in latest and latest[c.id].decision is None
    ]
    return {
        "waiting": [
            {
                "cohort": cohort,
                "submitted_at": review.submitted_at,
                "proposed": len(review.proposal or []),
            }
            for cohort, review in waiting
        ]
    }


# ---------------------------------------------------------------------------
# Department heads
# ---------------------------------------------------------------------------


def head_context(user: User) -> dict[str, Any]:
    """Applications of the head's team awaiting a statement (while it can still be
    given) and nominations the nominee has not answered yet (two queries)."""
    applications = applications_for_head(user, today())
    endorsable = [a for a in applications if a.cohort.status in ENDORSABLE_COHORT]
    return {
        "awaiting": sum(
            1
            for a in endorsable
            if a.state == ApplicationState.SUBMITTED.value
            and a.endorsement == Endorsement.PENDING.value
        ),
        "nominations": sum(
            1
            for a in applications
            if a.state == ApplicationState.NOMINATED.value and a.cohort.status in DECIDING_STATES
        ),
    }


add_panel(
    Panel(
        Role.EMPLOYEE,
        N_("Fast-track programmes"),
        "talent/panels/programme_employee.html",
        employee_context,
        order=17,
    )
)
add_panel(
    Panel(
        Role.HEAD,
        N_("Fast-track candidates"),
        "talent/panels/programme_head.html",
        head_context,
        order=27,
    )
)
add_panel(
    Panel(
        Role.HR,
        N_("Fast-track cohorts"),
        "talent/panels/programme_hr.html",
        hr_context,
        order=31,
    )
)
add_panel(
    Panel(
        Role.COUNCIL,
        N_("Fast-track selection"),
        "talent/panels/programme_council.html",
        council_context,
        order=41,
    )
)
