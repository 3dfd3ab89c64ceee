"""training budgets, costs and external training requests

Revision ID: 0014_budgets
Revises: 0013_evaluations
Create Date: 2026-12-07 12:45:00.000000

"""
from alembic import op
import sqlalchemy as sa

from academy.clock import UTCDateTime


# revision identifiers, used by Alembic.
revision = '0014_budgets'
down_revision = '0013_evaluations'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
