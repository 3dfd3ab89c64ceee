"""Retention of what budgets and external training hold about a leaver: after the
learning-record period the bookings keep amount, unit and year but no longer name the
person; requests lose reason, comments and files; a second run changes nothing and
active people are never touched."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from sqlalchemy import func, select

from academy.clock import to_berlin, utcnow
from academy.extensions import db
from academy.retention.run import plan_retention, run_retention
from courses.budgets.bookings import book
from courses.budgets.models import BudgetBooking
from courses.external.models import ExternalAttachment, ExternalRequest
from courses.external.retention import REMOVED
from tests import factories
from tests.courses import factories as cf

NOW = utcnow().replace(microsecond=0)


def person_with_costs(left_days_ago: int | None):  # type: ignore[no-untyped-def]
    employee = factories.employee()
    if left_days_ago is not None:
        employee.active = False
        employee.left_on = to_berlin(NOW).date() - timedelta(days=left_days_ago)
    session = cf.session(cf.course(cost=Decimal("250")), starts_at=NOW - timedelta(days=800))
    enrolment = cf.enrolment(session, employee, state="completed")
    book(enrolment, NOW)
    request = ExternalRequest(
        employee_id=employee.id,
        title="Zertifizierung",
        provider="Anbieter",
        starts_at=NOW - timedelta(days=900),
        ends_at=NOW - timedelta(days=899),
        online=True,
        duration_ue=8,
        cost=Decimal("300"),
        travel_cost=Decimal("0"),
        reason="Persönliche Begründung",
        head_comment="Kommentar der Leitung",
        state="declined",
        decline_reason="Kein Budget",
        submitted_at=NOW - timedelta(days=950),
        updated_at=NOW,
    )
    db.session.add(request)
    db.session.flush()
    db.session.add(
        ExternalAttachment(
            request_id=request.id, kind="offer", filename="a.pdf", stored_name=f"{request.id:064d}",
            content_type="application/pdf", size=1, sha256="0" * 64, uploaded_at=NOW,
        )
    )  # fmt: skip
    db.session.flush()
    return employee, request


def test_leavers_lose_the_personal_parts_and_a_second_run_changes_nothing(app, db):
    days = int(app.config["RETENTION_LEARNING_RECORD_DAYS"])
    gone, gone_request = person_with_costs(days + 10)
    recent, recent_request = person_with_costs(days - 10)
    active, active_request = person_with_costs(None)
    gone_files = set(
        db.session.scalars(
            select(ExternalAttachment.id).where(ExternalAttachment.request_id == gone_request.id)
        )
    )
    plan = plan_retention(NOW)
    run_retention(NOW)
    db.session.expire_all()
    bookings = dict(
        db.session.execute(select(BudgetBooking.id, BudgetBooking.employee_id)).all()
    ).values()
    assert gone.id not in bookings and {recent.id, active.id} <= set(bookings)
    assert db.session.scalar(select(func.count()).select_from(BudgetBooking)) == 3
    assert (gone_request.reason, gone_request.head_comment, gone_request.decline_reason) == (
        REMOVED,
        None,
        None,
    )
    assert gone_request.cost == Decimal("300.00") and gone_request.title == "Zertifizierung"
    assert recent_request.reason == active_request.reason == "Persönliche Begründung"
    files = db.session.scalars(select(ExternalAttachment.request_id)).all()
    assert sorted(files) == sorted([recent_request.id, active_request.id])
    mine = ("budget_bookings", "external_requests", "external_attachments")
    planned = {c.rule: set(c.ids) for c in plan.changes if c.rule in mine}
    assert planned["budget_bookings"] and planned["external_requests"]
    assert planned["external_attachments"] == gone_files  # the files of the leaver only
    again = plan_retention(NOW)
    assert not [c for c in again.changes if c.rule in mine and c.ids]
