"""Fast-track applications in the browser: the employee's page (/talente/nachwuchsprogramme:
open cohorts, whether they may apply or why not, applying, their own applications with
the head's statement, withdrawing, nominations to accept or decline) and the department
head's page (/talente/kandidaten: applications of their subtree to endorse or not,
nominating someone, the subtree's members of running cohorts).

Data protection: applicants see only their own applications, never scores or ranks;
heads see their subtree only (never themselves), and every person whose application or
progress a head's page shows is written to the access log (one row per person).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user
from flask_sqlalchemy.pagination import Pagination
from flask_wtf import FlaskForm
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload
from werkzeug.wrappers import Response
from wtforms.fields.choices import SelectChoice

import talent.programme_policy  # noqa: F401 - registers the actions before @requires
from academy.audit import record_accesses
from academy.auth.policy import authorize, requires, scope_department_ids
from academy.clock import utcnow
from academy.errors import DomainError
from academy.extensions import db
from academy.i18n import N_, translate
from academy.models import Employee, User
from academy.navigation import NavItem, add_nav
from academy.urls import safe_next
from talent import bp
from talent.applications import (
    accept_nomination,
    apply,
    decline_nomination,
    endorse,
    head_applications_statement,
    may_endorse,
    may_withdraw,
    nominate,
    today_of,
    withdraw,
)
from talent.eligibility import Reason, open_cohorts, open_cohorts_for
from talent.forms_applications import (
    AcceptNominationForm,
    ApplyForm,
    EndorseForm,
    NominateByNumberForm,
    NominateForm,
)
from talent.programme_models import (
    APPLICATION_STATE_LABELS,
    COHORT_STATUS_LABELS,
    ENDORSEMENT_LABELS,
    MEMBER_STATE_LABELS,
    Application,
    ApplicationState,
    Cohort,
    CohortMember,
    Endorsement,
    MemberState,
)
from talent.progress import member_progress, programme_relations
from talent.views_profiles import page_number, per_page, show_error

add_nav(
    NavItem("talent.my_programmes", N_("Fast-track programmes"), "programmes.apply", "main", 22)
)
add_nav(
    NavItem("talent.candidates", N_("Fast-track candidates"), "programmes.candidates", "main", 27)
)

#: Access-log codes (registered with their labels in ``talent.programme_policy``).
APPLICATION_ACCESS = "programme_application"
PROGRESS_ACCESS = "programme_progress"
#: Up to this many people in a head's team the nomination form offers a list to choose
#: from; above, the head types the personnel number.
NOMINEE_LIST_MAX = 300

LABELS = {
    "state": APPLICATION_STATE_LABELS,
    "endorsement": ENDORSEMENT_LABELS,
    "cohort": COHORT_STATUS_LABELS,
    "member": MEMBER_STATE_LABELS,
}


def actor() -> User:
    return current_user._get_current_object()


def get_or_404(model: type[Any], object_id: int) -> Any:
    item = db.session.get(model, object_id)
    if item is None:
        abort(404)
    return item


def load_application(application_id: int) -> Application:
    return db.session.scalars(
        select(Application)
        .options(
            joinedload(Application.employee).joinedload(Employee.department),
            joinedload(Application.cohort).joinedload(Cohort.programme),
        )
        .where(Application.id == application_id)
    ).one_or_none() or abort(404)


def programme_page_url(member: CohortMember) -> str:
    """The member's own page of this membership."""
    return url_for("talent.my_programme", member_id=member.id)


# ---------------------------------------------------------------------------
# The employee's page
# ---------------------------------------------------------------------------


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
    page.memberships = [(m, programme_page_url(m)) for m in own_memberships(employee.id)]
    page.mentors = programme_relations(employee.id)[1]
    return page


def render_my_page(status: int = 200, **forms: Any) -> tuple[str, int]:
    user = actor()
    employee = user.employee
    if employee is None:
        abort(403)
    data = my_page(employee, today_of(utcnow()), **forms)
    html = render_template(
        "talent/applications/my_programmes.html",
        page=data,
        labels=LABELS,
        may_withdraw=may_withdraw,
        pending=Endorsement.PENDING.value,
    )
    return html, status


@bp.get("/nachwuchsprogramme")
@requires("programmes.apply")
def my_programmes() -> tuple[str, int]:
    return render_my_page()


def field_or_flash(form: FlaskForm, error: DomainError) -> int:
    """A service error about a field goes next to it; any other one is flashed (the
    page may not show the form then, e.g. once the window has closed)."""
    if error.field:
        return show_error(form, error)
    flash(translate(error.message, **error.params), "danger")
    return error.status_code


def refused_here(error: DomainError) -> Response:
    """A service said no to something the page does not show a form for."""
    db.session.rollback()
    flash(translate(error.message, **error.params), "danger")
    return redirect(url_for("talent.my_programmes"))


@bp.post("/nachwuchsprogramme/<int:cohort_id>/bewerben")
@requires("programmes.apply")
def apply_to_cohort(cohort_id: int) -> Response | tuple[str, int]:
    cohort = get_or_404(Cohort, cohort_id)
    form = ApplyForm(prefix=f"cohort-{cohort.id}")
    if not form.validate_on_submit():
        return render_my_page(422, apply_forms={cohort.id: form})
    try:
        apply(actor(), cohort, form.motivation.data or "", utcnow())
    except DomainError as error:
        db.session.rollback()
        return render_my_page(field_or_flash(form, error), apply_forms={cohort_id: form})
    title = cohort.programme.title
    db.session.commit()
    flash(
        gettext(
            "Your application to “%(cohort)s” (%(programme)s) has been received.",
            cohort=cohort.name,
            programme=title,
        ),
        "success",
    )
    return redirect(url_for("talent.my_programmes"))


def own_application(application_id: int) -> Application:
    """One of the current user's applications: unknown → 404, someone else's → 403."""
    application = load_application(application_id)
    authorize("programmes.apply", application)
    return application


@bp.post("/nachwuchsprogramme/bewerbungen/<int:application_id>/zurueckziehen")
@requires("programmes.apply")
def withdraw_application(application_id: int) -> Response:
    application = own_application(application_id)
    try:
        withdraw(actor(), application, utcnow())
    except DomainError as error:
        return refused_here(error)
    message = gettext(
        "Your application to “%(cohort)s” has been withdrawn.", cohort=application.cohort.name
    )
    db.session.commit()
    flash(message, "success")
    return redirect(url_for("talent.my_programmes"))


@bp.post("/nachwuchsprogramme/bewerbungen/<int:application_id>/annehmen")
@requires("programmes.apply")
def accept_nomination_view(application_id: int) -> Response | tuple[str, int]:
    application = own_application(application_id)
    form = AcceptNominationForm(prefix=f"nomination-{application.id}")
    if not form.validate_on_submit():
        return render_my_page(422, accept_forms={application.id: form})
    try:
        accept_nomination(actor(), application, form.motivation.data or "", utcnow())
    except DomainError as error:
        db.session.rollback()
        return render_my_page(field_or_flash(form, error), accept_forms={application_id: form})
    message = gettext(
        "You have accepted the nomination for “%(cohort)s”; your application has been received.",
        cohort=application.cohort.name,
    )
    db.session.commit()
    flash(message, "success")
    return redirect(url_for("talent.my_programmes"))


@bp.post("/nachwuchsprogramme/bewerbungen/<int:application_id>/ablehnen")
@requires("programmes.apply")
def decline_nomination_view(application_id: int) -> Response:
    application = own_application(application_id)
    try:
        decline_nomination(actor(), application, utcnow())
    except DomainError as error:
        return refused_here(error)
    message = gettext(
        "You have declined the nomination for “%(cohort)s”.", cohort=application.cohort.name
    )
    db.session.commit()
    flash(message, "success")
    return redirect(url_for("talent.my_programmes"))


# ---------------------------------------------------------------------------
# The head's page
# ---------------------------------------------------------------------------


def team_size(user: User) -> int:
    """Active people of the head's subtree, not counting the head (one query)."""
    scope = sorted(scope_department_ids(user))
    return (
        db.session.scalar(
            select(func.count(Employee.id)).where(
                Employee.department_id.in_(scope),
                Employee.active.is_(True),
                Employee.id != (user.employee_id or 0),
            )
        )
        or 0
    )


def nominee_choices(user: User) -> list[SelectChoice]:
    scope = sorted(scope_department_ids(user))
    rows = db.session.execute(
        select(Employee.id, Employee.last_name, Employee.first_name, Employee.personnel_no)
        .where(
            Employee.department_id.in_(scope),
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
    scope = sorted(scope_department_ids(user))
    return list(
        db.session.scalars(
            select(CohortMember)
            .join(CohortMember.employee)
            .options(
                joinedload(CohortMember.employee).joinedload(Employee.department),
                joinedload(CohortMember.cohort).joinedload(Cohort.programme),
            )
            .where(
                Employee.department_id.in_(scope),
                CohortMember.state == MemberState.ACTIVE.value,
                CohortMember.employee_id != (user.employee_id or 0),
            )
            .order_by(Employee.last_name, Employee.first_name, CohortMember.id)
        ).unique()
    )


def progress_of(members: list[CohortMember], today: date) -> dict[int, Any]:
    """Progress summaries from the "running" part (``talent.progress``), if it exists."""
    if not members:
        return {}
    return dict(member_progress(members, today))


def render_candidates(
    status: int = 200,
    *,
    nominate: NominateForm | NominateByNumberForm | None = None,
    endorse_forms: dict[int, EndorseForm] | None = None,
) -> tuple[str, int]:
    user, now = actor(), utcnow()
    today = today_of(now)
    page: Pagination = db.paginate(
        head_applications_statement(user, today),
        page=page_number(),
        per_page=per_page(),
        error_out=False,
    )
    endorse_forms = endorse_forms or {}
    forms: dict[int, EndorseForm] = {}
    for application in page.items:
        if application.id in endorse_forms:
            forms[application.id] = endorse_forms[application.id]
        elif may_endorse(application):
            current = application.endorsement
            forms[application.id] = EndorseForm(
                formdata=None,
                prefix=f"app-{application.id}",
                decision=None if current == Endorsement.PENDING.value else current,
                comment=application.endorsement_comment,
            )
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
    record_accesses(user, sorted({a.employee_id for a in page.items}), APPLICATION_ACCESS, now=now)
    record_accesses(user, sorted({m.employee_id for m in members}), PROGRESS_ACCESS, now=now)
    db.session.commit()
    return html, status


@bp.get("/kandidaten")
@requires("programmes.candidates")
def candidates() -> tuple[str, int]:
    return render_candidates()


def back_to_candidates() -> str:
    return safe_next(request.form.get("next")) or url_for("talent.candidates")


@bp.post("/kandidaten/<int:application_id>/stellungnahme")
@requires("programmes.candidates")
def endorse_application(application_id: int) -> Response | tuple[str, int]:
    application = load_application(application_id)
    authorize("programmes.candidates", application)
    form = EndorseForm(prefix=f"app-{application.id}")
    if not form.validate_on_submit():
        return render_candidates(422, endorse_forms={application.id: form})
    endorsed = form.decision.data == Endorsement.ENDORSED.value
    try:
        endorse(actor(), application, endorsed, form.comment.data or "", utcnow())
    except DomainError as error:
        db.session.rollback()
        return render_candidates(field_or_flash(form, error), endorse_forms={application_id: form})
    message = gettext(
        "Your statement on the application of %(name)s has been saved; %(name)s has been told.",
        name=application.employee.full_name,
    )
    target = back_to_candidates()
    db.session.commit()
    flash(message, "success")
    return redirect(target)


def find_nominee(user: User, form: NominateForm | NominateByNumberForm) -> Employee | None:
    """The person chosen: from the list (unknown → 404, not in the team → 403) or by
    personnel number (not found in the team → None, whether or not it exists elsewhere)."""
    if isinstance(form, NominateByNumberForm):
        number = (form.personnel_no.data or "").strip()
        employee = db.session.scalar(
            select(Employee).where(
                Employee.personnel_no == number,
                Employee.department_id.in_(sorted(scope_department_ids(user))),
            )
        )
        if employee is None or employee.id == user.employee_id:
            form.personnel_no.errors = [
                *form.personnel_no.errors,
                gettext("Nobody in your team has this personnel number."),
            ]
            return None
        return employee
    employee = get_or_404(Employee, int(form.employee.data))
    authorize("programmes.candidates", employee)
    return employee


@bp.post("/kandidaten/nominieren")
@requires("programmes.candidates")
def nominate_candidate() -> Response | tuple[str, int]:
    user = actor()
    cohorts = open_cohorts(today_of(utcnow()))
    form = nominate_form(user, cohorts, bound=True)
    if not form.validate_on_submit():
        return render_candidates(422, nominate=form)
    employee = find_nominee(user, form)
    if employee is None:
        return render_candidates(422, nominate=form)
    cohort = get_or_404(Cohort, int(form.cohort.data))
    try:
        nominate(user, cohort, employee, form.note.data or "", utcnow())
    except DomainError as error:
        db.session.rollback()
        status = show_error(form, error)
        return render_candidates(status, nominate=form)
    message = gettext(
        "%(name)s has been nominated for “%(cohort)s” and has been told.",
        name=employee.full_name,
        cohort=cohort.name,
    )
    db.session.commit()
    flash(message, "success")
    return redirect(url_for("talent.candidates"))
