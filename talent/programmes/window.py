"""What HR is told about a cohort's application window beside its status, so that "open
for applications" never hides that employees cannot apply yet (or any more)."""

from __future__ import annotations

from datetime import date

from academy.i18n import N_
from talent.programmes.models import Cohort, CohortStatus

NOT_YET = N_(
    "The application window opens on %(date)s: until then employees do not see this cohort."
)
ENDED = N_(
    "The application window ended on %(date)s: employees can no longer apply. The next "
    "scheduled run closes the applications."
)


def window_note(cohort: Cohort, today: date) -> tuple[str, date] | None:
    """``(message, date)`` when an open cohort's window is not running today, else None."""
    if cohort.status != CohortStatus.OPEN:
        return None
    if today < cohort.applications_open_on:
        return NOT_YET, cohort.applications_open_on
    if today > cohort.applications_close_on:
        return ENDED, cohort.applications_close_on
    return None
