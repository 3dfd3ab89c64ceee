"""The enrolments in the Art. 15 export: every enrolment with what happened to it (who
asked, decided, cancelled, marked the result) and its history from the audit log."""

from __future__ import annotations

from flask_babel import gettext
from sqlalchemy import String, cast, select
from sqlalchemy.orm import aliased

from academy.accounts.models import User
from academy.clock import to_berlin
from academy.extensions import db
from academy.privacy.collect import audit_history
from academy.privacy.registry import Record, register_personal_data
from courses.catalogue.models import Course
from courses.enrolment.models import STATE_LABELS, Enrolment, EnrolmentState, MeetingAttendance
from courses.sessions.models import CourseSession, SessionMeeting


def _state(value: str) -> str:
    try:
        return gettext(STATE_LABELS[EnrolmentState(value)])
    except ValueError:
        return value


def enrolments(employee_id: int | None, user_id: int | None) -> list[Record]:
    if employee_id is None:
        return []
    requester, decider, canceller, marker = (aliased(User) for _ in range(4))
    rows = db.session.execute(
        select(
            Enrolment,
            Course,
            CourseSession,
            requester.display_name,
            decider.display_name,
            canceller.display_name,
            marker.display_name,
        )
        .join(Course, Course.id == Enrolment.course_id)
        .join(CourseSession, CourseSession.id == Enrolment.session_id)
        .outerjoin(requester, requester.id == Enrolment.requested_by_id)
        .outerjoin(decider, decider.id == Enrolment.decided_by_id)
        .outerjoin(canceller, canceller.id == Enrolment.cancelled_by_id)
        .outerjoin(marker, marker.id == Enrolment.result_marked_by_id)
        .where(Enrolment.employee_id == employee_id)
        .order_by(Enrolment.requested_at, Enrolment.id)
    ).all()
    attendance = meeting_attendance([e.id for e, *_ in rows])
    return [
        {
            "Nr.": e.id,
            "Kurs": course.title,
            "Kursnummer": course.code,
            "Termin": session.starts_at,
            "Ort": session.location,
            "Status": _state(e.state),
            "Angefragt am": e.requested_at,
            "Angefragt von": requested,
            "Entschieden am": e.decided_at,
            "Entschieden von": decided,
            "Ablehnungsgrund": e.decline_reason,
            "Bestätigt am": e.confirmed_at,
            "Storniert am": e.cancelled_at,
            "Storniert von": cancelled,
            "Stornierungsgrund": e.cancel_reason,
            "Späte Stornierung": e.late_cancellation,
            "Begründung einer Ausnahme": e.override_reason,
            "Anwesenheit erfasst am": e.attendance_marked_at,
            "Anwesenheit je Termin": attendance.get(e.id),
            "Abgeschlossen am": e.completed_on,
            "Ergebnis erfasst von": marked,
        }
        for e, course, session, requested, decided, cancelled, marked in rows
    ]


def meeting_attendance(enrolment_ids: list[int]) -> dict[int, str]:
    """Per enrolment its recorded attendance, meeting by meeting (one query)."""
    if not enrolment_ids:
        return {}
    rows = db.session.execute(
        select(MeetingAttendance.enrolment_id, SessionMeeting.starts_at, MeetingAttendance.present)
        .join(SessionMeeting, SessionMeeting.id == MeetingAttendance.meeting_id)
        .where(MeetingAttendance.enrolment_id.in_(enrolment_ids))
        .order_by(MeetingAttendance.enrolment_id, SessionMeeting.starts_at)
    )
    found: dict[int, list[str]] = {}
    for enrolment_id, starts_at, present in rows:
        mark = "anwesend" if present else "nicht anwesend"
        found.setdefault(enrolment_id, []).append(f"{to_berlin(starts_at):%d.%m.%Y}: {mark}")
    return {key: "; ".join(parts) for key, parts in found.items()}


def enrolment_history(employee_id: int | None, user_id: int | None) -> list[Record]:
    if employee_id is None:
        return []
    ids = select(cast(Enrolment.id, String)).where(Enrolment.employee_id == employee_id)
    return audit_history("enrolment", ids)


def register_sections() -> None:
    register_personal_data(
        "anmeldungen",
        "Anmeldungen zu Kursen",
        enrolments,
        tables=("enrolments", "meeting_attendance"),
        order=300,
    )
    register_personal_data(
        "anmeldungen_verlauf",
        "Verlauf Ihrer Anmeldungen",
        enrolment_history,
        tables=("enrolments", "audit_log"),
        order=310,
        description="Protokolleinträge zu Ihren Anmeldungen; „Objekt-Nr.“ ist die Nr. der "
        "Anmeldung im Abschnitt Anmeldungen zu Kursen.",
    )
