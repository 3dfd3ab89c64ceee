"""Certificate journey through the real UI in Chromium, each person in a browser context
of their own, axe-core (WCAG 2.1 AA) and the CSP checked on every page visited:

the trainer marks attendance and the result "completed"; HR downloads the session's
certificates as ZIP from the roster; the employee finds her certificate under "My
certificates", downloads the PDF (her name and the verification code are in its text);
a visitor without login verifies the code (valid, her name); HR revokes the certificate
on its detail page, and the public verification page shows it revoked.

The course and its running session are made through the services in the live server's
database (a course code unique per run), as in test_course_journeys.py.
"""

from __future__ import annotations

import re
import secrets
import subprocess
import zipfile
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Page
from sqlalchemy import select

from academy.clock import utcnow
from academy.extensions import db
from tests.e2e.journey import (
    checked,
    click_and_check,
    demo_user,
    german,
    go,
    log_in,
    nav_to,
    open_page_fixture,  # noqa: F401 - the open_page fixture
    path_of,
)

pytestmark = pytest.mark.e2e


def _running_session_with_employee() -> tuple[int, int]:
    """A course with a session of the demo trainer that started an hour ago, the demo
    employee confirmed in it; returns (session id, enrolment id)."""
    from courses.catalogue.categories import create_category
    from courses.catalogue.editing import CourseData, create_course
    from courses.enrolment.lifecycle import NEW, take_seat, transition
    from courses.enrolment.models import Enrolment, EnrolmentState
    from courses.sessions.scheduling import SessionData, create_session

    hr, me, now = demo_user("hr"), demo_user("employee"), utcnow()
    code = f"E2E-ZT-{secrets.token_hex(3).upper()}"
    category = create_category(hr, name=f"E2E-Kategorie {code}", now=now)
    course = create_course(
        hr,
        CourseData(
            code=code,
            title=f"Zertifikatsreise {code}",
            category_id=category.id,
            duration_ue=6,
            description="Ein Kurs, den die End-to-End-Tests anlegen.",
            requires_approval=False,
        ),
        now,
    )
    session = create_session(
        hr,
        course,
        SessionData(
            starts_at=now - timedelta(hours=1),
            ends_at=now + timedelta(hours=2),
            capacity=5,
            location="Rathaus, Raum E2E",
            trainer_id=demo_user("trainer").id,
        ),
        now,
        allow_past=True,
    )
    # The session has started, so no service enrols anyone any more: the place is
    # written directly, with the seat counter and the audit entry.
    assert take_seat(session)
    enrolment = Enrolment(
        session_id=session.id,
        course_id=course.id,
        employee_id=me.employee_id,
        state=EnrolmentState.CONFIRMED.value,
        requested_at=now - timedelta(days=10),
        requested_by_id=me.id,
        confirmed_at=now - timedelta(days=10),
        updated_at=now,
    )
    db.session.add(enrolment)
    db.session.flush()
    transition(
        hr, enrolment, EnrolmentState.CONFIRMED, now, verb="requested", from_state=NEW,
        reason="E2E set-up",
    )  # fmt: skip
    db.session.commit()
    return session.id, enrolment.id


def _pdf_text(path: Path) -> str:
    result = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"],
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    )
    return result.stdout


def test_certificate_from_completion_to_revocation(
    e2e_app: Flask, open_page: Callable[[], Page], browser_problems: list[str], tmp_path: Path
) -> None:
    from courses.enrolment.models import EnrolmentState
    from reports.certificates.archive import member_name
    from reports.certificates.models import Certificate

    problems = browser_problems
    with e2e_app.app_context():
        session_id, enrolment_id = _running_session_with_employee()
        name = demo_user("employee").employee.full_name
        surname = demo_user("employee").employee.last_name
    roster = f"/kurse/termine/{session_id}/teilnehmende"

    # The trainer marks attendance, then records "completed".
    trainer = open_page()
    log_in(trainer, problems, "trainer")
    go(trainer, problems, roster)
    state = trainer.locator(f"#participants tr[data-enrolment='{enrolment_id}'] [data-state]")
    trainer.check(f"#attendance-{enrolment_id}-yes")
    click_and_check(trainer, problems, "#attendance-form button[type=submit]")
    assert state.get_attribute("data-state") == EnrolmentState.ATTENDED
    trainer.check(f"#result-{enrolment_id}-pass")
    click_and_check(trainer, problems, "#results-form button[type=submit]")
    assert state.get_attribute("data-state") == EnrolmentState.COMPLETED
    assert trainer.locator("#certificate-zip").count() == 0  # HR only

    with e2e_app.app_context():
        cert = db.session.scalar(
            select(Certificate).where(Certificate.enrolment_id == enrolment_id)
        )
        assert cert is not None, "completion issued no certificate"
        cert_id, code, serial = cert.id, cert.code, cert.serial

    # HR downloads the session's certificates as ZIP; the button shows the busy text.
    hr = open_page()
    log_in(hr, problems, "hr")
    go(hr, problems, roster)
    button = hr.locator("#certificate-zip button[type=submit]")
    assert "(1)" in button.inner_text()
    busy = hr.locator("#certificate-zip").get_attribute("data-busy")
    with hr.expect_download() as zip_download:
        button.click()
    zip_path = tmp_path / "bescheinigungen.zip"
    zip_download.value.save_as(zip_path)
    assert zip_download.value.suggested_filename.endswith(".zip")
    assert button.inner_text() == busy and button.is_disabled()
    with zipfile.ZipFile(zip_path) as archive:
        assert archive.namelist() == [member_name(serial, name, surname)]
        assert archive.read(archive.namelist()[0]).startswith(b"%PDF-")
    checked(hr, problems)

    # The employee finds it under "My certificates" and downloads the PDF.
    employee = open_page()
    log_in(employee, problems, "employee")
    nav_to(employee, problems, "/berichte/zertifikate")
    click_and_check(employee, problems, f"main a[href='/berichte/zertifikate/{cert_id}']")
    assert name in employee.locator("main dl").inner_text()
    with employee.expect_download() as pdf_download:
        employee.click(f"main a[href='/berichte/zertifikate/{cert_id}.pdf']")
    pdf_path = tmp_path / "bescheinigung.pdf"
    pdf_download.value.save_as(pdf_path)
    assert pdf_path.read_bytes().startswith(b"%PDF-")
    text = _pdf_text(pdf_path)
    assert name in text
    assert code in re.sub(r"\s+", "", text)
    checked(employee, problems)

    # Anyone without login can verify the code: valid, her name.
    visitor = open_page()
    verify_path = f"/berichte/pruefen/{code}"
    go(visitor, problems, verify_path)
    assert path_of(visitor) == verify_path
    verification = visitor.locator("#verification")
    assert german(e2e_app, "Valid") in verification.inner_text()
    assert name in verification.inner_text()
    assert german(e2e_app, "Revoked") not in verification.inner_text()

    # HR revokes it on the detail page (the confirm dialog is accepted).
    go(hr, problems, f"/berichte/zertifikate/{cert_id}")
    hr.fill("#reason", "Teilnahme irrtümlich bestätigt (E2E)")
    click_and_check(hr, problems, "#revoke-heading ~ form button[type=submit]")
    assert path_of(hr) == f"/berichte/zertifikate/{cert_id}"
    assert german(e2e_app, "Revoked") in hr.locator("main dl").inner_text()
    assert hr.locator("#revoke-heading").count() == 0

    # The public page now shows the certificate revoked.
    go(visitor, problems, verify_path)
    status = visitor.locator("#verification dd").first.inner_text()
    assert german(e2e_app, "Revoked") in status
    assert german(e2e_app, "Valid") not in status
    with e2e_app.app_context():
        db.session.expire_all()
        assert db.session.get(Certificate, cert_id).revoked_at is not None
