"""Cohort services (talent.programmes.cohorts): creating and editing cohorts with their validation,
what may change once people applied, weighted criteria, every transition of the status
machine (allowed and refused, audited), cancelling with notifications, and the tick step
that closes applications when the window has ended."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from academy.accounts.models import Role
from academy.audit.models import AuditLogEntry
from academy.errors import Conflict, ValidationFailed
from academy.extensions import db
from academy.notifications.models import Notification
from academy.scheduler import tick_steps
from talent.programmes.cohort_settings import (
    create_cohort,
    normalise_pay_group,
    split_pay_groups,
    update_cohort,
)
from talent.programmes.cohorts import (
    TRANSITIONS,
    allowed_transitions,
    cancel_cohort,
    change_status,
    close_applications,
    close_due_applications,
    complete_cohort,
    open_applications,
    tick_close_applications,
)
from talent.programmes.criteria import add_criterion, remove_criterion, update_criterion
from talent.programmes.models import (
    ApplicationState,
    Cohort,
    CohortStatus,
    MemberState,
    SelectionCriterion,
)
from tests import factories
from tests.talent import factories as tf
from tests.talent import programme_factories as pf

NOW = tf.NOW
TODAY = pf.TODAY
ALL = list(CohortStatus)


@pytest.fixture()
def hr(db):
    return factories.user(Role.HR)


def audits(cohort: Cohort, action: str | None = None) -> list[AuditLogEntry]:
    query = select(AuditLogEntry).where(
        AuditLogEntry.object_type == "cohort", AuditLogEntry.object_id == str(cohort.id)
    )
    if action:
        query = query.where(AuditLogEntry.action == action)
    return list(db.session.scalars(query.order_by(AuditLogEntry.id)))


def count(model: type) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def values(**changes):
    data = {
        "name": "Jahrgang 2030",
        "applications_open_on": TODAY,
        "applications_close_on": TODAY + timedelta(days=28),
        "starts_on": TODAY + timedelta(days=60),
        "ends_on": TODAY + timedelta(days=600),
        "seats": 12,
        "min_service_years": 2,
        "max_service_years": 10,
        "pay_groups": ["E 9a", "E 9b"],
        "job_role_ids": [],
    }
    data.update(changes)
    return data


def values_of(cohort: Cohort, **changes):
    data = {
        "name": cohort.name,
        "applications_open_on": cohort.applications_open_on,
        "applications_close_on": cohort.applications_close_on,
        "starts_on": cohort.starts_on,
        "ends_on": cohort.ends_on,
        "seats": cohort.seats,
        "min_service_years": cohort.min_service_years,
        "max_service_years": cohort.max_service_years,
        "pay_groups": list(cohort.pay_groups),
        "job_role_ids": [r.id for r in cohort.job_roles],
    }
    data.update(changes)
    return data


# ---------------------------------------------------------------------------
# Creating
# ---------------------------------------------------------------------------


def test_create_cohort_as_draft_with_normalised_lists(hr):
    programme = pf.programme()
    role_a, role_b = factories.job_role(code="SB"), factories.job_role(code="IT")
    cohort = create_cohort(
        hr,
        programme,
        **values(
            name="  Jahrgang 2030 ",
            pay_groups=["E 9a, e 9A\nA   9", " ;E 10 ", "E9a", ""],
            job_role_ids=[role_b.id, role_a.id, role_b.id],
        ),
        now=NOW,
    )
    assert cohort.status == CohortStatus.DRAFT and cohort.name == "Jahrgang 2030"
    assert cohort.pay_groups == ["E 9a", "A 9", "E 10"]
    assert [r.code for r in cohort.job_roles] == ["IT", "SB"]
    assert cohort.created_by_id == hr.id and cohort.status_changed_at == NOW
    [entry] = audits(cohort, "cohort.created")
    assert entry.to_state == "draft" and entry.actor_id == hr.id
    assert entry.details["job_roles"] == ["IT", "SB"]
    assert entry.details["starts_on"] == (TODAY + timedelta(days=60)).isoformat()


def test_pay_group_helpers():
    assert split_pay_groups("E 9a, E 9b;A 9\n\nA 10\r\n") == ["E 9a", " E 9b", "A 9", "A 10"]
    assert normalise_pay_group("  E   9b ") == "E 9b"


def test_empty_lists_mean_any_and_years_may_be_empty(hr):
    cohort = create_cohort(
        hr,
        pf.programme(),
        **values(min_service_years=None, max_service_years=None, pay_groups=[]),
        now=NOW,
    )
    assert cohort.pay_groups == [] and cohort.job_roles == []
    assert cohort.min_service_years is None and cohort.max_service_years is None


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"name": " "}, "name"),
        ({"name": "N" * 201}, "name"),
        ({"applications_open_on": None}, "applications_open_on"),
        ({"ends_on": "2031-01-01"}, "ends_on"),
        ({"applications_close_on": TODAY - timedelta(days=1)}, "applications_close_on"),
        (
            {"applications_open_on": TODAY + timedelta(days=5), "applications_close_on": TODAY},
            "applications_close_on",
        ),
        ({"starts_on": TODAY + timedelta(days=28)}, "starts_on"),
        ({"starts_on": TODAY + timedelta(days=10)}, "starts_on"),
        ({"ends_on": TODAY + timedelta(days=60)}, "ends_on"),
        ({"ends_on": TODAY + timedelta(days=59)}, "ends_on"),
        ({"seats": 0}, "seats"),
        ({"seats": None}, "seats"),
        ({"seats": 501}, "seats"),
        ({"min_service_years": -1}, "min_service_years"),
        ({"max_service_years": 51}, "max_service_years"),
        ({"min_service_years": 5, "max_service_years": 4}, "max_service_years"),
        ({"pay_groups": ["E 9a", "X" * 21]}, "pay_groups"),
        ({"job_role_ids": [999999]}, "job_roles"),
    ],
)
def test_create_cohort_refuses_invalid_input(hr, changes, field):
    programme = pf.programme()
    with pytest.raises(ValidationFailed) as caught:
        create_cohort(hr, programme, **values(**changes), now=NOW)
    assert caught.value.field == field
    assert count(Cohort) == 0
    assert not db.session.scalars(
        select(AuditLogEntry).where(AuditLogEntry.object_type == "cohort")
    ).all()


def test_equal_minimum_and_maximum_years_are_fine(hr):
    cohort = create_cohort(
        hr, pf.programme(), **values(min_service_years=3, max_service_years=3), now=NOW
    )
    assert (cohort.min_service_years, cohort.max_service_years) == (3, 3)


def test_window_may_be_a_single_day(hr):
    cohort = create_cohort(hr, pf.programme(), **values(applications_close_on=TODAY), now=NOW)
    assert cohort.applications_open_on == cohort.applications_close_on


def test_archived_programme_takes_no_new_cohorts(hr):
    programme = pf.programme()
    programme.archived = True
    with pytest.raises(Conflict):
        create_cohort(hr, programme, **values(), now=NOW)
    assert count(Cohort) == 0


# ---------------------------------------------------------------------------
# Editing
# ---------------------------------------------------------------------------


def test_update_a_draft_audits_the_changes(hr):
    role = factories.job_role(code="JR-X")
    cohort = pf.cohort(status=CohortStatus.DRAFT, pay_groups=["E 9a"])
    update_cohort(
        hr,
        cohort,
        **values_of(cohort, seats=3, pay_groups=["e 9a", "E 11"], job_role_ids=[role.id]),
        now=NOW,
    )
    assert cohort.seats == 3 and cohort.pay_groups == ["e 9a", "E 11"]
    [entry] = audits(cohort, "cohort.updated")
    assert entry.details["seats"] == [10, 3]
    assert entry.details["job_roles"] == [[], ["JR-X"]]
    update_cohort(hr, cohort, **values_of(cohort), now=NOW)  # nothing changed
    assert len(audits(cohort, "cohort.updated")) == 1


@pytest.mark.parametrize(
    "status",
    [s for s in CohortStatus if s not in (CohortStatus.DRAFT, CohortStatus.OPEN)],
)
def test_only_draft_and_open_cohorts_can_be_edited(hr, status):
    cohort = pf.cohort(status=status)
    with pytest.raises(Conflict):
        update_cohort(hr, cohort, **values_of(cohort, seats=99), now=NOW)
    criterion = cohort.criteria[0]
    with pytest.raises(Conflict):
        add_criterion(hr, cohort, name="Neu", description=None, weight=1, now=NOW)
    with pytest.raises(Conflict):
        update_criterion(hr, criterion, name="Neu", description=None, weight=1, now=NOW)
    with pytest.raises(Conflict):
        remove_criterion(hr, criterion, NOW)
    assert cohort.seats == 10 and len(cohort.criteria) == 2 and audits(cohort) == []


def applied_cohort(state: ApplicationState = ApplicationState.SUBMITTED, **kwargs) -> Cohort:
    cohort = pf.cohort(
        status=CohortStatus.OPEN,
        min_service_years=2,
        max_service_years=10,
        pay_groups=["E 9a", "E 9b"],
        **kwargs,
    )
    pf.application(cohort, factories.employee(), state=state)
    return cohort


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"min_service_years": 3}, "min_service_years"),
        ({"max_service_years": 9}, "max_service_years"),
        ({"pay_groups": ["E 9a"]}, "pay_groups"),
        ({"pay_groups": ["E 9a", "E 10"]}, "pay_groups"),
        ({"applications_open_on": TODAY - timedelta(days=5)}, "applications_open_on"),
        ({"applications_close_on": TODAY + timedelta(days=19)}, "applications_close_on"),
    ],
)
def test_open_cohort_with_applications_may_not_become_stricter(hr, change, field):
    cohort = applied_cohort()
    before = values_of(cohort)
    with pytest.raises(Conflict) as caught:
        update_cohort(hr, cohort, **values_of(cohort, **change), now=NOW)
    assert caught.value.field == field and "already applied" in caught.value.message
    db.session.refresh(cohort)
    assert values_of(cohort) == before and audits(cohort) == []


def test_restricting_any_job_role_or_years_after_applications_is_refused(hr):
    cohort = pf.cohort(status=CohortStatus.OPEN)  # no limits at all
    pf.application(cohort, factories.employee(), state=ApplicationState.NOMINATED)
    role = factories.job_role()
    for change, field in [
        ({"job_role_ids": [role.id]}, "job_roles"),
        ({"pay_groups": ["E 9a"]}, "pay_groups"),
        ({"min_service_years": 0}, "min_service_years"),
        ({"max_service_years": 40}, "max_service_years"),
    ]:
        with pytest.raises(Conflict) as caught:
            update_cohort(hr, cohort, **values_of(cohort, **change), now=NOW)
        assert caught.value.field == field


def test_open_cohort_with_applications_may_become_wider(hr):
    cohort = applied_cohort()
    update_cohort(
        hr,
        cohort,
        **values_of(
            cohort,
            min_service_years=1,
            max_service_years=None,
            pay_groups=["E9a", "e 9B", "E 10"],
            applications_close_on=TODAY + timedelta(days=25),
            seats=4,
            name="Neuer Name",
        ),
        now=NOW,
    )
    assert (cohort.min_service_years, cohort.max_service_years) == (1, None)
    assert cohort.pay_groups == ["E9a", "e 9B", "E 10"] and cohort.seats == 4
    assert len(audits(cohort, "cohort.updated")) == 1


def test_withdrawn_applications_do_not_hold_the_eligibility(hr):
    cohort = applied_cohort(state=ApplicationState.WITHDRAWN)
    update_cohort(hr, cohort, **values_of(cohort, min_service_years=5), now=NOW)
    assert cohort.min_service_years == 5


def test_open_cohort_without_applications_may_change_freely(hr):
    cohort = pf.cohort(status=CohortStatus.OPEN, min_service_years=2)
    update_cohort(
        hr,
        cohort,
        **values_of(cohort, min_service_years=4, applications_close_on=TODAY + timedelta(days=5)),
        now=NOW,
    )
    assert cohort.min_service_years == 4


def test_moving_the_window_end_into_the_past_is_refused(hr):
    cohort = pf.cohort(status=CohortStatus.DRAFT)
    with pytest.raises(ValidationFailed) as caught:
        update_cohort(
            hr,
            cohort,
            **values_of(cohort, applications_close_on=TODAY - timedelta(days=1)),
            now=NOW,
        )
    assert caught.value.field == "applications_close_on"


# ---------------------------------------------------------------------------
# Criteria
# ---------------------------------------------------------------------------


def test_add_update_remove_criteria(hr):
    cohort = pf.cohort(status=CohortStatus.DRAFT, criteria=())
    first = add_criterion(hr, cohort, name=" Motivation ", description="", weight=3, now=NOW)
    second = add_criterion(hr, cohort, name="Erfahrung", description="Projekte", weight=10, now=NOW)
    assert [(c.name, c.weight, c.position) for c in cohort.criteria] == [
        ("Motivation", 3, 0),
        ("Erfahrung", 10, 1),
    ]
    assert first.description is None and second.description == "Projekte"
    update_criterion(hr, first, name="Motivation", description="Schreiben", weight=1, now=NOW)
    assert (first.weight, first.description) == (1, "Schreiben")
    remove_criterion(hr, second, NOW)
    assert [c.name for c in cohort.criteria] == ["Motivation"]
    actions = [e.action for e in audits(cohort)]
    assert actions == [
        "cohort.criterion_added",
        "cohort.criterion_added",
        "cohort.criterion_updated",
        "cohort.criterion_removed",
    ]
    assert audits(cohort, "cohort.criterion_updated")[0].details["weight"] == [3, 1]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"weight": 0}, "weight"),
        ({"weight": 11}, "weight"),
        ({"weight": None}, "weight"),
        ({"weight": "5"}, "weight"),
        ({"name": ""}, "name"),
        ({"name": "motivation"}, "name"),
        ({"description": "x" * 2001}, "description"),
    ],
)
def test_invalid_criteria_are_refused(hr, changes, field):
    cohort = pf.cohort(status=CohortStatus.OPEN, criteria=[("Motivation", 2)])
    data = {"name": "Fachwissen", "description": None, "weight": 5}
    data.update(changes)
    with pytest.raises((ValidationFailed, Conflict)) as caught:
        add_criterion(hr, cohort, **data, now=NOW)
    assert caught.value.field == field
    assert count(SelectionCriterion) == 1


def test_an_open_cohort_keeps_its_last_criterion(hr):
    cohort = pf.cohort(status=CohortStatus.OPEN, criteria=[("Motivation", 2)])
    with pytest.raises(Conflict):
        remove_criterion(hr, cohort.criteria[0], NOW)
    draft = pf.cohort(status=CohortStatus.DRAFT, criteria=[("Motivation", 2)])
    remove_criterion(hr, draft.criteria[0], NOW)
    assert draft.criteria == [] and count(SelectionCriterion) == 1


# ---------------------------------------------------------------------------
# Status machine
# ---------------------------------------------------------------------------


def assert_transition(cohort: Cohort, hr, verb: str, before: str, after: str, reason=None):
    db.session.refresh(cohort)
    assert cohort.status == after
    assert cohort.status_changed_at == NOW
    [entry] = audits(cohort, f"cohort.{verb}")
    assert (entry.from_state, entry.to_state, entry.reason) == (before, after, reason)
    assert entry.actor_id == (hr.id if hr is not None else None)


@pytest.mark.parametrize("status", ALL)
def test_open_applications_only_from_draft(hr, status):
    cohort = pf.cohort(status=status)
    if status == CohortStatus.DRAFT:
        open_applications(hr, cohort, NOW)
        assert_transition(cohort, hr, "opened", "draft", "open")
    else:
        with pytest.raises(Conflict):
            open_applications(hr, cohort, NOW)
        assert cohort.status == status and audits(cohort) == []


def test_open_needs_a_criterion_and_a_window_that_has_not_ended(hr):
    without = pf.cohort(status=CohortStatus.DRAFT, criteria=())
    with pytest.raises(Conflict) as caught:
        open_applications(hr, without, NOW)
    assert "criterion" in caught.value.message
    ended = pf.cohort(
        status=CohortStatus.DRAFT,
        opens=TODAY - timedelta(days=20),
        closes=TODAY - timedelta(days=1),
    )
    with pytest.raises(Conflict) as caught:
        open_applications(hr, ended, NOW)
    assert "ended" in caught.value.message
    assert without.status == ended.status == CohortStatus.DRAFT
    # the last day of the window is today: still fine
    last_day = pf.cohort(status=CohortStatus.DRAFT, opens=TODAY - timedelta(days=3), closes=TODAY)
    open_applications(hr, last_day, NOW)
    assert last_day.status == CohortStatus.OPEN


@pytest.mark.parametrize("status", ALL)
def test_close_applications_only_from_open(hr, status):
    cohort = pf.cohort(status=status)
    if status == CohortStatus.OPEN:
        close_applications(hr, cohort, NOW)
        assert_transition(cohort, hr, "closed", "open", "selection")
    else:
        with pytest.raises(Conflict):
            close_applications(hr, cohort, NOW)
        assert cohort.status == status and audits(cohort) == []


@pytest.mark.parametrize("status", ALL)
def test_cancel_from_draft_open_selection_and_council_review(hr, status):
    cohort = pf.cohort(status=status)
    if status in {"draft", "open", "selection", "council_review"}:
        cancel_cohort(hr, cohort, "  Haushaltssperre ", NOW)
        assert_transition(cohort, hr, "cancelled", status.value, "cancelled", "Haushaltssperre")
    else:
        with pytest.raises(Conflict):
            cancel_cohort(hr, cohort, "Haushaltssperre", NOW)
        assert cohort.status == status and audits(cohort) == []


@pytest.mark.parametrize("reason", ["", "   ", None, "x" * 2001])
def test_cancel_needs_a_reason(hr, reason):
    cohort = pf.cohort(status=CohortStatus.OPEN)
    with pytest.raises(ValidationFailed) as caught:
        cancel_cohort(hr, cohort, reason, NOW)
    assert caught.value.field == "reason"
    assert cohort.status == CohortStatus.OPEN and audits(cohort) == []


def test_cancel_tells_everyone_with_a_pending_application(hr):
    programme = pf.programme(title="Digitallotsen")
    cohort = pf.cohort(programme, status=CohortStatus.SELECTION)
    people = {}
    for state in ApplicationState:
        person = factories.employee()
        factories.user(Role.EMPLOYEE, emp=person)
        pf.application(cohort, person, state=state)
        people[state] = person
    no_account = factories.employee()
    pf.application(cohort, no_account)  # no account: told as well (by e-mail)
    cancel_cohort(hr, cohort, "Haushaltssperre", NOW)
    notes = list(
        db.session.scalars(select(Notification).where(Notification.kind == "cohort.cancelled"))
    )
    told = {n.employee_id for n in notes}
    assert told == {
        people[ApplicationState.SUBMITTED].id,
        people[ApplicationState.NOMINATED].id,
        no_account.id,
    }
    assert all("Haushaltssperre" in n.body and "Digitallotsen" in n.subject for n in notes)
    assert all(n.link == "/talente/nachwuchsprogramme" for n in notes)


@pytest.mark.parametrize("status", ALL)
def test_complete_only_a_running_cohort(hr, status):
    cohort = pf.cohort(status=status)
    if status == CohortStatus.RUNNING:
        complete_cohort(hr, cohort, NOW)
        assert_transition(cohort, hr, "completed", "running", "completed")
    else:
        with pytest.raises(Conflict):
            complete_cohort(hr, cohort, NOW)
        assert cohort.status == status and audits(cohort) == []


def test_complete_waits_for_active_members(hr):
    cohort = pf.cohort(status=CohortStatus.RUNNING)
    graduated = pf.member(cohort, factories.employee())
    graduated.state = MemberState.GRADUATED.value
    dropped = pf.member(cohort, factories.employee())
    dropped.state = MemberState.DROPPED_OUT.value
    active = pf.member(cohort, factories.employee())
    db.session.flush()
    with pytest.raises(Conflict) as caught:
        complete_cohort(hr, cohort, NOW)
    assert caught.value.params == {"count": 1}
    assert cohort.status == CohortStatus.RUNNING
    assert allowed_transitions(cohort, TODAY) == []
    active.state = MemberState.GRADUATED.value
    db.session.flush()
    assert allowed_transitions(cohort, TODAY) == ["complete"]
    complete_cohort(hr, cohort, NOW)
    assert cohort.status == CohortStatus.COMPLETED


def test_change_status_follows_the_status_machine_only(hr):
    for before in ALL:
        for after in ALL:
            cohort = pf.cohort(status=before)
            if (before, after) in TRANSITIONS:
                change_status(hr, cohort, after, NOW)
                assert cohort.status == after
                assert len(audits(cohort, f"cohort.{TRANSITIONS[(before, after)]}")) == 1
            else:
                with pytest.raises(Conflict):
                    change_status(hr, cohort, after, NOW)
                assert cohort.status == before and audits(cohort) == []


def test_change_status_refuses_when_someone_else_changed_it(hr):
    cohort = pf.cohort(status=CohortStatus.OPEN)
    db.session.execute(
        Cohort.__table__.update().where(Cohort.id == cohort.id).values(status="selection")
    )
    with pytest.raises(Conflict):
        change_status(hr, cohort, CohortStatus.SELECTION, NOW)  # still reads "open"
    assert audits(cohort) == []


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (CohortStatus.DRAFT, ["edit", "open", "cancel"]),
        (CohortStatus.OPEN, ["edit", "close", "cancel"]),
        (CohortStatus.SELECTION, ["cancel"]),
        (CohortStatus.COUNCIL_REVIEW, ["cancel"]),
        (CohortStatus.RUNNING, ["complete"]),
        (CohortStatus.COMPLETED, []),
        (CohortStatus.CANCELLED, []),
    ],
)
def test_allowed_transitions(status, expected, db):
    assert allowed_transitions(pf.cohort(status=status), TODAY) == expected


def test_a_draft_that_cannot_open_yet_offers_no_open_button(db):
    assert "open" not in allowed_transitions(
        pf.cohort(status=CohortStatus.DRAFT, criteria=()), TODAY
    )
    cohort = pf.cohort(status=CohortStatus.DRAFT)
    later = cohort.applications_close_on + timedelta(days=1)
    assert "open" not in allowed_transitions(cohort, later)


# ---------------------------------------------------------------------------
# Tick step
# ---------------------------------------------------------------------------


def test_tick_closes_only_due_open_cohorts_and_is_idempotent(db):
    hr_account = factories.user(Role.HR)
    due = pf.cohort(
        status=CohortStatus.OPEN,
        opens=TODAY - timedelta(days=30),
        closes=TODAY - timedelta(days=1),
    )
    last_day = pf.cohort(status=CohortStatus.OPEN, opens=TODAY - timedelta(days=5), closes=TODAY)
    later = pf.cohort(status=CohortStatus.OPEN)
    draft = pf.cohort(
        status=CohortStatus.DRAFT,
        opens=TODAY - timedelta(days=30),
        closes=TODAY - timedelta(days=2),
    )
    selection = pf.cohort(
        status=CohortStatus.SELECTION,
        opens=TODAY - timedelta(days=30),
        closes=TODAY - timedelta(days=2),
    )
    assert close_due_applications(NOW) == 1
    assert_transition(due, None, "closed", "open", "selection", "application window ended")
    for cohort, status in [
        (last_day, "open"),
        (later, "open"),
        (draft, "draft"),
        (selection, "selection"),
    ]:
        db.session.refresh(cohort)
        assert cohort.status == status and audits(cohort) == []
    [note] = db.session.scalars(
        select(Notification).where(Notification.kind == "cohort.closed")
    ).all()
    assert note.user_id == hr_account.id and due.name in note.subject
    assert note.link == f"/talente/kohorten/{due.id}"

    # again: nothing more
    assert close_due_applications(NOW) == 0
    assert len(audits(due)) == 1
    # the next day the cohort whose last day was today closes
    assert close_due_applications(NOW + timedelta(days=1)) == 1
    db.session.refresh(last_day)
    assert last_day.status == CohortStatus.SELECTION


def test_tick_step_is_registered_and_summarises(db):
    assert "cohort-close" in {s.name for s in tick_steps()}
    pf.cohort(status=CohortStatus.OPEN, opens=date(2030, 1, 1), closes=date(2030, 2, 1))
    assert tick_close_applications(NOW).startswith("1 cohort(s) closed")
    assert tick_close_applications(NOW).startswith("0 cohort(s) closed")


def test_the_status_buttons_get_answers_not_rules(hr):
    """The cohort pages pass the buttons the status machine allows and why a draft
    cannot open (translated) — the template decides nothing."""
    from talent.programmes.pages.cohorts import cohort_buttons

    draft = pf.cohort(status=CohortStatus.DRAFT, criteria=())
    buttons = cohort_buttons(draft)
    assert "open" not in buttons["actions"] and "edit" in buttons["actions"]
    assert len(buttons["opening_problems"]) == 1  # no criterion yet (translated)
    opened = pf.cohort(status=CohortStatus.OPEN)
    buttons = cohort_buttons(opened)
    assert "close" in buttons["actions"] and buttons["opening_problems"] == []
