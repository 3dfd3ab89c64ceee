"""The enrolments in the Art. 15 export: every enrolment with what happened to it (who
asked, decided, cancelled, marked the result) and its history from the audit log."""

from __future__ import annotations

from flask_babel import gettext
from sqlalchemy import String, cast, select
from sqlalchemy.orm import aliased

from academy.accounts.models import User
from academy.extensions import db
from academy.privacy.collect import audit_history
from academy.privacy.registry import Record, register_personal_data
from courses.catalogue.models import Course
from courses.enrolment.models import STATE_LABELS, Enrolment, EnrolmentState
from courses.sessions.models import CourseSession


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
            "Abgeschlossen am": e.completed_on,
            "Ergebnis erfasst von": marked,
        }
        for e, course, session, requested, decided, cancelled, marked in rows
    ]


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
        tables=("enrolments",),
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
