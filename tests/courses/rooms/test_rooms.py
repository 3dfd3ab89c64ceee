"""Rooms and trainers as HR keeps them: the services (names unique per building, seats
not below an upcoming booking, exact euro amounts, internal trainers by account,
deactivation) and the pages (HR only, lists with filters and pages, bad input answered
at the field with nothing changed, confirmation before deactivating)."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from academy.accounts.models import Role
from academy.audit.models import AuditLogEntry
from academy.clock import utcnow
from academy.errors import Conflict, DomainError
from academy.extensions import db
from courses.rooms.models import Room, Trainer
from courses.rooms.rooms import RoomData, create_room, set_room_active, update_room
from courses.rooms.trainers import TrainerData, create_trainer, set_trainer_active, update_trainer
from courses.sessions.scheduling import create_session
from tests import factories
from tests.courses import factories as cf
from tests.courses.rooms.support import data, external, hr, meeting, room
from tests.courses.support import NOW


def error_of(call, *args, **kwargs) -> DomainError:
    with pytest.raises(DomainError) as info:
        call(*args, **kwargs)
    return info.value


def error_text(html: str, field_id: str) -> str:
    match = re.search(rf'id="{re.escape(field_id)}-error"[^>]*>([^<]*)<', html)
    assert match, f"no error shown for {field_id}"
    return match.group(1)


def german(client) -> None:
    client.set_cookie("da_lang", "de")


# ---------------------------------------------------------------------------
# Services
# ---------------------------------------------------------------------------


def test_a_room_with_its_facts_and_cost(db):
    created = create_room(
        hr(),
        RoomData(
            name=" Raum 2.14 ",
            capacity=20,
            building="Rathaus",
            step_free=True,
            hearing_loop=True,
            equipment="Beamer",
            cost_per_day=Decimal("150.5"),
        ),
        NOW,
    )
    assert (created.label, created.cost_per_day, created.active) == (
        "Rathaus, Raum 2.14",
        Decimal("150.50"),
        True,
    )
    entry = db.session.scalars(
        select(AuditLogEntry).where(AuditLogEntry.action == "room.created")
    ).one()
    assert entry.object_id == str(created.id)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"name": "  "}, "name"),
        ({"name": "x" * 121}, "name"),
        ({"capacity": 0}, "capacity"),
        ({"capacity": 10_001}, "capacity"),
        ({"cost_per_day": Decimal("-1")}, "cost_per_day"),
        ({"cost_per_day": Decimal("1.005")}, "cost_per_day"),
        ({"cost_per_day": Decimal("1E+12")}, "cost_per_day"),
    ],
)
def test_bad_room_data_is_refused_at_the_field(db, changes, field):
    values = {"name": "Raum 1", "capacity": 12, **changes}
    error = error_of(create_room, hr(), RoomData(**values), NOW)
    assert error.field == field
    assert db.session.scalar(select(func.count()).select_from(Room)) == 0


def test_room_names_are_unique_per_building_regardless_of_case(db):
    create_room(hr(), RoomData(name="Raum 1", capacity=10, building="Rathaus"), NOW)
    error = error_of(
        create_room, hr(), RoomData(name="raum 1", capacity=10, building="RATHAUS"), NOW
    )
    assert isinstance(error, Conflict) and error.field == "name"
    assert create_room(hr(), RoomData(name="Raum 1", capacity=10, building="Bürgerhaus"), NOW)


def test_seats_may_not_fall_below_an_upcoming_booking(db):
    hall = room(capacity=20)
    create_session(
        hr(), cf.course(), data(meeting(datetime(2031, 6, 3), room_id=hall.id), capacity=16), NOW
    )
    error = error_of(
        update_room, hr(), hall, RoomData(name=hall.name, building=hall.building, capacity=12), NOW
    )
    assert error.field == "capacity" and "16" in str(error)
    update_room(hr(), hall, RoomData(name=hall.name, building=hall.building, capacity=16), NOW)
    assert hall.capacity == 16


def test_deactivating_and_reactivating_a_room(db):
    hall = room()
    set_room_active(hr(), hall, False, NOW)
    assert not hall.active
    assert isinstance(error_of(set_room_active, hr(), hall, False, NOW), Conflict)
    set_room_active(hr(), hall, True, NOW)
    actions = db.session.scalars(
        select(AuditLogEntry.action).where(AuditLogEntry.object_type == "room")
    ).all()
    assert actions == ["room.deactivated", "room.reactivated"]


def test_an_internal_trainer_is_an_account(db):
    person = factories.user(email="Jana.Koch@stadt.example")
    made = create_trainer(
        hr(), TrainerData(kind="internal", account_email=" jana.koch@stadt.example"), NOW
    )
    assert (made.user_id, made.display_name) == (person.id, person.display_name)
    again = error_of(
        create_trainer, hr(), TrainerData(kind="internal", account_email=person.email), NOW
    )
    assert again.field == "account_email"
    unknown = error_of(
        create_trainer, hr(), TrainerData(kind="internal", account_email="x@y.z"), NOW
    )
    assert unknown.field == "account_email"


def test_an_external_trainer_with_contact_and_fee(db):
    made = create_trainer(
        hr(),
        TrainerData(
            name="Dr. Katrin Albers",
            organisation="Albers Agile",
            email="k.albers@example.org",
            phone="+49 40 1",
            fee_per_day=Decimal("1200"),
        ),
        NOW,
    )
    assert (made.label, made.fee_per_day) == (
        "Dr. Katrin Albers (Albers Agile)",
        Decimal("1200.00"),
    )
    assert error_of(create_trainer, hr(), TrainerData(name=""), NOW).field == "name"
    assert (
        error_of(create_trainer, hr(), TrainerData(name="X", email="kein-at"), NOW).field == "email"
    )
    update_trainer(hr(), made, TrainerData(name="Dr. Katrin Albers-Kühn", fee_per_day=None), NOW)
    assert (made.name, made.fee_per_day) == ("Dr. Katrin Albers-Kühn", None)
    set_trainer_active(hr(), made, False, NOW)
    assert not made.active


# ---------------------------------------------------------------------------
# Pages
# ---------------------------------------------------------------------------

PAGES = [
    ("get", "/kurse/verwaltung/raeume"),
    ("get", "/kurse/verwaltung/raeume/neu"),
    ("get", "/kurse/verwaltung/raeume/{room}"),
    ("post", "/kurse/verwaltung/raeume/{room}/deaktivieren"),
    ("get", "/kurse/verwaltung/trainer"),
    ("get", "/kurse/verwaltung/trainer/{trainer}"),
    ("post", "/kurse/verwaltung/trainer/{trainer}/deaktivieren"),
    ("get", "/kurse/verwaltung/belegung"),
]


@pytest.mark.parametrize("role", [Role.EMPLOYEE, Role.TRAINER, Role.HEAD, Role.COUNCIL, Role.ADMIN])
def test_only_hr_may_open_or_change_them(client, login_as, role):
    hall, coach = room(), external()
    db.session.commit()
    login_as(role)
    for method, url in PAGES:
        response = getattr(client, method)(url.format(room=hall.id, trainer=coach.id))
        assert response.status_code == 403, (url, response.status_code)
    db.session.refresh(hall)
    db.session.refresh(coach)
    assert hall.active and coach.active


def test_unknown_ids_answer_404(client, login_as):
    login_as(Role.HR)
    assert client.get("/kurse/verwaltung/raeume/999999").status_code == 404
    assert client.post("/kurse/verwaltung/trainer/999999/deaktivieren").status_code == 404


def test_hr_creates_a_room_through_the_form(client, login_as):
    login_as(Role.HR)
    german(client)
    form = {
        "name": "Raum 3.07",
        "building": "Rathaus",
        "capacity": "16",
        "cost_per_day": "1.250,50",
        "step_free": "y",
    }
    response = client.post("/kurse/verwaltung/raeume/neu", data=form)
    assert response.status_code == 302
    made = db.session.scalars(select(Room).where(Room.name == "Raum 3.07")).one()
    assert (made.capacity, made.cost_per_day, made.step_free, made.hearing_loop) == (
        16,
        Decimal("1250.50"),
        True,
        False,
    )
    listing = client.get("/kurse/verwaltung/raeume").get_data(as_text=True)
    assert "Rathaus, Raum 3.07" in listing and "1.250,50 €" in listing
    edit = client.get(f"/kurse/verwaltung/raeume/{made.id}").get_data(as_text=True)
    assert 'data-confirm="Den Raum „Rathaus, Raum 3.07“ deaktivieren?' in edit


def test_bad_room_input_is_answered_at_the_field(client, login_as):
    login_as(Role.HR)
    german(client)
    cases = [
        ({"name": "", "capacity": "10"}, "name"),
        ({"name": "A", "capacity": "0"}, "capacity"),
        ({"name": "A", "capacity": "10", "cost_per_day": "-5"}, "cost_per_day"),
        ({"name": "A", "capacity": "10", "cost_per_day": "zehn Euro"}, "cost_per_day"),
    ]
    for form, field in cases:
        response = client.post("/kurse/verwaltung/raeume/neu", data=form)
        assert response.status_code == 422, (form, response.status_code)
        assert error_text(response.get_data(as_text=True), field)
    assert db.session.scalar(select(func.count()).select_from(Room)) == 0


def test_deactivating_a_room_from_its_page(client, login_as):
    login_as(Role.HR)
    hall = room()
    db.session.commit()
    response = client.post(
        f"/kurse/verwaltung/raeume/{hall.id}/deaktivieren", follow_redirects=True
    )
    assert response.status_code == 200
    db.session.refresh(hall)
    assert not hall.active
    again = client.post(f"/kurse/verwaltung/raeume/{hall.id}/deaktivieren", follow_redirects=True)
    assert "alert-danger" in again.get_data(as_text=True)


def test_hr_records_an_internal_and_an_external_trainer(client, login_as):
    login_as(Role.HR)
    german(client)
    person = factories.user(email="lena.wolf@stadt.example")
    db.session.commit()
    internal = client.post(
        "/kurse/verwaltung/trainer/neu",
        data={"kind": "internal", "account_email": "lena.wolf@stadt.example"},
    )
    assert internal.status_code == 302
    assert db.session.scalar(select(Trainer.id).where(Trainer.user_id == person.id))
    unknown = client.post(
        "/kurse/verwaltung/trainer/neu",
        data={"kind": "internal", "account_email": "nie@da.example"},
    )
    assert unknown.status_code == 422
    assert "kein aktives Konto" in error_text(unknown.get_data(as_text=True), "account_email")
    bad_kind = client.post("/kurse/verwaltung/trainer/neu", data={"kind": "boss", "name": "X"})
    assert bad_kind.status_code == 422
    external_made = client.post(
        "/kurse/verwaltung/trainer/neu",
        data={
            "kind": "external",
            "name": "Selin Aydın",
            "organisation": "Digitalwerk",
            "fee_per_day": "980",
        },
    )
    assert external_made.status_code == 302
    listing = client.get("/kurse/verwaltung/trainer?art=external").get_data(as_text=True)
    assert (
        "Selin Aydın" in listing and "Digitalwerk" in listing and person.display_name not in listing
    )


def test_lists_are_paginated_and_filtered(client, login_as, app):
    login_as(Role.HR)
    size = app.config["PAGE_SIZE"]
    for n in range(size + 3):
        room(name=f"Zählraum {n:03d}", building="Zählhaus")
    room(name="Alter Raum", building="Zählhaus", active=False)
    db.session.commit()
    first = client.get("/kurse/verwaltung/raeume?q=zählhaus").get_data(as_text=True)
    assert first.count('<tr data-room="') == size
    second = client.get("/kurse/verwaltung/raeume?q=zählhaus&page=2").get_data(as_text=True)
    assert second.count('<tr data-room="') == 3
    inactive = client.get("/kurse/verwaltung/raeume?status=inaktiv").get_data(as_text=True)
    assert "Alter Raum" in inactive and "Zählraum 000" not in inactive
    assert client.get("/kurse/verwaltung/raeume?page=999").status_code == 200


def test_the_session_form_offers_rooms_and_trainers(client, login_as):
    login_as(Role.HR)
    hall = room(name="Saal Nord", building="Rathaus", capacity=30, step_free=True)
    room(name="Geschlossen", active=False)
    coach = external("Ulrike Hansen-Meyer")
    course = cf.course()
    db.session.commit()
    html = client.get(f"/kurse/verwaltung/{course.id}/termine/neu").get_data(as_text=True)
    assert f'<option value="{hall.id}">Rathaus, Saal Nord (30 Plätze, stufenlos)</option>' in html
    assert "Geschlossen" not in html
    assert f'value="{coach.id}"' in html and "Ulrike Hansen-Meyer (Lernwerk GmbH)" in html
    assert utcnow() - timedelta(days=1) < utcnow()
