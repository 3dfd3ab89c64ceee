"""The date arithmetic of mandatory training (no database): months on the calendar,
the validity threshold that lets SQL compare dates only, first due dates of existing
staff and newcomers, and a person's status as time passes."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from courses.mandatory.dates import (
    FOREVER,
    Facts,
    add_months,
    assigned_dates,
    due_for,
    person_status,
    valid_from,
    valid_until,
)
from courses.mandatory.models import Status

days = st.dates(min_value=date(2000, 1, 1), max_value=date(2060, 12, 31))
months = st.integers(min_value=1, max_value=120)


def test_months_are_added_on_the_calendar_and_clamped():
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2028, 1, 31), 1) == date(2028, 2, 29)
    assert add_months(date(2026, 3, 31), -1) == date(2026, 2, 28)
    assert add_months(date(2026, 11, 15), 14) == date(2028, 1, 15)
    assert valid_until(date(2024, 2, 29), 12) == date(2025, 2, 28)
    assert valid_until(date(2024, 2, 29), None) == FOREVER


@given(days, months, days)
def test_valid_from_is_exactly_the_threshold_of_validity(done, recurrence, today):
    """A completion counts today iff it is on or after the threshold — the comparison
    SQL makes instead of adding months."""
    assert (add_months(done, recurrence) >= today) == (done >= valid_from(recurrence, today))


@given(days, months)
def test_valid_from_is_the_earliest_valid_day(today, recurrence):
    first = valid_from(recurrence, today)
    assert add_months(first, recurrence) >= today
    assert add_months(first - timedelta(days=1), recurrence) < today


@given(
    starts=days,
    due_days=st.integers(min_value=0, max_value=400),
    extra=st.integers(min_value=0, max_value=400),
    entry=st.one_of(st.none(), days),
    found_after=st.integers(min_value=0, max_value=800),
)
def test_first_due_dates_of_staff_and_newcomers(starts, due_days, extra, entry, found_after):
    first_due = starts + timedelta(days=extra)
    found = starts + timedelta(days=found_after)
    since, due = assigned_dates(
        starts_on=starts,
        first_due_on=first_due,
        due_days=due_days,
        entry_date=entry,
        found_on=found,
    )
    if entry is not None and entry > starts:
        assert since == entry  # a new hire: from the entry date
    else:
        assert since == found  # found on the first day or later
    if since == starts:
        assert due == first_due  # existing staff: the fixed first due date
    else:
        assert due == max(since + timedelta(days=due_days), first_due)
    assert due >= first_due  # nobody is due before existing staff
    assert due == due_for(since, starts_on=starts, first_due_on=first_due, due_days=due_days)


def facts(**kw):
    values = {
        "recurrence_months": None,
        "due_on": None,
        "fallback_due": None,
        "done_on": None,
        "evidence_until": None,
        "enrolled": False,
    }
    values.update(kw)
    return Facts(**values)


def test_status_transitions_over_time():
    """Not started → enrolled → done until the end of validity → overdue at once when it
    runs out; without a completion, overdue the day after the due date."""
    due = date(2026, 3, 31)
    assert person_status(facts(due_on=due), date(2026, 3, 1)).status == Status.OPEN
    assert person_status(facts(due_on=due), due).status == Status.OPEN
    late = person_status(facts(due_on=due), due + timedelta(days=1))
    assert late.status == Status.OVERDUE and late.due_on == due
    enrolled = person_status(facts(due_on=due, enrolled=True), date(2026, 3, 1))
    assert enrolled.status == Status.ENROLLED
    # overdue wins over enrolled (the session may be after the due date)
    assert person_status(facts(due_on=due, enrolled=True), date(2026, 4, 2)).status == (
        Status.OVERDUE
    )
    done = facts(due_on=due, done_on=date(2026, 3, 20), recurrence_months=24)
    now_done = person_status(done, date(2026, 3, 21))
    assert now_done.status == Status.DONE and now_done.valid_until == date(2028, 3, 20)
    assert now_done.due_on == date(2028, 3, 20)  # due again when it runs out
    assert person_status(done, date(2028, 3, 20)).status == Status.DONE
    expired = person_status(done, date(2028, 3, 21))
    assert expired.status == Status.OVERDUE and expired.due_on == date(2028, 3, 20)
    renewed = facts(due_on=due, done_on=date(2028, 4, 2), recurrence_months=24)
    assert person_status(renewed, date(2028, 4, 3)).status == Status.DONE
    forever = person_status(facts(done_on=date(2020, 1, 1)), date(2040, 1, 1))
    assert forever.status == Status.DONE and forever.done_for_good and forever.due_on is None


def test_evidence_counts_until_its_end_and_the_better_proof_wins():
    today = date(2026, 6, 1)
    with_evidence = facts(due_on=date(2026, 1, 1), evidence_until=date(2026, 6, 1))
    assert person_status(with_evidence, today).status == Status.DONE
    both = facts(
        due_on=date(2026, 1, 1),
        evidence_until=date(2026, 7, 1),
        done_on=date(2025, 1, 1),
        recurrence_months=24,
    )
    assert person_status(both, today).valid_until == date(2027, 1, 1)
    assert person_status(facts(evidence_until=FOREVER), today).done_for_good


def test_a_newcomer_without_a_row_yet_is_not_overdue():
    state = person_status(facts(due_on=None, fallback_due=None), date(2030, 1, 1))
    assert state.status == Status.OPEN and state.due_on is None


@given(
    due=days,
    done=st.one_of(st.none(), days),
    evidence=st.one_of(st.none(), days),
    recurrence=st.one_of(st.none(), months),
    enrolled=st.booleans(),
    today=days,
)
def test_status_rules_hold_for_any_facts(due, done, evidence, recurrence, enrolled, today):
    state = person_status(
        facts(
            due_on=due,
            done_on=done,
            evidence_until=evidence,
            recurrence_months=recurrence,
            enrolled=enrolled,
        ),
        today,
    )
    ends = [valid_until(done, recurrence)] if done else []
    ends += [evidence] if evidence else []
    valid = any(end >= today for end in ends)
    assert (state.status == Status.DONE) == valid
    if not valid:
        had = bool(ends)
        assert (state.status == Status.OVERDUE) == (had or today > due)
        if state.status != Status.OVERDUE:
            assert state.status == (Status.ENROLLED if enrolled else Status.OPEN)
