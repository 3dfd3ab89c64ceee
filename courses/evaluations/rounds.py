"""Evaluation rounds: opened after a session's last meeting, participants invited,
reminded once, closed (and sealed) at the closing date — the tick step
``courses.evaluations`` — and HR changing a round's closing date.

- A round opens for a session that ended (``ends_at``, the end of its last meeting) at
  most ``EVALUATION_START_WITHIN_DAYS`` days ago, was not cancelled and has a
  questionnaire (``courses.evaluations.assignment``). It is open until ``closes_on``:
  ``EVALUATION_OPEN_DAYS`` days after the session's last day (Berlin dates).
- Invited is everyone whose attendance was recorded (attended, completed, not passed),
  also when the trainer records it later while the round is open.
- ``EVALUATION_REMINDER_DAYS`` days before the closing date, those who have not answered
  are reminded once (0: no reminder).
- A round closes the day after its closing date, or as soon as everyone invited has
  answered and no attendance is left to record (``answering``). Closing seals it.

Safe on several hosts: a round is created inside a savepoint (the unique session id
refuses a second one), invitations per round likewise, reminders and closing are claimed
with a conditional UPDATE; every phase commits its own work.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from flask import current_app
from sqlalchemy import Select, and_, insert, select, update
from sqlalchemy.exc import IntegrityError

from academy.accounts.models import User
from academy.audit.log import record
from academy.clock import to_berlin
from academy.database import begin_write
from academy.errors import Conflict, ValidationFailed
from academy.extensions import db
from academy.i18n import N_
from academy.scheduler import register_tick_step
from courses.enrolment.models import Enrolment, EnrolmentState
from courses.evaluations import notices
from courses.evaluations.assignment import questionnaire_for
from courses.evaluations.models import EvaluationParticipant, EvaluationRound
from courses.evaluations.sealing import seal_round
from courses.sessions.models import CourseSession

S = EnrolmentState
#: Attendance was recorded as present: these people are asked.
ELIGIBLE_STATES = (S.ATTENDED.value, S.COMPLETED.value, S.FAILED.value)
#: The longest a round may be kept open (HR changing the closing date).
MAX_OPEN_DAYS = 180


def today_of(now: datetime) -> date:
    return to_berlin(now).date()


def _setting(name: str) -> int:
    return int(current_app.config[name])


def is_open(round_: EvaluationRound, today: date) -> bool:
    return round_.closed_on is None and today <= round_.closes_on


# ---------------------------------------------------------------------------
# Opening rounds
# ---------------------------------------------------------------------------


def open_rounds(now: datetime) -> int:
    """A round for every session that ended recently and has none yet."""
    begin_write()
    since = now - timedelta(days=_setting("EVALUATION_START_WITHIN_DAYS"))
    has_round = select(EvaluationRound.id).where(EvaluationRound.session_id == CourseSession.id)
    sessions = db.session.scalars(
        select(CourseSession)
        .where(
            CourseSession.ends_at <= now,
            CourseSession.ends_at > since,
            CourseSession.cancelled_at.is_(None),
            ~has_round.exists(),
        )
        .order_by(CourseSession.ends_at, CourseSession.id)
    ).all()
    today, opened = today_of(now), 0
    for session in sessions:
        questionnaire = questionnaire_for(session)
        if questionnaire is None or not questionnaire.questions:
            continue
        last_day = max(today_of(session.ends_at), today)
        round_ = EvaluationRound(
            session_id=session.id,
            questionnaire_id=questionnaire.id,
            opened_on=today,
            closes_on=last_day + timedelta(days=_setting("EVALUATION_OPEN_DAYS")),
        )
        try:
            with db.session.begin_nested():
                db.session.add(round_)
                db.session.flush()
        except IntegrityError:
            continue  # another host opened it
        details = {"session_id": session.id, "questionnaire_id": questionnaire.id}
        record(
            None, "evaluation_round.opened", "evaluation_round", round_.id, details=details, now=now
        )
        opened += 1
    db.session.commit()
    return opened


# ---------------------------------------------------------------------------
# Invitations and the reminder
# ---------------------------------------------------------------------------


def _open_rounds(today: date) -> list[EvaluationRound]:
    return list(
        db.session.scalars(
            select(EvaluationRound)
            .where(EvaluationRound.closed_on.is_(None), EvaluationRound.closes_on >= today)
            .order_by(EvaluationRound.id)
        )
    )


def eligible(session_id: int) -> Select[tuple[int]]:
    """Employee ids whose attendance at the session was recorded as present."""
    return select(Enrolment.employee_id).where(
        Enrolment.session_id == session_id, Enrolment.state.in_(ELIGIBLE_STATES)
    )


def invite(now: datetime) -> int:
    """Invite everyone eligible in an open round who is not invited yet."""
    begin_write()
    today, invited = today_of(now), 0
    for round_ in _open_rounds(today):
        known = select(EvaluationParticipant.employee_id).where(
            EvaluationParticipant.round_id == round_.id
        )
        new = sorted(
            set(
                db.session.scalars(
                    eligible(round_.session_id).where(Enrolment.employee_id.not_in(known))
                )
            )
        )
        if not new:
            continue
        try:
            with db.session.begin_nested():
                db.session.execute(
                    insert(EvaluationParticipant),
                    [
                        {
                            "round_id": round_.id,
                            "employee_id": e,
                            "answered": False,
                            "reminded": False,
                        }
                        for e in new
                    ],
                )
        except IntegrityError:
            continue  # another host is inviting them
        db.session.execute(
            update(EvaluationRound)
            .where(EvaluationRound.id == round_.id)
            .values(invited_count=EvaluationRound.invited_count + len(new))
            .execution_options(synchronize_session=False)
        )
        session = db.session.get(CourseSession, round_.session_id)
        assert session is not None
        notices.send_to(notices.INVITED, session, round_.closes_on, new, now)
        invited += len(new)
    db.session.commit()
    return invited


def remind(now: datetime) -> int:
    """Once per round, ``EVALUATION_REMINDER_DAYS`` before it closes: a reminder to those
    who have not answered."""
    days = _setting("EVALUATION_REMINDER_DAYS")
    if days <= 0:
        return 0
    begin_write()
    today, sent = today_of(now), 0
    due = and_(
        EvaluationRound.closed_on.is_(None),
        EvaluationRound.reminder_sent_on.is_(None),
        EvaluationRound.closes_on >= today,
        EvaluationRound.closes_on <= today + timedelta(days=days),
        EvaluationRound.opened_on < today,
    )
    for round_id in list(db.session.scalars(select(EvaluationRound.id).where(due))):
        claimed = db.session.execute(
            update(EvaluationRound)
            .where(EvaluationRound.id == round_id, due)
            .values(reminder_sent_on=today)
            .execution_options(synchronize_session=False)
        ).rowcount
        if not claimed:
            continue
        waiting = select(EvaluationParticipant.employee_id).where(
            EvaluationParticipant.round_id == round_id, EvaluationParticipant.answered.is_(False)
        )
        people = list(db.session.scalars(waiting))
        db.session.execute(
            update(EvaluationParticipant)
            .where(
                EvaluationParticipant.round_id == round_id,
                EvaluationParticipant.answered.is_(False),
            )
            .values(reminded=True)
            .execution_options(synchronize_session=False)
        )
        round_ = db.session.get(EvaluationRound, round_id)
        session = db.session.get(CourseSession, round_.session_id) if round_ else None
        if round_ is not None and session is not None:
            sent += notices.send_to(notices.REMINDER, session, round_.closes_on, people, now)
    db.session.commit()
    return sent


# ---------------------------------------------------------------------------
# Closing
# ---------------------------------------------------------------------------


def close_round(actor: User | None, round_: EvaluationRound, now: datetime, *, early: bool) -> bool:
    """Close and seal the round (claimed: False when it was closed already)."""
    today = today_of(now)
    claimed = db.session.execute(
        update(EvaluationRound)
        .where(EvaluationRound.id == round_.id, EvaluationRound.closed_on.is_(None))
        .values(closed_on=today)
        .execution_options(synchronize_session=False)
    ).rowcount
    if not claimed:
        return False
    db.session.refresh(round_)
    count = seal_round(round_.id)
    details = {"session_id": round_.session_id, "answers": count, "early": early}
    record(
        actor, "evaluation_round.closed", "evaluation_round", round_.id, details=details, now=now
    )
    return True


def close_due(now: datetime) -> int:
    """Close every round whose closing date has passed."""
    begin_write()
    today, closed = today_of(now), 0
    rounds = db.session.scalars(
        select(EvaluationRound)
        .where(EvaluationRound.closed_on.is_(None), EvaluationRound.closes_on < today)
        .order_by(EvaluationRound.id)
    ).all()
    for round_ in rounds:
        closed += close_round(None, round_, now, early=False)
    db.session.commit()
    return closed


def evaluation_tick(now: datetime) -> str:
    """The tick step: close, open, invite, remind (each phase commits)."""
    closed = close_due(now)
    opened = open_rounds(now)
    invited = invite(now)
    reminded = remind(now)
    return (
        f"Kursbewertungen: {opened} geöffnet, {closed} abgeschlossen, "
        f"{invited} Einladung(en), {reminded} Erinnerung(en)."
    )


def register_tick_steps() -> None:
    register_tick_step("courses.evaluations", evaluation_tick, order=45)


# ---------------------------------------------------------------------------
# HR: the closing date
# ---------------------------------------------------------------------------


def set_closing_date(actor: User, round_: EvaluationRound, closes_on: date, now: datetime) -> None:
    """Move the closing date of an open round (not into the past, at most
    ``MAX_OPEN_DAYS`` after the round opened)."""
    today = today_of(now)
    if round_.closed_on is not None:
        raise Conflict(N_("The evaluation is closed; its closing date cannot change any more."))
    if closes_on < today:
        raise ValidationFailed(N_("The closing date must not be in the past."), field="closes_on")
    if closes_on > round_.opened_on + timedelta(days=MAX_OPEN_DAYS):
        raise ValidationFailed(
            N_("An evaluation is open for at most %(n)s days."), field="closes_on", n=MAX_OPEN_DAYS
        )
    before = round_.closes_on
    if closes_on == before:
        return
    round_.closes_on = closes_on  # a reminder not yet sent follows the new date
    db.session.flush()
    record(
        actor,
        "evaluation_round.deadline_changed",
        "evaluation_round",
        round_.id,
        from_state=before.isoformat(),
        to_state=closes_on.isoformat(),
        now=now,
    )
