"""The weighted selection criteria of a fast-track cohort (HR): adding, changing and
removing them while the cohort may still change.

Plain service functions: ``actor`` and ``now`` are arguments, they flush only; the view
commits. Business-rule errors raise ``ValidationFailed`` / ``Conflict`` whose ``field``
names the form field."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from academy.accounts.models import User
from academy.audit.log import record
from academy.errors import Conflict, ValidationFailed
from academy.extensions import db
from academy.i18n import N_
from talent.programmes.cohort_settings import MAX_DESCRIPTION, MAX_NAME, require_editable
from talent.programmes.models import Cohort, CohortStatus, SelectionCriterion

#: The weights a criterion may have.
WEIGHT_MIN, WEIGHT_MAX = 1, 10


# ---------------------------------------------------------------------------
# Selection criteria
# ---------------------------------------------------------------------------


def _criterion_fields(
    cohort: Cohort,
    criterion: SelectionCriterion | None,
    name: str | None,
    description: str | None,
    weight: object,
) -> dict[str, Any]:
    name = (name or "").strip()
    if not name:
        raise ValidationFailed(N_("Please enter a name."), field="name")
    if len(name) > MAX_NAME:
        raise ValidationFailed(
            N_("The name may have at most %(max)s characters."), field="name", max=MAX_NAME
        )
    for other in cohort.criteria:
        if other is not criterion and other.name.casefold() == name.casefold():
            raise Conflict(
                N_("The cohort already has a criterion called %(name)s."), field="name", name=name
            )
    text = (description or "").strip()
    if len(text) > MAX_DESCRIPTION:
        raise ValidationFailed(
            N_("The text is too long (at most %(max)s characters)."),
            field="description",
            max=MAX_DESCRIPTION,
        )
    if (
        isinstance(weight, bool)
        or not isinstance(weight, int)
        or not WEIGHT_MIN <= weight <= WEIGHT_MAX
    ):
        raise ValidationFailed(
            N_("The weight must be a whole number from %(min)s to %(max)s."),
            field="weight",
            min=WEIGHT_MIN,
            max=WEIGHT_MAX,
        )
    return {"name": name, "description": text or None, "weight": weight}


def add_criterion(
    actor: User,
    cohort: Cohort,
    *,
    name: str,
    description: str | None,
    weight: int,
    now: datetime,
) -> SelectionCriterion:
    """A selection criterion with its weight (1–10), after the existing ones."""
    require_editable(cohort)
    values = _criterion_fields(cohort, None, name, description, weight)
    position = max((c.position for c in cohort.criteria), default=-1) + 1
    criterion = SelectionCriterion(**values, position=position)
    cohort.criteria.append(criterion)
    db.session.flush()
    record(
        actor,
        "cohort.criterion_added",
        "cohort",
        cohort.id,
        details={"criterion_id": criterion.id, **values},
        now=now,
    )
    db.session.flush()
    return criterion


def update_criterion(
    actor: User,
    criterion: SelectionCriterion,
    *,
    name: str,
    description: str | None,
    weight: int,
    now: datetime,
) -> None:
    cohort = criterion.cohort
    require_editable(cohort)
    values = _criterion_fields(cohort, criterion, name, description, weight)
    changes: dict[str, list[Any]] = {}
    for key, value in values.items():
        old = getattr(criterion, key)
        if old != value:
            changes[key] = [old, value]
            setattr(criterion, key, value)
    if changes:
        db.session.flush()
        record(
            actor,
            "cohort.criterion_updated",
            "cohort",
            cohort.id,
            details={"criterion_id": criterion.id, **changes},
            now=now,
        )
        db.session.flush()


def remove_criterion(actor: User, criterion: SelectionCriterion, now: datetime) -> None:
    """Draft or open only; an open cohort keeps at least one criterion."""
    cohort = criterion.cohort
    require_editable(cohort)
    if cohort.status == CohortStatus.OPEN and len(cohort.criteria) <= 1:
        raise Conflict(N_("A cohort open for applications needs at least one selection criterion."))
    details = {
        "criterion_id": criterion.id,
        "name": criterion.name,
        "weight": criterion.weight,
    }
    cohort.criteria.remove(criterion)
    db.session.flush()
    record(actor, "cohort.criterion_removed", "cohort", cohort.id, details=details, now=now)
    db.session.flush()
