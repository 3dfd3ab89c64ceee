"""Proposals: a head turns the team's training plan (``talent.competencies``'s
Qualifizierungsplan) into suggestions to members, who accept (→ an enrolment, approved
by the head's suggestion: a seat or the waiting list) or decline with an optional
reason; the head may withdraw a suggestion not yet answered. Open suggestions expire at
the session's enrolment deadline (tick step)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from flask_babel import LazyString, gettext
from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import joinedload

from academy.accounts.models import User
from academy.audit.log import record
from academy.auth.policy import can
from academy.errors import Conflict, PermissionDenied
from academy.extensions import db
from academy.i18n import N_
from academy.org.models import Employee
from courses.enrolment import notices
from courses.enrolment.lifecycle import lock_session, start_write
from courses.enrolment.models import ACTIVE_STATES, STATE_LABELS, Enrolment, EnrolmentState
from courses.sessions.models import CourseSession
from courses.teambooking import notices as team_notices
from courses.teambooking.booking import place
from courses.teambooking.models import Proposal, ProposalState

NOTE_MAX = 1000
REASON_MAX = 1000


def _open_for_proposals(session: CourseSession, now: datetime) -> bool:
    return not session.is_cancelled and now < session.enrolment_deadline


def propose(
    actor: User,
    session: CourseSession,
    members: Iterable[Employee],
    now: datetime,
    *,
    note: str | None = None,
) -> list[Proposal]:
    """Suggest ``session`` to each member (of the head's team); members with an open
    suggestion for it or an active enrolment in the course are left out."""
    start_write()
    members = list(members)
    for member in members:
        if not can(actor, "teambooking.book", member):
            raise PermissionDenied(N_("You can only make suggestions to members of your team."))
    if not _open_for_proposals(session, now):
        raise Conflict(N_("The enrolment deadline of this session has passed."))
    ids = [m.id for m in members]
    taken = set(
        db.session.scalars(
            select(Proposal.employee_id).where(
                Proposal.session_id == session.id,
                Proposal.employee_id.in_(ids),
                Proposal.state == ProposalState.OPEN.value,
            )
        )
    ) | set(
        db.session.scalars(
            select(Enrolment.employee_id).where(
                Enrolment.course_id == session.course_id,
                Enrolment.employee_id.in_(ids),
                Enrolment.state.in_([s.value for s in ACTIVE_STATES]),
            )
        )
    )
    note = (note or "").strip()[:NOTE_MAX] or None
    made = []
    for member in members:
        if member.id in taken:
            continue
        proposal = Proposal(
            session_id=session.id,
            course_id=session.course_id,
            employee_id=member.id,
            proposed_by_id=actor.id,
            proposed_at=now,
            note=note,
            state=ProposalState.OPEN.value,
        )
        db.session.add(proposal)
        db.session.flush()
        record(
            actor, "proposal.created", "enrolment_proposal", proposal.id, to_state="open", now=now
        )
        params = {**notices.session_params(session), "head": actor.display_name, "note": note}
        notice = team_notices.PROPOSED_WITH_NOTE if note else team_notices.PROPOSED
        notices.send_to_employee(member.id, notice, params, now, notices.learning_link())
        made.append(proposal)
    return made


def _answerable(actor: User, proposal: Proposal, now: datetime) -> CourseSession:
    if not can(actor, "proposal.answer", proposal):
        raise PermissionDenied(N_("This suggestion was not made to you."))
    session = lock_session(proposal.session)
    db.session.refresh(proposal)
    if proposal.state != ProposalState.OPEN:
        raise Conflict(N_("This suggestion has already been answered or withdrawn."))
    if not _open_for_proposals(session, now):
        raise Conflict(N_("The enrolment deadline of this session has passed."))
    return session


def _proposer(proposal: Proposal) -> User | None:
    return db.session.get(User, proposal.proposed_by_id) if proposal.proposed_by_id else None


def accept(actor: User, proposal: Proposal, now: datetime) -> Enrolment:
    """The member accepts: enrolled as approved by the head (a seat or the waiting
    list); the head is told."""
    start_write()
    session = _answerable(actor, proposal, now)
    head = _proposer(proposal) or actor
    with db.session.begin_nested():
        enrolment = place(
            actor,
            proposal.employee,
            session,
            now,
            approved_by=head,
            verb="booked_on_proposal",
            details={"proposal_id": proposal.id},
        )
    proposal.state = ProposalState.ACCEPTED.value
    proposal.decided_at = now
    proposal.enrolment_id = enrolment.id
    db.session.flush()
    record(
        actor,
        "proposal.accepted",
        "enrolment_proposal",
        proposal.id,
        from_state="open",
        to_state="accepted",
        now=now,
    )
    params = {
        **notices.session_params(session),
        "employee": proposal.employee.full_name,
        "state": LazyString(lambda: gettext(STATE_LABELS[EnrolmentState(enrolment.state)])),
    }
    notices.send(_proposer(proposal), team_notices.PROPOSAL_ACCEPTED, params, now)
    return enrolment


def decline(actor: User, proposal: Proposal, now: datetime, *, reason: str | None = None) -> None:
    """The member declines (a reason is optional); the head is told."""
    start_write()
    session = _answerable(actor, proposal, now)
    reason = (reason or "").strip()[:REASON_MAX] or None
    proposal.state = ProposalState.DECLINED.value
    proposal.decided_at = now
    proposal.decline_reason = reason
    db.session.flush()
    record(
        actor,
        "proposal.declined",
        "enrolment_proposal",
        proposal.id,
        from_state="open",
        to_state="declined",
        reason=reason,
        now=now,
    )
    params = {
        **notices.session_params(session),
        "employee": proposal.employee.full_name,
        "reason": notices.reason_text(reason),
    }
    notices.send(_proposer(proposal), team_notices.PROPOSAL_DECLINED, params, now)


def withdraw(actor: User, proposal: Proposal, now: datetime) -> None:
    """The head withdraws a suggestion not yet answered."""
    start_write()
    if not can(actor, "proposal.withdraw", proposal):
        raise PermissionDenied(N_("You may not withdraw this suggestion."))
    changed = db.session.execute(
        update(Proposal)
        .where(Proposal.id == proposal.id, Proposal.state == ProposalState.OPEN.value)
        .values(state=ProposalState.WITHDRAWN.value, decided_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    if not changed:
        raise Conflict(N_("This suggestion has already been answered or withdrawn."))
    db.session.refresh(proposal)
    record(
        actor,
        "proposal.withdrawn",
        "enrolment_proposal",
        proposal.id,
        from_state="open",
        to_state="withdrawn",
        now=now,
    )


def expire_due(now: datetime) -> str:
    """Tick step: open suggestions whose session's enrolment deadline has passed (or
    whose session was cancelled) expire, each claimed by a conditional UPDATE."""
    start_write()
    due = db.session.scalars(
        select(Proposal)
        .join(CourseSession, CourseSession.id == Proposal.session_id)
        .options(joinedload(Proposal.session))
        .where(
            Proposal.state == ProposalState.OPEN.value,
            or_(CourseSession.enrolment_deadline <= now, CourseSession.cancelled_at.is_not(None)),
        )
        .order_by(Proposal.id)
    ).all()
    expired = 0
    for proposal in due:
        changed = db.session.execute(
            update(Proposal)
            .where(and_(Proposal.id == proposal.id, Proposal.state == ProposalState.OPEN.value))
            .values(state=ProposalState.EXPIRED.value, decided_at=now)
            .execution_options(synchronize_session=False)
        ).rowcount
        if changed:
            record(
                None,
                "proposal.expired",
                "enrolment_proposal",
                proposal.id,
                from_state="open",
                to_state="expired",
                now=now,
            )
            expired += 1
    db.session.commit()
    return f"{expired} Vorschlag/Vorschläge abgelaufen."
