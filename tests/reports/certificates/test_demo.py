"""The ``certificates`` step of ``flask academy demo``: a certificate for every completed
demo enrolment, snapshots as the service makes them, unique codes and serials."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from click.testing import Result
from flask import Flask
from sqlalchemy import func, select

from academy.accounts.models import User
from academy.demo.accounts import DEMO_ACCOUNTS
from academy.demo.steps import demo_steps
from academy.org.models import Employee
from courses.catalogue.models import Course
from courses.enrolment.models import Enrolment, EnrolmentState
from reports.certificates.certificates import ALPHABET, new_codes, normalise_code, recipient_hash
from reports.certificates.models import Certificate

COUNT = 400


@pytest.fixture()
def loaded(app: Flask, db: Any) -> Result:
    result = app.test_cli_runner().invoke(
        args=["academy", "demo", "--employees", str(COUNT), "--seed", "5"]
    )
    assert result.exit_code == 0, (result.output, result.exception)
    return result


def test_step_runs_after_courses(app: Flask) -> None:
    names = [s.name for s in demo_steps]
    assert names.index("certificates") > names.index("courses")


def test_certificates_for_completed_enrolments(db: Any, loaded: Result) -> None:
    assert "Zertifikate ausgestellt" in loaded.output
    completed = set(
        db.session.scalars(
            select(Enrolment.id).where(Enrolment.state == EnrolmentState.COMPLETED.value)
        )
    )
    assert completed
    certs = list(db.session.scalars(select(Certificate)))
    by_enrolment = {c.enrolment_id for c in certs if c.enrolment_id is not None}
    assert completed <= by_enrolment
    codes = [c.code for c in certs]
    assert len(set(codes)) == len(codes)
    assert all(normalise_code(code) == code for code in codes)
    serials = Counter((c.year, c.number) for c in certs)
    assert max(serials.values()) == 1
    for year in {c.year for c in certs}:
        numbers = sorted(c.number for c in certs if c.year == year)
        assert numbers == list(range(1, len(numbers) + 1))


def test_snapshot_matches_the_service(db: Any, loaded: Result) -> None:
    certs = db.session.scalars(
        select(Certificate).where(Certificate.enrolment_id.is_not(None)).order_by(Certificate.id)
    )
    cert = next((c for c in certs if c.competences), None)
    assert cert is not None
    enrolment = db.session.get(Enrolment, cert.enrolment_id)
    employee = db.session.get(Employee, enrolment.employee_id)
    course = db.session.get(Course, enrolment.course_id)
    assert cert.recipient_name == employee.full_name
    assert cert.title == f"{course.title} ({course.code})"
    assert cert.ue == course.duration_ue
    assert cert.completed_on == enrolment.completed_on
    assert cert.serial == f"{cert.year}-{cert.number:05d}"
    assert cert.recipient_hash == recipient_hash(employee.email, cert.code)
    assert {c["code"] for c in cert.competences} == {o.competence.code for o in course.outcomes}


def test_demo_codes_are_well_formed() -> None:
    codes = list(new_codes(2000))
    assert len(set(codes)) == 2000
    assert all(normalise_code(code) == code for code in codes)
    # Every symbol of the alphabet occurs (the bits are spread over all 32).
    assert set("".join(codes).replace("-", "")) == set(ALPHABET)


def test_demo_employee_has_a_certificate(db: Any, loaded: Result) -> None:
    email = next(a.email for a in DEMO_ACCOUNTS if a.key == "employee")
    user = db.session.scalar(select(User).where(User.email == email))
    count = db.session.scalar(
        select(func.count())
        .select_from(Certificate)
        .where(Certificate.employee_id == user.employee_id)
    )
    assert count >= 1
