"""mandatory training, team bookings and seat reservations

Revision ID: 0012_mandatory
Revises: 0011_meetings_rooms
Create Date: 2026-12-07 12:45:00.000000

Mandatory training: assignments (a course or any of a set of equivalent ones, for a job
role, a department subtree or named people), since when each person is assigned, HR's
external evidence, reminder markers and HR's daily digest. Heads book for their team:
seats reserved on a session for a unit (``course_sessions.reserved_seats`` holds them
out of general sale; existing sessions start with none), the enrolments made from them
and proposals from the team's training plan.
"""
from alembic import op
import sqlalchemy as sa

from academy.clock import UTCDateTime


# revision identifiers, used by Alembic.
revision = '0012_mandatory'
down_revision = '0011_meetings_rooms'
branch_labels = None
depends_on = None


def _fk(table, column, referred, ondelete=None):
    return sa.ForeignKeyConstraint(
        [column], [f'{referred}.id'], name=f'fk_{table}_{column}_{referred}', ondelete=ondelete
    )


def _mandatory_tables():
    op.create_table('mandatory_assignments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('target_kind', sa.String(length=20), nullable=False),
    sa.Column('job_role_id', sa.Integer(), nullable=True),
    sa.Column('department_id', sa.Integer(), nullable=True),
    sa.Column('due_days', sa.Integer(), nullable=False),
    sa.Column('first_due_on', sa.Date(), nullable=False),
    sa.Column('recurrence_months', sa.Integer(), nullable=True),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('origin', sa.String(length=20), nullable=False),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', UTCDateTime(), nullable=False),
    sa.Column('ended_at', UTCDateTime(), nullable=True),
    sa.Column('ended_by_id', sa.Integer(), nullable=True),
    sa.Column('end_reason', sa.Text(), nullable=True),
    sa.CheckConstraint('due_days >= 0', name=op.f('ck_mandatory_assignments_due_days_not_negative')),
    sa.CheckConstraint('recurrence_months IS NULL OR recurrence_months > 0', name=op.f('ck_mandatory_assignments_recurrence_positive')),
    _fk('mandatory_assignments', 'job_role_id', 'job_roles'),
    _fk('mandatory_assignments', 'department_id', 'departments'),
    _fk('mandatory_assignments', 'created_by_id', 'users', 'SET NULL'),
    _fk('mandatory_assignments', 'ended_by_id', 'users', 'SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mandatory_assignments'))
    )
    with op.batch_alter_table('mandatory_assignments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mandatory_assignments_job_role_id'), ['job_role_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_mandatory_assignments_department_id'), ['department_id'], unique=False)
        batch_op.create_index('uq_mandatory_assignments_role_profile', ['job_role_id'], unique=True, sqlite_where=sa.text("origin = 'role_profile' AND ended_at IS NULL"), postgresql_where=sa.text("origin = 'role_profile' AND ended_at IS NULL"))

    op.create_table('mandatory_courses',
    sa.Column('assignment_id', sa.Integer(), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=False),
    _fk('mandatory_courses', 'assignment_id', 'mandatory_assignments', 'CASCADE'),
    _fk('mandatory_courses', 'course_id', 'courses', 'CASCADE'),
    sa.PrimaryKeyConstraint('assignment_id', 'course_id', name=op.f('pk_mandatory_courses'))
    )
    with op.batch_alter_table('mandatory_courses', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mandatory_courses_course_id'), ['course_id'], unique=False)

    op.create_table('mandatory_assignees',
    sa.Column('assignment_id', sa.Integer(), nullable=False),
    sa.Column('employee_id', sa.Integer(), nullable=False),
    sa.Column('since', sa.Date(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('named', sa.Boolean(), nullable=False),
    _fk('mandatory_assignees', 'assignment_id', 'mandatory_assignments', 'CASCADE'),
    _fk('mandatory_assignees', 'employee_id', 'employees', 'CASCADE'),
    sa.PrimaryKeyConstraint('assignment_id', 'employee_id', name=op.f('pk_mandatory_assignees'))
    )
    with op.batch_alter_table('mandatory_assignees', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mandatory_assignees_employee_id'), ['employee_id'], unique=False)

    op.create_table('mandatory_evidence',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('assignment_id', sa.Integer(), nullable=False),
    sa.Column('employee_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('provider', sa.String(length=200), nullable=True),
    sa.Column('completed_on', sa.Date(), nullable=False),
    sa.Column('valid_until', sa.Date(), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('recorded_at', UTCDateTime(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('withdrawn_at', UTCDateTime(), nullable=True),
    sa.Column('withdrawn_by_id', sa.Integer(), nullable=True),
    sa.Column('withdraw_reason', sa.Text(), nullable=True),
    sa.CheckConstraint('valid_until IS NULL OR valid_until >= completed_on', name=op.f('ck_mandatory_evidence_valid_after_completion')),
    _fk('mandatory_evidence', 'assignment_id', 'mandatory_assignments', 'CASCADE'),
    _fk('mandatory_evidence', 'employee_id', 'employees', 'CASCADE'),
    _fk('mandatory_evidence', 'recorded_by_id', 'users', 'SET NULL'),
    _fk('mandatory_evidence', 'withdrawn_by_id', 'users', 'SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mandatory_evidence'))
    )
    with op.batch_alter_table('mandatory_evidence', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mandatory_evidence_employee_id'), ['employee_id'], unique=False)
        batch_op.create_index('ix_mandatory_evidence_pair', ['assignment_id', 'employee_id'], unique=False)

    op.create_table('mandatory_notices',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('assignment_id', sa.Integer(), nullable=False),
    sa.Column('employee_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('sent_at', UTCDateTime(), nullable=False),
    _fk('mandatory_notices', 'assignment_id', 'mandatory_assignments', 'CASCADE'),
    _fk('mandatory_notices', 'employee_id', 'employees', 'CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mandatory_notices')),
    sa.UniqueConstraint('assignment_id', 'employee_id', 'kind', 'due_on', name=op.f('uq_mandatory_notices_assignment_id_employee_id_kind_due_on'))
    )
    with op.batch_alter_table('mandatory_notices', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mandatory_notices_employee_id'), ['employee_id'], unique=False)
        batch_op.create_index('ix_mandatory_notices_sent', ['kind', 'sent_at'], unique=False)

    op.create_table('mandatory_digests',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('sent_at', UTCDateTime(), nullable=False),
    sa.Column('newly_overdue', sa.Integer(), nullable=False),
    sa.Column('overdue', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('day', name=op.f('pk_mandatory_digests'))
    )


def _teambooking_tables():
    with op.batch_alter_table('course_sessions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reserved_seats', sa.Integer(), server_default='0', nullable=False))

    op.create_table('seat_reservations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=False),
    sa.Column('seats', sa.Integer(), nullable=False),
    sa.Column('filled', sa.Integer(), nullable=False),
    sa.Column('release_at', UTCDateTime(), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('released_at', UTCDateTime(), nullable=True),
    sa.Column('released_by_id', sa.Integer(), nullable=True),
    sa.Column('release_reason', sa.Text(), nullable=True),
    sa.Column('returned', sa.Integer(), nullable=True),
    sa.CheckConstraint('seats >= 1', name=op.f('ck_seat_reservations_seats_positive')),
    sa.CheckConstraint('filled >= 0 AND filled <= seats', name=op.f('ck_seat_reservations_filled_within_seats')),
    _fk('seat_reservations', 'session_id', 'course_sessions'),
    _fk('seat_reservations', 'department_id', 'departments'),
    _fk('seat_reservations', 'created_by_id', 'users', 'SET NULL'),
    _fk('seat_reservations', 'released_by_id', 'users', 'SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_seat_reservations'))
    )
    with op.batch_alter_table('seat_reservations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_seat_reservations_session_id'), ['session_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_seat_reservations_department_id'), ['department_id'], unique=False)
        batch_op.create_index('ix_seat_reservations_open', ['released_at', 'release_at'], unique=False)

    op.create_table('reserved_places',
    sa.Column('enrolment_id', sa.Integer(), nullable=False),
    sa.Column('reservation_id', sa.Integer(), nullable=False),
    _fk('reserved_places', 'enrolment_id', 'enrolments', 'CASCADE'),
    _fk('reserved_places', 'reservation_id', 'seat_reservations', 'CASCADE'),
    sa.PrimaryKeyConstraint('enrolment_id', name=op.f('pk_reserved_places'))
    )
    with op.batch_alter_table('reserved_places', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reserved_places_reservation_id'), ['reservation_id'], unique=False)

    op.create_table('enrolment_proposals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('employee_id', sa.Integer(), nullable=False),
    sa.Column('proposed_by_id', sa.Integer(), nullable=True),
    sa.Column('proposed_at', UTCDateTime(), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('decided_at', UTCDateTime(), nullable=True),
    sa.Column('decline_reason', sa.Text(), nullable=True),
    sa.Column('enrolment_id', sa.Integer(), nullable=True),
    _fk('enrolment_proposals', 'session_id', 'course_sessions'),
    _fk('enrolment_proposals', 'course_id', 'courses'),
    _fk('enrolment_proposals', 'employee_id', 'employees', 'CASCADE'),
    _fk('enrolment_proposals', 'proposed_by_id', 'users', 'SET NULL'),
    _fk('enrolment_proposals', 'enrolment_id', 'enrolments', 'SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_enrolment_proposals'))
    )
    with op.batch_alter_table('enrolment_proposals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_enrolment_proposals_session_id'), ['session_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_enrolment_proposals_proposed_by_id'), ['proposed_by_id'], unique=False)
        batch_op.create_index('ix_enrolment_proposals_employee_state', ['employee_id', 'state'], unique=False)
        batch_op.create_index('uq_enrolment_proposals_open', ['employee_id', 'session_id'], unique=True, sqlite_where=sa.text("state = 'open'"), postgresql_where=sa.text("state = 'open'"))


def upgrade():
    _mandatory_tables()
    _teambooking_tables()


def downgrade():
    op.drop_table('enrolment_proposals')
    op.drop_table('reserved_places')
    op.drop_table('seat_reservations')
    if op.get_bind().dialect.name == 'sqlite':
        # SQLite drops the column in place (a copy of the table would trip over the
        # enrolments that refer to it).
        op.execute('ALTER TABLE course_sessions DROP COLUMN reserved_seats')
    else:
        op.drop_column('course_sessions', 'reserved_seats')
    op.drop_table('mandatory_digests')
    op.drop_table('mandatory_notices')
    op.drop_table('mandatory_evidence')
    op.drop_table('mandatory_assignees')
    op.drop_table('mandatory_courses')
    op.drop_table('mandatory_assignments')
