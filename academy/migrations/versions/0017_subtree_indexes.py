"""pages of a subtree from indexes: team members in name order, pending requests

Revision ID: 0017_subtree_indexes
Revises: 0016_working_time
Create Date: 2026-12-07 23:40:00.000000

- ``ix_employees_team_names`` (department, active, name key, job role, id): the team
  view takes a page of members (``ORDER BY name_key, id LIMIT …``) of a subtree from the
  index alone and then reads only that page's rows; before, every row of the subtree
  was read and sorted (13,652 members: 13.5 ms on SQLite, now 1.6 ms). With ``id`` in
  it, PostgreSQL reads a subtree's members from the index alone too (index-only scan;
  SQLite has the row id in every index anyway).
- ``ix_enrolments_state_employee`` (state, employee): the requests awaiting a decision
  of a subtree (the approvals inbox and its count) are found among the pending ones
  instead of among all enrolments (PostgreSQL read every enrolment: 28,700 rows for 800
  pending at 50,000 staff).
"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "0017_subtree_indexes"
down_revision = "0016_working_time"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index(
        "ix_employees_team_names",
        "employees",
        ["department_id", "active", "name_key", "job_role_id", "id"],
    )
    op.create_index("ix_enrolments_state_employee", "enrolments", ["state", "employee_id"])
    connection = op.get_bind()
    if connection.dialect.name == "sqlite":  # statistics of the new indexes (academy.database)
        connection.exec_driver_sql("PRAGMA analysis_limit=1000")
        connection.exec_driver_sql("ANALYZE employees")
        connection.exec_driver_sql("ANALYZE enrolments")


def downgrade():
    op.drop_index("ix_enrolments_state_employee", table_name="enrolments")
    op.drop_index("ix_employees_team_names", table_name="employees")
