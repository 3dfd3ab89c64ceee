"""departments: the foreign key of the head on PostgreSQL

Revision ID: 0019_department_head_key
Revises: 0018_budget_totals
Create Date: 2026-12-08 00:30:00.000000

``departments.head_id`` refers to ``employees.id``. Migration 0001 declared the key with
``use_alter`` (departments and employees refer to each other), which Alembic's
``create_table`` leaves out and never adds: PostgreSQL databases had no such key (SQLite
writes it into the table). Heads that name no employee (none are known; employees are
never deleted) are cleared first, then the key is added.
"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "0019_department_head_key"
down_revision = "0018_budget_totals"
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        "UPDATE departments SET head_id = NULL WHERE head_id IS NOT NULL "
        "AND NOT EXISTS (SELECT 1 FROM employees WHERE employees.id = departments.head_id)"
    )
    op.create_foreign_key(
        "fk_departments_head_id_employees", "departments", "employees", ["head_id"], ["id"]
    )


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.drop_constraint("fk_departments_head_id_employees", "departments", type_="foreignkey")
