"""notices for every person: notices by employee, invitations, outbox attachments

Revision ID: 0009_notices
Revises: 0008_signon
Create Date: 2026-12-07 12:45:00.000000

"""
from alembic import op
import sqlalchemy as sa

from academy.clock import UTCDateTime


# revision identifiers, used by Alembic.
revision = '0009_notices'
down_revision = '0008_signon'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
