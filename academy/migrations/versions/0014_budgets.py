"""training budgets, costs and external training requests

Revision ID: 0014_budgets
Revises: 0013_evaluations
Create Date: 2026-12-07 12:45:00.000000

"""

import sqlalchemy as sa
from alembic import op

from academy.clock import UTCDateTime

# revision identifiers, used by Alembic.
revision = "0014_budgets"
down_revision = "0013_evaluations"
branch_labels = None
depends_on = None

MONEY = sa.Numeric(precision=12, scale=2)


def upgrade():
    with op.batch_alter_table("departments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("cost_centre", sa.String(length=20), nullable=True))
    with op.batch_alter_table("courses", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("external", sa.Boolean(), nullable=False, server_default=sa.false())
        )

    op.create_table(
        "training_budgets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("amount", MONEY, nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.CheckConstraint("amount >= 0", name=op.f("ck_training_budgets_amount_not_negative")),
        sa.ForeignKeyConstraint(
            ["department_id"],
            ["departments.id"],
            name=op.f("fk_training_budgets_department_id_departments"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_training_budgets")),
        sa.UniqueConstraint(
            "department_id", "year", name=op.f("uq_training_budgets_department_id_year")
        ),
    )
    with op.batch_alter_table("training_budgets", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_training_budgets_department_id"), ["department_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_training_budgets_year"), ["year"], unique=False)

    op.create_table(
        "budget_bookings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("enrolment_id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("employee_id", sa.Integer(), nullable=True),
        sa.Column("department_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=12), nullable=False),
        sa.Column("reason", sa.String(length=30), nullable=True),
        sa.Column("price", MONEY, nullable=False),
        sa.Column("trainer_share", MONEY, nullable=False),
        sa.Column("room_share", MONEY, nullable=False),
        sa.Column("travel", MONEY, nullable=False),
        sa.Column("amount", MONEY, nullable=False),
        sa.Column("booked_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.CheckConstraint("amount >= 0", name=op.f("ck_budget_bookings_amount_not_negative")),
        sa.ForeignKeyConstraint(
            ["department_id"],
            ["departments.id"],
            name=op.f("fk_budget_bookings_department_id_departments"),
        ),
        sa.ForeignKeyConstraint(
            ["employee_id"],
            ["employees.id"],
            name=op.f("fk_budget_bookings_employee_id_employees"),
        ),
        sa.ForeignKeyConstraint(
            ["enrolment_id"],
            ["enrolments.id"],
            name=op.f("fk_budget_bookings_enrolment_id_enrolments"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["course_sessions.id"],
            name=op.f("fk_budget_bookings_session_id_course_sessions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_budget_bookings")),
        sa.UniqueConstraint("enrolment_id", name=op.f("uq_budget_bookings_enrolment_id")),
    )
    with op.batch_alter_table("budget_bookings", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_budget_bookings_employee_id"), ["employee_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_budget_bookings_session_id"), ["session_id"], unique=False
        )
        batch_op.create_index(
            "ix_budget_bookings_year_department_state",
            ["year", "department_id", "state"],
            unique=False,
        )

    op.create_table(
        "external_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("employee_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("provider", sa.String(length=200), nullable=False),
        sa.Column("starts_at", UTCDateTime(), nullable=False),
        sa.Column("ends_at", UTCDateTime(), nullable=False),
        sa.Column("online", sa.Boolean(), nullable=False),
        sa.Column("location", sa.String(length=200), nullable=True),
        sa.Column("duration_ue", sa.Integer(), nullable=False),
        sa.Column("cost", MONEY, nullable=False),
        sa.Column("travel_cost", MONEY, nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("submitted_at", UTCDateTime(), nullable=False),
        sa.Column("head_id", sa.Integer(), nullable=True),
        sa.Column("head_decided_at", UTCDateTime(), nullable=True),
        sa.Column("head_comment", sa.Text(), nullable=True),
        sa.Column("hr_id", sa.Integer(), nullable=True),
        sa.Column("hr_decided_at", UTCDateTime(), nullable=True),
        sa.Column("second_id", sa.Integer(), nullable=True),
        sa.Column("second_decided_at", UTCDateTime(), nullable=True),
        sa.Column("decline_reason", sa.Text(), nullable=True),
        sa.Column("withdrawn_at", UTCDateTime(), nullable=True),
        sa.Column("course_id", sa.Integer(), nullable=True),
        sa.Column("session_id", sa.Integer(), nullable=True),
        sa.Column("enrolment_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.CheckConstraint(
            "ends_at > starts_at", name=op.f("ck_external_requests_ends_after_start")
        ),
        sa.CheckConstraint(
            "cost >= 0 AND travel_cost >= 0",
            name=op.f("ck_external_requests_costs_not_negative"),
        ),
        sa.ForeignKeyConstraint(
            ["course_id"], ["courses.id"], name=op.f("fk_external_requests_course_id_courses")
        ),
        sa.ForeignKeyConstraint(
            ["employee_id"],
            ["employees.id"],
            name=op.f("fk_external_requests_employee_id_employees"),
        ),
        sa.ForeignKeyConstraint(
            ["enrolment_id"],
            ["enrolments.id"],
            name=op.f("fk_external_requests_enrolment_id_enrolments"),
        ),
        sa.ForeignKeyConstraint(
            ["head_id"], ["users.id"], name=op.f("fk_external_requests_head_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["hr_id"], ["users.id"], name=op.f("fk_external_requests_hr_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["second_id"], ["users.id"], name=op.f("fk_external_requests_second_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["course_sessions.id"],
            name=op.f("fk_external_requests_session_id_course_sessions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_external_requests")),
        sa.UniqueConstraint("course_id", name=op.f("uq_external_requests_course_id")),
        sa.UniqueConstraint("enrolment_id", name=op.f("uq_external_requests_enrolment_id")),
        sa.UniqueConstraint("session_id", name=op.f("uq_external_requests_session_id")),
    )
    with op.batch_alter_table("external_requests", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_external_requests_employee_id"), ["employee_id"], unique=False
        )
        batch_op.create_index(
            "ix_external_requests_state_submitted", ["state", "submitted_at"], unique=False
        )

    op.create_table(
        "external_request_competences",
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("competence_id", sa.Integer(), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["competence_id"],
            ["competences.id"],
            name=op.f("fk_external_request_competences_competence_id_competences"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["external_requests.id"],
            name=op.f("fk_external_request_competences_request_id_external_requests"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "request_id", "competence_id", name=op.f("pk_external_request_competences")
        ),
    )
    with op.batch_alter_table("external_request_competences", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_external_request_competences_competence_id"),
            ["competence_id"],
            unique=False,
        )

    op.create_table(
        "external_attachments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("stored_name", sa.String(length=64), nullable=False),
        sa.Column("content_type", sa.String(length=40), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("uploaded_by_id", sa.Integer(), nullable=True),
        sa.Column("uploaded_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["external_requests.id"],
            name=op.f("fk_external_attachments_request_id_external_requests"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["uploaded_by_id"],
            ["users.id"],
            name=op.f("fk_external_attachments_uploaded_by_id_users"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_external_attachments")),
        sa.UniqueConstraint("stored_name", name=op.f("uq_external_attachments_stored_name")),
    )
    with op.batch_alter_table("external_attachments", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_external_attachments_request_id"), ["request_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("external_attachments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_external_attachments_request_id"))
    op.drop_table("external_attachments")
    with op.batch_alter_table("external_request_competences", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_external_request_competences_competence_id"))
    op.drop_table("external_request_competences")
    with op.batch_alter_table("external_requests", schema=None) as batch_op:
        batch_op.drop_index("ix_external_requests_state_submitted")
        batch_op.drop_index(batch_op.f("ix_external_requests_employee_id"))
    op.drop_table("external_requests")
    with op.batch_alter_table("budget_bookings", schema=None) as batch_op:
        batch_op.drop_index("ix_budget_bookings_year_department_state")
        batch_op.drop_index(batch_op.f("ix_budget_bookings_session_id"))
        batch_op.drop_index(batch_op.f("ix_budget_bookings_employee_id"))
    op.drop_table("budget_bookings")
    with op.batch_alter_table("training_budgets", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_training_budgets_year"))
        batch_op.drop_index(batch_op.f("ix_training_budgets_department_id"))
    op.drop_table("training_budgets")
    with op.batch_alter_table("courses", schema=None) as batch_op:
        batch_op.drop_column("external")
    with op.batch_alter_table("departments", schema=None) as batch_op:
        batch_op.drop_column("cost_centre")
