"""Course evaluations: questionnaires HR keeps, which questionnaire a course or session
uses, the evaluation round of a finished session, who has answered, and the answers.

Anonymous by construction — the tables of the answers hold no person:

- ``evaluation_responses`` (one filled-in questionnaire) and ``evaluation_answers`` (its
  answers) have no column naming a user, an employee or an enrolment, and no time at all:
  only the round, i.e. the session. Their keys are random UUIDs (``new_key``), not
  counters, and when a round closes every response is written anew in random order with
  new keys (``courses.evaluations.sealing``), so neither the keys nor the order in which
  the rows are stored tell who answered when.
- ``evaluation_participants`` says that a person was invited and whether they have
  answered (so nobody is asked twice) — without a time and without any link to the
  response.
- On SQLite these three tables are ``WITHOUT ROWID``: no hidden insertion counter.
"""

from __future__ import annotations

import enum
import uuid
from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from academy.clock import UTCDateTime, utcnow
from academy.extensions import db
from academy.i18n import N_


class QuestionKind(enum.StrEnum):
    LIKERT = "likert"
    SINGLE = "single"
    MULTIPLE = "multiple"
    TEXT = "text"


KIND_LABELS = {
    QuestionKind.LIKERT: N_("Rating scale 1–5"),
    QuestionKind.SINGLE: N_("Single choice"),
    QuestionKind.MULTIPLE: N_("Multiple choice"),
    QuestionKind.TEXT: N_("Free text"),
}


class Dimension(enum.StrEnum):
    """What a rating question is about: the figures HR compares across questionnaires,
    courses, trainers and time."""

    CONTENT = "content"
    TRAINER = "trainer"
    ORGANISATION = "organisation"
    RELEVANCE = "relevance"
    RECOMMENDATION = "recommendation"


DIMENSION_LABELS = {
    Dimension.CONTENT: N_("Content"),
    Dimension.TRAINER: N_("Trainer"),
    Dimension.ORGANISATION: N_("Organisation"),
    Dimension.RELEVANCE: N_("Relevance for my work"),
    Dimension.RECOMMENDATION: N_("Recommendation"),
}

#: The rating scale: value → anchor (English source; German: "trifft gar nicht zu" …).
LIKERT_VALUES = (1, 2, 3, 4, 5)
LIKERT_ANCHORS = {
    1: N_("does not apply at all"),
    2: N_("rather does not apply"),
    3: N_("partly applies"),
    4: N_("rather applies"),
    5: N_("fully applies"),
}


def new_key() -> str:
    """A random key (UUID 4 as 32 hex digits): says nothing about order or time."""
    return uuid.uuid4().hex


class Questionnaire(db.Model):
    """A questionnaire HR keeps. At most one is the default: it is used for every course
    and session without a questionnaire of its own. Once a round has used it, its
    questions are fixed (HR copies it to change them)."""

    __tablename__ = "evaluation_questionnaires"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    is_default: Mapped[bool] = mapped_column(Boolean, default=False)
    archived: Mapped[bool] = mapped_column(Boolean, default=False)
    #: The key of a questionnaire shipped as data (``defaults.toml``), else None.
    source_key: Mapped[str | None] = mapped_column(String(40), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    questions: Mapped[list[Question]] = relationship(
        back_populates="questionnaire",
        cascade="all, delete-orphan",
        order_by="Question.position",
    )


class Question(db.Model):
    __tablename__ = "evaluation_questions"
    __table_args__ = (
        Index("ix_evaluation_questions_questionnaire", "questionnaire_id", "position"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    questionnaire_id: Mapped[int] = mapped_column(
        ForeignKey("evaluation_questionnaires.id", ondelete="CASCADE")
    )
    position: Mapped[int] = mapped_column(Integer, default=0)
    kind: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(String(500))
    required: Mapped[bool] = mapped_column(Boolean, default=False)
    #: For rating questions: what it measures (``Dimension``), compared across courses.
    dimension: Mapped[str | None] = mapped_column(String(20))

    questionnaire: Mapped[Questionnaire] = relationship(back_populates="questions")
    options: Mapped[list[QuestionOption]] = relationship(
        back_populates="question",
        cascade="all, delete-orphan",
        order_by="QuestionOption.position",
    )


class QuestionOption(db.Model):
    """A choice of a single or multiple choice question."""

    __tablename__ = "evaluation_question_options"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    question_id: Mapped[int] = mapped_column(
        ForeignKey("evaluation_questions.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0)
    label: Mapped[str] = mapped_column(String(200))

    question: Mapped[Question] = relationship(back_populates="options")


class EvaluationAssignment(db.Model):
    """The questionnaire of a course or of one session (the session's wins). No
    questionnaire (None) means: this course/session is not evaluated."""

    __tablename__ = "evaluation_assignments"
    __table_args__ = (
        CheckConstraint(
            "(course_id IS NULL AND session_id IS NOT NULL) OR "
            "(course_id IS NOT NULL AND session_id IS NULL)",
            name="course_or_session",
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    course_id: Mapped[int | None] = mapped_column(
        ForeignKey("courses.id", ondelete="CASCADE"), unique=True
    )
    session_id: Mapped[int | None] = mapped_column(
        ForeignKey("course_sessions.id", ondelete="CASCADE"), unique=True
    )
    questionnaire_id: Mapped[int | None] = mapped_column(
        ForeignKey("evaluation_questionnaires.id"), index=True
    )


class EvaluationRound(db.Model):
    """The evaluation of one finished session: opened after its last meeting, open until
    ``closes_on`` (inclusive, Berlin date) or until everyone invited has answered.
    ``invited_count`` is kept here because the participant rows of people who left are
    deleted (retention), while the response rate stays."""

    __tablename__ = "evaluation_rounds"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("course_sessions.id"), unique=True)
    questionnaire_id: Mapped[int] = mapped_column(
        ForeignKey("evaluation_questionnaires.id"), index=True
    )
    opened_on: Mapped[date] = mapped_column(Date)
    closes_on: Mapped[date] = mapped_column(Date)
    closed_on: Mapped[date | None] = mapped_column(Date, index=True)
    invited_count: Mapped[int] = mapped_column(Integer, default=0)
    reminder_sent_on: Mapped[date | None] = mapped_column(Date)

    questionnaire: Mapped[Questionnaire] = relationship()

    @property
    def is_closed(self) -> bool:
        return self.closed_on is not None


class EvaluationParticipant(db.Model):
    """That a person was invited to a round and whether they have answered — nothing
    else: no time, no link to the response (personal data, in the Art. 15 export)."""

    __tablename__ = "evaluation_participants"
    __table_args__ = ({"sqlite_with_rowid": False},)

    round_id: Mapped[int] = mapped_column(
        ForeignKey("evaluation_rounds.id", ondelete="CASCADE"), primary_key=True
    )
    employee_id: Mapped[int] = mapped_column(
        ForeignKey("employees.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    answered: Mapped[bool] = mapped_column(Boolean, default=False)
    reminded: Mapped[bool] = mapped_column(Boolean, default=False)


class EvaluationResponse(db.Model):
    """One filled-in questionnaire: the round only (no person, no time)."""

    __tablename__ = "evaluation_responses"
    __table_args__ = ({"sqlite_with_rowid": False},)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_key)
    round_id: Mapped[int] = mapped_column(
        ForeignKey("evaluation_rounds.id", ondelete="CASCADE"), index=True
    )


class EvaluationAnswer(db.Model):
    """One answer of a response: a rating (1–5), a chosen option (one row per option of a
    multiple choice question) or a text."""

    __tablename__ = "evaluation_answers"
    __table_args__ = (
        CheckConstraint("value IS NULL OR (value >= 1 AND value <= 5)", name="value_on_scale"),
        {"sqlite_with_rowid": False},
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_key)
    response_id: Mapped[str] = mapped_column(
        ForeignKey("evaluation_responses.id", ondelete="CASCADE"), index=True
    )
    question_id: Mapped[int] = mapped_column(ForeignKey("evaluation_questions.id"), index=True)
    value: Mapped[int | None] = mapped_column(SmallInteger)
    option_id: Mapped[int | None] = mapped_column(ForeignKey("evaluation_question_options.id"))
    text: Mapped[str | None] = mapped_column(Text)
