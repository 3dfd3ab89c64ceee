"""mandatory training, team bookings and seat reservations

Revision ID: 0012_mandatory
Revises: 0011_meetings_rooms
Create Date: 2026-12-07 12:45:00.000000

"""
from alembic import op
import sqlalchemy as sa

from academy.clock import UTCDateTime


# revision identifiers, used by Alembic.
revision = '0012_mandatory'
down_revision = '0011_meetings_rooms'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
