"""Fast-track programmes (HR): the programme itself; archiving, reactivating and
deleting it. Its curriculum and target competences are in
``talent.programmes.curriculum``.

Plain service functions: ``actor`` and ``now`` are arguments, they flush only and write
the audit log (object type ``programme``); the view commits. Business-rule errors raise
``ValidationFailed`` / ``Conflict`` whose ``field`` names the form field the message
belongs to. Cohorts are in ``talent.programmes.cohorts``.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from academy.accounts.models import User
from academy.audit.log import record
from academy.errors import Conflict, ValidationFailed
from academy.extensions import db
from academy.i18n import N_
from talent.programmes.models import (
    Cohort,
    Programme,
)

CODE_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
MAX_CODE = 32
MAX_TITLE = 200
MAX_DESCRIPTION = 5000
MAX_LENGTH_MONTHS = 60
#: The latest a curriculum item may be due: ten years after the cohort start.
MAX_OFFSET_DAYS = 3660


# ---------------------------------------------------------------------------
# Checks
# ---------------------------------------------------------------------------


def checked_text(value: str | None, field: str, limit: int, *, required: bool, message: str) -> str:
    text = (value or "").strip()
    if not text and required:
        raise ValidationFailed(message, field=field)
    if len(text) > limit:
        raise ValidationFailed(
            N_("The text is too long (at most %(max)s characters)."), field=field, max=limit
        )
    return text


def optional_text(value: str | None, field: str) -> str | None:
    return checked_text(value, field, MAX_DESCRIPTION, required=False, message="") or None


def _length(length_months: object) -> int:
    if (
        isinstance(length_months, bool)
        or not isinstance(length_months, int)
        or not 1 <= length_months <= MAX_LENGTH_MONTHS
    ):
        raise ValidationFailed(
            N_("The length must be a whole number of months from 1 to %(max)s."),
            field="length_months",
            max=MAX_LENGTH_MONTHS,
        )
    return length_months


def check_offset(due_offset_days: object, field: str = "due_offset_days") -> int:
    """A due offset in days after the cohort start: a whole number from 0."""
    if isinstance(due_offset_days, bool) or not isinstance(due_offset_days, int):
        raise ValidationFailed(
            N_("Please enter the number of days after the cohort start."), field=field
        )
    if due_offset_days < 0:
        raise ValidationFailed(
            N_("The due date cannot lie before the cohort start (0 days or more)."), field=field
        )
    if due_offset_days > MAX_OFFSET_DAYS:
        raise ValidationFailed(
            N_("The due date may lie at most %(max)s days after the cohort start."),
            field=field,
            max=MAX_OFFSET_DAYS,
        )
    return due_offset_days


def changed_values(obj: Any, values: dict[str, Any]) -> dict[str, list[Any]]:
    """Set the attributes and return ``{name: [old, new]}`` of those that changed."""
    changes: dict[str, list[Any]] = {}
    for name, value in values.items():
        old = getattr(obj, name)
        if old != value:
            changes[name] = [old, value]
            setattr(obj, name, value)
    return changes


# ---------------------------------------------------------------------------
# Programmes
# ---------------------------------------------------------------------------


def _code(code: str | None) -> str:
    code = (code or "").strip()
    if not code:
        raise ValidationFailed(N_("Please enter a code."), field="code")
    if len(code) > MAX_CODE or not CODE_PATTERN.match(code):
        raise ValidationFailed(
            N_(
                "The code may have up to 32 letters, digits, dots, hyphens and underscores "
                "and must start with a letter or digit."
            ),
            field="code",
        )
    taken = select(Programme.id).where(func.lower(Programme.code) == code.lower())
    if db.session.scalar(taken) is not None:
        raise Conflict(N_("The code %(code)s is already in use."), field="code", code=code)
    return code


def _programme_fields(title: str | None, description: str | None, length_months: object) -> dict:
    return {
        "title": checked_text(
            title, "title", MAX_TITLE, required=True, message=N_("Please enter a title.")
        ),
        "description": optional_text(description, "description"),
        "length_months": _length(length_months),
    }


def create_programme(
    actor: User,
    *,
    code: str,
    title: str,
    description: str | None,
    length_months: int,
    now: datetime,
) -> Programme:
    """A new (active) programme with an empty curriculum."""
    values = {"code": _code(code), **_programme_fields(title, description, length_months)}
    programme = Programme(**values, archived=False, created_at=now, created_by_id=actor.id)
    try:
        with db.session.begin_nested():
            db.session.add(programme)
            db.session.flush()
    except IntegrityError as exc:  # the same code saved at the same moment
        raise Conflict(
            N_("The code %(code)s is already in use."), field="code", code=values["code"]
        ) from exc
    record(
        actor,
        "programme.created",
        "programme",
        programme.id,
        to_state="active",
        details=values,
        now=now,
    )
    db.session.flush()
    return programme


def update_programme(
    actor: User,
    programme: Programme,
    *,
    title: str,
    description: str | None,
    length_months: int,
    now: datetime,
) -> None:
    """Change title, description and length (the code stays)."""
    changes = changed_values(programme, _programme_fields(title, description, length_months))
    if changes:
        db.session.flush()
        record(actor, "programme.updated", "programme", programme.id, details=changes, now=now)
        db.session.flush()


def archive_programme(actor: User, programme: Programme, now: datetime) -> None:
    """No new cohorts can be created; existing cohorts go on as they are."""
    if programme.archived:
        raise Conflict(N_("The programme is already archived."))
    programme.archived = True
    db.session.flush()
    record(
        actor,
        "programme.archived",
        "programme",
        programme.id,
        from_state="active",
        to_state="archived",
        now=now,
    )
    db.session.flush()


def unarchive_programme(actor: User, programme: Programme, now: datetime) -> None:
    if not programme.archived:
        raise Conflict(N_("The programme is not archived."))
    programme.archived = False
    db.session.flush()
    record(
        actor,
        "programme.unarchived",
        "programme",
        programme.id,
        from_state="archived",
        to_state="active",
        now=now,
    )
    db.session.flush()


def cohort_count(programme: Programme) -> int:
    return int(
        db.session.scalar(
            select(func.count()).select_from(Cohort).where(Cohort.programme_id == programme.id)
        )
        or 0
    )


def delete_programme(actor: User, programme: Programme, now: datetime) -> None:
    """Delete a programme that never had a cohort (with its curriculum and targets);
    a programme with cohorts is kept for their history — archive it instead."""
    if cohort_count(programme):
        raise Conflict(
            N_("The programme has cohorts, so it cannot be deleted; archive it instead.")
        )
    details = {
        "code": programme.code,
        "title": programme.title,
        "courses": [pc.course_id for pc in programme.courses],
        "milestones": [m.title for m in programme.milestones],
        "targets": [[t.competence_id, t.level] for t in programme.targets],
    }
    programme_id = programme.id
    was = "archived" if programme.archived else "active"
    db.session.delete(programme)
    db.session.flush()
    record(
        actor,
        "programme.deleted",
        "programme",
        programme_id,
        from_state=was,
        details=details,
        now=now,
    )
    db.session.flush()
