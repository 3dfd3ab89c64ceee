"""sessions of several meetings, rooms and trainers

Revision ID: 0011_meetings_rooms
Revises: 0010_api_tokens
Create Date: 2026-12-07 12:45:00.000000

Every existing session becomes one meeting with its dates and place; every account
named as a session's trainer becomes an internal trainer, linked to its sessions as
the lead; recorded attendance (attended, no-show, completed, failed) becomes the
attendance of that one meeting.
"""
from datetime import UTC, datetime

from alembic import op
import sqlalchemy as sa

from academy.clock import UTCDateTime


# revision identifiers, used by Alembic.
revision = '0011_meetings_rooms'
down_revision = '0010_api_tokens'
branch_labels = None
depends_on = None


def _create_tables():
    op.create_table('rooms',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('building', sa.String(length=200), nullable=True),
    sa.Column('address', sa.String(length=300), nullable=True),
    sa.Column('capacity', sa.Integer(), nullable=False),
    sa.Column('step_free', sa.Boolean(), nullable=False),
    sa.Column('hearing_loop', sa.Boolean(), nullable=False),
    sa.Column('equipment', sa.Text(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('cost_per_day', sa.Numeric(precision=10, scale=2), nullable=True),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.Column('updated_at', UTCDateTime(), nullable=False),
    sa.CheckConstraint('capacity > 0', name=op.f('ck_rooms_capacity_positive')),
    sa.CheckConstraint('cost_per_day IS NULL OR cost_per_day >= 0', name=op.f('ck_rooms_cost_not_negative')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rooms'))
    )
    with op.batch_alter_table('rooms', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rooms_active'), ['active'], unique=False)

    op.create_table('trainers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('name', sa.String(length=200), nullable=True),
    sa.Column('organisation', sa.String(length=200), nullable=True),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('phone', sa.String(length=50), nullable=True),
    sa.Column('fee_per_day', sa.Numeric(precision=10, scale=2), nullable=True),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.Column('updated_at', UTCDateTime(), nullable=False),
    sa.CheckConstraint("(kind = 'internal' AND user_id IS NOT NULL) OR (kind = 'external' AND user_id IS NULL AND name IS NOT NULL)", name=op.f('ck_trainers_kind_fields')),
    sa.CheckConstraint('fee_per_day IS NULL OR fee_per_day >= 0', name=op.f('ck_trainers_fee_not_negative')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_trainers_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_trainers')),
    sa.UniqueConstraint('user_id', name=op.f('uq_trainers_user_id'))
    )
    with op.batch_alter_table('trainers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_trainers_active'), ['active'], unique=False)

    op.create_table('session_meetings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('starts_at', UTCDateTime(), nullable=False),
    sa.Column('ends_at', UTCDateTime(), nullable=False),
    sa.Column('location', sa.String(length=200), nullable=True),
    sa.Column('online_url', sa.String(length=500), nullable=True),
    sa.Column('room_id', sa.Integer(), nullable=True),
    sa.Column('reminder_sent_at', UTCDateTime(), nullable=True),
    sa.CheckConstraint('ends_at > starts_at', name=op.f('ck_session_meetings_ends_after_start')),
    sa.ForeignKeyConstraint(['room_id'], ['rooms.id'], name=op.f('fk_session_meetings_room_id_rooms')),
    sa.ForeignKeyConstraint(['session_id'], ['course_sessions.id'], name=op.f('fk_session_meetings_session_id_course_sessions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_session_meetings'))
    )
    with op.batch_alter_table('session_meetings', schema=None) as batch_op:
        batch_op.create_index('ix_session_meetings_session_position', ['session_id', 'position'], unique=False)
        batch_op.create_index('ix_session_meetings_room_start', ['room_id', 'starts_at'], unique=False)
        batch_op.create_index('ix_session_meetings_starts_at', ['starts_at'], unique=False)

    op.create_table('session_trainers',
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('trainer_id', sa.Integer(), nullable=False),
    sa.Column('is_lead', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['session_id'], ['course_sessions.id'], name=op.f('fk_session_trainers_session_id_course_sessions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['trainer_id'], ['trainers.id'], name=op.f('fk_session_trainers_trainer_id_trainers')),
    sa.PrimaryKeyConstraint('session_id', 'trainer_id', name=op.f('pk_session_trainers'))
    )
    with op.batch_alter_table('session_trainers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_session_trainers_trainer_id'), ['trainer_id'], unique=False)

    op.create_table('meeting_attendance',
    sa.Column('enrolment_id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('present', sa.Boolean(), nullable=False),
    sa.Column('marked_at', UTCDateTime(), nullable=False),
    sa.Column('marked_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['enrolment_id'], ['enrolments.id'], name=op.f('fk_meeting_attendance_enrolment_id_enrolments'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['marked_by_id'], ['users.id'], name=op.f('fk_meeting_attendance_marked_by_id_users')),
    sa.ForeignKeyConstraint(['meeting_id'], ['session_meetings.id'], name=op.f('fk_meeting_attendance_meeting_id_session_meetings'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('enrolment_id', 'meeting_id', name=op.f('pk_meeting_attendance'))
    )
    with op.batch_alter_table('meeting_attendance', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meeting_attendance_meeting_id'), ['meeting_id'], unique=False)


def _migrate_data():
    """One meeting per session, internal trainers for the sessions' trainer accounts,
    the recorded attendance as the attendance of that meeting (plain INSERT … SELECT:
    the same statements on SQLite and PostgreSQL)."""
    now = datetime.now(UTC)
    sessions = sa.table(
        'course_sessions',
        sa.column('id', sa.Integer), sa.column('starts_at', UTCDateTime()),
        sa.column('ends_at', UTCDateTime()), sa.column('location', sa.String),
        sa.column('online_url', sa.String), sa.column('trainer_id', sa.Integer),
    )
    meetings = sa.table(
        'session_meetings',
        sa.column('id', sa.Integer), sa.column('session_id', sa.Integer),
        sa.column('position', sa.Integer), sa.column('starts_at', UTCDateTime()),
        sa.column('ends_at', UTCDateTime()), sa.column('location', sa.String),
        sa.column('online_url', sa.String),
    )
    trainers = sa.table(
        'trainers',
        sa.column('id', sa.Integer), sa.column('kind', sa.String),
        sa.column('user_id', sa.Integer), sa.column('active', sa.Boolean),
        sa.column('created_at', UTCDateTime()), sa.column('updated_at', UTCDateTime()),
    )
    links = sa.table(
        'session_trainers',
        sa.column('session_id', sa.Integer), sa.column('trainer_id', sa.Integer),
        sa.column('is_lead', sa.Boolean),
    )
    enrolments = sa.table(
        'enrolments',
        sa.column('id', sa.Integer), sa.column('session_id', sa.Integer),
        sa.column('state', sa.String), sa.column('attendance_marked_at', UTCDateTime()),
        sa.column('updated_at', UTCDateTime()), sa.column('result_marked_by_id', sa.Integer),
    )
    attendance = sa.table(
        'meeting_attendance',
        sa.column('enrolment_id', sa.Integer), sa.column('meeting_id', sa.Integer),
        sa.column('present', sa.Boolean), sa.column('marked_at', UTCDateTime()),
        sa.column('marked_by_id', sa.Integer),
    )
    op.execute(
        meetings.insert().from_select(
            ['session_id', 'position', 'starts_at', 'ends_at', 'location', 'online_url'],
            sa.select(
                sessions.c.id, sa.literal(0), sessions.c.starts_at, sessions.c.ends_at,
                sessions.c.location, sessions.c.online_url,
            ),
        )
    )
    stamp = sa.literal(now, UTCDateTime())
    op.execute(
        trainers.insert().from_select(
            ['kind', 'user_id', 'active', 'created_at', 'updated_at'],
            sa.select(
                sa.literal('internal'), sessions.c.trainer_id, sa.true(), stamp, stamp,
            ).where(sessions.c.trainer_id.is_not(None)).group_by(sessions.c.trainer_id),
        )
    )
    op.execute(
        links.insert().from_select(
            ['session_id', 'trainer_id', 'is_lead'],
            sa.select(sessions.c.id, trainers.c.id, sa.true()).join(
                trainers, trainers.c.user_id == sessions.c.trainer_id
            ),
        )
    )
    op.execute(
        attendance.insert().from_select(
            ['enrolment_id', 'meeting_id', 'present', 'marked_at', 'marked_by_id'],
            sa.select(
                enrolments.c.id,
                meetings.c.id,
                sa.case((enrolments.c.state == 'no_show', sa.false()), else_=sa.true()),
                sa.func.coalesce(enrolments.c.attendance_marked_at, enrolments.c.updated_at),
                enrolments.c.result_marked_by_id,
            )
            .join(meetings, meetings.c.session_id == enrolments.c.session_id)
            .where(enrolments.c.state.in_(['attended', 'no_show', 'completed', 'failed'])),
        )
    )


def upgrade():
    _create_tables()
    _migrate_data()


def downgrade():
    """The sessions keep their first start, last end and first place; meetings, rooms,
    trainers and per-meeting attendance are dropped."""
    with op.batch_alter_table('meeting_attendance', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meeting_attendance_meeting_id'))
    op.drop_table('meeting_attendance')
    with op.batch_alter_table('session_trainers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_session_trainers_trainer_id'))
    op.drop_table('session_trainers')
    with op.batch_alter_table('session_meetings', schema=None) as batch_op:
        batch_op.drop_index('ix_session_meetings_starts_at')
        batch_op.drop_index('ix_session_meetings_room_start')
        batch_op.drop_index('ix_session_meetings_session_position')
    op.drop_table('session_meetings')
    with op.batch_alter_table('trainers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_trainers_active'))
    op.drop_table('trainers')
    with op.batch_alter_table('rooms', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rooms_active'))
    op.drop_table('rooms')
