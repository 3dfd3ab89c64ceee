"""Which questionnaire a session is evaluated with: the session's own choice, else its
course's, else the default questionnaire — or none, where HR switched the evaluation off
for the course or the session.

A setting is one of ``INHERIT`` (no row: use the level above), ``NONE`` (a row without
questionnaire: not evaluated) or a questionnaire id.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select

from academy.accounts.models import User
from academy.audit.log import record
from academy.errors import NotFound, ValidationFailed
from academy.extensions import db
from academy.i18n import N_
from courses.catalogue.models import Course
from courses.evaluations.models import EvaluationAssignment, Questionnaire
from courses.sessions.models import CourseSession

INHERIT = "inherit"
NONE = "none"


def _row(
    *, course_id: int | None = None, session_id: int | None = None
) -> EvaluationAssignment | None:
    column = EvaluationAssignment.course_id if course_id else EvaluationAssignment.session_id
    return db.session.scalar(
        select(EvaluationAssignment).where(column == (course_id or session_id))
    )


def setting_of(row: EvaluationAssignment | None) -> str:
    if row is None:
        return INHERIT
    return NONE if row.questionnaire_id is None else str(row.questionnaire_id)


def course_setting(course: Course) -> str:
    return setting_of(_row(course_id=course.id))


def session_settings(session_ids: Iterable[int]) -> dict[int, str]:
    """The setting of each session (one query)."""
    ids = list(session_ids)
    rows = (
        db.session.scalars(
            select(EvaluationAssignment).where(EvaluationAssignment.session_id.in_(ids))
        ).all()
        if ids
        else []
    )
    found = {row.session_id: setting_of(row) for row in rows}
    return {sid: found.get(sid, INHERIT) for sid in ids}


def _questionnaire(value: str) -> int | None:
    """The questionnaire id of a setting (None for NONE), checked."""
    if value == NONE:
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = 0
    questionnaire = db.session.get(Questionnaire, number) if 0 < number < 2**31 else None
    if questionnaire is None:
        raise NotFound(N_("There is no such questionnaire."), field="questionnaire")
    if questionnaire.archived:
        raise ValidationFailed(N_("This questionnaire is archived."), field="questionnaire")
    if not questionnaire.questions:
        raise ValidationFailed(
            N_("This questionnaire has no questions yet."), field="questionnaire"
        )
    return questionnaire.id


def _set(
    actor: User,
    value: str,
    now: datetime,
    *,
    course: Course | None = None,
    session: CourseSession | None = None,
) -> None:
    row = _row(course_id=course.id) if course else _row(session_id=session.id)  # type: ignore[union-attr]
    before = setting_of(row)
    if value == before:
        return
    if value == INHERIT:
        db.session.delete(row)
    else:
        questionnaire_id = _questionnaire(value)
        if row is None:
            row = EvaluationAssignment(
                course_id=course.id if course else None,
                session_id=session.id if session else None,
            )
            db.session.add(row)
        row.questionnaire_id = questionnaire_id
    db.session.flush()
    details = {"questionnaire_id": None if value in (INHERIT, NONE) else int(value)}
    if course is not None:
        record(
            actor,
            "course.evaluation_set",
            "course",
            course.id,
            from_state=before,
            to_state=value,
            details=details,
            now=now,
        )
    else:
        assert session is not None
        record(
            actor,
            "session.evaluation_set",
            "course_session",
            session.id,
            from_state=before,
            to_state=value,
            details=details,
            now=now,
        )


def set_course_questionnaire(actor: User, course: Course, value: str, now: datetime) -> None:
    """``value``: ``INHERIT`` (the default questionnaire), ``NONE`` or a questionnaire id."""
    _set(actor, value, now, course=course)


def set_session_questionnaire(
    actor: User, session: CourseSession, value: str, now: datetime
) -> None:
    """``value``: ``INHERIT`` (the course's), ``NONE`` or a questionnaire id."""
    _set(actor, value, now, session=session)


def default_questionnaire() -> Questionnaire | None:
    return db.session.scalar(
        select(Questionnaire).where(
            Questionnaire.is_default.is_(True), Questionnaire.archived.is_(False)
        )
    )


def questionnaire_for(session: CourseSession) -> Questionnaire | None:
    """The questionnaire the session is evaluated with (None: not evaluated)."""
    for row in (_row(session_id=session.id), _row(course_id=session.course_id)):
        if row is not None:
            if row.questionnaire_id is None:
                return None
            return db.session.get(Questionnaire, row.questionnaire_id)
    return default_questionnaire()
