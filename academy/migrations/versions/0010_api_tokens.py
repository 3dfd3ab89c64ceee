"""read API: service tokens

Revision ID: 0010_api_tokens
Revises: 0009_notices
Create Date: 2026-12-07 12:45:00.000000

"""
from alembic import op
import sqlalchemy as sa

from academy.clock import UTCDateTime


# revision identifiers, used by Alembic.
revision = '0010_api_tokens'
down_revision = '0009_notices'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
