"""Pages of a running cohort's members: the mentor's "My mentees" with milestone sign-off,
a read-only progress page (mentor, head, HR, the member) and HR's member management
(mentor, sign-off and taking it back, drop-out).

Every view of another person's progress is written to the access log."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from werkzeug.wrappers import Response

from academy.accounts.models import User
from academy.auth.policy import can
from academy.clock import utcnow
from academy.extensions import db
from academy.org.models import Employee
from academy.web.kit import acting_user
from talent.programmes.cohort_models import CohortMember, MilestoneSignoff
from talent.programmes.forms.progress import (
    DropOutForm,
    MentorForm,
    SignOffForm,
    UndoSignOffForm,
    signoff_prefix,
)
from talent.programmes.milestones import is_active, may_undo_sign_off
from talent.programmes.models import MemberState
from talent.programmes.pages.context import today
from talent.programmes.progress import (
    MemberProgress,
    log_progress_views,
    mentees_progress,
    progress_of,
)

T = "talent/progress/"


def undo_prefix(member_id: int, milestone_id: int) -> str:
    return f"u{member_id}-{milestone_id}"


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


def render_mentees(
    failed: tuple[str, SignOffForm] | None = None, status: int = 200
) -> tuple[str, int]:
    user = acting_user()
    progresses = mentees_progress(user.employee_id, today()) if user.employee_id else []
    log_progress_views(user, [p.member for p in progresses], utcnow())
    db.session.commit()
    html = render_template(
        T + "mentees.html", progresses=progresses, forms=signoff_forms(progresses, failed)
    )
    return html, status


def after_sign_off(member: CohortMember, title: str, back: str) -> Response:
    """The messages after a sign-off and the way back (HR's page or the mentees)."""
    name = member.employee.full_name
    flash(
        gettext("“%(milestone)s” of %(name)s has been signed off.", milestone=title, name=name),
        "success",
    )
    if member.state == MemberState.GRADUATED:
        flash(gettext("%(name)s has completed the programme.", name=name))
    if back == "manage":
        return redirect(url_for("talent.member_manage", member_id=member.id))
    return redirect(url_for("talent.mentees"))


def sign_off_again(
    member: CohortMember, back: str, prefix: str, form: SignOffForm, status: int
) -> tuple[str, int]:
    """The page a refused sign-off came from, with the form as sent."""
    if back == "manage":
        return render_manage(member, signoff=(prefix, form), status=status)
    return render_mentees(failed=(prefix, form), status=status)


def sign_off_link(user: User, member: CohortMember) -> str | None:
    """Where this reader signs off the member's milestones (None: they cannot)."""
    if not (can("programmes.mentor", member) and is_active(member)):
        return None
    if can("programmes.manage"):
        return url_for("talent.member_manage", member_id=member.id)
    return url_for("talent.mentees")


def progress_page(member: CohortMember) -> str:
    user = acting_user()
    log_progress_views(user, [member], utcnow())
    db.session.commit()
    return render_template(
        T + "member_progress.html",
        member=member,
        progress=progress_of(member, today()),
        sign_off_link=sign_off_link(user, member),
    )


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
        prefix = undo_prefix(member.id, milestone_id)
        undo_forms[prefix] = UndoSignOffForm(prefix=prefix, formdata=None)
    if undo is not None:
        undo_forms[undo[0]] = undo[1]
    log_progress_views(acting_user(), [member], utcnow())
    db.session.commit()
    html = render_template(
        T + "manage.html",
        member=member,
        progress=progress,
        signoffs=signoffs,
        forms=signoff_forms([progress], signoff),
        undo_forms=undo_forms,
        may_act=is_active(member),
        may_undo=may_undo_sign_off(member),
        mentor_form=mentor_form or MentorForm(formdata=None),
        drop_form=drop_form or DropOutForm(formdata=None),
    )
    return html, status


def find_mentor(form: MentorForm) -> Employee | None:
    """The employee with the personnel number typed (None: an error at the field)."""
    number = (form.personnel_no.data or "").strip()
    mentor = db.session.scalar(select(Employee).where(Employee.personnel_no == number))
    if mentor is None:
        form.personnel_no.errors = [gettext("No employee has this personnel number.")]
    return mentor


def signoff_of(member: CohortMember, milestone_id: int) -> MilestoneSignoff:
    signoff = db.session.scalar(
        select(MilestoneSignoff).where(
            MilestoneSignoff.member_id == member.id, MilestoneSignoff.milestone_id == milestone_id
        )
    )
    if signoff is None:
        abort(404)
    return signoff
