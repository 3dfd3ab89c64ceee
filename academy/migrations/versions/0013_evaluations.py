"""anonymous course evaluations

Revision ID: 0013_evaluations
Revises: 0012_mandatory
Create Date: 2026-12-07 12:45:00.000000

Questionnaires with their questions and options, which course or session uses which,
the rounds of finished sessions, who has answered (without time or link), and the
anonymous responses and answers (random keys, no person, no time). On SQLite the three
tables about answering are WITHOUT ROWID: no hidden insertion counter.
"""

import sqlalchemy as sa
from alembic import op

from academy.clock import UTCDateTime

# revision identifiers, used by Alembic.
revision = "0013_evaluations"
down_revision = "0012_mandatory"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "evaluation_questionnaires",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("is_default", sa.Boolean(), nullable=False),
        sa.Column("archived", sa.Boolean(), nullable=False),
        sa.Column("source_key", sa.String(length=40), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evaluation_questionnaires")),
        sa.UniqueConstraint("source_key", name=op.f("uq_evaluation_questionnaires_source_key")),
    )
    op.create_table(
        "evaluation_questions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("questionnaire_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("text", sa.String(length=500), nullable=False),
        sa.Column("required", sa.Boolean(), nullable=False),
        sa.Column("dimension", sa.String(length=20), nullable=True),
        sa.ForeignKeyConstraint(
            ["questionnaire_id"],
            ["evaluation_questionnaires.id"],
            name=op.f("fk_evaluation_questions_questionnaire_id_evaluation_questionnaires"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evaluation_questions")),
    )
    op.create_index(
        "ix_evaluation_questions_questionnaire",
        "evaluation_questions",
        ["questionnaire_id", "position"],
        unique=False,
    )
    op.create_table(
        "evaluation_question_options",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["question_id"],
            ["evaluation_questions.id"],
            name=op.f("fk_evaluation_question_options_question_id_evaluation_questions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evaluation_question_options")),
    )
    op.create_index(
        op.f("ix_evaluation_question_options_question_id"),
        "evaluation_question_options",
        ["question_id"],
        unique=False,
    )
    op.create_table(
        "evaluation_assignments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("course_id", sa.Integer(), nullable=True),
        sa.Column("session_id", sa.Integer(), nullable=True),
        sa.Column("questionnaire_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "(course_id IS NULL AND session_id IS NOT NULL) OR "
            "(course_id IS NOT NULL AND session_id IS NULL)",
            name=op.f("ck_evaluation_assignments_course_or_session"),
        ),
        sa.ForeignKeyConstraint(
            ["course_id"],
            ["courses.id"],
            name=op.f("fk_evaluation_assignments_course_id_courses"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["course_sessions.id"],
            name=op.f("fk_evaluation_assignments_session_id_course_sessions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["questionnaire_id"],
            ["evaluation_questionnaires.id"],
            name=op.f("fk_evaluation_assignments_questionnaire_id_evaluation_questionnaires"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evaluation_assignments")),
        sa.UniqueConstraint("course_id", name=op.f("uq_evaluation_assignments_course_id")),
        sa.UniqueConstraint("session_id", name=op.f("uq_evaluation_assignments_session_id")),
    )
    op.create_index(
        op.f("ix_evaluation_assignments_questionnaire_id"),
        "evaluation_assignments",
        ["questionnaire_id"],
        unique=False,
    )
    op.create_table(
        "evaluation_rounds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("questionnaire_id", sa.Integer(), nullable=False),
        sa.Column("opened_on", sa.Date(), nullable=False),
        sa.Column("closes_on", sa.Date(), nullable=False),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("invited_count", sa.Integer(), nullable=False),
        sa.Column("reminder_sent_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["course_sessions.id"],
            name=op.f("fk_evaluation_rounds_session_id_course_sessions"),
        ),
        sa.ForeignKeyConstraint(
            ["questionnaire_id"],
            ["evaluation_questionnaires.id"],
            name=op.f("fk_evaluation_rounds_questionnaire_id_evaluation_questionnaires"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evaluation_rounds")),
        sa.UniqueConstraint("session_id", name=op.f("uq_evaluation_rounds_session_id")),
    )
    op.create_index(
        op.f("ix_evaluation_rounds_questionnaire_id"),
        "evaluation_rounds",
        ["questionnaire_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_evaluation_rounds_closed_on"), "evaluation_rounds", ["closed_on"], unique=False
    )
    op.create_table(
        "evaluation_participants",
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("employee_id", sa.Integer(), nullable=False),
        sa.Column("answered", sa.Boolean(), nullable=False),
        sa.Column("reminded", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["evaluation_rounds.id"],
            name=op.f("fk_evaluation_participants_round_id_evaluation_rounds"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["employee_id"],
            ["employees.id"],
            name=op.f("fk_evaluation_participants_employee_id_employees"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("round_id", "employee_id", name=op.f("pk_evaluation_participants")),
        sqlite_with_rowid=False,
    )
    op.create_index(
        op.f("ix_evaluation_participants_employee_id"),
        "evaluation_participants",
        ["employee_id"],
        unique=False,
    )
    op.create_table(
        "evaluation_responses",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["evaluation_rounds.id"],
            name=op.f("fk_evaluation_responses_round_id_evaluation_rounds"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evaluation_responses")),
        sqlite_with_rowid=False,
    )
    op.create_index(
        op.f("ix_evaluation_responses_round_id"),
        "evaluation_responses",
        ["round_id"],
        unique=False,
    )
    op.create_table(
        "evaluation_answers",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("response_id", sa.String(length=32), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("value", sa.SmallInteger(), nullable=True),
        sa.Column("option_id", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "value IS NULL OR (value >= 1 AND value <= 5)",
            name=op.f("ck_evaluation_answers_value_on_scale"),
        ),
        sa.ForeignKeyConstraint(
            ["response_id"],
            ["evaluation_responses.id"],
            name=op.f("fk_evaluation_answers_response_id_evaluation_responses"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["question_id"],
            ["evaluation_questions.id"],
            name=op.f("fk_evaluation_answers_question_id_evaluation_questions"),
        ),
        sa.ForeignKeyConstraint(
            ["option_id"],
            ["evaluation_question_options.id"],
            name=op.f("fk_evaluation_answers_option_id_evaluation_question_options"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evaluation_answers")),
        sqlite_with_rowid=False,
    )
    op.create_index(
        op.f("ix_evaluation_answers_response_id"),
        "evaluation_answers",
        ["response_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_evaluation_answers_question_id"),
        "evaluation_answers",
        ["question_id"],
        unique=False,
    )


def downgrade():
    op.drop_table("evaluation_answers")
    op.drop_table("evaluation_responses")
    op.drop_table("evaluation_participants")
    op.drop_table("evaluation_rounds")
    op.drop_table("evaluation_assignments")
    op.drop_table("evaluation_question_options")
    op.drop_table("evaluation_questions")
    op.drop_table("evaluation_questionnaires")
