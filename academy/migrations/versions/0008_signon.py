"""sign-on: directory identities of accounts

Revision ID: 0008_signon
Revises: 0007_site_texts
Create Date: 2026-12-07 12:45:00.000000

"""
from alembic import op
import sqlalchemy as sa

from academy.clock import UTCDateTime


# revision identifiers, used by Alembic.
revision = '0008_signon'
down_revision = '0007_site_texts'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
