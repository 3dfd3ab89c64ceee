"""The external training workflow as services: request → head → HR (→ a second, other HR
person above the limit) → enrolled and booked; declines with a reason; withdrawal; every
decision audited in a German sentence and told to the next person; who may decide."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from academy.audit.models import AuditLogEntry
from academy.audit.sentences import sentences
from academy.errors import Conflict, PermissionDenied, ValidationFailed
from academy.extensions import db
from courses.budgets.models import BudgetBooking
from courses.catalogue.models import Course
from courses.catalogue.search import CatalogueFilters, search_catalogue
from courses.enrolment.models import Enrolment, EnrolmentState
from courses.external.decisions import approve, decline
from courses.external.models import ExternalRequest, RequestState
from courses.external.requesting import submit, withdraw
from tests.courses.budgets.support import budget
from tests.courses.external.support import Office, data
from tests.courses.support import NOW, inbox

LATER = NOW + timedelta(hours=2)


def audit(request):
    return list(
        db.session.scalars(
            select(AuditLogEntry)
            .where(
                AuditLogEntry.object_type == "external_request",
                AuditLogEntry.object_id == str(request.id),
            )
            .order_by(AuditLogEntry.id)
        )
    )


def test_head_then_hr_approves_and_the_employee_is_enrolled_and_booked(app, db):
    office = Office()
    request = office.request(cost=Decimal("890.00"), travel_cost=Decimal("0"))
    assert request.state == RequestState.PENDING_HEAD
    assert [n.kind for n in inbox(office.head)] == ["external.submitted"]
    approve(office.head, request, LATER, comment="Passt zur Aufgabe.")
    assert request.state == RequestState.PENDING_HR
    assert "external.for_hr" in {n.kind for n in inbox(office.hr)}
    approve(office.hr, request, LATER)
    assert request.state == RequestState.APPROVED
    course = db.session.get(Course, request.course_id)
    assert course.external and course.archived and course.cost == Decimal("890.00")
    booking = db.session.scalar(
        select(BudgetBooking).where(BudgetBooking.enrolment_id == request.enrolment_id)
    )
    assert (booking.state, booking.amount) == ("committed", Decimal("890.00"))
    assert booking.department_id == office.unit.id
    assert "external.approved" in {n.kind for n in inbox(office.user)}
    with app.test_request_context(headers={"Accept-Language": "de"}):
        said = list(sentences(audit(request)).values())
    name = office.employee.full_name
    assert said == [
        f"{office.user.display_name} hat die externe Fortbildung „Professional Scrum Master I“ "
        "(Agile Akademie Rhein-Main) beantragt.",
        f"{office.head.display_name} hat den Antrag von {name} auf die externe Fortbildung "
        "„Professional Scrum Master I“ befürwortet.",
        f"{office.hr.display_name} hat die externe Fortbildung „Professional Scrum Master I“ "
        f"von {name} genehmigt.",
    ]


def test_travel_costs_are_booked_too(db):
    office = Office()
    request = office.request(cost=Decimal("500"), travel_cost=Decimal("123.45"))
    approve(office.head, request, LATER)
    approve(office.hr, request, LATER)
    booking = db.session.scalar(
        select(BudgetBooking).where(BudgetBooking.enrolment_id == request.enrolment_id)
    )
    assert (booking.price, booking.travel, booking.amount) == (
        Decimal("500.00"),
        Decimal("123.45"),
        Decimal("623.45"),
    )


def test_above_the_limit_a_second_other_hr_person_must_approve(app, db, monkeypatch):
    monkeypatch.setitem(app.config, "EXTERNAL_SECOND_APPROVAL_EUR", 1000)
    office = Office()
    request = office.request()  # 1,190 + 210.50
    approve(office.head, request, LATER)
    approve(office.hr, request, LATER)
    assert request.state == RequestState.PENDING_SECOND and request.enrolment_id is None
    assert "external.second_needed" in {n.kind for n in inbox(office.hr2)}
    assert not inbox(office.hr, "external.second_needed")
    with pytest.raises(PermissionDenied, match="another person"):
        approve(office.hr, request, LATER)
    approve(office.hr2, request, LATER)
    assert request.state == RequestState.APPROVED and request.enrolment_id is not None
    assert (request.hr_id, request.second_id) == (office.hr.id, office.hr2.id)


def test_at_the_limit_one_approval_is_enough(app, db, monkeypatch):
    monkeypatch.setitem(app.config, "EXTERNAL_SECOND_APPROVAL_EUR", 1400)
    office = Office()
    request = office.request(cost=Decimal("1190.00"), travel_cost=Decimal("210.00"))
    approve(office.head, request, LATER)
    approve(office.hr, request, LATER)
    assert request.state == RequestState.APPROVED


def test_declining_needs_a_reason_and_tells_the_employee(db):
    office = Office()
    request = office.request()
    with pytest.raises(ValidationFailed) as refused:
        decline(office.head, request, "  ", LATER)
    assert refused.value.field == "reason"
    decline(office.head, request, "Kein Bedarf in diesem Jahr.", LATER)
    assert request.state == RequestState.DECLINED
    assert request.decline_reason == "Kein Bedarf in diesem Jahr."
    (notice,) = inbox(office.user, "external.declined")
    assert "Kein Bedarf in diesem Jahr." in notice.body
    with pytest.raises(Conflict):
        approve(office.hr, request, LATER)


def test_who_may_decide(db):
    office = Office()
    request = office.request()
    for outsider in (office.other_head, office.colleague_user, office.user):
        with pytest.raises(PermissionDenied):
            approve(outsider, request, LATER)
    with pytest.raises(PermissionDenied):  # HR decides after the head, not instead
        approve(office.hr, request, LATER)
    approve(office.head, request, LATER)
    with pytest.raises(PermissionDenied):  # the head's step is done
        approve(office.head, request, LATER)


def test_a_head_never_decides_their_own_request(db):
    office = Office()
    head_employee = db.session.get(type(office.employee), office.head.employee_id)
    own = submit(office.head, head_employee, data(), NOW)
    assert own.state == RequestState.PENDING_HR  # nobody above has an account: HR decides
    with pytest.raises(PermissionDenied):
        approve(office.head, own, LATER)


def test_without_a_head_the_request_goes_to_hr(db):
    office = Office()
    office.unit.head = None
    db.session.flush()
    request = office.request()
    assert request.state == RequestState.PENDING_HR
    assert inbox(office.hr, "external.for_hr")


def test_the_budget_must_be_confirmed_when_exceeded(db):
    office = Office()
    budget(office.unit, 2030, "1000")
    request = office.request()  # 1,400.50 > 1,000
    approve(office.head, request, LATER)  # the head sees it, HR confirms it
    with pytest.raises(ValidationFailed) as refused:
        approve(office.hr, request, LATER)
    assert refused.value.field == "over_budget"
    approve(office.hr, request, LATER, over_budget=True)
    assert request.state == RequestState.APPROVED


def test_withdrawing_only_own_and_only_while_open(db):
    office = Office()
    request = office.request()
    with pytest.raises(PermissionDenied):
        withdraw(office.colleague_user, request, LATER)
    withdraw(office.user, request, LATER)
    assert request.state == RequestState.WITHDRAWN
    assert inbox(office.head, "external.withdrawn")
    with pytest.raises(Conflict):
        withdraw(office.user, request, LATER)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"title": " "}, "title"),
        ({"provider": ""}, "provider"),
        ({"starts_at": NOW - timedelta(days=1)}, "starts_at"),
        ({"ends_at": NOW + timedelta(days=39)}, "ends_at"),
        ({"ends_at": NOW + timedelta(days=600)}, "ends_at"),
        ({"location": None}, "location"),
        ({"duration_ue": 0}, "duration_ue"),
        ({"cost": Decimal("-1")}, "cost"),
        ({"cost": None}, "cost"),
        ({"cost": Decimal("1.005")}, "cost"),
        ({"travel_cost": Decimal("1e30")}, "travel_cost"),
        ({"reason": "   "}, "reason"),
        ({"competences": [(999999, 2)]}, "competences.0.competence"),
    ],
)
def test_bad_input_is_refused_at_the_field_and_nothing_is_saved(db, changes, field):
    office = Office()
    with pytest.raises(ValidationFailed) as refused:
        office.request(**changes)
    assert refused.value.field == field
    assert db.session.scalar(select(ExternalRequest.id)) is None


def test_online_needs_no_place_and_someone_else_cannot_request_for_me(db):
    office = Office()
    assert office.request(online=True, location=None).online
    with pytest.raises(PermissionDenied):
        submit(office.colleague_user, office.employee, data(), NOW)


def test_the_external_course_is_hidden_from_the_catalogue(db):
    office = Office()
    request = office.request()
    approve(office.head, request, LATER)
    approve(office.hr, request, LATER)
    course = db.session.get(Course, request.course_id)
    assert course.archived and course.external and course.code.startswith("EXT-")
    placed = db.session.get(Enrolment, request.enrolment_id)
    assert placed.state == EnrolmentState.CONFIRMED and placed.employee_id == office.employee.id
    found = search_catalogue(CatalogueFilters(text="Scrum Master"), now=NOW)
    assert course.id not in {entry.course.id for entry in found.entries}
