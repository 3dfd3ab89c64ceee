"""Catalogue management services: categories, courses (validation, outcomes within the
framework's levels, prerequisites without cycles), archive instead of delete, and
sessions (Berlin wall-clock input stored in UTC, deadline defaults and checks)."""

from __future__ import annotations

import itertools
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from academy.accounts.models import Role, User
from academy.audit.models import AuditLogEntry
from academy.errors import Conflict, DomainError, ValidationFailed
from academy.extensions import db
from academy.frameworks.models import Competence, CompetenceArea, Framework, FrameworkLevel
from courses.catalogue.archiving import (
    archive_course,
    course_in_use,
    delete_course,
    unarchive_course,
)
from courses.catalogue.categories import create_category, update_category
from courses.catalogue.editing import CourseData, create_course, update_course
from courses.catalogue.models import Course
from courses.enrolment.models import EnrolmentState
from courses.sessions.models import CourseSession
from courses.sessions.scheduling import (
    SessionData,
    create_session,
    default_deadlines,
    set_capacity,
    update_session,
    wall_clock_to_utc,
)
from tests import factories
from tests.courses import factories as cf

#: Monday 4 March 2030, 10:00 in Berlin (CET, UTC+1).
NOW = datetime(2030, 3, 4, 9, 0, tzinfo=UTC)

_codes = itertools.count(1)


# ---------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------


def make_framework(code: str = "TFW", levels: int = 4, competences: int = 2) -> list[Competence]:
    """A small framework with levels 1..``levels`` and some competences."""
    fw = Framework(code=code, name_de=f"Rahmen {code}", name_en=f"Framework {code}")
    fw.levels = [
        FrameworkLevel(level=n, name_de=f"Stufe {n}", name_en=f"Level {n}")
        for n in range(1, levels + 1)
    ]
    area = CompetenceArea(code="A1", name_de="Bereich", name_en="Area", position=1, framework=fw)
    db.session.add_all([fw, area])
    db.session.flush()
    items = [
        Competence(
            framework_id=fw.id,
            area_id=area.id,
            code=f"{code}.{n}",
            name_de=f"Kompetenz {code} {n}",
            name_en=f"Competence {code} {n}",
            position=n,
        )
        for n in range(1, competences + 1)
    ]
    db.session.add_all(items)
    db.session.flush()
    return items


def hr_user() -> User:
    return factories.user(Role.HR, with_employee=False)


def data(**changes: object) -> CourseData:
    base = CourseData(
        code=f"T-{next(_codes)}",
        title="Scrum kompakt",
        category_id=cf.category().id,
        duration_ue=8,
        description="Grundlagen agiler Arbeit",
    )
    return replace(base, **changes)


def audit(action: str, object_id: object) -> list[AuditLogEntry]:
    return list(
        db.session.scalars(
            select(AuditLogEntry)
            .where(AuditLogEntry.action == action, AuditLogEntry.object_id == str(object_id))
            .order_by(AuditLogEntry.id)
        )
    )


def error_of(call: object, *args: object, **kwargs: object) -> DomainError:
    with pytest.raises(DomainError) as info:
        call(*args, **kwargs)  # type: ignore[operator]
    return info.value


# ---------------------------------------------------------------------------
# Categories
# ---------------------------------------------------------------------------


def test_category_create_update_and_unique_name(db):
    actor = hr_user()
    cat = create_category(actor, name=" Agile Methoden ", description="Scrum, Kanban", now=NOW)
    assert cat.name == "Agile Methoden"
    assert audit("category.created", cat.id)[0].actor_id == actor.id

    error = error_of(create_category, actor, name="agile methoden", now=NOW)
    assert isinstance(error, Conflict) and error.field == "name"
    assert "already exists" in str(error)

    update_category(actor, cat, name="Agiles Arbeiten", description=None, position=3, now=NOW)
    entry = audit("category.updated", cat.id)[0]
    assert entry.details["name"] == ["Agile Methoden", "Agiles Arbeiten"]
    assert cat.position == 3
    assert error_of(update_category, actor, cat, name="  ", now=NOW).field == "name"


# ---------------------------------------------------------------------------
# Courses
# ---------------------------------------------------------------------------


def test_create_course_with_every_field(db):
    actor = hr_user()
    comps = make_framework()
    basics = cf.course(code="BAS-1")
    course = create_course(
        actor,
        data(
            code="AGI-101",
            format="blended",
            level="intermediate",
            provider="external",
            provider_name="  Agile Akademie GmbH ",
            cost=Decimal("450.50"),
            requires_approval=False,
            validity_months=24,
            outcomes=[(comps[0].id, 2), (comps[1].id, 4)],
            prerequisite_ids=[basics.id],
        ),
        NOW,
    )
    db.session.expire_all()
    course = db.session.get(Course, course.id)
    assert (course.code, course.format, course.level) == ("AGI-101", "blended", "intermediate")
    assert course.provider == "external" and course.provider_name == "Agile Akademie GmbH"
    assert course.cost == Decimal("450.50") and course.requires_approval is False
    assert course.validity_months == 24 and course.archived is False
    assert {(o.competence_id, o.level) for o in course.outcomes} == {
        (comps[0].id, 2),
        (comps[1].id, 4),
    }
    assert [c.code for c in course.prerequisites] == ["BAS-1"]
    entry = audit("course.created", course.id)[0]
    assert entry.details["code"] == "AGI-101" and entry.details["prerequisites"] == ["BAS-1"]


@pytest.mark.parametrize(
    ("changes", "field", "text"),
    [
        ({"code": "  "}, "code", "Please enter a course code"),
        ({"code": "AGI 101"}, "code", "letters, digits"),
        ({"code": "X" * 33}, "code", "up to 32"),
        ({"title": ""}, "title", "Please enter a title"),
        ({"category_id": None}, "category", "choose a category"),
        ({"category_id": 999999}, "category", "choose a category"),
        ({"format": "hybrid"}, "format", "choose a format"),
        ({"level": "expert"}, "level", "choose a level"),
        ({"duration_ue": 0}, "duration_ue", "between 1 and 1000 UE"),
        ({"duration_ue": None}, "duration_ue", "between 1 and 1000 UE"),
        ({"provider": "external", "provider_name": " "}, "provider_name", "external provider"),
        ({"cost": Decimal("-1")}, "cost", "0 or more"),
        ({"cost": Decimal("1.005")}, "cost", "two decimal places"),
        ({"validity_months": 0}, "validity_months", "between 1 and 240 months"),
    ],
)
def test_course_validation_errors(db, changes, field, text):
    actor = hr_user()
    before = db.session.scalar(select(func.count()).select_from(Course))
    error = error_of(create_course, actor, data(**changes), NOW)
    assert isinstance(error, ValidationFailed)
    assert error.field == field
    assert text in str(error)
    assert db.session.scalar(select(func.count()).select_from(Course)) == before


def test_course_code_is_unique_ignoring_case(db):
    actor = hr_user()
    create_course(actor, data(code="IT-SEC-1"), NOW)
    error = error_of(create_course, actor, data(code="it-sec-1"), NOW)
    assert isinstance(error, Conflict) and error.field == "code"
    assert str(error) == "The course code it-sec-1 is already in use."
    other = create_course(actor, data(code="IT-SEC-2"), NOW)
    assert error_of(update_course, actor, other, data(code="IT-SEC-1"), NOW).field == "code"
    update_course(actor, other, data(code="IT-SEC-2", category_id=other.category_id), NOW)


def test_outcome_levels_follow_the_framework(db):
    actor = hr_user()
    four = make_framework("FK", levels=4)
    eight = make_framework("DC", levels=8)
    error = error_of(create_course, actor, data(outcomes=[(eight[0].id, 7), (four[0].id, 5)]), NOW)
    assert error.field == "outcomes.1.level"
    assert str(error) == "The level for FK.1 must be between 1 and 4."
    assert error_of(create_course, actor, data(outcomes=[(four[0].id, 0)]), NOW).field == (
        "outcomes.0.level"
    )
    dup = error_of(create_course, actor, data(outcomes=[(four[0].id, 1), (four[0].id, 2)]), NOW)
    assert dup.field == "outcomes.1.competence" and "listed twice" in str(dup)
    missing = error_of(create_course, actor, data(outcomes=[(987654, 1)]), NOW)
    assert missing.field == "outcomes.0.competence"

    course = create_course(actor, data(outcomes=[(eight[0].id, 8), (four[0].id, 4)]), NOW)
    update_course(
        actor,
        course,
        data(code=course.code, category_id=course.category_id, outcomes=[(four[0].id, 3)]),
        NOW,
    )
    db.session.expire_all()
    assert [(o.competence_id, o.level) for o in course.outcomes] == [(four[0].id, 3)]
    change = audit("course.updated", course.id)[0].details["outcomes"]
    assert change == [sorted([[eight[0].id, 8], [four[0].id, 4]]), [[four[0].id, 3]]]


def test_prerequisites_refuse_self_and_cycles(db):
    actor = hr_user()
    a, b, c, d = (cf.course(code=f"P-{x}") for x in "ABCD")

    def set_prereqs(course: Course, *required: Course) -> None:
        update_course(
            actor,
            course,
            data(
                code=course.code,
                category_id=course.category_id,
                prerequisite_ids=[r.id for r in required],
            ),
            NOW,
        )

    assert "its own prerequisite" in str(error_of(set_prereqs, a, a))
    set_prereqs(a, b)  # A requires B
    direct = error_of(set_prereqs, b, a)
    assert direct.field == "prerequisites"
    assert str(direct) == (
        "P-A cannot be a prerequisite: it requires this course itself (directly or through "
        "other courses)."
    )
    set_prereqs(b, c)  # A → B → C
    assert "P-A cannot be a prerequisite" in str(error_of(set_prereqs, c, d, a))
    set_prereqs(d, b, c)  # a diamond is fine: D → B → C and D → C
    set_prereqs(a, b, d)
    assert sorted(p.code for p in a.prerequisites) == ["P-B", "P-D"]
    set_prereqs(a)  # replacing A's own edges is not a cycle with the old ones
    set_prereqs(c, a)
    assert [p.code for p in c.prerequisites] == ["P-A"]


def test_archived_course_cannot_become_a_new_prerequisite(db):
    actor = hr_user()
    old = cf.course(code="OLD-1", archived=True)
    error = error_of(create_course, actor, data(prerequisite_ids=[old.id]), NOW)
    assert error.field == "prerequisites" and "OLD-1" in str(error)


def test_archive_and_unarchive(db):
    actor = hr_user()
    course = cf.course()
    archive_course(actor, course, NOW, reason="Inhalt veraltet")
    assert course.archived
    entry = audit("course.archived", course.id)[0]
    assert (entry.from_state, entry.to_state, entry.reason) == (
        "active",
        "archived",
        "Inhalt veraltet",
    )
    assert isinstance(error_of(archive_course, actor, course, NOW), Conflict)
    unarchive_course(actor, course, NOW)
    assert not course.archived
    assert audit("course.unarchived", course.id)[0].to_state == "active"
    assert isinstance(error_of(unarchive_course, actor, course, NOW), Conflict)


def test_used_course_is_archived_never_deleted(db):
    actor = hr_user()
    with_session = cf.course(code="USED-1")
    cf.session(with_session)
    enrolled = cf.course(code="USED-2")
    cf.enrolment(cf.session(enrolled), state=EnrolmentState.CANCELLED)
    for course in (with_session, enrolled):
        assert course_in_use(course)
        error = error_of(delete_course, actor, course, NOW)
        assert isinstance(error, Conflict)
        assert "can be archived, but not deleted" in str(error)
        assert db.session.get(Course, course.id) is not None


def test_unused_course_can_be_deleted(db):
    actor = hr_user()
    comps = make_framework()
    basics = cf.course(code="BASE")
    course = create_course(
        actor, data(code="GONE-1", outcomes=[(comps[0].id, 1)], prerequisite_ids=[basics.id]), NOW
    )
    course_id = course.id
    assert not course_in_use(course)
    delete_course(actor, course, NOW)
    db.session.expire_all()
    assert db.session.get(Course, course_id) is None
    assert audit("course.deleted", course_id)[0].details == {
        "code": "GONE-1",
        "title": "Scrum kompakt",
    }
    assert db.session.get(Course, basics.id) is not None


def test_prerequisite_of_another_course_is_not_deleted(db):
    actor = hr_user()
    basics = cf.course(code="BASE-2")
    cf.course(code="ADV-2", prerequisites=[basics])
    error = error_of(delete_course, actor, basics, NOW)
    assert isinstance(error, Conflict) and "ADV-2" in str(error)


# ---------------------------------------------------------------------------
# Sessions
# ---------------------------------------------------------------------------


def trainer() -> User:
    return factories.user(Role.TRAINER, with_employee=False)


def session_data(**changes: object) -> SessionData:
    base = SessionData(
        starts_at=datetime(2030, 6, 12, 9, 0),  # Berlin wall-clock (CEST, UTC+2)
        ends_at=datetime(2030, 6, 12, 16, 30),
        capacity=12,
        min_participants=4,
        location="Rathaus, Raum 101",
    )
    return replace(base, **changes)


def test_berlin_wall_clock_is_stored_in_utc(db):
    assert wall_clock_to_utc(datetime(2030, 1, 15, 10, 0), "x") == datetime(
        2030, 1, 15, 9, 0, tzinfo=UTC
    )
    assert wall_clock_to_utc(datetime(2030, 7, 1, 10, 0), "x") == datetime(
        2030, 7, 1, 8, 0, tzinfo=UTC
    )
    skipped = error_of(wall_clock_to_utc, datetime(2030, 3, 31, 2, 30), "starts_at")
    assert skipped.field == "starts_at" and "clock change" in str(skipped)

    session = create_session(hr_user(), cf.course(), session_data(), NOW)
    db.session.expire_all()
    stored = db.session.get(CourseSession, session.id)
    assert stored.starts_at == datetime(2030, 6, 12, 7, 0, tzinfo=UTC)
    assert stored.ends_at == datetime(2030, 6, 12, 14, 30, tzinfo=UTC)


def test_session_deadline_defaults(db):
    actor = hr_user()
    session = create_session(actor, cf.course(), session_data(), NOW)
    assert session.enrolment_deadline == session.starts_at - timedelta(days=7)
    assert session.cancellation_deadline == session.starts_at - timedelta(days=3)
    entry = audit("session.created", session.id)[0]
    assert entry.details["capacity"] == 12 and entry.to_state == "scheduled"


def test_default_deadlines_keep_the_wall_clock_across_the_clock_change(db):
    # Thursday 3 April 2030, 09:00 CEST; 7 days earlier is 27 March, 09:00 CET.
    start = datetime(2030, 4, 3, 7, 0, tzinfo=UTC)
    enrol_by, cancel_by = default_deadlines(start)
    assert enrol_by == datetime(2030, 3, 27, 8, 0, tzinfo=UTC)
    assert cancel_by == datetime(2030, 3, 31, 7, 0, tzinfo=UTC)  # 09:00 CEST again


def test_explicit_deadlines_are_berlin_time(db):
    session = create_session(
        hr_user(),
        cf.course(),
        session_data(
            enrolment_deadline=datetime(2030, 6, 1, 12, 0),
            cancellation_deadline=datetime(2030, 6, 12, 9, 0),  # may equal the start
        ),
        NOW,
    )
    assert session.enrolment_deadline == datetime(2030, 6, 1, 10, 0, tzinfo=UTC)
    assert session.cancellation_deadline == session.starts_at


@pytest.mark.parametrize(
    ("changes", "field", "text"),
    [
        ({"starts_at": None}, "starts_at", "enter the start"),
        ({"ends_at": datetime(2030, 6, 12, 9, 0)}, "ends_at", "end must be after the start"),
        ({"location": "  "}, "location", "enter the place"),
        ({"capacity": 0}, "capacity", "at least 1"),
        ({"capacity": None}, "capacity", "at least 1"),
        ({"min_participants": 13}, "min_participants", "must not exceed the capacity (12)"),
        ({"min_participants": -1}, "min_participants", "cannot be negative"),
        (
            {"enrolment_deadline": datetime(2030, 6, 12, 9, 1)},
            "enrolment_deadline",
            "enrolment deadline must not be after the start",
        ),
        (
            {"cancellation_deadline": datetime(2030, 6, 13, 9, 0)},
            "cancellation_deadline",
            "cancellation deadline must not be after the start",
        ),
        (
            {"starts_at": datetime(2030, 3, 1, 9), "ends_at": datetime(2030, 3, 1, 12)},
            "starts_at",
            "must start in the future",
        ),
        ({"trainer_id": 987654}, "trainer", "trainer role"),
    ],
)
def test_session_validation_errors(db, changes, field, text):
    course = cf.course()
    error = error_of(create_session, hr_user(), course, session_data(**changes), NOW)
    assert isinstance(error, ValidationFailed)
    assert (error.field, text in str(error)) == (field, True), str(error)
    assert (
        db.session.scalar(
            select(func.count())
            .select_from(CourseSession)
            .where(CourseSession.course_id == course.id)
        )
        == 0
    )


@pytest.mark.parametrize(
    ("course_format", "changes", "field"),
    [
        ("online", {"location": None}, "online_url"),
        ("online", {"online_url": "javascript:alert(1)"}, "online_url"),
        ("online", {"online_url": "meet.example.org/abc"}, "online_url"),
        ("blended", {"online_url": None}, "online_url"),
        ("self_paced", {"location": None}, "online_url"),
    ],
)
def test_place_or_link_by_format(db, course_format, changes, field):
    course = cf.course(format=course_format)
    error = error_of(create_session, hr_user(), course, session_data(**changes), NOW)
    assert error.field == field


def test_online_session_needs_no_place(db):
    course = cf.course(format="online")
    session = create_session(
        hr_user(),
        course,
        session_data(location=None, online_url=" https://meet.example.org/scrum "),
        NOW,
    )
    assert session.location is None and session.online_url == "https://meet.example.org/scrum"


def test_trainer_must_hold_the_trainer_role(db):
    actor = hr_user()
    employee_only = factories.user()
    inactive = trainer()
    inactive.active = False
    for account in (employee_only, inactive):
        error = error_of(
            create_session, actor, cf.course(), session_data(trainer_id=account.id), NOW
        )
        assert error.field == "trainer"
    coach = trainer()
    session = create_session(actor, cf.course(), session_data(trainer_id=coach.id), NOW)
    assert session.trainer_id == coach.id


def test_archived_course_gets_no_new_session(db):
    error = error_of(create_session, hr_user(), cf.course(archived=True), session_data(), NOW)
    assert isinstance(error, Conflict)


def test_past_session_only_when_allowed(db):
    past = session_data(starts_at=datetime(2030, 2, 1, 9), ends_at=datetime(2030, 2, 1, 12))
    session = create_session(hr_user(), cf.course(), past, NOW, allow_past=True)
    assert session.starts_at < NOW


def test_update_session_records_changes(db):
    actor = hr_user()
    session = create_session(actor, cf.course(), session_data(), NOW)
    update_session(
        actor,
        session,
        session_data(location="Bürgeramt Mitte", ends_at=datetime(2030, 6, 12, 15, 0)),
        NOW,
    )
    assert session.location == "Bürgeramt Mitte"
    details = audit("session.updated", session.id)[0].details
    assert details["location"] == ["Rathaus, Raum 101", "Bürgeramt Mitte"]
    assert "ends_at" in details and "starts_at" not in details
    assert session.capacity == 12  # not changed by an update
    error = error_of(update_session, actor, session, session_data(min_participants=20), NOW)
    assert error.field == "min_participants"


def test_cancelled_session_cannot_be_changed(db):
    actor = hr_user()
    session = cf.session(cancelled_at=NOW, cancel_reason="Trainer krank")
    assert isinstance(error_of(update_session, actor, session, session_data(), NOW), Conflict)
    assert isinstance(error_of(set_capacity, actor, session, 20, NOW), Conflict)


def test_capacity_change_goes_through_the_enrolment_service(db):
    actor = hr_user()
    session = cf.session(capacity=1, min_participants=1, starts_at=NOW + timedelta(days=30))
    cf.enrolment(session, state=EnrolmentState.CONFIRMED)
    waiting = cf.enrolment(session, state=EnrolmentState.WAITLISTED)
    set_capacity(actor, session, 2, NOW)
    db.session.refresh(waiting)
    assert session.capacity == 2 and waiting.state == EnrolmentState.CONFIRMED
    low = error_of(set_capacity, actor, session, 0, NOW)
    assert low.field == "capacity" and "at least 1" in str(low)
    session.min_participants = 2
    below_minimum = error_of(set_capacity, actor, session, 1, NOW)
    assert below_minimum.field == "min_participants"


def test_participants_are_told_when_date_or_place_change(db):
    from academy.notifications.models import Notification

    actor = hr_user()
    session = create_session(actor, cf.course("Datenkompetenz"), session_data(), NOW)
    member = factories.user()
    cf.enrolment(session, member.employee, state=EnrolmentState.CONFIRMED)
    cf.enrolment(session, state=EnrolmentState.CANCELLED)

    def told() -> list[str]:
        rows = db.session.scalars(select(Notification).where(Notification.user_id == member.id))
        return [n.kind for n in rows]

    update_session(actor, session, session_data(min_participants=3), NOW)
    assert told() == []  # not every change concerns the participants
    update_session(actor, session, session_data(location="Bürgeramt Süd"), NOW)
    assert told() == ["session.changed"]
