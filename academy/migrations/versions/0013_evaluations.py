"""anonymous course evaluations

Revision ID: 0013_evaluations
Revises: 0012_mandatory
Create Date: 2026-12-07 12:45:00.000000

"""
from alembic import op
import sqlalchemy as sa

from academy.clock import UTCDateTime


# revision identifiers, used by Alembic.
revision = '0013_evaluations'
down_revision = '0012_mandatory'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
