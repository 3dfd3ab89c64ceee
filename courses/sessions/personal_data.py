"""Sessions in the Art. 15 export: the sessions a person runs as trainer (as the lead
or linked as a further trainer, with their meetings) and their personal calendar feeds
(without the secret token)."""

from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from academy.clock import to_berlin
from academy.extensions import db
from academy.privacy.registry import Record, register_personal_data
from courses.catalogue.models import Course
from courses.rooms.models import SessionTrainer, Trainer
from courses.sessions.models import CalendarFeed, CourseSession, SessionMeeting


def _meetings(session: CourseSession) -> str:
    """The session's meetings as one line: "03.03.2031 09:00–16:00 (Raum 1); …"."""
    parts = []
    for m in session.meetings:
        start, end = to_berlin(m.starts_at), to_berlin(m.ends_at)
        place = f" ({m.place})" if m.place else ""
        parts.append(f"{start:%d.%m.%Y %H:%M}–{end:%H:%M}{place}")
    return "; ".join(parts)


def trainer_sessions(employee_id: int | None, user_id: int | None) -> list[Record]:
    if user_id is None:
        return []
    linked = (
        select(SessionTrainer.session_id)
        .join(Trainer, Trainer.id == SessionTrainer.trainer_id)
        .where(Trainer.user_id == user_id)
    )
    rows = db.session.execute(
        select(CourseSession, Course.title)
        .join(Course, Course.id == CourseSession.course_id)
        .where(or_(CourseSession.trainer_id == user_id, CourseSession.id.in_(linked)))
        .options(selectinload(CourseSession.meetings).joinedload(SessionMeeting.room))
        .order_by(CourseSession.starts_at, CourseSession.id)
    ).all()
    return [
        {
            "Kurs": title,
            "Beginn": s.starts_at,
            "Ende": s.ends_at,
            "Ort": s.location,
            "Rolle": "Leitung"
            if s.trainer_id == user_id
            else "Weitere Trainerin / weiterer Trainer",
            "Einzeltermine": _meetings(s),
            "Abgesagt am": s.cancelled_at,
        }
        for s, title in rows
    ]


def calendar_feeds(employee_id: int | None, user_id: int | None) -> list[Record]:
    if user_id is None:
        return []
    feeds = db.session.scalars(
        select(CalendarFeed).where(CalendarFeed.user_id == user_id).order_by(CalendarFeed.id)
    ).all()
    return [{"Angelegt am": f.created_at, "Widerrufen am": f.revoked_at} for f in feeds]


def register_sections() -> None:
    register_personal_data(
        "trainertermine",
        "Termine als Trainerin oder Trainer",
        trainer_sessions,
        tables=("course_sessions", "session_meetings", "session_trainers"),
        order=320,
    )
    register_personal_data(
        "kalender",
        "Kalender-Abonnements",
        calendar_feeds,
        tables=("calendar_feeds",),
        order=330,
        description="Ihre persönlichen Kalender-Links (der geheime Teil der Adresse wird "
        "nur als Hash gespeichert und nicht ausgegeben).",
    )
