"""sign-on: directory identities of accounts

Revision ID: 0008_signon
Revises: 0007_site_texts
Create Date: 2026-12-07 12:45:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008_signon'
down_revision = '0007_site_texts'
branch_labels = None
depends_on = None


def upgrade():
    # Only ALTER TABLE … ADD COLUMN and CREATE INDEX here: on SQLite a batch "move and copy"
    # of ``users`` would drop the old table, and with foreign keys on that deletes every
    # row referring to an account (ON DELETE CASCADE).
    # Accounts remember the directory identity they are linked to (one account per identity).
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('identity_provider', sa.String(length=255), nullable=True))
        batch_op.add_column(sa.Column('external_subject', sa.String(length=255), nullable=True))
    op.create_index(
        'uq_users_identity', 'users', ['identity_provider', 'external_subject'], unique=True
    )
    # A role is held locally (assigned by an administrator: every existing assignment) and/or
    # through a directory group (synchronised at sign-in).
    with op.batch_alter_table('role_assignments', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('local', sa.Boolean(), server_default=sa.true(), nullable=False)
        )
        batch_op.add_column(
            sa.Column('directory', sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    # The ID token of a sign-on session, for the provider's logout (id_token_hint).
    with op.batch_alter_table('user_sessions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('id_token', sa.Text(), nullable=True))


def downgrade():
    # ALTER TABLE … DROP COLUMN (SQLite 3.35+), never a copy of ``users`` (see upgrade).
    op.drop_column('user_sessions', 'id_token')
    # Roles held only through a directory group have no local assignment to fall back to.
    op.execute(sa.text("DELETE FROM role_assignments WHERE local = :no").bindparams(no=False))
    op.drop_column('role_assignments', 'directory')
    op.drop_column('role_assignments', 'local')
    op.drop_index('uq_users_identity', table_name='users')
    op.drop_column('users', 'external_subject')
    op.drop_column('users', 'identity_provider')
