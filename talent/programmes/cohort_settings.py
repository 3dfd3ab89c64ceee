"""Settings of a fast-track cohort (HR): creating and editing a cohort (application
window, start and end, seats, eligibility by career stage — never age), what may still
change once people applied, the validation of their fields and the pay-group helpers.
The weighted selection criteria are in ``talent.programmes.criteria``, the status
machine in ``talent.programmes.cohorts``.

Plain service functions: ``actor`` and ``now`` are arguments, they flush only; the view
commits. Business-rule errors raise ``ValidationFailed`` / ``Conflict`` whose ``field``
names the form field.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import select

from academy.accounts.models import User
from academy.audit.log import record
from academy.errors import Conflict, ValidationFailed
from academy.extensions import db
from academy.i18n import N_
from academy.org.models import JobRole
from talent.programmes.cohort_models import Application
from talent.programmes.cohorts import EDITABLE, berlin_today
from talent.programmes.eligibility import normalise_pay_group as same_pay_group
from talent.programmes.models import (
    ApplicationState,
    Cohort,
    CohortStatus,
    Programme,
)

MAX_NAME = 200
MAX_DESCRIPTION = 2000
MAX_SEATS = 500
MAX_SERVICE_YEARS = 50
MAX_PAY_GROUP = 20


# ---------------------------------------------------------------------------
# Pay groups and job roles
# ---------------------------------------------------------------------------


def normalise_pay_group(value: str) -> str:
    """A pay group as stored: trimmed, inner spaces collapsed ("E  9b" → "E 9b")."""
    return " ".join((value or "").split())


def split_pay_groups(text: str | None) -> list[str]:
    """Pay groups typed as a comma, semicolon or line separated list."""
    return [part for part in re.split(r"[,;\n\r]+", text or "") if part.strip()]


def _pay_groups(values: Iterable[str] | None) -> list[str]:
    """Normalised, without duplicates (``same_pay_group``), in the order given."""
    seen: set[str] = set()
    result: list[str] = []
    for raw in values or ():
        for part in split_pay_groups(raw):
            group = normalise_pay_group(part)
            if len(group) > MAX_PAY_GROUP:
                raise ValidationFailed(
                    N_("A pay group may have at most %(max)s characters: %(group)s"),
                    field="pay_groups",
                    max=MAX_PAY_GROUP,
                    group=group,
                )
            if same_pay_group(group) not in seen:
                seen.add(same_pay_group(group))
                result.append(group)
    return result


def _job_roles(ids: Iterable[int] | None) -> list[JobRole]:
    wanted = list(dict.fromkeys(int(i) for i in ids or ()))
    if not wanted:
        return []
    found = {r.id: r for r in db.session.scalars(select(JobRole).where(JobRole.id.in_(wanted)))}
    if len(found) != len(wanted):
        raise ValidationFailed(N_("Please choose existing job roles."), field="job_roles")
    return [found[i] for i in wanted]


# ---------------------------------------------------------------------------
# Creating and editing a cohort
# ---------------------------------------------------------------------------


def _date(value: object, field: str) -> date:
    if not isinstance(value, date) or isinstance(value, datetime):
        raise ValidationFailed(N_("Please enter a date."), field=field)
    return value


def _years(value: object, field: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_SERVICE_YEARS:
        raise ValidationFailed(
            N_("The years of service must be a whole number from 0 to %(max)s, or empty."),
            field=field,
            max=MAX_SERVICE_YEARS,
        )
    return value


def _cohort_fields(
    *,
    name: str | None,
    applications_open_on: object,
    applications_close_on: object,
    starts_on: object,
    ends_on: object,
    seats: object,
    min_service_years: object,
    max_service_years: object,
    pay_groups: Iterable[str] | None,
    job_role_ids: Iterable[int] | None,
) -> dict[str, Any]:
    name = (name or "").strip()
    if not name:
        raise ValidationFailed(N_("Please enter a name."), field="name")
    if len(name) > MAX_NAME:
        raise ValidationFailed(
            N_("The name may have at most %(max)s characters."), field="name", max=MAX_NAME
        )
    opens = _date(applications_open_on, "applications_open_on")
    closes = _date(applications_close_on, "applications_close_on")
    starts = _date(starts_on, "starts_on")
    ends = _date(ends_on, "ends_on")
    if closes < opens:
        raise ValidationFailed(
            N_("The application window cannot close before it opens."),
            field="applications_close_on",
        )
    if starts <= closes:
        raise ValidationFailed(
            N_("The cohort must start after the application window has closed."),
            field="starts_on",
        )
    if ends <= starts:
        raise ValidationFailed(N_("The cohort must end after it starts."), field="ends_on")
    if isinstance(seats, bool) or not isinstance(seats, int) or not 1 <= seats <= MAX_SEATS:
        raise ValidationFailed(
            N_("The number of seats must be a whole number from 1 to %(max)s."),
            field="seats",
            max=MAX_SEATS,
        )
    low = _years(min_service_years, "min_service_years")
    high = _years(max_service_years, "max_service_years")
    if low is not None and high is not None and low > high:
        raise ValidationFailed(
            N_("The minimum years of service cannot be more than the maximum."),
            field="max_service_years",
        )
    return {
        "name": name,
        "applications_open_on": opens,
        "applications_close_on": closes,
        "starts_on": starts,
        "ends_on": ends,
        "seats": seats,
        "min_service_years": low,
        "max_service_years": high,
        "pay_groups": _pay_groups(pay_groups),
        "job_roles": _job_roles(job_role_ids),
    }


def _window_not_past(closes: date, today: date) -> None:
    if closes < today:
        raise ValidationFailed(
            N_("The application window cannot end in the past."), field="applications_close_on"
        )


def _audit_values(values: dict[str, Any]) -> dict[str, Any]:
    result = {k: (v.isoformat() if isinstance(v, date) else v) for k, v in values.items()}
    result["job_roles"] = sorted(r.code for r in values["job_roles"])
    return result


def create_cohort(
    actor: User,
    programme: Programme,
    *,
    name: str,
    applications_open_on: date,
    applications_close_on: date,
    starts_on: date,
    ends_on: date,
    seats: int,
    min_service_years: int | None,
    max_service_years: int | None,
    pay_groups: Sequence[str],
    job_role_ids: Sequence[int],
    now: datetime,
) -> Cohort:
    """A new cohort in draft (not visible to employees until applications open).
    Empty pay-group / job-role lists mean "any"."""
    if programme.archived:
        raise Conflict(N_("The programme is archived: no new cohorts can be created."))
    values = _cohort_fields(
        name=name,
        applications_open_on=applications_open_on,
        applications_close_on=applications_close_on,
        starts_on=starts_on,
        ends_on=ends_on,
        seats=seats,
        min_service_years=min_service_years,
        max_service_years=max_service_years,
        pay_groups=pay_groups,
        job_role_ids=job_role_ids,
    )
    _window_not_past(values["applications_close_on"], berlin_today(now))
    cohort = Cohort(
        programme_id=programme.id,
        status=CohortStatus.DRAFT.value,
        created_at=now,
        created_by_id=actor.id,
        status_changed_at=now,
        **values,
    )
    db.session.add(cohort)
    db.session.flush()
    record(
        actor,
        "cohort.created",
        "cohort",
        cohort.id,
        to_state=CohortStatus.DRAFT.value,
        details={"programme_id": programme.id, **_audit_values(values)},
        now=now,
    )
    db.session.flush()
    return cohort


def has_applications(cohort: Cohort) -> bool:
    """Someone applied (or was nominated) and has not withdrawn."""
    query = select(Application.id).where(
        Application.cohort_id == cohort.id,
        Application.state != ApplicationState.WITHDRAWN.value,
    )
    return db.session.scalar(query.limit(1)) is not None


def _refuse_stricter(cohort: Cohort, new: dict[str, Any]) -> None:
    """Once people applied to an open cohort, its eligibility may not become stricter
    and its window may not shrink: what they applied to stays valid."""
    old_low, new_low = cohort.min_service_years, new["min_service_years"]
    if new_low is not None and (old_low is None or new_low > old_low):
        raise Conflict(
            N_(
                "People have already applied, so the minimum years of service can no longer "
                "be raised."
            ),
            field="min_service_years",
        )
    old_high, new_high = cohort.max_service_years, new["max_service_years"]
    if new_high is not None and (old_high is None or new_high < old_high):
        raise Conflict(
            N_(
                "People have already applied, so the maximum years of service can no longer "
                "be lowered."
            ),
            field="max_service_years",
        )
    old_groups = {same_pay_group(g) for g in cohort.pay_groups or []}
    new_groups = {same_pay_group(g) for g in new["pay_groups"]}
    if new_groups and (not old_groups or not old_groups <= new_groups):
        raise Conflict(
            N_(
                "People have already applied, so pay groups can no longer be removed or "
                "restricted; you may only add pay groups."
            ),
            field="pay_groups",
        )
    old_roles = {r.id for r in cohort.job_roles}
    new_roles = {r.id for r in new["job_roles"]}
    if new_roles and (not old_roles or not old_roles <= new_roles):
        raise Conflict(
            N_(
                "People have already applied, so job roles can no longer be removed or "
                "restricted; you may only add job roles."
            ),
            field="job_roles",
        )
    if new["applications_open_on"] > cohort.applications_open_on:
        raise Conflict(
            N_("People have already applied, so the application window can no longer open later."),
            field="applications_open_on",
        )
    if new["applications_close_on"] < cohort.applications_close_on:
        raise Conflict(
            N_(
                "People have already applied, so the application window can no longer close "
                "earlier."
            ),
            field="applications_close_on",
        )


def may_edit(cohort: Cohort) -> bool:
    """Whether HR may still change the cohort's settings and criteria."""
    return cohort.status in EDITABLE


def require_editable(cohort: Cohort, field: str | None = None) -> None:
    if not may_edit(cohort):
        raise Conflict(
            N_("The cohort can only be changed while it is a draft or open for applications."),
            field=field,
        )


def update_cohort(
    actor: User,
    cohort: Cohort,
    *,
    name: str,
    applications_open_on: date,
    applications_close_on: date,
    starts_on: date,
    ends_on: date,
    seats: int,
    min_service_years: int | None,
    max_service_years: int | None,
    pay_groups: Sequence[str],
    job_role_ids: Sequence[int],
    now: datetime,
) -> None:
    """Change a cohort in draft or open. In open, once people applied, the eligibility
    may not become stricter and the window may not shrink."""
    require_editable(cohort)
    values = _cohort_fields(
        name=name,
        applications_open_on=applications_open_on,
        applications_close_on=applications_close_on,
        starts_on=starts_on,
        ends_on=ends_on,
        seats=seats,
        min_service_years=min_service_years,
        max_service_years=max_service_years,
        pay_groups=pay_groups,
        job_role_ids=job_role_ids,
    )
    if values["applications_close_on"] != cohort.applications_close_on:
        _window_not_past(values["applications_close_on"], berlin_today(now))
    if cohort.status == CohortStatus.OPEN and has_applications(cohort):
        _refuse_stricter(cohort, values)
    changes: dict[str, list[Any]] = {}
    for key, value in values.items():
        if key == "job_roles":
            old_codes = sorted(r.code for r in cohort.job_roles)
            new_codes = sorted(r.code for r in value)
            if old_codes != new_codes:
                cohort.job_roles = list(value)
                changes[key] = [old_codes, new_codes]
            continue
        old = getattr(cohort, key)
        if old != value:
            setattr(cohort, key, list(value) if isinstance(value, list) else value)
            changes[key] = [
                old.isoformat() if isinstance(old, date) else old,
                value.isoformat() if isinstance(value, date) else value,
            ]
    if changes:
        db.session.flush()
        record(actor, "cohort.updated", "cohort", cohort.id, details=changes, now=now)
        db.session.flush()
