"""What a certificate states: the period of the session (not the day results were
entered), the place and date of issue, and each competence's level with its name."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from academy.extensions import db
from academy.frameworks.models import FrameworkLevel
from courses.catalogue.models import CourseOutcome
from courses.enrolment import attendance
from courses.enrolment.models import EnrolmentState
from reports.certificates.models import Certificate
from reports.certificates.pdf import IssuerStyle, certificate_pdf, issue_line
from tests import factories
from tests.courses import factories as cf
from tests.courses.support import NOW, hr
from tests.reports.certificates.test_pdf import VERIFY_URL, make_cert, pdf_text
from tests.talent import factories as tf


def _complete_days_later(days: int) -> Certificate:
    course = cf.course("Informationssicherheit kompakt", duration_ue=8)
    competence = tf.competence()
    db.session.add(
        FrameworkLevel(
            framework_id=competence.framework_id,
            level=3,
            name_de="Mittelstufe, eigenständig",
            name_en="Intermediate, on one's own",
        )
    )
    db.session.add(CourseOutcome(course=course, competence=competence, level=3))
    db.session.flush()
    held = cf.session(course, starts_at=NOW - timedelta(days=days, hours=8))
    enrolment = cf.enrolment(held, factories.employee(), state=EnrolmentState.CONFIRMED)
    attendance.mark_attendance(hr(), enrolment, True, NOW)
    attendance.record_result(hr(), enrolment, True, NOW)
    cert = db.session.scalar(select(Certificate).where(Certificate.enrolment_id == enrolment.id))
    assert cert is not None
    return cert


def test_period_ends_on_the_sessions_last_day_not_the_day_results_were_entered(db):
    cert = _complete_days_later(3)
    session_day = (NOW - timedelta(days=3, hours=8)).date()
    assert cert.started_on == session_day
    assert cert.completed_on == session_day  # results were entered three days later


def test_snapshot_names_the_level_reached(db):
    cert = _complete_days_later(1)
    [competence] = cert.competences
    assert competence["level"] == 3
    assert competence["level_name_de"] == "Mittelstufe, eigenständig"
    assert competence["level_name_en"] == "Intermediate, on one's own"


def test_pdf_shows_place_and_date_of_issue_and_level_names(tmp_path: Path) -> None:
    cert = make_cert(
        issued_at=datetime(2026, 3, 5, 23, 30, tzinfo=None),
        competences=[
            {
                "code": "DC-2.4",
                "name_de": "Mit Hilfe digitaler Technologien zusammenarbeiten",
                "name_en": "",
                "level": 3,
                "level_name_de": "Mittelstufe, eigenständig",
            }
        ],
    )
    style = IssuerStyle(place="Ludwigshafen am Rhein")
    text = " ".join(
        pdf_text(certificate_pdf(cert, verify_url=VERIFY_URL, issuer=style), tmp_path).split()
    )
    assert "Ludwigshafen am Rhein, 06.03.2026" in text  # 23:30 UTC is the next day in Berlin
    assert "3 – Mittelstufe, eigenständig" in text
    assert "Zeitraum: 02.03.2026 – 04.03.2026" in text


def test_issue_line_without_place_and_before_storing() -> None:
    cert = make_cert(issued_at=None, completed_on=date(2026, 3, 4))
    assert issue_line(cert, "") == "Ausgestellt am 04.03.2026"
