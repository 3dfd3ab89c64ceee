"""performance: background export jobs and indexes

Revision ID: 0015_performance
Revises: 0014_budgets
Create Date: 2026-12-07 12:45:00.000000

"""
from alembic import op
import sqlalchemy as sa

from academy.clock import UTCDateTime


# revision identifiers, used by Alembic.
revision = '0015_performance'
down_revision = '0014_budgets'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
