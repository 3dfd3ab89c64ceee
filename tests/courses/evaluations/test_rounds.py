"""Evaluation rounds: opened after the last meeting with the right questionnaire, the
participants invited (in-app and e-mail, also people without an account), reminded
once, closed and sealed — idempotent, as the tick runs every minute."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from academy.audit.models import AuditLogEntry
from academy.errors import Conflict, ValidationFailed
from academy.extensions import db
from academy.notifications.models import Notification, OutboxMessage
from academy.scheduler import tick_steps
from courses.enrolment.models import EnrolmentState
from courses.evaluations.assignment import (
    INHERIT,
    NONE,
    questionnaire_for,
    set_course_questionnaire,
    set_session_questionnaire,
)
from courses.evaluations.models import (
    EvaluationParticipant,
    EvaluationResponse,
    EvaluationRound,
)
from courses.evaluations.questionnaires import (
    QuestionnaireData,
    copy_questionnaire,
    create_questionnaire,
)
from courses.evaluations.rounds import (
    close_due,
    evaluation_tick,
    invite,
    open_rounds,
    remind,
    set_closing_date,
)
from tests.courses import factories as cf
from tests.courses.evaluations.support import (
    NOW,
    answer_all,
    finished,
    opened,
    participants,
    standard,
)
from tests.courses.support import hr


def _round(session):
    return db.session.scalar(
        select(EvaluationRound).where(EvaluationRound.session_id == session.id)
    )


def _notices(kind):
    return list(db.session.scalars(select(Notification).where(Notification.kind == kind)))


def test_the_tick_step_is_registered(app):
    assert "courses.evaluations" in {step.name for step in tick_steps()}


def test_a_round_opens_after_the_last_meeting_with_the_default(db):
    questionnaire = standard()
    session = finished(days_ago=2)
    participants(session, 2)
    running = cf.session(starts_at=NOW - timedelta(hours=1), duration=timedelta(hours=5))
    assert open_rounds(NOW) == 1
    round_ = _round(session)
    assert round_.questionnaire_id == questionnaire.id
    assert round_.opened_on == date(2030, 3, 4)
    assert round_.closes_on == date(2030, 3, 4) + timedelta(days=14)
    assert _round(running) is None  # still running: its last meeting has not ended
    assert open_rounds(NOW) == 0  # idempotent
    entry = db.session.scalar(
        select(AuditLogEntry).where(AuditLogEntry.action == "evaluation_round.opened")
    )
    assert entry.object_id == str(round_.id) and entry.actor_id is None


def test_no_round_without_questionnaire_for_cancelled_or_old_sessions(db):
    session = finished()
    assert open_rounds(NOW) == 0  # no default questionnaire: nothing is evaluated
    standard()
    cancelled = finished(cancelled_at=NOW - timedelta(days=2))
    old = finished(days_ago=30)
    assert open_rounds(NOW) == 1
    assert _round(session) is not None
    assert _round(cancelled) is None and _round(old) is None


def test_session_setting_wins_over_course_over_default(db):
    actor = hr()
    default = standard()
    own = copy_questionnaire(actor, default, NOW)
    course = cf.course()
    first, second, third = finished(course), finished(course), finished(course)
    assert questionnaire_for(first) == default
    set_course_questionnaire(actor, course, str(own.id), NOW)
    set_session_questionnaire(actor, second, str(default.id), NOW)
    set_session_questionnaire(actor, third, NONE, NOW)
    assert questionnaire_for(first) == own
    assert questionnaire_for(second) == default
    assert questionnaire_for(third) is None
    set_course_questionnaire(actor, course, NONE, NOW)
    assert questionnaire_for(first) is None
    set_course_questionnaire(actor, course, INHERIT, NOW)
    assert questionnaire_for(first) == default
    open_rounds(NOW)
    assert _round(third) is None and _round(first).questionnaire_id == default.id


def test_an_empty_or_archived_questionnaire_cannot_be_assigned(db):
    actor = hr()
    empty = create_questionnaire(actor, QuestionnaireData("Leer"), NOW)
    with pytest.raises(ValidationFailed):
        set_course_questionnaire(actor, cf.course(), str(empty.id), NOW)
    with pytest.raises(Exception, match="no such questionnaire"):
        set_course_questionnaire(actor, cf.course(), "999999", NOW)


def test_present_participants_are_invited_in_app_and_by_email(db):
    standard()
    session = finished()
    present = participants(session, 2) + participants(session, 1, state=EnrolmentState.FAILED)
    offline = participants(session, 1, accounts=False, name="Ohnekonto")
    absent = participants(session, 1, state=EnrolmentState.NO_SHOW, name="Abwesend")
    cf.enrolment(session, state=EnrolmentState.CANCELLED)
    round_ = opened(session)
    invited = set(db.session.scalars(select(EvaluationParticipant.employee_id)))
    assert invited == {p.employee.id for p in present + offline}
    assert absent[0].employee.id not in invited
    assert round_.invited_count == 4
    notices = _notices("evaluation.invited")
    assert len(notices) == 4
    assert {n.employee_id for n in notices} == invited
    assert all(f"/kurse/bewertungen/{session.id}" in n.link for n in notices)
    mails = db.session.scalars(select(OutboxMessage.to_address)).all()
    assert offline[0].employee.email in mails  # reaches people without an account too
    assert "anonym" in notices[0].body
    assert invite(NOW) == 0  # nobody twice


def test_attendance_recorded_later_is_invited_while_the_round_is_open(db):
    standard()
    session = finished()
    late = participants(session, 1, state=EnrolmentState.CONFIRMED)
    round_ = opened(session)
    assert round_.invited_count == 0
    enrolment = late[0]
    from courses.enrolment.models import Enrolment

    row = db.session.scalar(select(Enrolment).where(Enrolment.employee_id == enrolment.employee.id))
    row.state = EnrolmentState.ATTENDED.value
    db.session.flush()
    assert invite(NOW + timedelta(days=3)) == 1
    db.session.refresh(round_)
    assert round_.invited_count == 1


def test_one_reminder_before_closing_to_those_who_have_not_answered(db):
    standard()
    session = finished()
    people = participants(session, 3)
    round_ = opened(session)
    answer_all(round_, people[:1])
    early = NOW + timedelta(days=5)
    assert remind(early) == 0
    due = NOW + timedelta(days=12)
    assert remind(due) == 2
    assert remind(due) == 0 and remind(due + timedelta(days=1)) == 0
    reminded = {n.employee_id for n in _notices("evaluation.reminder")}
    assert reminded == {p.employee.id for p in people[1:]}


def test_closing_seals_the_responses_and_is_done_once(db):
    standard()
    session = finished()
    people = participants(session, 6)
    round_ = opened(session)
    answer_all(round_, people[:5])
    keys = set(db.session.scalars(select(EvaluationResponse.id)))
    assert close_due(NOW + timedelta(days=14)) == 0  # the closing day still counts
    assert close_due(NOW + timedelta(days=15)) == 1
    db.session.refresh(round_)
    assert round_.closed_on == date(2030, 3, 19)
    sealed = set(db.session.scalars(select(EvaluationResponse.id)))
    assert len(sealed) == 5 and not sealed & keys  # every response rewritten with new keys
    count = db.session.scalar(select(func.count()).select_from(EvaluationResponse))
    assert count == 5
    assert close_due(NOW + timedelta(days=16)) == 0


def test_the_whole_tick_step_runs_and_summarises(db):
    standard()
    session = finished()
    participants(session, 2)
    summary = evaluation_tick(NOW)
    assert summary.startswith("Kursbewertungen: 1 geöffnet")
    assert "2 Einladung(en)" in summary


def test_hr_moves_the_closing_date(db):
    standard()
    actor = hr()
    session = finished()
    participants(session, 1)
    round_ = opened(session)
    with pytest.raises(ValidationFailed, match="past"):
        set_closing_date(actor, round_, date(2030, 3, 1), NOW)
    with pytest.raises(ValidationFailed, match="at most"):
        set_closing_date(actor, round_, date(2031, 3, 1), NOW)
    set_closing_date(actor, round_, date(2030, 4, 1), NOW)
    assert round_.closes_on == date(2030, 4, 1)
    assert close_due(NOW + timedelta(days=20)) == 0
    round_.closed_on = date(2030, 4, 2)
    with pytest.raises(Conflict):
        set_closing_date(actor, round_, date(2030, 4, 20), NOW)


def test_leavers_lose_their_participation_records(db, app):
    from academy.retention.rules import Cutoff, retention_rules

    standard()
    session = finished()
    people = participants(session, 2)
    opened(session)
    leaver = people[0].employee
    leaver.active, leaver.left_on = False, date(2020, 1, 1)
    db.session.flush()
    rule = next(r for r in retention_rules() if r.name == "evaluation_participants")
    cutoff = Cutoff("learning_record", 365, NOW, NOW.date())
    assert rule.plan(cutoff) == [leaver.id]
    assert rule.apply(cutoff, [leaver.id]) == [leaver.id]
    left = set(db.session.scalars(select(EvaluationParticipant.employee_id)))
    assert left == {people[1].employee.id}
    assert _round(session).invited_count == 2  # the figures stay
