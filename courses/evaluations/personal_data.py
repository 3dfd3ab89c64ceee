"""Course evaluations in the Art. 15 export: that a person was invited to evaluate a
session and whether they have answered. Their answers are not part of it — they are
anonymous: stored without any link to the person, nobody (the person included) can
find out which answers were theirs."""

from __future__ import annotations

from sqlalchemy import select

from academy.extensions import db
from academy.privacy.registry import Record, declare_not_exported, register_personal_data
from courses.catalogue.models import Course
from courses.evaluations.models import EvaluationParticipant, EvaluationRound
from courses.sessions.models import CourseSession


def participations(employee_id: int | None, user_id: int | None) -> list[Record]:
    if employee_id is None:
        return []
    rows = db.session.execute(
        select(EvaluationParticipant, EvaluationRound, CourseSession.starts_at, Course.title)
        .join(EvaluationRound, EvaluationRound.id == EvaluationParticipant.round_id)
        .join(CourseSession, CourseSession.id == EvaluationRound.session_id)
        .join(Course, Course.id == CourseSession.course_id)
        .where(EvaluationParticipant.employee_id == employee_id)
        .order_by(CourseSession.starts_at, EvaluationRound.id)
    ).all()
    return [
        {
            "Kurs": title,
            "Termin": starts_at,
            "Bewertung möglich bis": round_.closes_on,
            "Beantwortet": participant.answered,
            "Erinnert": participant.reminded,
        }
        for participant, round_, starts_at, title in rows
    ]


ANONYMOUS = (
    "Antworten auf Kursbewertungen sind anonym: Sie werden ohne Namen, Personalnummer, "
    "Konto oder Anmeldung gespeichert und sind mit niemandem verknüpft; auch für Sie "
    "selbst lässt sich nicht feststellen, welche Antworten Ihre waren. Dass Sie "
    "geantwortet haben, steht im Abschnitt Kursbewertungen."
)


def register_sections() -> None:
    register_personal_data(
        "kursbewertungen",
        "Kursbewertungen",
        participations,
        tables=("evaluation_participants",),
        order=340,
        description="Zu welchen Terminen Sie um eine Bewertung gebeten wurden und ob Sie "
        "geantwortet haben. Ihre Antworten selbst sind anonym gespeichert und deshalb "
        "nicht enthalten.",
    )
    declare_not_exported("evaluation_responses", ANONYMOUS)
    declare_not_exported("evaluation_answers", ANONYMOUS)
    declare_not_exported(
        "evaluation_rounds",
        "Bewertungsrunden eines Termins (Zeitraum, Fragebogen, Zahl der Eingeladenen) "
        "betreffen keine Person; Ihre Einladungen stehen im Abschnitt Kursbewertungen.",
    )
    declare_not_exported(
        "evaluation_assignments",
        "Welcher Fragebogen für einen Kurs oder Termin gilt, betrifft keine Person; wer "
        "das eingestellt hat, steht im Abschnitt eigene Handlungen (course.evaluation_set, "
        "session.evaluation_set).",
    )
