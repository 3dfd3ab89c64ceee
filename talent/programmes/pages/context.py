"""What the fast-track pages share: objects by id (404 when unknown), today in Berlin,
the label tables, a refused action's message at its field or in a flash, and the links
to a graduate's certificate."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import abort
from flask_wtf import FlaskForm
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from academy.clock import to_berlin, utcnow
from academy.errors import DomainError
from academy.extensions import db
from academy.org.models import Employee
from academy.web.kit import flash_error, show_error
from talent.programmes.cohort_models import Application, CohortMember
from talent.programmes.models import (
    COHORT_STATUS_LABELS,
    MILESTONE_KIND_LABELS,
    Cohort,
)
from talent.programmes.window import window_note


def today() -> date:
    return to_berlin(utcnow()).date()


def labels() -> dict[str, Any]:
    """Label tables the fast-track templates translate with ``_()``, and the note on an
    open cohort whose application window is not running today."""
    day = today()
    return {
        "status_labels": COHORT_STATUS_LABELS,
        "kind_labels": MILESTONE_KIND_LABELS,
        "window_note": lambda cohort: window_note(cohort, day),
    }


def field_or_flash(
    form: FlaskForm | None, error: DomainError, fields: dict[str, str] | None = None
) -> int:
    """A service error about a field of ``form`` goes next to it; any other one is
    flashed (the page may not show the form again, e.g. once the window has closed or
    the milestone was signed off meanwhile). Returns the status code."""
    name = (fields or {}).get(error.field or "", error.field)
    if form is not None and name and hasattr(form, name):
        return show_error(form, error, fields)
    return flash_error(error)


def load_application(application_id: int) -> Application:
    """An application with its person (and department) and cohort (and programme)."""
    return db.session.scalars(
        select(Application)
        .options(
            joinedload(Application.employee).joinedload(Employee.department),
            joinedload(Application.cohort).joinedload(Cohort.programme),
        )
        .where(Application.id == application_id)
    ).one_or_none() or abort(404)


def cohort_with_programme(cohort_id: int) -> Cohort:
    cohort = db.session.scalar(
        select(Cohort).options(joinedload(Cohort.programme)).where(Cohort.id == cohort_id)
    )
    if cohort is None:
        abort(404)
    return cohort


def load_member(member_id: int) -> CohortMember:
    member = db.session.scalar(
        select(CohortMember)
        .options(
            joinedload(CohortMember.employee),
            joinedload(CohortMember.mentor),
            joinedload(CohortMember.cohort).joinedload(Cohort.programme),
        )
        .where(CohortMember.id == member_id)
    )
    if member is None:
        abort(404)
    return member
