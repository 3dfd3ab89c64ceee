"""The date arithmetic of mandatory training, as plain functions (no database): when
someone is due for the first time, how long a completion is valid, and a person's
status from the facts about them. ``courses.mandatory.status`` computes the same in SQL
for many people at once; ``valid_from`` turns "still valid today" into a comparison of
the completion date with a threshold, so SQL needs no month arithmetic.

- Dates are Berlin calendar days; ``valid_until`` is the last day a completion counts.
- Months are added as on a calendar, clamped to the end of the month (31 Jan + 1 month
  → 28/29 Feb), like the validity of certificates.
- Due dates: existing staff (assigned when the assignment started) are due on its first
  due date; whoever joins the target later (a new hire from their entry date, a person
  who changes job or department from the day it is noticed) ``due_days`` later, never
  before the first due date.
- After a completion the training is due again when the completion runs out; once
  expired it is overdue at once (the person was reminded before).
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

from courses.mandatory.models import Status

#: The validity of evidence without an end date (counts for good).
FOREVER = date(9999, 12, 31)


def add_months(start: date, months: int) -> date:
    """``start`` plus ``months`` (negative: minus), clamped to the end of the month."""
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def valid_until(completed_on: date, recurrence_months: int | None) -> date:
    """The last day a completion counts (``FOREVER`` without recurrence)."""
    if recurrence_months is None:
        return FOREVER
    return add_months(completed_on, recurrence_months)


def valid_from(recurrence_months: int, today: date) -> date:
    """The earliest completion date that is still valid on ``today``: a completion on
    ``d`` counts iff ``d >= valid_from(r, today)`` (``add_months`` never decreases)."""
    candidate = add_months(today, -recurrence_months)
    while add_months(candidate, recurrence_months) < today:
        candidate += timedelta(days=1)
    while add_months(candidate - timedelta(days=1), recurrence_months) >= today:
        candidate -= timedelta(days=1)
    return candidate


def assigned_dates(
    *,
    starts_on: date,
    first_due_on: date,
    due_days: int,
    entry_date: date | None,
    found_on: date,
) -> tuple[date, date]:
    """(since, first due date) of a person found in the target on ``found_on``: a new
    hire counts from their entry date, someone found on the first day is existing
    staff, anyone later counts from the day they were found."""
    if entry_date is not None and entry_date > starts_on:
        since = entry_date
    else:
        since = max(found_on, starts_on)
    return since, due_for(since, starts_on=starts_on, first_due_on=first_due_on, due_days=due_days)


def due_for(since: date, *, starts_on: date, first_due_on: date, due_days: int) -> date:
    """The first due date of someone assigned since ``since``."""
    if since <= starts_on:
        return first_due_on
    return max(since + timedelta(days=due_days), first_due_on)


@dataclass(frozen=True)
class Facts:
    """What decides a person's status for one assignment."""

    recurrence_months: int | None
    #: The first due date: from the assignee row, or None while the person has no row
    #: yet (``fallback_due`` then).
    due_on: date | None
    fallback_due: date | None
    #: The latest completion of one of the assignment's courses.
    done_on: date | None
    #: The latest end of validity of the external evidence (``FOREVER``: one without).
    evidence_until: date | None
    enrolled: bool


@dataclass(frozen=True)
class PersonStatus:
    status: Status
    #: When the training is (or was) due: the first due date, or the end of the current
    #: validity (None: done for good).
    due_on: date | None
    #: The end of validity of the best evidence (``FOREVER``: for good; None: none yet).
    valid_until: date | None
    enrolled: bool

    @property
    def done_for_good(self) -> bool:
        return self.valid_until == FOREVER


def fallback_due(*, entry_date: date | None, starts_on: date, first_due_on: date) -> date | None:
    """The due date of someone without an assignee row yet (found before the next tick):
    existing staff the first due date; a new hire none yet (not overdue)."""
    if entry_date is None or entry_date <= starts_on:
        return first_due_on
    return None


def person_status(facts: Facts, today: date) -> PersonStatus:
    """Done (valid today) > overdue (expired, or past the first due date) > enrolled
    > not started."""
    candidates = []
    if facts.done_on is not None:
        candidates.append(valid_until(facts.done_on, facts.recurrence_months))
    if facts.evidence_until is not None:
        candidates.append(facts.evidence_until)
    best = max(candidates) if candidates else None
    if best is not None and best >= today:
        due = None if best == FOREVER else best
        return PersonStatus(Status.DONE, due, best, facts.enrolled)
    due = best if best is not None else (facts.due_on or facts.fallback_due)
    if due is not None and today > due:
        return PersonStatus(Status.OVERDUE, due, best, facts.enrolled)
    status = Status.ENROLLED if facts.enrolled else Status.OPEN
    return PersonStatus(status, due, best, facts.enrolled)
