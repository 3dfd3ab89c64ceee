"""Capacity and "one active enrolment" hold when many people act at the same instant.

These tests run real threads, each with its own app context, session and connection,
committing for real — not inside the rolled-back ``db`` fixture. They use a database of
their own: a fresh SQLite file, or (with ``TEST_DATABASE_URL``) a new database on the same
PostgreSQL server, dropped afterwards.
"""

from __future__ import annotations

import os
import secrets
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from academy import create_app
from academy.accounts.models import User
from academy.config import normalise_database_url
from academy.errors import DomainError
from academy.extensions import db
from academy.org.models import Employee
from courses.enrolment.cancellation import cancel
from courses.enrolment.models import ACTIVE_STATES, Enrolment, EnrolmentState
from courses.enrolment.requests import request_enrolment
from courses.enrolment.waitlist import change_capacity
from courses.sessions.models import CourseSession
from tests import factories
from tests.courses import factories as cf
from tests.courses.support import NOW, upcoming
from tests.scratch_databases import drop_scratch_database

THREADS = 50


def _admin_engine(url: str) -> Any:
    return create_engine(normalise_database_url(url), isolation_level="AUTOCOMMIT")


@pytest.fixture(scope="module")
def own_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """An app on a database of its own, migrated, with room for all the threads."""
    server = os.environ.get("TEST_DATABASE_URL")
    name = None
    if server:
        name = f"da_concurrency_{os.getpid()}_{secrets.token_hex(4)}"
        admin = _admin_engine(server)
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
        url = make_url(normalise_database_url(server)).set(database=name)
        url_text = url.render_as_string(hide_password=False)
    else:
        url_text = "sqlite:///" + str(tmp_path_factory.mktemp("concurrency") / "own.sqlite")
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret-key",
            "SQLALCHEMY_DATABASE_URI": url_text,
            "SQLALCHEMY_ENGINE_OPTIONS": {
                "pool_size": THREADS,
                "max_overflow": 5,
                "pool_timeout": 60,
                "pool_pre_ping": True,
            },
        }
    )
    from flask_migrate import upgrade

    with app.app_context():
        upgrade()
    try:
        yield app
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
        if name is not None:
            admin = _admin_engine(server)  # type: ignore[arg-type]
            drop_scratch_database(admin, name)
            admin.dispose()


def run_at_once(app: Flask, work: Callable[[int], str]) -> tuple[Counter[str], list[str]]:
    """Run ``work(i)`` in THREADS threads released together; each in its own app
    context, committing on success and rolling back on a DomainError. Returns the
    outcomes (``work``'s result or the error's class name) and unexpected errors."""
    barrier = threading.Barrier(THREADS)
    outcomes: Counter[str] = Counter()
    errors: list[str] = []
    lock = threading.Lock()

    def thread(i: int) -> None:
        with app.app_context():
            try:
                barrier.wait(timeout=30)
                outcome = work(i)
                db.session.commit()
            except DomainError as exc:
                db.session.rollback()
                outcome = type(exc).__name__
            except Exception as exc:
                db.session.rollback()
                with lock:
                    errors.append(repr(exc))
                return
            finally:
                db.session.remove()
            with lock:
                outcomes[outcome] += 1

    threads = [threading.Thread(target=thread, args=(i,)) for i in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "threads did not finish"
    return outcomes, errors


def test_fifty_people_take_the_last_seat(own_app: Flask) -> None:
    with own_app.app_context():
        session = upcoming(capacity=1)
        dept = factories.department()
        people = []
        for _ in range(THREADS):
            emp = factories.employee(dept)
            account = factories.user(emp=emp, password=None)
            people.append((account.id, emp.id))
        session_id = session.id
        db.session.commit()

    def request(i: int) -> str:
        user_id, employee_id = people[i]
        actor = db.session.get(User, user_id)
        employee = db.session.get(Employee, employee_id)
        target = db.session.get(CourseSession, session_id)
        enrolment = request_enrolment(actor, employee, target, NOW)
        return enrolment.state

    outcomes, errors = run_at_once(own_app, request)
    assert errors == []
    assert outcomes == Counter({"confirmed": 1, "waitlisted": THREADS - 1})

    with own_app.app_context():
        target = db.session.get(CourseSession, session_id)
        assert target.confirmed_count == 1
        states = Counter(
            db.session.scalars(select(Enrolment.state).where(Enrolment.session_id == session_id))
        )
        assert states == Counter({"confirmed": 1, "waitlisted": THREADS - 1})
        per_person = db.session.execute(
            select(Enrolment.employee_id, func.count())
            .where(Enrolment.session_id == session_id)
            .group_by(Enrolment.employee_id)
        ).all()
        assert len(per_person) == THREADS
        assert all(count == 1 for _, count in per_person)
        ranks = db.session.scalars(
            select(Enrolment.waitlist_rank).where(
                Enrolment.session_id == session_id,
                Enrolment.state == EnrolmentState.WAITLISTED.value,
            )
        ).all()
        assert all(rank is not None for rank in ranks)


def test_fifty_requests_of_one_person_leave_one_active_enrolment(own_app: Flask) -> None:
    """Half the threads ask for one session, half for another of the same course, so the
    service check alone cannot serialise them: the partial unique index must."""
    with own_app.app_context():
        course = cf.course()
        first = upcoming(course, capacity=100)
        second = upcoming(course, days=40, capacity=100)
        emp = factories.employee()
        account = factories.user(emp=emp, password=None)
        ids = (account.id, emp.id, first.id, second.id, course.id)
        db.session.commit()
    user_id, employee_id, first_id, second_id, course_id = ids

    def request(i: int) -> str:
        actor = db.session.get(User, user_id)
        employee = db.session.get(Employee, employee_id)
        target = db.session.get(CourseSession, first_id if i % 2 else second_id)
        return request_enrolment(actor, employee, target, NOW).state

    outcomes, errors = run_at_once(own_app, request)
    assert errors == []
    assert outcomes == Counter({"confirmed": 1, "Conflict": THREADS - 1})

    with own_app.app_context():
        active = db.session.scalar(
            select(func.count())
            .select_from(Enrolment)
            .where(
                Enrolment.employee_id == employee_id,
                Enrolment.course_id == course_id,
                Enrolment.state.in_([s.value for s in ACTIVE_STATES]),
            )
        )
        assert active == 1
        seats = db.session.scalars(
            select(CourseSession.confirmed_count).where(CourseSession.id.in_([first_id, second_id]))
        ).all()
        assert sorted(seats) == [0, 1]


def test_cancellations_and_requests_at_once_keep_the_counter_right(own_app: Flask) -> None:
    """Confirmed people cancel while others request: the seat counter always equals the
    confirmed enrolments and never exceeds the capacity."""
    with own_app.app_context():
        session = upcoming(capacity=10)
        dept = factories.department()
        people = []
        for _ in range(THREADS):
            emp = factories.employee(dept)
            people.append((factories.user(emp=emp, password=None).id, emp.id))
        seated = [cf.enrolment(session, db.session.get(Employee, e)).id for _, e in people[:10]]
        session_id = session.id
        db.session.commit()

    def act(i: int) -> str:
        user_id, employee_id = people[i]
        actor = db.session.get(User, user_id)
        if i < 10:
            return cancel(actor, db.session.get(Enrolment, seated[i]), NOW).state
        employee = db.session.get(Employee, employee_id)
        target = db.session.get(CourseSession, session_id)
        return request_enrolment(actor, employee, target, NOW).state

    outcomes, errors = run_at_once(own_app, act)
    assert errors == []
    assert outcomes["cancelled"] == 10

    with own_app.app_context():
        target = db.session.get(CourseSession, session_id)
        confirmed = db.session.scalar(
            select(func.count())
            .select_from(Enrolment)
            .where(
                Enrolment.session_id == session_id,
                Enrolment.state == EnrolmentState.CONFIRMED.value,
            )
        )
        assert confirmed == target.confirmed_count == 10
        waiting = db.session.scalar(
            select(func.count())
            .select_from(Enrolment)
            .where(
                Enrolment.session_id == session_id,
                Enrolment.state == EnrolmentState.WAITLISTED.value,
            )
        )
        assert waiting == THREADS - 10 - 10


def test_service_after_a_flush_keeps_the_earlier_work(own_app: Flask) -> None:
    """A service called after other work was flushed in the same transaction (the
    catalogue changes a session, then its capacity) must not throw that work away when
    it starts its write transaction."""
    with own_app.app_context():
        session = upcoming(capacity=2)
        staff = factories.user(factories.Role.HR, with_employee=False, password=None)
        ids = (session.id, staff.id)
        db.session.commit()
    with own_app.app_context():
        session = db.session.get(CourseSession, ids[0])
        staff = db.session.get(User, ids[1])
        session.location = "Bürgerhaus, Saal 2"
        db.session.flush()
        change_capacity(staff, session, 4, NOW + timedelta(minutes=1))
        db.session.commit()
        db.session.remove()
    with own_app.app_context():
        session = db.session.get(CourseSession, ids[0])
        assert (session.location, session.capacity) == ("Bürgerhaus, Saal 2", 4)
