"""The application services: apply, withdraw, nominate, answer a nomination, endorse —
their transitions and refusals, the audit log and the notifications."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from academy.accounts.models import Role
from academy.audit.models import AuditLogEntry
from academy.errors import Conflict, PermissionDenied, ValidationFailed
from academy.extensions import db as ext_db
from academy.notifications.models import Notification
from talent.programmes.applications import (
    accept_nomination,
    apply,
    decline_nomination,
    nominate,
    withdraw,
)
from talent.programmes.cohort_models import Application
from talent.programmes.endorsements import applications_for_head, endorse
from talent.programmes.models import ApplicationState, CohortStatus, Endorsement
from tests.querycount import count_queries
from tests.talent import programme_factories as pf
from tests.talent.factories import NOW

TODAY = pf.TODAY
MOTIVATION = "Ich möchte Verwaltungsprozesse digital gestalten und dafür Verantwortung übernehmen."


def audits(action: str, application_id: int | None = None) -> list[AuditLogEntry]:
    query = select(AuditLogEntry).where(AuditLogEntry.action == action)
    if application_id is not None:
        query = query.where(AuditLogEntry.object_id == str(application_id))
    return list(ext_db.session.scalars(query.order_by(AuditLogEntry.id)))


def notes_of(user, kind: str | None = None) -> list[Notification]:
    query = select(Notification).where(Notification.user_id == user.id)
    if kind is not None:
        query = query.where(Notification.kind == kind)
    return list(ext_db.session.scalars(query))


@pytest.fixture()
def team(db, make):
    """A head over a department and its sub-department, an applicant in the
    sub-department (with an account) and HR."""
    dept = make.department()
    head = make.user(Role.HEAD, emp=make.employee(dept), password=None)
    sub = make.department(parent=dept)
    applicant = make.user(emp=make.employee(sub), password=None)
    hr = make.user(Role.HR, password=None)
    return {"dept": dept, "sub": sub, "head": head, "applicant": applicant, "hr": hr}


# ---------------------------------------------------------------------------
# Apply
# ---------------------------------------------------------------------------


def test_apply_submits_audits_and_notifies(db, team):
    cohort = pf.cohort()
    user = team["applicant"]
    app = apply(user, cohort, f"  {MOTIVATION}  ", NOW)
    assert app.state == ApplicationState.SUBMITTED
    assert app.motivation == MOTIVATION
    assert app.submitted_at == NOW
    assert app.endorsement == Endorsement.PENDING
    (entry,) = audits("application.submitted", app.id)
    assert (entry.from_state, entry.to_state, entry.actor_id) == (None, "submitted", user.id)
    (receipt,) = notes_of(user, "programme.application_received")
    assert cohort.name in receipt.body
    (request,) = notes_of(team["head"], "programme.endorsement_requested")
    assert user.employee.full_name in request.subject + request.body


@pytest.mark.parametrize("motivation", ["", "   ", "zu kurz", "x" * 49, "x" * 4001])
def test_apply_needs_a_motivation_of_50_to_4000_characters(db, team, motivation):
    with pytest.raises(ValidationFailed) as err:
        apply(team["applicant"], pf.cohort(), motivation, NOW)
    assert err.value.field == "motivation"
    assert ext_db.session.scalar(select(Application.id)) is None


def test_apply_accepts_the_length_boundaries(db, team):
    apply(team["applicant"], pf.cohort(), "x" * 50, NOW)
    apply(team["applicant"], pf.cohort(), "y" * 4000, NOW)


@pytest.mark.parametrize(
    "status", [CohortStatus.DRAFT, CohortStatus.SELECTION, CohortStatus.CANCELLED]
)
def test_apply_only_while_the_cohort_is_open(db, team, status):
    with pytest.raises(Conflict):
        apply(team["applicant"], pf.cohort(status=status), MOTIVATION, NOW)


def test_apply_only_within_the_window(db, team):
    early = pf.cohort(opens=TODAY + timedelta(days=1), closes=TODAY + timedelta(days=9))
    late = pf.cohort(opens=TODAY - timedelta(days=9), closes=TODAY - timedelta(days=1))
    for cohort in (early, late):
        with pytest.raises(Conflict):
            apply(team["applicant"], cohort, MOTIVATION, NOW)
    last_day = pf.cohort(opens=TODAY - timedelta(days=9), closes=TODAY)
    assert apply(team["applicant"], last_day, MOTIVATION, NOW).state == "submitted"


def test_apply_when_not_eligible_lists_the_reasons(app, db, team):
    cohort = pf.cohort(pay_groups=["A 13"], min_service_years=40)
    with pytest.raises(ValidationFailed) as err:
        apply(team["applicant"], cohort, MOTIVATION, NOW)
    with app.test_request_context(headers={"Accept-Language": "en"}):
        text = str(err.value.params["reasons"])
    assert "A 13" in text and "40" in text
    assert not audits("application.submitted")


def test_apply_needs_an_employee_account(db, make):
    account = make.user(Role.HR, with_employee=False)
    with pytest.raises(PermissionDenied):
        apply(account, pf.cohort(), MOTIVATION, NOW)


def test_second_application_is_a_conflict(db, team):
    cohort = pf.cohort()
    apply(team["applicant"], cohort, MOTIVATION, NOW)
    with pytest.raises(Conflict):
        apply(team["applicant"], cohort, MOTIVATION, NOW)
    nominated = pf.cohort()
    pf.application(nominated, team["applicant"].employee, state=ApplicationState.NOMINATED)
    with pytest.raises(Conflict):
        apply(team["applicant"], nominated, MOTIVATION, NOW)


def test_withdrawn_application_is_reused_afresh(db, team):
    cohort = pf.cohort()
    old = pf.application(
        cohort,
        team["applicant"].employee,
        state=ApplicationState.WITHDRAWN,
        endorsement=Endorsement.NOT_ENDORSED,
    )
    old.endorsement_comment = "Alt"
    again = apply(team["applicant"], cohort, MOTIVATION, NOW)
    assert again.id == old.id
    assert (again.state, again.endorsement, again.endorsement_comment) == (
        "submitted",
        "pending",
        None,
    )
    (entry,) = audits("application.submitted", old.id)
    assert entry.from_state == "withdrawn"


# ---------------------------------------------------------------------------
# Withdraw
# ---------------------------------------------------------------------------


def test_withdraw_by_the_applicant(db, team):
    app = apply(team["applicant"], pf.cohort(), MOTIVATION, NOW)
    withdraw(team["applicant"], app, NOW + timedelta(hours=1))
    assert app.state == ApplicationState.WITHDRAWN
    assert app.withdrawn_at == NOW + timedelta(hours=1)
    (entry,) = audits("application.withdrawn", app.id)
    assert (entry.from_state, entry.to_state) == ("submitted", "withdrawn")
    assert "proposal_changed" not in (entry.details or {})
    with pytest.raises(Conflict):
        withdraw(team["applicant"], app, NOW)


def test_only_the_applicant_may_withdraw(db, team):
    app = apply(team["applicant"], pf.cohort(), MOTIVATION, NOW)
    for other in (team["head"], team["hr"]):
        with pytest.raises(PermissionDenied):
            withdraw(other, app, NOW)
    assert app.state == ApplicationState.SUBMITTED


def test_withdraw_during_review_removes_the_proposal_and_tells_hr(db, team):
    cohort = pf.cohort(status=CohortStatus.COUNCIL_REVIEW)
    app = pf.application(cohort, team["applicant"].employee, proposed=True)
    withdraw(team["applicant"], app, NOW)
    assert (app.state, app.proposed) == ("withdrawn", False)
    (entry,) = audits("application.withdrawn", app.id)
    assert entry.details["proposal_changed"] is True
    assert len(notes_of(team["hr"], "programme.proposal_changed")) == 1


@pytest.mark.parametrize("status", [CohortStatus.RUNNING, CohortStatus.COMPLETED])
def test_no_withdrawal_once_decisions_are_sent(db, team, status):
    app = pf.application(pf.cohort(status=status), team["applicant"].employee)
    with pytest.raises(Conflict):
        withdraw(team["applicant"], app, NOW)
    assert app.state == "submitted"


# ---------------------------------------------------------------------------
# Nominate and answer
# ---------------------------------------------------------------------------


def test_head_nominates_someone_of_the_subtree(db, team):
    cohort = pf.cohort()
    nominee = team["applicant"].employee
    app = nominate(team["head"], cohort, nominee, "  Sehr engagiert.  ", NOW)
    assert app.state == ApplicationState.NOMINATED
    assert (app.nominated_by_id, app.nomination_note) == (team["head"].id, "Sehr engagiert.")
    assert app.endorsement == Endorsement.ENDORSED
    assert (app.endorsed_by_id, app.endorsement_comment) == (team["head"].id, "Sehr engagiert.")
    assert app.submitted_at is None
    (entry,) = audits("application.nominated", app.id)
    assert entry.to_state == "nominated"
    (note,) = notes_of(team["applicant"], "programme.nominated")
    assert "Sehr engagiert." in note.body


def test_nomination_refused_outside_the_subtree_and_for_oneself(db, team, make):
    cohort = pf.cohort()
    stranger = make.employee(make.department())
    with pytest.raises(PermissionDenied):
        nominate(team["head"], cohort, stranger, "Gut", NOW)
    with pytest.raises(PermissionDenied):
        nominate(team["head"], cohort, team["head"].employee, "Ich", NOW)
    with pytest.raises(PermissionDenied):  # not a head at all
        nominate(team["applicant"], cohort, make.employee(team["sub"]), "Kollege", NOW)
    assert ext_db.session.scalar(select(Application.id)) is None


def test_nomination_needs_an_open_cohort_a_note_and_eligibility(db, team):
    nominee = team["applicant"].employee
    with pytest.raises(Conflict):
        nominate(team["head"], pf.cohort(status=CohortStatus.SELECTION), nominee, "Gut", NOW)
    with pytest.raises(ValidationFailed) as err:
        nominate(team["head"], pf.cohort(), nominee, "  ", NOW)
    assert err.value.field == "note"
    with pytest.raises(ValidationFailed) as err:
        nominate(team["head"], pf.cohort(pay_groups=["A 16"]), nominee, "Gut", NOW)
    assert err.value.params["name"] == nominee.full_name


def test_nominating_someone_who_applied_is_a_conflict(db, team):
    cohort = pf.cohort()
    apply(team["applicant"], cohort, MOTIVATION, NOW)
    with pytest.raises(Conflict):
        nominate(team["head"], cohort, team["applicant"].employee, "Gut", NOW)


def test_accepting_a_nomination_submits_it(db, team):
    cohort = pf.cohort()
    app = nominate(team["head"], cohort, team["applicant"].employee, "Gut", NOW)
    accept_nomination(team["applicant"], app, MOTIVATION, NOW + timedelta(days=1))
    assert app.state == ApplicationState.SUBMITTED
    assert (app.motivation, app.submitted_at) == (MOTIVATION, NOW + timedelta(days=1))
    assert app.endorsement == Endorsement.ENDORSED  # the nomination stays the endorsement
    (entry,) = audits("application.nomination_accepted", app.id)
    assert (entry.from_state, entry.to_state) == ("nominated", "submitted")
    assert notes_of(team["head"], "programme.nomination_accepted")
    assert notes_of(team["applicant"], "programme.application_received")
    with pytest.raises(Conflict):
        accept_nomination(team["applicant"], app, MOTIVATION, NOW)


def test_only_the_nominee_answers_and_with_a_motivation(db, team):
    app = nominate(team["head"], pf.cohort(), team["applicant"].employee, "Gut", NOW)
    with pytest.raises(PermissionDenied):
        accept_nomination(team["head"], app, MOTIVATION, NOW)
    with pytest.raises(PermissionDenied):
        decline_nomination(team["hr"], app, NOW)
    with pytest.raises(ValidationFailed):
        accept_nomination(team["applicant"], app, "kurz", NOW)
    assert app.state == ApplicationState.NOMINATED


def test_declining_a_nomination_withdraws_it(db, team):
    app = nominate(team["head"], pf.cohort(), team["applicant"].employee, "Gut", NOW)
    decline_nomination(team["applicant"], app, NOW)
    assert app.state == ApplicationState.WITHDRAWN
    (entry,) = audits("application.nomination_declined", app.id)
    assert (entry.from_state, entry.to_state) == ("nominated", "withdrawn")
    assert notes_of(team["head"], "programme.nomination_declined")
    # Declined, the person may still apply themselves.
    again = apply(team["applicant"], app.cohort, MOTIVATION, NOW)
    assert again.id == app.id and again.nominated_by_id is None


# ---------------------------------------------------------------------------
# Endorse
# ---------------------------------------------------------------------------


def test_head_endorses_with_a_comment_and_may_change_it(db, team):
    app = apply(team["applicant"], pf.cohort(), MOTIVATION, NOW)
    endorse(team["head"], app, True, "Passt sehr gut.", NOW)
    assert (app.endorsement, app.endorsement_comment) == ("endorsed", "Passt sehr gut.")
    assert (app.endorsed_by_id, app.endorsed_at) == (team["head"].id, NOW)
    app.cohort.status = CohortStatus.SELECTION.value
    endorse(team["head"], app, False, "Erst nächstes Jahr.", NOW + timedelta(days=1))
    assert app.endorsement == Endorsement.NOT_ENDORSED
    first, second = audits("application.endorsed", app.id)
    assert (first.from_state, first.to_state) == ("pending", "endorsed")
    assert (second.from_state, second.to_state) == ("endorsed", "not_endorsed")
    assert second.details["old_comment"] == "Passt sehr gut."
    assert second.details["new_comment"] == "Erst nächstes Jahr."
    kinds = [n.subject for n in notes_of(team["applicant"], "programme.endorsed")]
    assert len(kinds) == 2


def test_endorsement_needs_a_comment(db, team):
    app = apply(team["applicant"], pf.cohort(), MOTIVATION, NOW)
    with pytest.raises(ValidationFailed) as err:
        endorse(team["head"], app, True, "  ", NOW)
    assert err.value.field == "comment"
    assert app.endorsement == Endorsement.PENDING


def test_endorsement_only_by_the_head_of_the_subtree(db, team, make):
    app = apply(team["applicant"], pf.cohort(), MOTIVATION, NOW)
    other_head = make.user(Role.HEAD, emp=make.employee(make.department()), password=None)
    for user in (other_head, team["hr"], team["applicant"]):
        with pytest.raises(PermissionDenied):
            endorse(user, app, True, "Gut", NOW)
    assert app.endorsement == Endorsement.PENDING


@pytest.mark.parametrize(
    "status", [CohortStatus.COUNCIL_REVIEW, CohortStatus.RUNNING, CohortStatus.CANCELLED]
)
def test_endorsement_fixed_once_the_selection_has_ended(db, team, status):
    app = pf.application(pf.cohort(status=status), team["applicant"].employee)
    with pytest.raises(Conflict):
        endorse(team["head"], app, True, "Gut", NOW)


def test_no_endorsement_of_a_withdrawn_application(db, team):
    app = pf.application(pf.cohort(), team["applicant"].employee, state=ApplicationState.WITHDRAWN)
    with pytest.raises(Conflict):
        endorse(team["head"], app, True, "Gut", NOW)


# ---------------------------------------------------------------------------
# The head's list
# ---------------------------------------------------------------------------


def test_applications_for_head_is_the_subtree_without_the_head(db, team, make):
    cohort = pf.cohort()
    mine = pf.application(cohort, team["applicant"].employee)
    pf.application(cohort, team["head"].employee)
    pf.application(cohort, make.employee(make.department()))
    pf.application(pf.cohort(status=CohortStatus.CANCELLED), make.employee(team["sub"]))
    ended = pf.cohort(
        status=CohortStatus.COMPLETED,
        opens=TODAY - timedelta(days=900),
        closes=TODAY - timedelta(days=800),
        starts=TODAY - timedelta(days=700),
        ends=TODAY - timedelta(days=1),
    )
    pf.application(ended, make.employee(team["sub"]), state=ApplicationState.ACCEPTED)
    assert [a.id for a in applications_for_head(team["head"], TODAY)] == [mine.id]


def test_applications_for_head_query_count_does_not_grow(db, team, make):
    head = team["head"]

    def load() -> int:
        ext_db.session.expire_all()
        head._scope = None
        head._headed_department_ids = None
        with count_queries(ext_db.engine) as queries:
            for a in applications_for_head(head, TODAY):
                _ = (a.employee.full_name, a.employee.department.name, a.cohort.programme.title)
        return queries.count

    pf.application(pf.cohort(), make.employee(team["sub"]))
    one = load()
    for _ in range(5):
        pf.application(pf.cohort(), make.employee(make.department(parent=team["sub"])))
    assert load() == one
