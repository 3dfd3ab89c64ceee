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
    # Service tokens of the read API (api/tokens): only a hash of the secret is stored; each
    # token has a technical account of its own, under whose name the access log records
    # what the token read.
    op.create_table(
        'api_tokens',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=120), nullable=False),
        sa.Column('prefix', sa.String(length=16), nullable=False),
        sa.Column('secret_hash', sa.String(length=64), nullable=False),
        sa.Column('scopes', sa.String(length=200), nullable=False),
        sa.Column('purpose', sa.String(length=200), nullable=True),
        sa.Column('account_id', sa.Integer(), nullable=False),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('expires_at', UTCDateTime(), nullable=True),
        sa.Column('last_used_at', UTCDateTime(), nullable=True),
        sa.Column('last_used_address', sa.String(length=64), nullable=True),
        sa.Column('revoked_at', UTCDateTime(), nullable=True),
        sa.Column('revoked_by_id', sa.Integer(), nullable=True),
        sa.Column('revoke_reason', sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(['account_id'], ['users.id']),
        sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['revoked_by_id'], ['users.id'], ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('secret_hash'),
        sa.UniqueConstraint('account_id'),
    )
    # A name is unique among the tokens in force (a revoked token's name may be reused).
    op.create_index(
        'uq_api_tokens_active_name',
        'api_tokens',
        ['name'],
        unique=True,
        sqlite_where=sa.text('revoked_at IS NULL'),
        postgresql_where=sa.text('revoked_at IS NULL'),
    )


def downgrade():
    op.drop_index('uq_api_tokens_active_name', table_name='api_tokens')
    op.drop_table('api_tokens')
