"""The audit log of course evaluations in sentences, and the names of its objects
(questionnaires, evaluation rounds). Answering is never audited: an entry would say who
answered when."""

from __future__ import annotations

from sqlalchemy import select

from academy.audit.sentences import (
    Resolved,
    int_ids,
    named_rows,
    register_audit_object,
    register_audit_sentences,
)
from academy.clock import to_berlin
from academy.extensions import db
from academy.i18n import N_
from courses.catalogue.models import Course
from courses.evaluations.models import EvaluationRound, Questionnaire
from courses.sessions.models import CourseSession

SENTENCES = {
    "questionnaire.created": N_("%(actor)s created the questionnaire “%(object)s”."),
    "questionnaire.loaded": N_(
        "%(actor)s created the shipped standard questionnaire “%(object)s”."
    ),
    "questionnaire.updated": N_("%(actor)s changed the questionnaire “%(object)s”."),
    "questionnaire.copied": N_(
        "%(actor)s made the questionnaire “%(object)s” as a copy of “%(copied_from)s”."
    ),
    "questionnaire.archived": N_("%(actor)s archived the questionnaire “%(object)s”."),
    "questionnaire.unarchived": N_(
        "%(actor)s restored the questionnaire “%(object)s” from the archive."
    ),
    "questionnaire.deleted": N_("%(actor)s deleted the questionnaire “%(title)s”."),
    "questionnaire.made_default": N_(
        "%(actor)s made “%(object)s” the default questionnaire of course evaluations."
    ),
    "questionnaire.default_removed": N_(
        "%(actor)s made “%(object)s” no longer the default questionnaire."
    ),
    "questionnaire.question_added": N_(
        "%(actor)s added a question to the questionnaire “%(object)s”."
    ),
    "questionnaire.question_changed": N_(
        "%(actor)s changed a question of the questionnaire “%(object)s”."
    ),
    "questionnaire.question_removed": N_(
        "%(actor)s removed the question “%(text)s” from the questionnaire “%(object)s”."
    ),
    "questionnaire.question_moved": N_(
        "%(actor)s changed the order of the questions of “%(object)s”."
    ),
    "course.evaluation_set": N_(
        "%(actor)s changed which questionnaire the course “%(object)s” is evaluated with."
    ),
    "session.evaluation_set": N_(
        "%(actor)s changed which questionnaire the session of “%(course)s” on %(date)s "
        "is evaluated with."
    ),
    "evaluation_round.opened": N_("The evaluation of %(object)s was opened."),
    "evaluation_round.closed": N_(
        "The evaluation of %(object)s was closed with %(answers)s answers."
    ),
    "evaluation_round.deadline_changed": N_(
        "%(actor)s moved the closing date of the evaluation of %(object)s from "
        "%(from_state)s to %(to_state)s."
    ),
}


def questionnaires(ids: list[str]) -> Resolved:
    rows = db.session.execute(
        select(Questionnaire.id, Questionnaire.title.label("name")).where(
            Questionnaire.id.in_(int_ids(ids))
        )
    )
    return named_rows(rows)


def rounds(ids: list[str]) -> Resolved:
    rows = db.session.execute(
        select(EvaluationRound.id, Course.title, CourseSession.starts_at)
        .join(CourseSession, CourseSession.id == EvaluationRound.session_id)
        .join(Course, Course.id == CourseSession.course_id)
        .where(EvaluationRound.id.in_(int_ids(ids)))
    )
    resolved: Resolved = {}
    for round_id, title, starts_at in rows:
        day = to_berlin(starts_at).strftime("%d.%m.%Y")
        resolved[str(round_id)] = {"name": f"„{title}“ ({day})", "course": title, "date": day}
    return resolved


def register() -> None:
    register_audit_sentences(SENTENCES)
    register_audit_object("questionnaire", questionnaires, detail_keys=["copied_from"])
    register_audit_object("evaluation_round", rounds)
