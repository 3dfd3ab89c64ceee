"""The employee's fast-track pages: open cohorts with whether they may apply or why not,
their own applications and nominations (/talente/nachwuchsprogramme), and their own
programme page with its progress (/talente/mein-programm)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask import abort, redirect, render_template, url_for
from sqlalchemy import case, select
from sqlalchemy.orm import joinedload
from werkzeug.wrappers import Response

from academy.accounts.models import User
from academy.clock import utcnow
from academy.errors import DomainError
from academy.extensions import db
from academy.org.models import Employee
from academy.web.kit import acting_user, flash_error
from talent.programmes.applications import may_withdraw, today_of
from talent.programmes.cohort_models import Application, CohortMember
from talent.programmes.eligibility import Reason, open_cohorts_for
from talent.programmes.forms.applications import AcceptNominationForm, ApplyForm
from talent.programmes.models import (
    APPLICATION_STATE_LABELS,
    COHORT_STATUS_LABELS,
    ENDORSEMENT_LABELS,
    MEMBER_STATE_LABELS,
    ApplicationState,
    Cohort,
    Endorsement,
    MemberState,
)
from talent.programmes.pages.context import today
from talent.programmes.progress import programme_relations
from talent.programmes.progress import progress_of as member_progress_of

LABELS = {
    "state": APPLICATION_STATE_LABELS,
    "endorsement": ENDORSEMENT_LABELS,
    "cohort": COHORT_STATUS_LABELS,
    "member": MEMBER_STATE_LABELS,
}


def programme_page_url(member: CohortMember) -> str:
    """The member's own page of this membership."""
    return url_for("talent.my_programme", member_id=member.id)


@dataclass
class Offer:
    """An open cohort as the employee sees it."""

    cohort: Cohort
    reasons: list[Reason]
    application: Application | None = None
    form: ApplyForm | None = None


@dataclass
class MyPage:
    offers: list[Offer] = field(default_factory=list)
    applications: list[Application] = field(default_factory=list)
    nominations: list[tuple[Application, AcceptNominationForm]] = field(default_factory=list)
    memberships: list[tuple[CohortMember, str | None]] = field(default_factory=list)
    mentors: bool = False  # mentors an active member: link to "my mentees"
    withdrawable: set[int] = field(default_factory=set)  # applications they may withdraw


def own_applications(employee_id: int) -> list[Application]:
    """All of the person's applications, newest first (one query)."""
    return list(
        db.session.scalars(
            select(Application)
            .options(
                joinedload(Application.cohort).joinedload(Cohort.programme),
                joinedload(Application.endorsed_by),
                joinedload(Application.nominated_by),
            )
            .where(Application.employee_id == employee_id)
            .order_by(Application.created_at.desc(), Application.id.desc())
        ).unique()
    )


def own_memberships(employee_id: int) -> list[CohortMember]:
    return list(
        db.session.scalars(
            select(CohortMember)
            .options(joinedload(CohortMember.cohort).joinedload(Cohort.programme))
            .where(
                CohortMember.employee_id == employee_id,
                CohortMember.state.in_([MemberState.ACTIVE.value, MemberState.GRADUATED.value]),
            )
            .order_by(CohortMember.joined_at.desc())
        ).unique()
    )


def my_page(
    employee: Employee,
    today: date,
    *,
    apply_forms: dict[int, ApplyForm] | None = None,
    accept_forms: dict[int, AcceptNominationForm] | None = None,
) -> MyPage:
    """Everything the employee's page shows; bound forms (with their errors) replace
    the fresh ones of their cohort or nomination. A constant number of queries."""
    apply_forms = apply_forms or {}
    accept_forms = accept_forms or {}
    page = MyPage(applications=own_applications(employee.id))
    by_cohort = {a.cohort_id: a for a in page.applications}
    for cohort, reasons in open_cohorts_for(employee, today):
        offer = Offer(cohort, reasons, by_cohort.get(cohort.id))
        open_again = offer.application is None or (
            offer.application.state == ApplicationState.WITHDRAWN.value
        )
        if open_again and not reasons:
            offer.form = apply_forms.get(cohort.id) or ApplyForm(
                formdata=None, prefix=f"cohort-{cohort.id}"
            )
        page.offers.append(offer)
    for application in page.applications:
        if application.state == ApplicationState.NOMINATED.value:
            form = accept_forms.get(application.id) or AcceptNominationForm(
                formdata=None, prefix=f"nomination-{application.id}"
            )
            page.nominations.append((application, form))
        if application.state == ApplicationState.SUBMITTED.value and may_withdraw(application):
            page.withdrawable.add(application.id)
    page.memberships = [(m, programme_page_url(m)) for m in own_memberships(employee.id)]
    page.mentors = programme_relations(employee.id)[1]
    return page


def render_my_page(status: int = 200, **forms: Any) -> tuple[str, int]:
    employee = acting_user().employee
    if employee is None:
        abort(403)
    data = my_page(employee, today_of(utcnow()), **forms)
    html = render_template(
        "talent/applications/my_programmes.html",
        page=data,
        labels=LABELS,
        pending=Endorsement.PENDING.value,
    )
    return html, status


def refused_here(error: DomainError) -> Response:
    """A service said no to something the page does not show a form for."""
    db.session.rollback()
    flash_error(error)
    return redirect(url_for("talent.my_programmes"))


def memberships_of(user: User) -> list[CohortMember]:
    """The person's memberships, the active one first, then the latest."""
    return list(
        db.session.scalars(
            select(CohortMember)
            .options(
                joinedload(CohortMember.mentor),
                joinedload(CohortMember.cohort).joinedload(Cohort.programme),
            )
            .where(CohortMember.employee_id == user.employee_id)
            .order_by(
                case((CohortMember.state == MemberState.ACTIVE.value, 0), else_=1),
                CohortMember.joined_at.desc(),
                CohortMember.id.desc(),
            )
        ).unique()
    )


def my_programme_page(user: User, member_id: int | None) -> str:
    """The person's programme page: the membership ``member_id`` (only their own), else
    the active one (the latest first). Someone in several cohorts (e.g. a graduate who
    joined another programme) gets links to the others."""
    template = "talent/progress/my_programme.html"
    memberships = memberships_of(user)
    if member_id is not None:
        member = next((m for m in memberships if m.id == member_id), None)
        if member is None:
            abort(404)
    elif not memberships:
        return render_template(template, member=None, apply_link=url_for("talent.my_programmes"))
    else:
        member = memberships[0]
    return render_template(
        template,
        member=member,
        memberships=memberships if len(memberships) > 1 else [],
        progress=member_progress_of(member, today()),
    )
