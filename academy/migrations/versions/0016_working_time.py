"""working time: the share of full-time of every employee

Revision ID: 0016_working_time
Revises: 0015_performance
Create Date: 2026-12-07 21:00:00.000000

- ``employees.employment_percent``: share of full-time in percent (100 full-time, 1–99
  part-time), from the staff import's column "Beschäftigungsumfang"; empty for everyone
  until the next import that has the column (not known is not guessed).
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0016_working_time"
down_revision = "0015_performance"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("employees") as batch:
        batch.add_column(sa.Column("employment_percent", sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table("employees") as batch:
        batch.drop_column("employment_percent")
