"""Migration 0011 on a database of its own (SQLite file, or a scratch database on the
PostgreSQL test server): sessions that existed before get one meeting each with their
dates and place, their trainer accounts become internal trainers linked as leads, and
recorded attendance becomes the attendance of that meeting; the downgrade drops the new
tables and the upgrade runs again."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from flask import Flask
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from academy import create_app
from academy.config import normalise_database_url
from academy.extensions import db
from tests.scratch_databases import drop_scratch_database

BEFORE, AFTER = "0010_api_tokens", "0011_meetings_rooms"
T = "2031-06-03 07:00:00"
E = "2031-06-03 14:00:00"


@pytest.fixture()
def own_app(tmp_path) -> Iterator[Flask]:
    server = os.environ.get("TEST_DATABASE_URL")
    name = None
    if server:
        name = f"da_meetings_{os.getpid()}_{secrets.token_hex(4)}"
        admin = create_engine(normalise_database_url(server), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        url = make_url(normalise_database_url(server)).set(database=name)
        url_text = url.render_as_string(hide_password=False)
    else:
        url_text = "sqlite:///" + str(tmp_path / "migration.sqlite")
    app = create_app(
        {"TESTING": True, "SECRET_KEY": "test-secret-key", "SQLALCHEMY_DATABASE_URI": url_text}
    )
    try:
        yield app
    finally:
        with app.app_context():
            db.engine.dispose()
        if name is not None:
            drop_scratch_database(admin, name)
            admin.dispose()


ROWS = [
    "INSERT INTO departments (id, code, name, path, active) VALUES (1, 'D1', 'Amt', '/1/', :yes)",
    "INSERT INTO employees (id, personnel_no, first_name, last_name, department_id, active, "
    "created_at, updated_at) VALUES (1, 'P1', 'Änne', 'Groß', 1, :yes, :t, :t)",
    "INSERT INTO employees (id, personnel_no, first_name, last_name, department_id, active, "
    "created_at, updated_at) VALUES (2, 'P2', 'Jörg', 'Weiß', 1, :yes, :t, :t)",
    "INSERT INTO users (id, email, display_name, active, created_at) "
    "VALUES (1, 'trainerin@stadt.example', 'Trainerin', :yes, :t)",
    "INSERT INTO course_categories (id, name, position) VALUES (1, 'Kategorie', 0)",
    "INSERT INTO courses (id, code, title, description, category_id, format, duration_ue, level, "
    "provider, cost, requires_approval, archived, created_at, updated_at) VALUES (1, 'K1', "
    "'Datenschutz', '', 1, 'in_person', 8, 'basic', 'internal', 0, :no, :no, :t, :t)",
    "INSERT INTO course_sessions (id, course_id, starts_at, ends_at, location, online_url, "
    "trainer_id, capacity, min_participants, enrolment_deadline, cancellation_deadline, "
    "confirmed_count, created_at) VALUES (1, 1, :t, :e, 'Rathaus, Raum 101', NULL, 1, 10, 0, "
    ":t, :t, 2, :t)",
    "INSERT INTO course_sessions (id, course_id, starts_at, ends_at, location, online_url, "
    "trainer_id, capacity, min_participants, enrolment_deadline, cancellation_deadline, "
    "confirmed_count, created_at) VALUES (2, 1, :e, '2031-06-03 16:00:00', NULL, "
    "'https://meet.example/x', 1, 10, 0, :t, :t, 0, :t)",
    "INSERT INTO enrolments (id, session_id, course_id, employee_id, state, requested_at, "
    "late_cancellation, updated_at, attendance_marked_at) VALUES (1, 1, 1, 1, 'completed', :t, "
    ":no, :t, :e)",
    "INSERT INTO enrolments (id, session_id, course_id, employee_id, state, requested_at, "
    "late_cancellation, updated_at) VALUES (2, 1, 1, 2, 'no_show', :t, :no, :t)",
]


def test_existing_sessions_get_one_meeting_each(own_app: Flask):
    from flask_migrate import downgrade, upgrade

    with own_app.app_context():
        upgrade(revision=BEFORE)
        with db.engine.begin() as conn:
            for statement in ROWS:
                conn.execute(text(statement), {"yes": True, "no": False, "t": T, "e": E})
        upgrade(revision=AFTER)
        with db.engine.connect() as conn:
            meetings = conn.execute(
                text(
                    "SELECT session_id, position, starts_at, ends_at, location, online_url, "
                    "room_id FROM session_meetings ORDER BY session_id"
                )
            ).all()
            trainers = conn.execute(text("SELECT id, kind, user_id FROM trainers")).all()
            links = conn.execute(
                text(
                    "SELECT session_id, trainer_id, is_lead FROM session_trainers "
                    "ORDER BY session_id"
                )
            ).all()
            marks = conn.execute(
                text("SELECT enrolment_id, present FROM meeting_attendance ORDER BY enrolment_id")
            ).all()
        assert [(m[0], m[1], m[4], m[5], m[6]) for m in meetings] == [
            (1, 0, "Rathaus, Raum 101", None, None),
            (2, 0, None, "https://meet.example/x", None),
        ]
        start = meetings[0][2]
        start = start if isinstance(start, datetime) else datetime.fromisoformat(str(start))
        assert start.replace(tzinfo=UTC) == datetime(2031, 6, 3, 7, tzinfo=UTC)
        [(trainer_id, kind, user_id)] = trainers
        assert (kind, user_id) == ("internal", 1)
        assert [(s, t, bool(lead)) for s, t, lead in links] == [
            (1, trainer_id, True),
            (2, trainer_id, True),
        ]
        assert [(e, bool(p)) for e, p in marks] == [(1, True), (2, False)]

        downgrade(revision=BEFORE)
        tables = set(inspect(db.engine).get_table_names())
        assert not tables & {
            "session_meetings",
            "rooms",
            "trainers",
            "session_trainers",
            "meeting_attendance",
        }
        upgrade(revision=AFTER)
        with db.engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM session_meetings")).scalar() == 2
