"""login attempts carry the client's address (throttling per account and address)

Revision ID: 0006_login_attempt_address
Revises: 0005_programmes
Create Date: 2026-11-24 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006_login_attempt_address'
down_revision = '0005_programmes'
branch_labels = None
depends_on = None


def upgrade():
    # Rows written before (no address) match no pair and expire within a day.
    with op.batch_alter_table('login_attempts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('address', sa.String(length=64), nullable=True))
        batch_op.create_index('ix_login_attempts_address_at', ['address', 'at'], unique=False)


def downgrade():
    with op.batch_alter_table('login_attempts', schema=None) as batch_op:
        batch_op.drop_index('ix_login_attempts_address_at')
        batch_op.drop_column('address')
