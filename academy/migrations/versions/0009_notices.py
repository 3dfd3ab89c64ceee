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

OPEN_INVITATION = "used_at IS NULL AND replaced_at IS NULL"


def upgrade():
    # Notices belong to the person (employee) and wait for their first sign-in; the
    # account stays where there is one (and is the only owner for accounts without a
    # personnel record).
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('employee_id', sa.Integer(), nullable=True))
        batch_op.alter_column('user_id', existing_type=sa.Integer(), nullable=True)
        batch_op.create_foreign_key(
            batch_op.f('fk_notifications_employee_id_employees'),
            'employees', ['employee_id'], ['id'], ondelete='CASCADE',
        )
        batch_op.create_index('ix_notifications_employee_read', ['employee_id', 'read_at'], unique=False)
    # Existing notices move to the person of their account.
    op.execute(
        "UPDATE notifications SET employee_id = "
        "(SELECT users.employee_id FROM users WHERE users.id = notifications.user_id) "
        "WHERE employee_id IS NULL"
    )
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.create_check_constraint(
            op.f('ck_notifications_has_recipient'), 'employee_id IS NOT NULL OR user_id IS NOT NULL'
        )

    op.create_table('outbox_attachments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('outbox_id', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=200), nullable=False),
    sa.Column('content_type', sa.String(length=200), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(['outbox_id'], ['outbox.id'], name=op.f('fk_outbox_attachments_outbox_id_outbox'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox_attachments'))
    )
    with op.batch_alter_table('outbox_attachments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outbox_attachments_outbox_id'), ['outbox_id'], unique=False)

    op.create_table('account_invitations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('employee_id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('expires_at', UTCDateTime(), nullable=False),
    sa.Column('used_at', UTCDateTime(), nullable=True),
    sa.Column('replaced_at', UTCDateTime(), nullable=True),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('outbox_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_account_invitations_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['employee_id'], ['employees.id'], name=op.f('fk_account_invitations_employee_id_employees'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['outbox_id'], ['outbox.id'], name=op.f('fk_account_invitations_outbox_id_outbox'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_account_invitations_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_account_invitations')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_account_invitations_token_hash'))
    )
    with op.batch_alter_table('account_invitations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_account_invitations_employee_id'), ['employee_id'], unique=False)
        batch_op.create_index(
            'uq_account_invitations_open_per_employee', ['employee_id'], unique=True,
            sqlite_where=sa.text(OPEN_INVITATION), postgresql_where=sa.text(OPEN_INVITATION),
        )


def downgrade():
    with op.batch_alter_table('account_invitations', schema=None) as batch_op:
        batch_op.drop_index('uq_account_invitations_open_per_employee')
        batch_op.drop_index(batch_op.f('ix_account_invitations_employee_id'))
    op.drop_table('account_invitations')
    with op.batch_alter_table('outbox_attachments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outbox_attachments_outbox_id'))
    op.drop_table('outbox_attachments')

    # Notices go back to accounts: those of a person with an account to that account;
    # those of a person who never had one cannot be kept.
    op.execute(
        "UPDATE notifications SET user_id = "
        "(SELECT users.id FROM users WHERE users.employee_id = notifications.employee_id) "
        "WHERE user_id IS NULL"
    )
    op.execute("DELETE FROM notifications WHERE user_id IS NULL")
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_notifications_has_recipient'), type_='check')
        batch_op.drop_index('ix_notifications_employee_read')
        batch_op.drop_constraint(batch_op.f('fk_notifications_employee_id_employees'), type_='foreignkey')
        batch_op.drop_column('employee_id')
        batch_op.alter_column('user_id', existing_type=sa.Integer(), nullable=False)
