"""sessions of several meetings, rooms and trainers

Revision ID: 0011_meetings_rooms
Revises: 0010_api_tokens
Create Date: 2026-12-07 12:45:00.000000

"""
from alembic import op
import sqlalchemy as sa

from academy.clock import UTCDateTime


# revision identifiers, used by Alembic.
revision = '0011_meetings_rooms'
down_revision = '0010_api_tokens'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
