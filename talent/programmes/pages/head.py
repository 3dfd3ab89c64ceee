"""The department head's fast-track page (/talente/kandidaten): applications of their
subtree to endorse or not, nominating someone, the subtree's members of running cohorts.

Heads see their subtree only (never themselves), and every person whose application or
progress the page shows is written to the access log (one row per person)."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import render_template, request, url_for
from flask_babel import gettext
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload
from wtforms.fields.choices import SelectChoice

from academy.accounts.models import User
from academy.audit.log import access_purpose, record_accesses
from academy.auth.policy import authorize
from academy.auth.scope import scope_of
from academy.clock import utcnow
from academy.extensions import db
from academy.org.models import Employee
from academy.web.kit import acting_user, paginate
from academy.web.urls import safe_next
from talent.programmes.applications import today_of
from talent.programmes.cohort_models import CohortMember
from talent.programmes.eligibility import open_cohorts
from talent.programmes.endorsements import head_applications_statement, may_endorse
from talent.programmes.forms.applications import (
    EndorseForm,
    NominateByNumberForm,
    NominateForm,
)
from talent.programmes.models import Cohort, Endorsement, MemberState
from talent.programmes.pages.employee import LABELS
from talent.programmes.progress import member_progress

#: Access-log codes (registered with their labels in ``talent.programmes.policy``).
APPLICATION_ACCESS = "programme_application"
PROGRESS_ACCESS = "programme_progress"
#: Up to this many people in a head's team the nomination form offers a list to choose
#: from; above, the head types the personnel number.
NOMINEE_LIST_MAX = 300


def team_size(user: User) -> int:
    """Active people of the head's subtree, not counting the head (one query)."""
    return (
        db.session.scalar(
            select(func.count(Employee.id)).where(
                scope_of(user).where(Employee.department_id),
                Employee.active.is_(True),
                Employee.id != (user.employee_id or 0),
            )
        )
        or 0
    )


def nominee_choices(user: User) -> list[SelectChoice]:
    rows = db.session.execute(
        select(Employee.id, Employee.last_name, Employee.first_name, Employee.personnel_no)
        .where(
            scope_of(user).where(Employee.department_id),
            Employee.active.is_(True),
            Employee.id != (user.employee_id or 0),
        )
        .order_by(Employee.last_name, Employee.first_name, Employee.id)
    )
    choices = [SelectChoice("", gettext("Please choose"))]
    choices += [SelectChoice(i, f"{last}, {first} ({number})") for i, last, first, number in rows]
    return choices


def cohort_choices(cohorts: list[Cohort]) -> list[SelectChoice]:
    choices = [SelectChoice("", gettext("Please choose"))]
    choices += [SelectChoice(c.id, f"{c.programme.title} – {c.name}") for c in cohorts]
    return choices


def nominate_form(
    user: User, cohorts: list[Cohort], *, bound: bool = False
) -> NominateForm | NominateByNumberForm:
    """The nomination form: a list of the team when it is small, else the personnel
    number."""
    kwargs: dict[str, Any] = {} if bound else {"formdata": None}
    form: NominateForm | NominateByNumberForm
    if team_size(user) > NOMINEE_LIST_MAX:
        form = NominateByNumberForm(**kwargs)
    else:
        form = NominateForm(**kwargs)
        form.employee.choices = nominee_choices(user)
    form.cohort.choices = cohort_choices(cohorts)
    return form


def subtree_members(user: User) -> list[CohortMember]:
    """Active members of running cohorts in the head's subtree (not the head), by name."""
    return list(
        db.session.scalars(
            select(CohortMember)
            .join(CohortMember.employee)
            .options(
                joinedload(CohortMember.employee).joinedload(Employee.department),
                joinedload(CohortMember.cohort).joinedload(Cohort.programme),
            )
            .where(
                scope_of(user).where(Employee.department_id),
                CohortMember.state == MemberState.ACTIVE.value,
                CohortMember.employee_id != (user.employee_id or 0),
            )
            .order_by(Employee.last_name, Employee.first_name, CohortMember.id)
        ).unique()
    )


def progress_of(members: list[CohortMember], today: date) -> dict[int, Any]:
    if not members:
        return {}
    return dict(member_progress(members, today))


def endorse_forms_of(page: Pagination, bound: dict[int, EndorseForm]) -> dict[int, EndorseForm]:
    """A statement form per application the head may still answer (bound ones kept)."""
    forms: dict[int, EndorseForm] = {}
    for application in page.items:
        if application.id in bound:
            forms[application.id] = bound[application.id]
        elif may_endorse(application):
            current = application.endorsement
            forms[application.id] = EndorseForm(
                formdata=None,
                prefix=f"app-{application.id}",
                decision=None if current == Endorsement.PENDING.value else current,
                comment=application.endorsement_comment,
            )
    return forms


def render_candidates(
    status: int = 200,
    *,
    nominate: NominateForm | NominateByNumberForm | None = None,
    endorse_forms: dict[int, EndorseForm] | None = None,
) -> tuple[str, int]:
    user, now = acting_user(), utcnow()
    today = today_of(now)
    page = paginate(head_applications_statement(user, today))
    forms = endorse_forms_of(page, endorse_forms or {})
    cohorts = open_cohorts(today)
    members = subtree_members(user)
    progress = progress_of(members, today)
    html = render_template(
        "talent/applications/candidates.html",
        page=page,
        endorse_forms=forms,
        nominate=nominate or (nominate_form(user, cohorts) if cohorts else None),
        members=members,
        progress=progress,
        labels=LABELS,
        pending=Endorsement.PENDING.value,
        here=url_for("talent.candidates", page=page.page),
    )
    # One access-log row per person shown (never the head), each kind in one INSERT.
    applicants = sorted({a.employee_id for a in page.items})
    record_accesses(
        user, applicants, APPLICATION_ACCESS, access_purpose("head.candidates"), now=now
    )
    in_programmes = sorted({m.employee_id for m in members})
    record_accesses(user, in_programmes, PROGRESS_ACCESS, access_purpose("head.progress"), now=now)
    db.session.commit()
    return html, status


def back_to_candidates() -> str:
    return safe_next(request.form.get("next")) or url_for("talent.candidates")


def find_nominee(user: User, form: NominateForm | NominateByNumberForm) -> Employee | None:
    """The person chosen: from the list (unknown → 404, not in the team → 403) or by
    personnel number (not found in the team → None, whether or not it exists elsewhere)."""
    if isinstance(form, NominateByNumberForm):
        number = (form.personnel_no.data or "").strip()
        employee = db.session.scalar(
            select(Employee).where(
                Employee.personnel_no == number,
                scope_of(user).where(Employee.department_id),
            )
        )
        if employee is None or employee.id == user.employee_id:
            form.personnel_no.errors = [
                *form.personnel_no.errors,
                gettext("Nobody in your team has this personnel number."),
            ]
            return None
        return employee
    employee = db.get_or_404(Employee, int(form.employee.data))
    authorize("programmes.candidates", employee)
    return employee
