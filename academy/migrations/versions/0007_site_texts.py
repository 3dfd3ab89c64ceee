"""site texts: the privacy notice and the accessibility statement as edited by admins

Revision ID: 0007_site_texts
Revises: 0006_login_attempt_address
Create Date: 2026-12-07 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

from academy.clock import UTCDateTime


# revision identifiers, used by Alembic.
revision = '0007_site_texts'
down_revision = '0006_login_attempt_address'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'site_texts',
        sa.Column('key', sa.String(length=40), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('updated_at', UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint('key'),
    )


def downgrade():
    op.drop_table('site_texts')
