"""Pages of a running cohort: the member's own programme page, the mentor's "My mentees"
with milestone sign-off, HR's member management (mentor, sign-off and taking it back,
drop-out) and a read-only progress page for the mentor and the department head.

Every view of another person's progress is written to the access log.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import (
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import case, select
from sqlalchemy.orm import joinedload
from werkzeug.routing import BuildError
from werkzeug.wrappers import Response

import talent.programme_policy  # noqa: F401 - registers the actions before @requires
from academy.auth.policy import authorize, requires
from academy.clock import to_berlin, utcnow
from academy.errors import DomainError
from academy.extensions import db
from academy.i18n import translate
from academy.models import Employee, User
from talent import bp
from talent.forms_progress import (
    DropOutForm,
    MentorForm,
    SignOffForm,
    UndoSignOffForm,
    signoff_prefix,
)
from talent.milestones import assign_mentor, drop_out, sign_off, undo_sign_off
from talent.programme_models import (
    MEMBER_STATE_LABELS,
    MILESTONE_KIND_LABELS,
    Cohort,
    CohortMember,
    MemberState,
    Milestone,
    MilestoneSignoff,
)
from talent.progress import (
    MemberProgress,
    log_progress_views,
    mentees_progress,
    progress_of,
)

T = "talent/progress/"


@bp.context_processor
def _running_labels() -> dict[str, Any]:
    return {
        "member_state_labels": MEMBER_STATE_LABELS,
        "milestone_kinds": MILESTONE_KIND_LABELS,
        "signoff_prefix": signoff_prefix,
    }


# ---------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------


def actor() -> User:
    return current_user._get_current_object()


def today() -> date:
    return to_berlin(utcnow()).date()


def url_or_none(endpoint: str, **values: Any) -> str | None:
    try:
        return url_for(endpoint, **values)
    except BuildError:
        return None


def show_error(form: FlaskForm, error: DomainError) -> int:
    """Put a domain error next to its field, else in a message at the top of the page
    (the form may not be shown again, e.g. for a milestone signed off meanwhile); returns
    the status to answer with."""
    message = translate(error.message, **error.params)
    target = getattr(form, error.field, None) if error.field else None
    if target is not None and hasattr(target, "errors"):
        target.errors = [*target.errors, message]
    else:
        flash(message, "danger")
    return error.status_code


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


def certificate_links(member: CohortMember) -> dict[str, str | None] | None:
    """Links to the member's programme certificate (PDF and detail page), None while
    there is none. The table belongs to ``reports``, which talent does not import."""
    table = db.metadata.tables.get("certificates")
    if table is None or member.state != MemberState.GRADUATED:
        return None
    cert_id = db.session.scalar(select(table.c.id).where(table.c.cohort_member_id == member.id))
    if cert_id is None:
        return None
    pdf = url_or_none("reports.certificate_pdf", cert_id=cert_id)
    if pdf is None:
        return None
    return {"pdf": pdf, "detail": url_or_none("reports.certificate", cert_id=cert_id)}


def cohort_link(cohort: Cohort) -> str | None:
    """HR's cohort dashboard, when that page exists."""
    return url_or_none("talent.cohort_dashboard", cohort_id=cohort.id)


def signoff_forms(
    progresses: list[MemberProgress], failed: tuple[str, SignOffForm] | None = None
) -> dict[str, SignOffForm]:
    """An empty sign-off form per open milestone and member (the failed one as sent)."""
    forms = {}
    for p in progresses:
        for item in p.open_milestones:
            prefix = signoff_prefix(p.member.id, item.id)
            forms[prefix] = SignOffForm(prefix=prefix, formdata=None)
    if failed is not None:
        forms[failed[0]] = failed[1]
    return forms


# ---------------------------------------------------------------------------
# The member's own page
# ---------------------------------------------------------------------------


@bp.get("/mein-programm")
@bp.get("/mein-programm/<int:member_id>")
@requires("programmes.apply")
def my_programme(member_id: int | None = None) -> str:
    """The person's programme page: the membership ``member_id`` (only their own), else
    the active one (the latest first). Someone in several cohorts (e.g. a graduate who
    joined another programme) gets links to the others."""
    user = actor()
    memberships = list(
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
    if member_id is not None:
        member = next((m for m in memberships if m.id == member_id), None)
        if member is None:
            abort(404)
    elif not memberships:
        return render_template(T + "my_programme.html", member=None, apply_link=_apply_link())
    else:
        member = memberships[0]
    return render_template(
        T + "my_programme.html",
        member=member,
        memberships=memberships if len(memberships) > 1 else [],
        progress=progress_of(member, today()),
        certificate=certificate_links(member),
        course_links="courses.course" in current_app.view_functions,
    )


def _apply_link() -> str | None:
    return url_or_none("talent.my_programmes")


# ---------------------------------------------------------------------------
# Mentor: my mentees and milestone sign-off
# ---------------------------------------------------------------------------


def render_mentees(
    failed: tuple[str, SignOffForm] | None = None, status: int = 200
) -> tuple[str, int]:
    user = actor()
    progresses = mentees_progress(user.employee_id, today()) if user.employee_id else []
    log_progress_views(user, [p.member for p in progresses], utcnow())
    db.session.commit()
    html = render_template(
        T + "mentees.html", progresses=progresses, forms=signoff_forms(progresses, failed)
    )
    return html, status


@bp.get("/mentoring")
@requires("programmes.mentor")
def mentees() -> tuple[str, int]:
    return render_mentees()


@bp.post("/teilnehmende/<int:member_id>/meilensteine/<int:milestone_id>/abzeichnen")
@requires("programmes.mentor")
def member_sign_off(member_id: int, milestone_id: int) -> Response | tuple[str, int]:
    member = load_member(member_id)
    authorize("programmes.mentor", member)
    milestone = db.session.get(Milestone, milestone_id)
    if milestone is None:
        abort(404)
    back = "manage" if request.form.get("back") == "manage" else "mentees"
    prefix = signoff_prefix(member.id, milestone.id)
    form = SignOffForm(prefix=prefix)

    def again(status: int) -> tuple[str, int]:
        if back == "manage":
            return render_manage(member, signoff=(prefix, form), status=status)
        return render_mentees(failed=(prefix, form), status=status)

    if not form.validate_on_submit():
        return again(422)
    try:
        sign_off(actor(), member, milestone, form.met_on.data, form.note.data, utcnow())
    except DomainError as error:
        db.session.rollback()
        member = load_member(member_id)
        return again(show_error(form, error))
    db.session.commit()
    flash(
        gettext(
            "“%(milestone)s” of %(name)s has been signed off.",
            milestone=milestone.title,
            name=member.employee.full_name,
        ),
        "success",
    )
    if member.state == MemberState.GRADUATED:
        flash(gettext("%(name)s has completed the programme.", name=member.employee.full_name))
    if back == "manage":
        return redirect(url_for("talent.member_manage", member_id=member.id))
    return redirect(url_for("talent.mentees"))


# ---------------------------------------------------------------------------
# Read-only progress of one member (mentor, head, HR, the member)
# ---------------------------------------------------------------------------


@bp.get("/teilnehmende/<int:member_id>/fortschritt")
@requires("programmes.member")
def member_progress(member_id: int) -> str:
    member = load_member(member_id)
    authorize("programmes.member", member)
    log_progress_views(actor(), [member], utcnow())
    db.session.commit()
    return render_template(
        T + "member_progress.html",
        member=member,
        progress=progress_of(member, today()),
        certificate=certificate_links(member),
    )


# ---------------------------------------------------------------------------
# HR: member management
# ---------------------------------------------------------------------------


def render_manage(
    member: CohortMember,
    *,
    signoff: tuple[str, SignOffForm] | None = None,
    undo: tuple[str, UndoSignOffForm] | None = None,
    mentor_form: MentorForm | None = None,
    drop_form: DropOutForm | None = None,
    status: int = 200,
) -> tuple[str, int]:
    progress = progress_of(member, today())
    signoffs = {
        s.milestone_id: s
        for s in db.session.scalars(
            select(MilestoneSignoff)
            .options(joinedload(MilestoneSignoff.signed_off_by))
            .where(MilestoneSignoff.member_id == member.id)
        )
    }
    undo_forms: dict[str, UndoSignOffForm] = {}
    for milestone_id in signoffs:
        prefix = f"u{member.id}-{milestone_id}"
        undo_forms[prefix] = UndoSignOffForm(prefix=prefix, formdata=None)
    if undo is not None:
        undo_forms[undo[0]] = undo[1]
    log_progress_views(actor(), [member], utcnow())
    db.session.commit()
    html = render_template(
        T + "manage.html",
        member=member,
        progress=progress,
        signoffs=signoffs,
        forms=signoff_forms([progress], signoff),
        undo_forms=undo_forms,
        mentor_form=mentor_form or MentorForm(formdata=None),
        drop_form=drop_form or DropOutForm(formdata=None),
        certificate=certificate_links(member),
        cohort_link=cohort_link(member.cohort),
    )
    return html, status


@bp.get("/teilnehmende/<int:member_id>")
@requires("programmes.manage")
def member_manage(member_id: int) -> tuple[str, int]:
    return render_manage(load_member(member_id))


@bp.post("/teilnehmende/<int:member_id>/mentor")
@requires("programmes.manage")
def member_assign_mentor(member_id: int) -> Response | tuple[str, int]:
    member = load_member(member_id)
    form = MentorForm()
    if not form.validate_on_submit():
        return render_manage(member, mentor_form=form, status=422)
    number = (form.personnel_no.data or "").strip()
    mentor = db.session.scalar(select(Employee).where(Employee.personnel_no == number))
    if mentor is None:
        form.personnel_no.errors = [gettext("No employee has this personnel number.")]
        return render_manage(member, mentor_form=form, status=422)
    try:
        assign_mentor(actor(), member, mentor, utcnow())
    except DomainError as error:
        db.session.rollback()
        if error.field == "mentor":
            error.field = "personnel_no"
        status = show_error(form, error)
        return render_manage(load_member(member_id), mentor_form=form, status=status)
    db.session.commit()
    flash(gettext("%(name)s is now the mentor.", name=mentor.full_name), "success")
    return redirect(url_for("talent.member_manage", member_id=member.id))


@bp.post("/teilnehmende/<int:member_id>/meilensteine/<int:milestone_id>/zuruecknehmen")
@requires("programmes.manage")
def member_undo_sign_off(member_id: int, milestone_id: int) -> Response | tuple[str, int]:
    member = load_member(member_id)
    signoff = db.session.scalar(
        select(MilestoneSignoff).where(
            MilestoneSignoff.member_id == member.id, MilestoneSignoff.milestone_id == milestone_id
        )
    )
    if signoff is None:
        abort(404)
    prefix = f"u{member.id}-{milestone_id}"
    form = UndoSignOffForm(prefix=prefix)
    if not form.validate_on_submit():
        return render_manage(member, undo=(prefix, form), status=422)
    try:
        undo_sign_off(actor(), signoff, form.reason.data or "", utcnow())
    except DomainError as error:
        db.session.rollback()
        status = show_error(form, error)
        return render_manage(load_member(member_id), undo=(prefix, form), status=status)
    db.session.commit()
    flash(gettext("The sign-off has been taken back."), "success")
    return redirect(url_for("talent.member_manage", member_id=member.id))


@bp.post("/teilnehmende/<int:member_id>/ausscheiden")
@requires("programmes.manage")
def member_drop_out(member_id: int) -> Response | tuple[str, int]:
    member = load_member(member_id)
    form = DropOutForm()
    if not form.validate_on_submit():
        return render_manage(member, drop_form=form, status=422)
    try:
        drop_out(actor(), member, form.reason.data or "", utcnow())
    except DomainError as error:
        db.session.rollback()
        status = show_error(form, error)
        return render_manage(load_member(member_id), drop_form=form, status=status)
    db.session.commit()
    flash(gettext("%(name)s has left the programme.", name=member.employee.full_name), "success")
    return redirect(url_for("talent.member_manage", member_id=member.id))
