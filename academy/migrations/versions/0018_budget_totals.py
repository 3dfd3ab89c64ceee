"""budgets: the bookings' sums per department, year and state, kept by triggers

Revision ID: 0018_budget_totals
Revises: 0017_subtree_indexes
Create Date: 2026-12-07 23:55:00.000000

- ``budget_booking_totals`` (department, year, state → amount): filled from the existing
  bookings, then kept by triggers on ``budget_bookings`` (SQLite: one per INSERT, UPDATE
  and DELETE; PostgreSQL: one row trigger calling ``budget_booking_totals_keep()``). The
  approvals inbox and the budget pages sum a subtree's bookings from these rows: one per
  department and state instead of every booking (at 50,000 staff the inbox's sum read
  thousands of bookings).

Note for later migrations: Alembic's batch mode on SQLite rebuilds a table and drops its
triggers — a migration that alters ``budget_bookings`` in batch mode must create the three
triggers again (``SQLITE_TRIGGERS`` below).
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0018_budget_totals"
down_revision = "0017_subtree_indexes"
branch_labels = None
depends_on = None

ADD_NEW = """
    INSERT INTO budget_booking_totals (department_id, year, state, amount)
    VALUES (NEW.department_id, NEW.year, NEW.state, NEW.amount)
    ON CONFLICT (department_id, year, state)
    DO UPDATE SET amount = budget_booking_totals.amount + excluded.amount;
"""
TAKE_OLD = """
    UPDATE budget_booking_totals SET amount = amount - OLD.amount
    WHERE department_id = OLD.department_id AND year = OLD.year AND state = OLD.state;
"""
SQLITE_TRIGGERS = {
    "budget_bookings_totals_insert": f"AFTER INSERT ON budget_bookings BEGIN {ADD_NEW} END",
    "budget_bookings_totals_delete": f"AFTER DELETE ON budget_bookings BEGIN {TAKE_OLD} END",
    "budget_bookings_totals_update": (
        "AFTER UPDATE OF department_id, year, state, amount ON budget_bookings "
        f"BEGIN {TAKE_OLD} {ADD_NEW} END"
    ),
}
POSTGRES_FUNCTION = f"""
CREATE OR REPLACE FUNCTION budget_booking_totals_keep() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN {TAKE_OLD} END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN {ADD_NEW} END IF;
    RETURN NULL;
END
$$
"""
POSTGRES_TRIGGER = """
CREATE TRIGGER budget_bookings_totals
AFTER INSERT OR DELETE OR UPDATE OF department_id, year, state, amount ON budget_bookings
FOR EACH ROW EXECUTE FUNCTION budget_booking_totals_keep()
"""


def upgrade():
    op.create_table(
        "budget_booking_totals",
        sa.Column("department_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=12), nullable=False),
        sa.Column("amount", sa.Numeric(precision=12, scale=2), nullable=False),
        sa.ForeignKeyConstraint(
            ["department_id"],
            ["departments.id"],
            name=op.f("fk_budget_booking_totals_department_id_departments"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "department_id", "year", "state", name=op.f("pk_budget_booking_totals")
        ),
    )
    op.execute(
        "INSERT INTO budget_booking_totals (department_id, year, state, amount) "
        "SELECT department_id, year, state, sum(amount) FROM budget_bookings "
        "GROUP BY department_id, year, state"
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(POSTGRES_FUNCTION)
        op.execute(POSTGRES_TRIGGER)
    else:
        for name, body in SQLITE_TRIGGERS.items():
            op.execute(f"CREATE TRIGGER {name} {body}")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS budget_bookings_totals ON budget_bookings")
        op.execute("DROP FUNCTION IF EXISTS budget_booking_totals_keep()")
    else:
        for name in SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.drop_table("budget_booking_totals")
