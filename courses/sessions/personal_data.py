"""Sessions in the Art. 15 export: the sessions a person runs as trainer and their
personal calendar feeds (without the secret token)."""

from __future__ import annotations

from sqlalchemy import select

from academy.extensions import db
from academy.privacy.registry import Record, register_personal_data
from courses.catalogue.models import Course
from courses.sessions.models import CalendarFeed, CourseSession


def trainer_sessions(employee_id: int | None, user_id: int | None) -> list[Record]:
    if user_id is None:
        return []
    rows = db.session.execute(
        select(CourseSession, Course.title)
        .join(Course, Course.id == CourseSession.course_id)
        .where(CourseSession.trainer_id == user_id)
        .order_by(CourseSession.starts_at, CourseSession.id)
    ).all()
    return [
        {
            "Kurs": title,
            "Beginn": s.starts_at,
            "Ende": s.ends_at,
            "Ort": s.location,
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
        tables=("course_sessions",),
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
