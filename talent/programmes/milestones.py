"""Running a cohort: mentors, milestone sign-offs, drop-outs and graduation.

Services flush only; views (and the caller of a signal) commit. Every change is audited.
Graduation happens by itself once every required course is completed and every milestone
signed off — after the last sign-off here, or when ``courses`` reports a completed course
(``on_course_completed``). It sends ``talent.programmes.signals.programme_graduated``, to which the
programme certificate subscribes.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from academy.accounts.models import User
from academy.audit.log import record
from academy.auth.policy import can
from academy.clock import to_berlin
from academy.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from academy.extensions import db
from academy.i18n import N_
from academy.org.models import Employee
from courses.enrolment.models import Enrolment
from courses.enrolment.notices import Notice, people, send, site_path
from talent.programmes.cohort_models import CohortMember, MilestoneSignoff
from talent.programmes.models import Cohort, CohortStatus, MemberState, Milestone, ProgrammeCourse
from talent.programmes.progress import progress_of
from talent.programmes.signals import programme_graduated

NOTE_MAX = 2000
REASON_MAX = 2000

MENTOR_FOR_MENTOR = Notice(
    "programme.mentor_assigned",
    N_("You are now the mentor of %(member)s"),
    N_(
        "You have been asked to mentor %(member)s in the programme “%(programme)s” "
        "(%(cohort)s). On the page “My mentees” you can follow their progress and sign "
        "off their milestones."
    ),
)
MENTOR_FOR_MEMBER = Notice(
    "programme.mentor_assigned",
    N_("Your mentor in %(programme)s"),
    N_(
        "%(mentor)s (%(email)s) is your mentor in the programme “%(programme)s” "
        "(%(cohort)s). Your mentor accompanies you and signs off your milestones."
    ),
)
DROPPED_OUT = Notice(
    "programme.dropped_out",
    N_("Your participation in %(programme)s has ended"),
    N_(
        "Your participation in the programme “%(programme)s” (%(cohort)s) ended on "
        "%(date)s. Reason: %(reason)s. If you have any questions, please contact HR "
        "development."
    ),
)
GRADUATED = Notice(
    "programme.graduated",
    N_("Congratulations: you have completed %(programme)s"),
    N_(
        "You have completed every course and milestone of the programme “%(programme)s” "
        "(%(cohort)s). Your programme certificate is ready on your programme page."
    ),
)


# ---------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------


def _today(now: datetime) -> date:
    return to_berlin(now).date()


def _require_hr(actor: User) -> None:
    if not can(actor, "programmes.manage"):
        raise PermissionDenied(N_("Only HR development can do this."))


def is_active(member: CohortMember) -> bool:
    """Whether the member is still in the programme: mentor, sign-offs and drop-out
    can change only then."""
    return member.state == MemberState.ACTIVE


def _require_active(member: CohortMember) -> None:
    if not is_active(member):
        raise Conflict(N_("This person is no longer an active member of the cohort."))


def _reason(reason: str | None) -> str:
    text = (reason or "").strip()
    if not text:
        raise ValidationFailed(N_("Please give a reason."), field="reason")
    if len(text) > REASON_MAX:
        raise ValidationFailed(
            N_("Please keep it under %(max)s characters."), field="reason", max=REASON_MAX
        )
    return text


def _my_programme_link(member: CohortMember) -> str | None:
    return site_path(("talent.my_programme", {"member_id": member.id}))


def _send_to(
    employee_id: int | None,
    notice: Notice,
    params: dict[str, Any],
    now: datetime,
    link: str | None,
) -> None:
    if employee_id is None:
        return
    send(people([employee_id]).get(employee_id), notice, params, now, link)


def _params(member: CohortMember) -> dict[str, Any]:
    cohort = member.cohort
    return {
        "member": member.employee.full_name,
        "programme": cohort.programme.title,
        "cohort": cohort.name,
    }


# ---------------------------------------------------------------------------
# Mentor
# ---------------------------------------------------------------------------


def assign_mentor(actor: User, member: CohortMember, mentor: Employee, now: datetime) -> None:
    """HR gives an active member a mentor: an active employee who is neither the member
    nor a member of the same cohort. Mentor and member are notified."""
    _require_hr(actor)
    _require_active(member)
    if not mentor.active:
        raise ValidationFailed(N_("The mentor must be an active employee."), field="mentor")
    if mentor.id == member.employee_id:
        raise ValidationFailed(N_("A member cannot be their own mentor."), field="mentor")
    in_cohort = db.session.scalar(
        select(CohortMember.id).where(
            CohortMember.cohort_id == member.cohort_id, CohortMember.employee_id == mentor.id
        )
    )
    if in_cohort is not None:
        raise ValidationFailed(
            N_("%(name)s is a member of the same cohort and cannot be a mentor in it."),
            field="mentor",
            name=mentor.full_name,
        )
    if member.mentor_id == mentor.id:
        return
    before = member.mentor_id
    member.mentor_id = mentor.id
    member.mentor = mentor
    db.session.flush()
    record(
        actor,
        "cohort_member.mentor_assigned",
        "cohort_member",
        member.id,
        details={"mentor_id": mentor.id, "previous_mentor_id": before},
        now=now,
    )
    params = _params(member)
    _send_to(mentor.id, MENTOR_FOR_MENTOR, params, now, site_path(("talent.mentees", {})))
    params |= {"mentor": mentor.full_name, "email": mentor.email or "–"}
    _send_to(member.employee_id, MENTOR_FOR_MEMBER, params, now, _my_programme_link(member))


# ---------------------------------------------------------------------------
# Milestones
# ---------------------------------------------------------------------------


def sign_off(
    actor: User,
    member: CohortMember,
    milestone: Milestone,
    met_on: date | None,
    note: str | None,
    now: datetime,
) -> MilestoneSignoff:
    """The member's mentor (or HR) confirms that a milestone was met on ``met_on``.
    Completing the last open item graduates the member."""
    if not can(actor, "programmes.mentor", member):
        raise PermissionDenied(N_("Only the member's mentor or HR development can do this."))
    _require_active(member)
    cohort = member.cohort
    if milestone.programme_id != cohort.programme_id:
        raise NotFound(N_("This milestone is not part of the member's programme."))
    if met_on is None:
        raise ValidationFailed(N_("Please enter the date it was met."), field="met_on")
    if met_on > _today(now):
        raise ValidationFailed(N_("The date cannot be in the future."), field="met_on")
    if met_on < cohort.starts_on:
        raise ValidationFailed(
            N_("The date cannot be before the cohort started (%(date)s)."),
            field="met_on",
            date=cohort.starts_on,
        )
    text = (note or "").strip() or None
    if text is not None and len(text) > NOTE_MAX:
        raise ValidationFailed(
            N_("Please keep it under %(max)s characters."), field="note", max=NOTE_MAX
        )
    if _signoff(member.id, milestone.id) is not None:
        raise Conflict(N_("This milestone has already been signed off."))
    signoff = MilestoneSignoff(
        member_id=member.id,
        milestone_id=milestone.id,
        met_on=met_on,
        note=text,
        signed_off_at=now,
        signed_off_by_id=actor.id,
    )
    try:
        with db.session.begin_nested():
            db.session.add(signoff)
            db.session.flush()
    except IntegrityError as exc:  # signed off at the same instant by someone else
        raise Conflict(N_("This milestone has already been signed off.")) from exc
    record(
        actor,
        "milestone.signed_off",
        "cohort_member",
        member.id,
        to_state="met",
        details={"milestone_id": milestone.id, "met_on": met_on.isoformat()},
        now=now,
    )
    graduate_if_complete(member, actor, now)
    return signoff


def _signoff(member_id: int, milestone_id: int) -> MilestoneSignoff | None:
    return db.session.scalar(
        select(MilestoneSignoff).where(
            MilestoneSignoff.member_id == member_id,
            MilestoneSignoff.milestone_id == milestone_id,
        )
    )


def may_undo_sign_off(member: CohortMember | None) -> bool:
    """Whether HR may still take back this member's sign-offs (not once graduated)."""
    return member is None or member.state != MemberState.GRADUATED


def undo_sign_off(actor: User, signoff: MilestoneSignoff, reason: str, now: datetime) -> None:
    """HR takes back a sign-off made in error (not once the member has graduated)."""
    _require_hr(actor)
    text = _reason(reason)
    member = db.session.get(CohortMember, signoff.member_id)
    if not may_undo_sign_off(member):
        raise Conflict(N_("The member has graduated: sign-offs can no longer be taken back."))
    details = {"milestone_id": signoff.milestone_id, "met_on": signoff.met_on.isoformat()}
    db.session.delete(signoff)
    db.session.flush()
    record(
        actor,
        "milestone.sign_off_undone",
        "cohort_member",
        signoff.member_id,
        from_state="met",
        to_state="open",
        reason=text,
        details=details,
        now=now,
    )


# ---------------------------------------------------------------------------
# Leaving the cohort
# ---------------------------------------------------------------------------


def drop_out(actor: User, member: CohortMember, reason: str, now: datetime) -> None:
    """HR records that an active member leaves the programme; they are told."""
    _require_hr(actor)
    text = _reason(reason)
    _require_active(member)
    member.state = MemberState.DROPPED_OUT.value
    member.dropped_out_on = _today(now)
    member.drop_out_reason = text
    db.session.flush()
    record(
        actor,
        "cohort_member.dropped_out",
        "cohort_member",
        member.id,
        from_state=MemberState.ACTIVE.value,
        to_state=MemberState.DROPPED_OUT.value,
        reason=text,
        now=now,
    )
    params = _params(member) | {"date": member.dropped_out_on, "reason": text}
    _send_to(member.employee_id, DROPPED_OUT, params, now, _my_programme_link(member))


def graduate_if_complete(member: CohortMember, actor: User | None, now: datetime) -> bool:
    """Graduate an active member of a running cohort once every item is done; True when
    this call graduated them. Sends ``programme_graduated``."""
    if member.state != MemberState.ACTIVE:
        return False
    cohort = member.cohort
    if cohort.status != CohortStatus.RUNNING:
        return False
    today = _today(now)
    if not progress_of(member, today).complete:
        return False
    # Lock the member (PostgreSQL) and look again: one graduation per member.
    db.session.execute(
        select(CohortMember)
        .where(CohortMember.id == member.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if member.state != MemberState.ACTIVE:
        return False
    member.state = MemberState.GRADUATED.value
    member.graduated_on = today
    db.session.flush()
    record(
        actor,
        "cohort_member.graduated",
        "cohort_member",
        member.id,
        from_state=MemberState.ACTIVE.value,
        to_state=MemberState.GRADUATED.value,
        now=now,
    )
    _send_to(member.employee_id, GRADUATED, _params(member), now, _my_programme_link(member))
    programme_graduated.send(member, now=now, actor=actor)
    return True


def on_course_completed(enrolment: Enrolment, now: datetime, **_: Any) -> None:
    """Receiver of ``courses.signals.course_completed``: active members of running
    cohorts whose curriculum requires the course may now have completed everything."""
    members = db.session.scalars(
        select(CohortMember)
        .join(Cohort, Cohort.id == CohortMember.cohort_id)
        .join(ProgrammeCourse, ProgrammeCourse.programme_id == Cohort.programme_id)
        .where(
            CohortMember.employee_id == enrolment.employee_id,
            CohortMember.state == MemberState.ACTIVE.value,
            Cohort.status == CohortStatus.RUNNING.value,
            ProgrammeCourse.course_id == enrolment.course_id,
        )
    ).all()
    if not members:
        return
    actor = None
    if enrolment.result_marked_by_id is not None:
        actor = db.session.get(User, enrolment.result_marked_by_id)
    for member in members:
        graduate_if_complete(member, actor, now)
