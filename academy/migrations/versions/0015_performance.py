"""performance: background export jobs and indexes

Revision ID: 0015_performance
Revises: 0014_budgets
Create Date: 2026-12-07 12:45:00.000000

- ``employees.name_key``: last and first name in German dictionary order (DIN 5007-1),
  so that pages of people are ordered and cut in SQL; filled for every existing row.
- ``export_jobs``: exports made in the background, with progress and the finished file.
"""

import unicodedata

import sqlalchemy as sa
from alembic import op

from academy.clock import UTCDateTime

# revision identifiers, used by Alembic.
revision = "0015_performance"
down_revision = "0014_budgets"
branch_labels = None
depends_on = None

MAX_KEY = 420
SEPARATOR = "\x1f"
BATCH = 2000


def _fold(text):
    decomposed = unicodedata.normalize("NFKD", text or "")
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def _name_key(last_name, first_name):
    # as academy.org.names.name_key when this migration was written
    return f"{_fold(last_name)}{SEPARATOR}{_fold(first_name)}"[:MAX_KEY]


def upgrade():
    key_type = sa.String(length=MAX_KEY).with_variant(
        sa.String(length=MAX_KEY, collation="C"), "postgresql"
    )
    with op.batch_alter_table("employees", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("name_key", key_type, nullable=False, server_default="")
        )
    connection = op.get_bind()
    employees = sa.table(
        "employees",
        sa.column("id", sa.Integer),
        sa.column("first_name", sa.String),
        sa.column("last_name", sa.String),
        sa.column("name_key", sa.String),
    )
    last_id = 0
    while True:
        rows = connection.execute(
            sa.select(employees.c.id, employees.c.last_name, employees.c.first_name)
            .where(employees.c.id > last_id)
            .order_by(employees.c.id)
            .limit(BATCH)
        ).all()
        if not rows:
            break
        connection.execute(
            employees.update()
            .where(employees.c.id == sa.bindparam("row_id"))
            .values(name_key=sa.bindparam("key")),
            [{"row_id": row.id, "key": _name_key(row.last_name, row.first_name)} for row in rows],
        )
        last_id = rows[-1].id
    with op.batch_alter_table("employees", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_employees_name_key"), ["name_key"], unique=False)
        # the team pages: members of departments, by job role, read from the index alone
        batch_op.create_index(
            "ix_employees_team", ["department_id", "active", "job_role_id"], unique=False
        )
    with op.batch_alter_table("ratings", schema=None) as batch_op:
        # the latest head rating per person and competence, in index order (no table rows)
        batch_op.create_index(
            "ix_ratings_latest",
            ["source", "employee_id", "competence_id", "rated_at", "id", "level"],
            unique=False,
        )
    with op.batch_alter_table("enrolments", schema=None) as batch_op:
        # completed courses per person as evidence, read from the index alone
        batch_op.drop_index("ix_enrolments_employee_state")
        batch_op.create_index(
            "ix_enrolments_employee_state",
            ["employee_id", "state", "course_id", "completed_on"],
            unique=False,
        )

    op.create_table(
        "export_jobs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=60), nullable=False),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("requested_by_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("progress", sa.Integer(), nullable=False),
        sa.Column("rows_done", sa.Integer(), nullable=False),
        sa.Column("rows_total", sa.Integer(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("started_at", UTCDateTime(), nullable=True),
        sa.Column("heartbeat_at", UTCDateTime(), nullable=True),
        sa.Column("finished_at", UTCDateTime(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=True),
        sa.Column("mimetype", sa.String(length=120), nullable=True),
        sa.Column("content", sa.LargeBinary(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "progress >= 0 AND progress <= 100", name=op.f("ck_export_jobs_progress_percent")
        ),
        sa.ForeignKeyConstraint(
            ["requested_by_id"],
            ["users.id"],
            name=op.f("fk_export_jobs_requested_by_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_export_jobs")),
    )
    with op.batch_alter_table("export_jobs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_export_jobs_created_at"), ["created_at"])
        batch_op.create_index(batch_op.f("ix_export_jobs_requested_by_id"), ["requested_by_id"])
        batch_op.create_index(batch_op.f("ix_export_jobs_status"), ["status"])

    if connection.dialect.name == "sqlite":  # the planner's statistics (academy.database)
        connection.exec_driver_sql("PRAGMA analysis_limit=1000")
        connection.exec_driver_sql("ANALYZE")


def downgrade():
    with op.batch_alter_table("export_jobs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_export_jobs_status"))
        batch_op.drop_index(batch_op.f("ix_export_jobs_requested_by_id"))
        batch_op.drop_index(batch_op.f("ix_export_jobs_created_at"))
    op.drop_table("export_jobs")
    with op.batch_alter_table("enrolments", schema=None) as batch_op:
        batch_op.drop_index("ix_enrolments_employee_state")
        batch_op.create_index("ix_enrolments_employee_state", ["employee_id", "state"])
    with op.batch_alter_table("ratings", schema=None) as batch_op:
        batch_op.drop_index("ix_ratings_latest")
    with op.batch_alter_table("employees", schema=None) as batch_op:
        batch_op.drop_index("ix_employees_team")
        batch_op.drop_index(batch_op.f("ix_employees_name_key"))
        batch_op.drop_column("name_key")
