"""Suggestions from the team's training plan: a head suggests a session to members of
their team, who accept (enrolled as approved) or decline with an optional reason; the
head may withdraw one not yet answered; open ones expire at the enrolment deadline."""

from __future__ import annotations

from datetime import timedelta

import pytest

from academy.errors import Conflict, PermissionDenied
from courses.enrolment.models import EnrolmentState
from courses.teambooking.models import ProposalState
from courses.teambooking.proposals import accept, decline, expire_due, propose, withdraw
from tests.courses import factories as cf
from tests.courses.support import NOW, inbox, person, upcoming
from tests.courses.teambooking.support import team


def test_a_member_accepts_and_is_enrolled_as_approved(db):
    _unit, _sub, head, (a, a_user), (b, _) = team()
    session = upcoming(cf.course(requires_approval=True), capacity=3)
    made = propose(head, session, [a, b], NOW, note="Passt zu Ihrem Ziel.")
    assert len(made) == 2
    [note] = inbox(a_user)
    assert note.kind == "teambooking.proposed" and "Passt zu Ihrem Ziel." in note.body
    proposal = next(p for p in made if p.employee_id == a.id)
    enrolment = accept(a_user, proposal, NOW)
    assert enrolment.state == EnrolmentState.CONFIRMED and enrolment.decided_by_id == head.id
    assert proposal.state == ProposalState.ACCEPTED and proposal.enrolment_id == enrolment.id
    [told] = inbox(head)
    assert told.kind == "teambooking.proposal_accepted"
    with pytest.raises(Conflict):
        accept(a_user, proposal, NOW)
    # a second suggestion of the same course is left out: she is enrolled
    assert propose(head, session, [a], NOW) == []


def test_a_member_declines_with_a_reason_and_only_they_may_answer(db):
    _unit, _sub, head, (a, a_user), (_b, b_user) = team()
    session = upcoming()
    [proposal] = propose(head, session, [a], NOW)
    with pytest.raises(PermissionDenied):
        decline(b_user, proposal, NOW)
    with pytest.raises(PermissionDenied):
        accept(head, proposal, NOW)
    decline(a_user, proposal, NOW, reason="Ich bin im Urlaub.")
    assert proposal.state == ProposalState.DECLINED
    [told] = inbox(head)
    assert "Ich bin im Urlaub." in told.body


def test_only_members_of_the_team_get_suggestions_and_the_head_may_withdraw(db):
    _unit, _sub, head, (a, a_user), _b = team()
    other, _ = person()
    session = upcoming()
    with pytest.raises(PermissionDenied):
        propose(head, session, [other], NOW)
    [proposal] = propose(head, session, [a], NOW)
    with pytest.raises(PermissionDenied):
        withdraw(a_user, proposal, NOW)
    withdraw(head, proposal, NOW)
    assert proposal.state == ProposalState.WITHDRAWN
    with pytest.raises(Conflict):
        accept(a_user, proposal, NOW)


def test_open_suggestions_expire_at_the_enrolment_deadline(db, app):
    _unit, _sub, head, (a, a_user), _b = team()
    session = upcoming(days=10)  # enrolment deadline 3 days after NOW
    [proposal] = propose(head, session, [a], NOW)
    assert "0 Vorschlag" in expire_due(NOW + timedelta(days=2))
    assert "1 Vorschlag" in expire_due(NOW + timedelta(days=3, hours=1))
    assert proposal.state == ProposalState.EXPIRED
    with pytest.raises(Conflict):
        accept(a_user, proposal, NOW + timedelta(days=4))
