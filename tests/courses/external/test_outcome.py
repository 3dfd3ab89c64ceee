"""After an approved external training: HR records the result through the usual
services — completion gives evidence (the course outcomes from the request's
competences), the academy's certificate and a spent booking; a no-show keeps the costs;
an employee's certificate upload tells HR."""

from __future__ import annotations

import io
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from academy.errors import Conflict, PermissionDenied, ValidationFailed
from academy.extensions import db
from academy.frameworks.models import FrameworkLevel
from courses.budgets.models import BudgetBooking
from courses.catalogue.models import CourseOutcome
from courses.enrolment.models import Enrolment, EnrolmentState
from courses.external.attachments import add
from courses.external.decisions import approve
from courses.external.outcome import record_outcome
from reports.certificates.models import Certificate
from tests.courses.external.support import Office
from tests.courses.support import NOW, inbox
from tests.talent import factories as tf

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture()
def files(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "EXTERNAL_ATTACHMENT_DIR", str(tmp_path))
    return tmp_path


def approved(office, **changes):
    request = office.request(**changes)
    approve(office.head, request, NOW + timedelta(hours=1))
    approve(office.hr, request, NOW + timedelta(hours=2))
    return request


def booking_of(request):
    return db.session.scalar(
        select(BudgetBooking).where(BudgetBooking.enrolment_id == request.enrolment_id)
    )


def test_completion_gives_evidence_certificate_and_a_spent_booking(db, files):
    office = Office()
    competence = tf.competence()
    db.session.add_all(
        FrameworkLevel(
            framework_id=competence.framework_id, level=n, name_de=f"S{n}", name_en=f"L{n}"
        )
        for n in (1, 2, 3, 4)
    )
    db.session.flush()
    request = approved(office, competences=[(competence.id, 2)])
    after = request.ends_at + timedelta(days=2)
    add(office.user, request, "certificate", "Bescheinigung.pdf", io.BytesIO(PDF), after)
    assert inbox(office.hr, "external.certificate") and inbox(office.hr2, "external.certificate")
    record_outcome(office.hr, request, "completed", after)
    enrolment = db.session.get(Enrolment, request.enrolment_id)
    assert enrolment.state == EnrolmentState.COMPLETED
    outcome = db.session.scalar(
        select(CourseOutcome).where(CourseOutcome.course_id == request.course_id)
    )
    assert (outcome.competence_id, outcome.level) == (competence.id, 2)
    certificate = db.session.scalar(
        select(Certificate).where(Certificate.enrolment_id == enrolment.id)
    )
    assert certificate is not None and certificate.title.startswith(request.title)
    assert (booking_of(request).state, booking_of(request).reason) == ("spent", "completed")
    assert inbox(office.user, "external.result")
    with pytest.raises(Conflict):
        record_outcome(office.hr, request, "completed", after)


def test_no_show_keeps_the_costs(db):
    office = Office()
    request = approved(office)
    record_outcome(office.hr, request, "no_show", request.starts_at + timedelta(hours=1))
    booking = booking_of(request)
    assert (booking.state, booking.reason, booking.amount) == (
        "spent",
        "no_show",
        Decimal("1400.50"),
    )


def test_only_hr_records_and_not_before_the_start(db):
    office = Office()
    request = approved(office)
    with pytest.raises(PermissionDenied):
        record_outcome(office.head, request, "completed", request.ends_at)
    with pytest.raises(ValidationFailed):
        record_outcome(office.hr, request, "completed", request.starts_at - timedelta(days=1))
    with pytest.raises(ValidationFailed):
        record_outcome(office.hr, request, "passed-somehow", request.ends_at)


def test_cancelling_an_approved_external_training_follows_the_usual_rules(db):
    from courses.enrolment.cancellation import cancel

    office = Office()
    request = approved(office)  # starts in 40 days; free cancellation until 14 days before
    enrolment = db.session.get(Enrolment, request.enrolment_id)
    cancel(office.user, enrolment, NOW + timedelta(days=1))
    assert booking_of(request).state == "released"
