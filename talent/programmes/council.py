"""After the scoring: HR proposes whom to accept, the staff council consents or objects,
and after its consent HR sends the acceptances and rejections (the notifications are in
``talent.programmes.notices.selection``). Status changes of the cohort are conditional
UPDATEs (``status = expected``), so two people pressing the same button at once change
it only once."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.attributes import set_committed_value

from academy.accounts.models import User
from academy.audit import log as audit
from academy.errors import Conflict, PermissionDenied, ValidationFailed
from academy.extensions import db
from academy.i18n import N_
from courses.enrolment.notices import Notice
from talent.programmes.cohort_models import Application, CohortMember, CouncilReview
from talent.programmes.models import (
    ApplicationState,
    Cohort,
    CohortStatus,
    CouncilDecision,
)
from talent.programmes.notices.selection import (
    ACCEPTED,
    COUNCIL_CONSENTED,
    COUNCIL_OBJECTED,
    NOMINATION_LAPSED,
    REJECTED,
    notify_council_decision,
    notify_decisions,
    notify_proposal,
)
from talent.programmes.selection import (
    COMMENT_MAX,
    NOTE_MAX,
    ranking,
    require_action,
    require_status,
)

# ---------------------------------------------------------------------------
# Proposal, the staff council's review, decisions
# ---------------------------------------------------------------------------


def latest_review(cohort: Cohort) -> CouncilReview | None:
    return db.session.scalar(
        select(CouncilReview)
        .where(CouncilReview.cohort_id == cohort.id)
        .order_by(CouncilReview.submitted_at.desc(), CouncilReview.id.desc())
        .limit(1)
    )


def reviews(cohort: Cohort) -> list[CouncilReview]:
    """The cohort's council reviews, latest first, with who submitted and decided."""
    return list(
        db.session.scalars(
            select(CouncilReview)
            .options(
                joinedload(CouncilReview.submitted_by).lazyload(User.role_assignments),
                joinedload(CouncilReview.decided_by).lazyload(User.role_assignments),
            )
            .where(CouncilReview.cohort_id == cohort.id)
            .order_by(CouncilReview.submitted_at.desc(), CouncilReview.id.desc())
        )
    )


def _move(cohort: Cohort, to: CohortStatus, now: datetime) -> str:
    """Change the status if it is still what this session read (one conditional UPDATE,
    so a double click or two people at once change it only once); returns the old one."""
    before = cohort.status
    result = db.session.execute(
        update(Cohort)
        .where(Cohort.id == cohort.id, Cohort.status == before)
        .values(status=to.value, status_changed_at=now)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise Conflict(N_("The cohort has just been changed by someone else. Please reload."))
    set_committed_value(cohort, "status", to.value)
    set_committed_value(cohort, "status_changed_at", now)
    return before


def propose(
    actor: User, cohort: Cohort, application_ids: Iterable[int], note: str | None, now: datetime
) -> CouncilReview:
    """Submit HR's proposal to the staff council: selection → council_review."""
    require_action(actor, "programmes.manage")
    require_status(cohort, CohortStatus.SELECTION)
    ids = set(application_ids)
    if not ids:
        raise ValidationFailed(N_("Please select at least one application."), field="application")
    if len(ids) > cohort.seats:
        raise ValidationFailed(
            N_("At most %(seats)s applications can be proposed (the cohort's places)."),
            field="application",
            seats=cohort.seats,
        )
    note = (note or "").strip() or None
    if note is not None and len(note) > NOTE_MAX:
        raise ValidationFailed(
            N_("The note may have at most %(max)s characters."), field="note", max=NOTE_MAX
        )
    submitted = [
        r for r in ranking(cohort) if r.application.state == ApplicationState.SUBMITTED.value
    ]
    unscored = sum(1 for r in submitted if not r.fully_scored)
    if unscored:
        raise ValidationFailed(
            N_(
                "Applications not fully scored yet: %(count)s. Please score every criterion of "
                "every application before submitting the proposal."
            ),
            count=unscored,
        )
    known = {r.application.id for r in submitted}
    if ids - known:
        raise ValidationFailed(
            N_("Only submitted applications of this cohort can be proposed."), field="application"
        )
    before = _move(cohort, CohortStatus.COUNCIL_REVIEW, now)
    for item in submitted:
        item.application.proposed = item.application.id in ids
    review = CouncilReview(
        cohort_id=cohort.id,
        submitted_at=now,
        submitted_by_id=actor.id,
        note=note,
        proposal=[
            {
                "application_id": r.application.id,
                "employee_name": r.employee.full_name,
                "weighted": str(r.weighted),
                "rank": r.rank,
            }
            for r in submitted
            if r.application.id in ids
        ],
    )
    db.session.add(review)
    db.session.flush()
    audit.record(
        actor,
        "cohort.proposed",
        "cohort",
        cohort.id,
        from_state=before,
        to_state=cohort.status,
        reason=note,
        details={"review_id": review.id, "application_ids": sorted(ids)},
        now=now,
    )
    notify_proposal(cohort, len(ids), len(submitted), now)
    db.session.flush()
    return review


def council_decide(
    actor: User, cohort: Cohort, decision: str, comment: str | None, now: datetime
) -> CouncilReview:
    """The staff council's answer to the latest proposal. An objection (comment
    required) sends the cohort back to selection; a consent lets HR send the decisions.
    Whoever submitted the proposal cannot answer it for the council."""
    require_action(actor, "programmes.review")
    require_status(cohort, CohortStatus.COUNCIL_REVIEW)
    review = latest_review(cohort)
    if review is None or review.decision is not None:
        raise Conflict(N_("There is no proposal awaiting the staff council's decision."))
    if review.submitted_by_id is not None and review.submitted_by_id == actor.id:
        raise PermissionDenied(
            N_("You submitted this proposal, so you cannot decide on it for the staff council.")
        )
    if decision not in {d.value for d in CouncilDecision}:
        raise ValidationFailed(N_("Please choose consent or objection."), field="decision")
    comment = (comment or "").strip() or None
    if comment is not None and len(comment) > COMMENT_MAX:
        raise ValidationFailed(
            N_("The comment may have at most %(max)s characters."), field="comment", max=COMMENT_MAX
        )
    if decision == CouncilDecision.OBJECTION and comment is None:
        raise ValidationFailed(N_("Please explain the objection in a comment."), field="comment")
    review.decision, review.decision_comment = decision, comment
    review.decided_at, review.decided_by_id = now, actor.id
    if decision == CouncilDecision.OBJECTION:
        for app in db.session.scalars(
            select(Application).where(
                Application.cohort_id == cohort.id, Application.proposed.is_(True)
            )
        ):
            app.proposed = False
        before = _move(cohort, CohortStatus.SELECTION, now)
        verb, notice = "council_objected", COUNCIL_OBJECTED
    else:
        before = cohort.status
        verb, notice = "council_consented", COUNCIL_CONSENTED
    audit.record(
        actor,
        f"cohort.{verb}",
        "cohort",
        cohort.id,
        from_state=before,
        to_state=cohort.status,
        reason=comment,
        details={"review_id": review.id, "decision": decision},
        now=now,
    )
    notify_council_decision(cohort, notice, comment, now)
    db.session.flush()
    return review


def may_propose(cohort: Cohort) -> bool:
    """Whether HR may send a selection proposal to the staff council now."""
    return cohort.status == CohortStatus.SELECTION


def may_decide(cohort: Cohort, latest: CouncilReview) -> bool:
    """Whether the staff council may still answer the latest proposal (``latest``)."""
    return cohort.status == CohortStatus.COUNCIL_REVIEW and latest.decision is None


def may_send_decisions(cohort: Cohort, latest: CouncilReview | None) -> bool:
    """Whether HR may send the acceptances and rejections: the staff council consented
    to the latest proposal (``latest``) of a cohort still under its review."""
    return (
        cohort.status == CohortStatus.COUNCIL_REVIEW
        and latest is not None
        and latest.decision == CouncilDecision.CONSENT
    )


def send_decisions(actor: User, cohort: Cohort, now: datetime) -> list[CohortMember]:
    """After the council's consent: the proposed applications are accepted (each gets a
    cohort membership), the other submitted ones rejected, open nominations withdrawn;
    the cohort is running. Everyone with an account is told."""
    require_action(actor, "programmes.manage")
    require_status(cohort, CohortStatus.COUNCIL_REVIEW)
    review = latest_review(cohort)
    if review is None or review.decision != CouncilDecision.CONSENT:
        raise Conflict(N_("The staff council has not consented to the proposal yet."))
    consented = {entry.get("application_id") for entry in review.proposal}
    before = _move(cohort, CohortStatus.RUNNING, now)
    audit.record(
        actor,
        "cohort.started",
        "cohort",
        cohort.id,
        from_state=before,
        to_state=cohort.status,
        details={"review_id": review.id},
        now=now,
    )
    applications = list(
        db.session.scalars(
            select(Application)
            .where(
                Application.cohort_id == cohort.id,
                Application.state.in_(
                    [ApplicationState.SUBMITTED.value, ApplicationState.NOMINATED.value]
                ),
            )
            .order_by(Application.id)
        )
    )
    existing = set(
        db.session.scalars(
            select(CohortMember.employee_id).where(CohortMember.cohort_id == cohort.id)
        )
    )
    members: list[CohortMember] = []
    outcome: dict[int, Notice] = {}
    for app in applications:
        was = app.state
        if was == ApplicationState.NOMINATED:
            app.state, app.withdrawn_at = ApplicationState.WITHDRAWN.value, now
            verb, notice = "nomination_lapsed", NOMINATION_LAPSED
        elif app.id in consented:
            app.state, app.decided_at = ApplicationState.ACCEPTED.value, now
            verb, notice = "accepted", ACCEPTED
            if app.employee_id not in existing:
                member = CohortMember(
                    cohort_id=cohort.id,
                    employee_id=app.employee_id,
                    application_id=app.id,
                    joined_at=now,
                )
                db.session.add(member)
                members.append(member)
        else:
            app.state, app.decided_at = ApplicationState.REJECTED.value, now
            verb, notice = "rejected", REJECTED
        outcome[app.employee_id] = notice
        audit.record(
            actor,
            f"application.{verb}",
            "application",
            app.id,
            from_state=was,
            to_state=app.state,
            details={"cohort_id": cohort.id, "review_id": review.id},
            now=now,
        )
    db.session.flush()  # member ids for the acceptance links
    notify_decisions(cohort, outcome, now, {m.employee_id: m.id for m in members})
    return members
