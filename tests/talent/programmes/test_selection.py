"""The services of talent.programmes.selection: scoring (HR only, range, comments for 0 and 5,
updates audited with old and new value), the weighted ranking (hand-computed values,
ties, unscored last), the proposal, the staff council's objection and consent, and
sending the decisions (members, rejections, lapsed nominations, notifications, audit)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from academy.accounts.models import Role, User
from academy.audit.models import AuditLogEntry
from academy.errors import Conflict, PermissionDenied, ValidationFailed
from academy.extensions import db
from academy.notifications.models import Notification
from academy.org.models import Employee
from talent.programmes.cohort_models import Application, CohortMember, CouncilReview, Score
from talent.programmes.council import council_decide, propose, send_decisions
from talent.programmes.models import ApplicationState, Cohort, CohortStatus, Endorsement
from talent.programmes.notices.selection import MY_PROGRAMME_PATH
from talent.programmes.selection import SCORE_MAX, ranking, set_score, weighted_score
from tests import factories
from tests.talent import programme_factories as pf
from tests.talent.factories import NOW

LATER = NOW + timedelta(hours=2)


# ---------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------


def hr() -> User:
    return factories.user(Role.HR)


def council() -> User:
    return factories.user(Role.COUNCIL)


def in_selection(seats: int = 2, criteria=(("Motivation", 2), ("Erfahrung", 1))) -> Cohort:
    return pf.cohort(status=CohortStatus.SELECTION, seats=seats, criteria=criteria)


def applicant(
    cohort: Cohort,
    *,
    endorsement: Endorsement = Endorsement.PENDING,
    state: ApplicationState = ApplicationState.SUBMITTED,
    submitted_minutes_ago: int = 0,
    locale: str = "en",
) -> Application:
    """An application of a new employee with an (English-reading) account."""
    emp = factories.employee()
    account = factories.user(emp=emp)
    account.locale = locale
    app = pf.application(cohort, emp, endorsement=endorsement, state=state)
    if app.submitted_at is not None:
        app.submitted_at = NOW - timedelta(minutes=submitted_minutes_ago)
    db.session.flush()
    return app


def score_all(app: Application, *values: int) -> None:
    for criterion, value in zip(app.cohort.criteria, values, strict=True):
        pf.score(app, criterion, value, comment="Begründung")


def audit(action: str, object_id: object | None = None) -> list[AuditLogEntry]:
    query = select(AuditLogEntry).where(AuditLogEntry.action == action)
    if object_id is not None:
        query = query.where(AuditLogEntry.object_id == str(object_id))
    return list(db.session.scalars(query.order_by(AuditLogEntry.id)))


def notifications(user: User) -> list[Notification]:
    return list(db.session.scalars(select(Notification).where(Notification.user_id == user.id)))


def account_of(app: Application) -> User:
    return db.session.scalar(select(User).where(User.employee_id == app.employee_id))


def proposed_cohort(seats: int = 2, n: int = 3) -> tuple[Cohort, list[Application], User]:
    """A cohort in council review: ``n`` scored applications (best first), the first
    ``seats`` proposed by an HR user (returned)."""
    cohort = in_selection(seats=seats)
    apps = [applicant(cohort) for _ in range(n)]
    for i, app in enumerate(apps):
        score_all(app, 4 - i, 4 - i)
    person = hr()
    propose(person, cohort, [a.id for a in apps[:seats]], "Vorschlag", NOW)
    return cohort, apps, person


# ---------------------------------------------------------------------------
# Scoring
# ---------------------------------------------------------------------------


def test_set_score_creates_a_score_and_audits_it(db):
    cohort = in_selection()
    app = applicant(cohort)
    person = hr()
    motivation = cohort.criteria[0]

    score = set_score(person, app, motivation, 3, "  überzeugend ", NOW)

    assert (score.score, score.comment, score.scored_by_id) == (3, "überzeugend", person.id)
    assert score.scored_at == NOW
    (entry,) = audit("application.scored", app.id)
    assert (entry.from_state, entry.to_state, entry.actor_id) == (None, "3", person.id)
    assert entry.details["criterion_id"] == motivation.id
    assert entry.details["old_score"] is None and entry.details["new_score"] == 3


def test_changing_a_score_updates_the_row_and_audits_old_and_new(db):
    cohort = in_selection()
    app = applicant(cohort)
    person = hr()
    criterion = cohort.criteria[1]
    set_score(person, app, criterion, 3, None, NOW)

    set_score(person, app, criterion, 5, "herausragend", LATER)

    rows = list(db.session.scalars(select(Score).where(Score.application_id == app.id)))
    assert [(s.score, s.comment, s.scored_at) for s in rows] == [(5, "herausragend", LATER)]
    entries = audit("application.scored", app.id)
    assert [(e.from_state, e.to_state) for e in entries] == [(None, "3"), ("3", "5")]
    assert entries[1].details["old_comment"] is None
    assert entries[1].details["new_comment"] == "herausragend"


def test_saving_the_same_score_again_writes_no_audit_entry(db):
    cohort = in_selection()
    app = applicant(cohort)
    person = hr()
    set_score(person, app, cohort.criteria[0], 2, "ok", NOW)
    set_score(person, app, cohort.criteria[0], 2, "ok", LATER)
    assert len(audit("application.scored", app.id)) == 1


@pytest.mark.parametrize("value", [-1, SCORE_MAX + 1, 2.5, True])
def test_scores_outside_zero_to_five_are_refused(db, value):
    cohort = in_selection()
    app = applicant(cohort)
    with pytest.raises(ValidationFailed) as caught:
        set_score(hr(), app, cohort.criteria[0], value, "Kommentar", NOW)
    assert caught.value.field == "score"
    assert db.session.scalar(select(Score).where(Score.application_id == app.id)) is None


@pytest.mark.parametrize("value", [0, SCORE_MAX])
def test_the_lowest_and_highest_score_need_a_comment(db, value):
    cohort = in_selection()
    app = applicant(cohort)
    person = hr()
    with pytest.raises(ValidationFailed) as caught:
        set_score(person, app, cohort.criteria[0], value, "   ", NOW)
    assert caught.value.field == "comment"
    assert set_score(person, app, cohort.criteria[0], value, "Begründung", NOW).score == value


def test_middle_scores_need_no_comment(db):
    cohort = in_selection()
    app = applicant(cohort)
    assert set_score(hr(), app, cohort.criteria[0], 1, "", NOW).comment is None


@pytest.mark.parametrize("role", [Role.COUNCIL, Role.EMPLOYEE, Role.TRAINER])
def test_only_hr_scores(db, role):
    cohort = in_selection()
    app = applicant(cohort)
    with pytest.raises(PermissionDenied):
        set_score(factories.user(role), app, cohort.criteria[0], 3, None, NOW)
    assert db.session.scalar(select(Score).where(Score.application_id == app.id)) is None


@pytest.mark.parametrize(
    "status", [CohortStatus.OPEN, CohortStatus.COUNCIL_REVIEW, CohortStatus.RUNNING]
)
def test_scoring_needs_the_cohort_in_selection(db, status):
    cohort = pf.cohort(status=status)
    app = applicant(cohort)
    with pytest.raises(Conflict):
        set_score(hr(), app, cohort.criteria[0], 3, None, NOW)


@pytest.mark.parametrize("state", [ApplicationState.WITHDRAWN, ApplicationState.NOMINATED])
def test_only_submitted_applications_are_scored(db, state):
    cohort = in_selection()
    app = applicant(cohort, state=state)
    with pytest.raises(Conflict):
        set_score(hr(), app, cohort.criteria[0], 3, None, NOW)


def test_a_criterion_of_another_cohort_is_refused(db):
    cohort, other = in_selection(), in_selection()
    app = applicant(cohort)
    with pytest.raises(ValidationFailed):
        set_score(hr(), app, other.criteria[0], 3, None, NOW)


# ---------------------------------------------------------------------------
# Ranking
# ---------------------------------------------------------------------------


def test_weighted_score_is_the_weighted_mean_rounded_half_up(db):
    cohort = in_selection(criteria=(("A", 5), ("B", 3)))
    app = applicant(cohort)
    a, b = cohort.criteria
    scores = {a.id: Score(score=1), b.id: Score(score=0)}
    assert weighted_score(cohort.criteria, scores) == Decimal("0.63")  # 5/8 = 0.625
    scores = {a.id: Score(score=4), b.id: Score(score=2)}
    assert weighted_score(cohort.criteria, scores) == Decimal("3.25")  # 26/8
    assert weighted_score(cohort.criteria, {a.id: Score(score=4)}) is None
    assert app.id  # the cohort is real


def test_ranking_orders_by_weighted_score_with_ties_and_unscored_last(db):
    cohort = in_selection(criteria=(("Motivation", 2), ("Erfahrung", 1)))
    # Hand-computed weighted means (weights 2 and 1, sum 3):
    best = applicant(cohort, submitted_minutes_ago=1)  # (2·5 + 1·5) / 3 = 5.00
    score_all(best, 5, 5)
    tie_early = applicant(cohort, submitted_minutes_ago=30)  # (2·4 + 3) / 3 = 3.67
    score_all(tie_early, 4, 3)
    tie_endorsed = applicant(cohort, endorsement=Endorsement.ENDORSED)  # (2·3 + 5) / 3 = 3.67
    score_all(tie_endorsed, 3, 5)
    tie_late = applicant(cohort, submitted_minutes_ago=5)  # (2·4 + 3) / 3 = 3.67
    score_all(tie_late, 4, 3)
    low = applicant(cohort)  # (2·1 + 0) / 3 = 0.67
    score_all(low, 1, 0)
    unscored = applicant(cohort, endorsement=Endorsement.ENDORSED, submitted_minutes_ago=99)
    pf.score(unscored, cohort.criteria[0], 5, "top")
    applicant(cohort, state=ApplicationState.WITHDRAWN)
    applicant(cohort, state=ApplicationState.NOMINATED)
    accepted = applicant(cohort, state=ApplicationState.ACCEPTED)
    score_all(accepted, 2, 2)  # 2.00

    ranked = ranking(cohort)

    order = [r.application.id for r in ranked]
    expected = [best, tie_endorsed, tie_early, tie_late, accepted, low, unscored]
    assert order == [a.id for a in expected]
    assert [r.weighted for r in ranked] == [
        Decimal("5.00"),
        Decimal("3.67"),
        Decimal("3.67"),
        Decimal("3.67"),
        Decimal("2.00"),
        Decimal("0.67"),
        None,
    ]
    assert [r.rank for r in ranked] == [1, 2, 3, 4, 5, 6, None]
    first = ranked[0]
    assert first.employee.id == best.employee_id
    assert first.department_name == best.employee.department.name
    assert set(first.scores) == {c.id for c in cohort.criteria}
    assert ranked[1].endorsement == Endorsement.ENDORSED
    assert not ranked[-1].fully_scored and ranked[0].fully_scored


def test_ranking_of_a_cohort_without_applications_is_empty(db):
    assert ranking(in_selection()) == []


# ---------------------------------------------------------------------------
# Proposal
# ---------------------------------------------------------------------------


def test_propose_sends_the_proposal_to_the_staff_council(db):
    cohort = in_selection(seats=2)
    first, second, third = (applicant(cohort) for _ in range(3))
    score_all(first, 5, 4)  # 4.67
    score_all(second, 3, 3)  # 3.00
    score_all(third, 4, 4)  # 4.00
    member_of_council, person = council(), hr()
    inactive = council()
    inactive.active = False

    review = propose(person, cohort, [first.id, second.id], "  Bitte prüfen ", NOW)

    assert cohort.status == CohortStatus.COUNCIL_REVIEW
    assert cohort.status_changed_at == NOW
    assert db.session.get(Cohort, cohort.id).status == CohortStatus.COUNCIL_REVIEW
    assert (first.proposed, second.proposed, third.proposed) == (True, True, False)
    assert (review.submitted_by_id, review.submitted_at, review.note) == (
        person.id,
        NOW,
        "Bitte prüfen",
    )
    assert review.decision is None
    assert review.proposal == [
        {
            "application_id": first.id,
            "employee_name": first.employee.full_name,
            "weighted": "4.67",
            "rank": 1,
        },
        {
            "application_id": second.id,
            "employee_name": second.employee.full_name,
            "weighted": "3.00",
            "rank": 3,
        },
    ]
    (entry,) = audit("cohort.proposed", cohort.id)
    assert (entry.from_state, entry.to_state, entry.actor_id) == (
        "selection",
        "council_review",
        person.id,
    )
    assert entry.details == {
        "review_id": review.id,
        "application_ids": sorted([first.id, second.id]),
    }
    (note,) = notifications(member_of_council)
    assert note.kind == "programme.proposal"
    assert cohort.name in note.subject
    assert note.link == f"/talente/auswahl/{cohort.id}"
    assert notifications(inactive) == []
    assert notifications(person) == []


def test_propose_needs_the_cohort_in_selection(db):
    cohort = pf.cohort(status=CohortStatus.OPEN)
    app = applicant(cohort)
    with pytest.raises(Conflict):
        propose(hr(), cohort, [app.id], None, NOW)


def test_propose_needs_every_submitted_application_fully_scored(db):
    cohort = in_selection()
    scored, half = applicant(cohort), applicant(cohort)
    score_all(scored, 3, 3)
    pf.score(half, cohort.criteria[0], 3)
    applicant(cohort, state=ApplicationState.WITHDRAWN)  # does not count
    with pytest.raises(ValidationFailed) as caught:
        propose(hr(), cohort, [scored.id], None, NOW)
    assert caught.value.params == {"count": 1}
    assert cohort.status == CohortStatus.SELECTION
    assert db.session.scalars(select(CouncilReview)).first() is None


def test_propose_refuses_more_than_the_places_and_none(db):
    cohort = in_selection(seats=1)
    apps = [applicant(cohort) for _ in range(2)]
    for app in apps:
        score_all(app, 3, 3)
    with pytest.raises(ValidationFailed) as caught:
        propose(hr(), cohort, [a.id for a in apps], None, NOW)
    assert caught.value.params == {"seats": 1}
    with pytest.raises(ValidationFailed):
        propose(hr(), cohort, [], None, NOW)
    assert cohort.status == CohortStatus.SELECTION


def test_propose_refuses_applications_not_submitted_to_this_cohort(db):
    cohort, other = in_selection(), in_selection()
    app = applicant(cohort)
    score_all(app, 3, 3)
    foreign = applicant(other)
    withdrawn = applicant(cohort, state=ApplicationState.WITHDRAWN)
    for wrong in (foreign.id, withdrawn.id, 999_999):
        with pytest.raises(ValidationFailed):
            propose(hr(), cohort, [wrong], None, NOW)
    assert not app.proposed


@pytest.mark.parametrize("role", [Role.COUNCIL, Role.EMPLOYEE])
def test_only_hr_proposes(db, role):
    cohort = in_selection()
    app = applicant(cohort)
    score_all(app, 3, 3)
    with pytest.raises(PermissionDenied):
        propose(factories.user(role), cohort, [app.id], None, NOW)


# ---------------------------------------------------------------------------
# The staff council's decision
# ---------------------------------------------------------------------------


def test_an_objection_needs_a_comment(db):
    cohort, _apps, _hr = proposed_cohort()
    with pytest.raises(ValidationFailed) as caught:
        council_decide(council(), cohort, "objection", "  ", LATER)
    assert caught.value.field == "comment"
    assert cohort.status == CohortStatus.COUNCIL_REVIEW


def test_an_objection_sends_the_cohort_back_to_selection_and_tells_hr(db):
    cohort, apps, proposer = proposed_cohort()
    other_hr = hr()
    member = council()

    review = council_decide(member, cohort, "objection", "Bitte Kriterium 2 prüfen", LATER)

    assert cohort.status == CohortStatus.SELECTION
    assert (review.decision, review.decision_comment) == ("objection", "Bitte Kriterium 2 prüfen")
    assert (review.decided_by_id, review.decided_at) == (member.id, LATER)
    assert not any(a.proposed for a in apps)
    (entry,) = audit("cohort.council_objected", cohort.id)
    assert (entry.from_state, entry.to_state, entry.reason) == (
        "council_review",
        "selection",
        "Bitte Kriterium 2 prüfen",
    )
    for person in (proposer, other_hr):
        (note,) = notifications(person)
        assert note.kind == "programme.council_objection"
        assert "Bitte Kriterium 2 prüfen" in note.body
        assert note.link == f"/talente/kohorten/{cohort.id}"
    # HR may now propose again; the new review is the one the council answers next
    second = propose(proposer, cohort, [apps[2].id], None, LATER)
    assert cohort.status == CohortStatus.COUNCIL_REVIEW
    assert [a.proposed for a in apps] == [False, False, True]
    assert council_decide(member, cohort, "consent", None, LATER).id == second.id


def test_consent_keeps_the_cohort_in_review_and_tells_hr(db):
    cohort, _apps, proposer = proposed_cohort()
    member = council()

    review = council_decide(member, cohort, "consent", "Einverstanden", LATER)

    assert cohort.status == CohortStatus.COUNCIL_REVIEW
    assert (review.decision, review.decision_comment) == ("consent", "Einverstanden")
    (entry,) = audit("cohort.council_consented", cohort.id)
    assert (entry.from_state, entry.to_state, entry.actor_id) == (
        "council_review",
        "council_review",
        member.id,
    )
    (note,) = notifications(proposer)
    assert note.kind == "programme.council_consent"


def test_hr_cannot_decide_for_the_staff_council(db):
    cohort, _apps, proposer = proposed_cohort()
    for person in (proposer, hr()):
        with pytest.raises(PermissionDenied):
            council_decide(person, cohort, "consent", None, LATER)
    assert cohort.status == CohortStatus.COUNCIL_REVIEW


def test_whoever_proposed_cannot_answer_for_the_council(db):
    cohort = in_selection()
    app = applicant(cohort)
    score_all(app, 3, 3)
    both = factories.user(Role.HR, Role.COUNCIL)
    propose(both, cohort, [app.id], None, NOW)
    with pytest.raises(PermissionDenied):
        council_decide(both, cohort, "consent", None, LATER)


def test_the_council_decides_once_and_only_in_review(db):
    cohort, _apps, _hr = proposed_cohort()
    member = council()
    with pytest.raises(ValidationFailed):
        council_decide(member, cohort, "maybe", "?", LATER)
    council_decide(member, cohort, "consent", None, LATER)
    with pytest.raises(Conflict):
        council_decide(member, cohort, "objection", "zu spät", LATER)
    selecting = in_selection()
    with pytest.raises(Conflict):
        council_decide(member, selecting, "consent", None, LATER)


# ---------------------------------------------------------------------------
# Sending the decisions
# ---------------------------------------------------------------------------


def test_send_decisions_needs_the_councils_consent(db):
    cohort, _apps, proposer = proposed_cohort()
    with pytest.raises(Conflict):
        send_decisions(proposer, cohort, LATER)
    council_decide(council(), cohort, "objection", "Nein", LATER)
    with pytest.raises(Conflict):
        send_decisions(proposer, cohort, LATER)  # back in selection


def test_only_hr_sends_the_decisions(db):
    cohort, _apps, _proposer = proposed_cohort()
    member = council()
    council_decide(member, cohort, "consent", None, LATER)
    with pytest.raises(PermissionDenied):
        send_decisions(member, cohort, LATER)
    assert cohort.status == CohortStatus.COUNCIL_REVIEW


def test_send_decisions_accepts_rejects_and_starts_the_cohort(db):
    cohort, apps, proposer = proposed_cohort(seats=2, n=3)
    accepted, also_accepted, rejected = apps
    nominated = applicant(cohort, state=ApplicationState.NOMINATED)
    withdrawn = applicant(cohort, state=ApplicationState.WITHDRAWN)
    council_decide(council(), cohort, "consent", None, LATER)
    when = LATER + timedelta(hours=1)

    members = send_decisions(proposer, cohort, when)

    assert cohort.status == CohortStatus.RUNNING
    assert db.session.get(Cohort, cohort.id).status_changed_at == when
    assert sorted(m.employee_id for m in members) == sorted(
        [accepted.employee_id, also_accepted.employee_id]
    )
    rows = db.session.scalars(select(CohortMember).where(CohortMember.cohort_id == cohort.id))
    assert {(m.application_id, m.state, m.joined_at) for m in rows} == {
        (accepted.id, "active", when),
        (also_accepted.id, "active", when),
    }
    assert [a.state for a in (accepted, also_accepted, rejected)] == [
        "accepted",
        "accepted",
        "rejected",
    ]
    assert accepted.decided_at == when and rejected.decided_at == when
    assert (nominated.state, nominated.withdrawn_at) == ("withdrawn", when)
    assert withdrawn.state == "withdrawn" and withdrawn.withdrawn_at is None

    (start,) = audit("cohort.started", cohort.id)
    assert (start.from_state, start.to_state) == ("council_review", "running")
    assert [e.object_id for e in audit("application.accepted")] == [
        str(accepted.id),
        str(also_accepted.id),
    ]
    (reject,) = audit("application.rejected")
    assert (reject.object_id, reject.from_state, reject.to_state) == (
        str(rejected.id),
        "submitted",
        "rejected",
    )
    (lapsed,) = audit("application.nomination_lapsed")
    assert (lapsed.object_id, lapsed.from_state) == (str(nominated.id), "nominated")

    (yes,) = notifications(account_of(accepted))
    assert yes.kind == "programme.accepted"
    assert "Congratulations" in yes.body and cohort.programme.title in yes.subject
    (member,) = db.session.scalars(
        select(CohortMember).where(CohortMember.employee_id == accepted.employee_id)
    )
    assert yes.link == f"{MY_PROGRAMME_PATH}/{member.id}"  # the new membership's own page
    (no,) = notifications(account_of(rejected))
    assert no.kind == "programme.rejected"
    for phrase in ("Thank you very much", "motivation", "apply again", "Personalentwicklung"):
        assert phrase in no.body
    assert no.link == "/kurse"
    (closed,) = notifications(account_of(nominated))
    assert closed.kind == "programme.nomination_lapsed"
    assert notifications(account_of(withdrawn)) == []

    with pytest.raises(Conflict):
        send_decisions(proposer, cohort, when)  # only once


def test_send_decisions_accepts_what_the_council_consented_to(db):
    """A proposed applicant who withdrew during the review is not accepted."""
    cohort, apps, proposer = proposed_cohort(seats=2, n=3)
    council_decide(council(), cohort, "consent", None, LATER)
    apps[1].state = ApplicationState.WITHDRAWN.value
    db.session.flush()

    members = send_decisions(proposer, cohort, LATER)

    assert [m.employee_id for m in members] == [apps[0].employee_id]
    assert [a.state for a in apps] == ["accepted", "withdrawn", "rejected"]
    employee_ids = db.session.scalars(
        select(Employee.id).join(CohortMember, CohortMember.employee_id == Employee.id)
    )
    assert set(employee_ids) == {apps[0].employee_id}
