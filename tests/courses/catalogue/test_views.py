"""The catalogue pages over HTTP: permissions, HR creating courses and sessions through
the forms (errors next to the field, nothing changed), the course page's enrol button or
reason, enrolling, HR's exception, archiving/deleting, capacity and cancellation."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from academy.accounts.models import Role
from academy.audit.models import AuditLogEntry
from academy.clock import utcnow
from academy.extensions import db
from academy.frameworks.models import Competence, CompetenceArea, Framework, FrameworkLevel
from courses.catalogue.models import Course, CourseOutcome
from courses.enrolment.models import Enrolment, EnrolmentState
from courses.sessions.models import CourseSession
from tests import factories
from tests.courses import factories as cf
from tests.querycount import count_queries


@pytest.fixture(autouse=True)
def english(client):
    """These tests read the English source messages (German is checked elsewhere)."""
    client.set_cookie("da_lang", "en")


HR_PAGES = [
    "/kurse/verwaltung",
    "/kurse/verwaltung/neu",
    "/kurse/verwaltung/kategorien",
    "/kurse/verwaltung/kategorien/neu",
]


def framework() -> list[Competence]:
    fw = Framework(code="VFW", name_de="Testrahmen", name_en="Test framework")
    fw.levels = [
        FrameworkLevel(level=i, name_de=f"Stufe {i}", name_en=f"Level {i}") for i in (1, 2, 3, 4)
    ]
    area = CompetenceArea(code="A", name_de="Bereich", name_en="Area", framework=fw)
    db.session.add_all([fw, area])
    db.session.flush()
    comps = [
        Competence(
            framework_id=fw.id,
            area_id=area.id,
            code=f"V.{i}",
            name_de=f"Datenkompetenz {i}",
            name_en=f"Data literacy {i}",
            position=i,
        )
        for i in (1, 2)
    ]
    db.session.add_all(comps)
    db.session.flush()
    return comps


def count(model: type) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def error_text(html: str, field_id: str) -> str:
    """The error message tied to a field (``aria-describedby`` → ``<id>-error``)."""
    match = re.search(rf'id="{re.escape(field_id)}-error"[^>]*>([^<]*)<', html)
    assert match, f"no error shown for {field_id}"
    return match.group(1)


def future(days: int) -> datetime:
    return (utcnow() + timedelta(days=days)).replace(hour=8, minute=0, second=0, microsecond=0)


# ---------------------------------------------------------------------------
# Permissions
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/kurse", "/kurse/verwaltung", "/kurse/1"])
def test_anonymous_is_sent_to_login(client, url):
    response = client.get(url)
    assert response.status_code == 302 and "/anmelden" in response.headers["Location"]


def test_employee_gets_403_on_hr_pages(client, login_as):
    login_as(Role.EMPLOYEE)
    course = cf.course()
    session = cf.session(course)
    urls = [
        *HR_PAGES,
        f"/kurse/verwaltung/{course.id}",
        f"/kurse/verwaltung/{course.id}/termine",
        f"/kurse/verwaltung/{course.id}/termine/neu",
        f"/kurse/verwaltung/termine/{session.id}",
    ]
    for url in urls:
        assert client.get(url).status_code == 403, url
    posts = [
        f"/kurse/verwaltung/{course.id}/archivieren",
        f"/kurse/verwaltung/{course.id}/loeschen",
        f"/kurse/verwaltung/termine/{session.id}/absagen",
        f"/kurse/verwaltung/termine/{session.id}/kapazitaet",
        f"/kurse/{course.id}/anmelden-fuer",
    ]
    for url in posts:
        assert client.post(url, data={"reason": "x", "confirm": "y"}).status_code == 403, url
    assert not course.archived and db.session.get(Course, course.id) is not None


def test_hr_sees_the_management_pages_and_nav(client, login_as):
    login_as(Role.HR)
    course = cf.course(code="HRV-1")
    cf.session(course)
    for url in [
        *HR_PAGES,
        f"/kurse/verwaltung/{course.id}",
        f"/kurse/verwaltung/{course.id}/termine",
    ]:
        assert client.get(url).status_code == 200, url
    home = client.get("/kurse").get_data(as_text=True)
    assert 'href="/kurse/verwaltung"' in home


# ---------------------------------------------------------------------------
# HR: courses through the form
# ---------------------------------------------------------------------------


def course_form(category_id: int, **changes: str | list[str]) -> dict[str, object]:
    values: dict[str, object] = {
        "code": "DL-201",
        "title": "Datenkompetenz für Führungskräfte",
        "description": "Daten lesen, verstehen und nutzen.",
        "category": str(category_id),
        "format": "in_person",
        "duration_ue": "16",
        "level": "intermediate",
        "provider": "kommunalcampus",
        "provider_name": "",
        "cost": "1.250,50",
        "requires_approval": "y",
        "validity_months": "",
    }
    values.update(changes)
    return values


def test_hr_creates_a_course_with_outcomes_and_prerequisites(client, login_as):
    client.set_cookie("da_lang", "de")  # German number and date formats
    actor = login_as(Role.HR)
    comps = framework()
    cat = cf.category("Datenkompetenz")
    basics = cf.course(code="DL-101")
    form = course_form(
        cat.id,
        **{
            "outcomes-0-competence": str(comps[0].id),
            "outcomes-0-level": "3",
            "outcomes-1-competence": "",
            "outcomes-1-level": "",
            "outcomes-2-competence": str(comps[1].id),
            "outcomes-2-level": "2",
            "prerequisites": [str(basics.id)],
        },
    )
    response = client.post("/kurse/verwaltung/neu", data=form)
    assert response.status_code == 302, response.get_data(as_text=True)
    course = db.session.scalar(select(Course).where(Course.code == "DL-201"))
    assert response.headers["Location"].endswith(f"/kurse/verwaltung/{course.id}/termine")
    assert str(course.cost) == "1250.50" and course.duration_ue == 16
    assert course.requires_approval and course.provider == "kommunalcampus"
    assert {(o.competence_id, o.level) for o in course.outcomes} == {
        (comps[0].id, 3),
        (comps[1].id, 2),
    }
    assert [c.code for c in course.prerequisites] == ["DL-101"]
    entry = db.session.scalar(
        select(AuditLogEntry).where(
            AuditLogEntry.action == "course.created", AuditLogEntry.object_id == str(course.id)
        )
    )
    assert entry.actor_id == actor.id

    page = client.get(f"/kurse/verwaltung/{course.id}").get_data(as_text=True)
    assert 'value="DL-201"' in page and 'value="1.250,50"' in page
    assert "Datenkompetenz 1" in page


def test_invalid_course_input_shows_the_message_at_the_field(client, login_as):
    login_as(Role.HR)
    comps = framework()
    cat = cf.category()
    cf.course(code="DUP-1")
    db.session.commit()  # the views roll back on an error: keep the set-up
    before = count(Course)

    duplicate = client.post("/kurse/verwaltung/neu", data=course_form(cat.id, code="dup-1"))
    assert duplicate.status_code == 409
    assert "already in use" in error_text(duplicate.get_data(as_text=True), "code")

    missing = client.post(
        "/kurse/verwaltung/neu", data=course_form(cat.id, title="", duration_ue="x")
    )
    assert missing.status_code == 422
    html = missing.get_data(as_text=True)
    error_text(html, "title")
    error_text(html, "duration_ue")

    external = client.post(
        "/kurse/verwaltung/neu", data=course_form(cat.id, provider="external", provider_name="")
    )
    assert external.status_code == 422
    assert "external provider" in error_text(external.get_data(as_text=True), "provider_name")

    level = client.post(
        "/kurse/verwaltung/neu",
        data=course_form(
            cat.id,
            **{
                "outcomes-0-competence": "",
                "outcomes-0-level": "",
                "outcomes-1-competence": str(comps[0].id),
                "outcomes-1-level": "7",
            },
        ),
    )
    assert level.status_code == 422
    assert "between 1 and 4" in error_text(level.get_data(as_text=True), "outcomes-1-level")

    cost = client.post("/kurse/verwaltung/neu", data=course_form(cat.id, cost="zwölf"))
    assert cost.status_code == 422
    error_text(cost.get_data(as_text=True), "cost")
    assert count(Course) == before


def test_prerequisite_cycle_is_refused_in_the_form(client, login_as):
    login_as(Role.HR)
    first = cf.course(code="CY-1")
    second = cf.course(code="CY-2", prerequisites=[first])
    db.session.commit()
    response = client.post(
        f"/kurse/verwaltung/{first.id}",
        data=course_form(
            first.category_id, code="CY-1", title=first.title, prerequisites=[str(second.id)]
        ),
    )
    assert response.status_code == 422
    assert "requires this course itself" in error_text(
        response.get_data(as_text=True), "prerequisites"
    )
    db.session.expire_all()
    assert db.session.get(Course, first.id).prerequisites == []


def test_archive_unarchive_and_delete(client, login_as):
    login_as(Role.HR)
    used = cf.course(code="ARC-USED")
    cf.session(used)
    db.session.commit()
    page = client.get(f"/kurse/verwaltung/{used.id}").get_data(as_text=True)
    assert 'id="delete-not-possible"' in page and 'id="delete-form"' not in page

    refused = client.post(f"/kurse/verwaltung/{used.id}/loeschen", data={"confirm": "y"})
    assert refused.status_code == 409
    assert re.search(r'id="delete-error">[^<]*not deleted', refused.get_data(as_text=True))
    assert db.session.get(Course, used.id) is not None

    archived = client.post(f"/kurse/verwaltung/{used.id}/archivieren", data={"reason": "veraltet"})
    assert archived.status_code == 302
    db.session.expire_all()
    assert db.session.get(Course, used.id).archived
    assert client.post(f"/kurse/verwaltung/{used.id}/reaktivieren").status_code == 302
    db.session.expire_all()
    assert not db.session.get(Course, used.id).archived

    unused = cf.course(code="ARC-FREE")
    db.session.commit()
    unconfirmed = client.post(f"/kurse/verwaltung/{unused.id}/loeschen", data={})
    assert unconfirmed.status_code == 422
    error_text(unconfirmed.get_data(as_text=True), "confirm")
    assert db.session.get(Course, unused.id) is not None
    deleted = client.post(f"/kurse/verwaltung/{unused.id}/loeschen", data={"confirm": "y"})
    assert deleted.status_code == 302
    db.session.expire_all()
    assert db.session.get(Course, unused.id) is None


def test_categories(client, login_as):
    login_as(Role.HR)
    created = client.post(
        "/kurse/verwaltung/kategorien/neu",
        data={"name": "Cloud & Betrieb", "description": "", "position": "2"},
    )
    assert created.status_code == 302
    again = client.post(
        "/kurse/verwaltung/kategorien/neu", data={"name": "cloud & betrieb", "position": "0"}
    )
    assert again.status_code == 409
    assert "already exists" in error_text(again.get_data(as_text=True), "name")
    listing = client.get("/kurse/verwaltung/kategorien").get_data(as_text=True)
    assert "Cloud &amp; Betrieb" in listing


# ---------------------------------------------------------------------------
# HR: sessions through the form
# ---------------------------------------------------------------------------


def session_form(**changes: str) -> dict[str, str]:
    values = {
        "starts_at": "2031-07-01T09:00",
        "ends_at": "2031-07-01T16:30",
        "location": "Rathaus, Raum 101",
        "online_url": "",
        "trainer": "",
        "capacity": "12",
        "min_participants": "4",
        "enrolment_deadline": "",
        "cancellation_deadline": "",
    }
    values.update(changes)
    return values


def test_hr_creates_a_session_in_berlin_time(client, login_as):
    client.set_cookie("da_lang", "de")  # German number and date formats
    login_as(Role.HR)
    trainer = factories.user(Role.TRAINER, with_employee=False)
    course = cf.course()
    response = client.post(
        f"/kurse/verwaltung/{course.id}/termine/neu", data=session_form(trainer=str(trainer.id))
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    session = db.session.scalar(select(CourseSession).where(CourseSession.course_id == course.id))
    assert session.starts_at == datetime(2031, 7, 1, 7, 0, tzinfo=UTC)  # CEST = UTC+2
    assert session.ends_at == datetime(2031, 7, 1, 14, 30, tzinfo=UTC)
    assert session.enrolment_deadline == datetime(2031, 6, 24, 7, 0, tzinfo=UTC)
    assert session.cancellation_deadline == datetime(2031, 6, 28, 7, 0, tzinfo=UTC)
    assert (session.capacity, session.min_participants, session.trainer_id) == (12, 4, trainer.id)

    edit = client.get(f"/kurse/verwaltung/termine/{session.id}").get_data(as_text=True)
    assert 'value="2031-07-01T09:00"' in edit  # shown in Berlin time again
    listing = client.get(f"/kurse/verwaltung/{course.id}/termine").get_data(as_text=True)
    assert "01.07.2031" in listing or "1. Juli 2031" in listing


def test_invalid_session_input_changes_nothing(client, login_as):
    login_as(Role.HR)
    course = cf.course()
    db.session.commit()
    url = f"/kurse/verwaltung/{course.id}/termine/neu"
    cases = [
        (session_form(ends_at="2031-07-01T08:00"), "ends_at", "after the start"),
        (session_form(location=""), "location", "place"),
        (session_form(min_participants="20"), "min_participants", "capacity"),
        (session_form(enrolment_deadline="2031-07-02T09:00"), "enrolment_deadline", "start"),
        (session_form(capacity="0"), "capacity", ""),
        (
            session_form(starts_at="2031-03-30T02:30", ends_at="2031-03-30T05:00"),
            "starts_at",
            "clock change",
        ),
    ]
    for data, field, text in cases:
        response = client.post(url, data=data)
        assert response.status_code == 422, (field, response.status_code)
        assert text in error_text(response.get_data(as_text=True), field), field
    assert not db.session.scalar(
        select(CourseSession.id).where(CourseSession.course_id == course.id)
    )


def test_session_edit_capacity_and_cancel(client, login_as):
    hr = login_as(Role.HR)
    course = cf.course()
    session = cf.session(course, starts_at=future(30), capacity=1)
    seated = cf.enrolment(session, state=EnrolmentState.CONFIRMED)
    waiting = cf.enrolment(session, state=EnrolmentState.WAITLISTED)
    db.session.commit()

    bad = client.post(f"/kurse/verwaltung/termine/{session.id}/kapazitaet", data={"capacity": "0"})
    assert bad.status_code == 422
    raised = client.post(
        f"/kurse/verwaltung/termine/{session.id}/kapazitaet", data={"capacity": "2"}
    )
    assert raised.status_code == 302
    db.session.expire_all()
    assert db.session.get(CourseSession, session.id).capacity == 2
    assert db.session.get(Enrolment, waiting.id).state == EnrolmentState.CONFIRMED

    no_reason = client.post(f"/kurse/verwaltung/termine/{session.id}/absagen", data={"reason": ""})
    assert no_reason.status_code == 422
    error_text(no_reason.get_data(as_text=True), "reason")
    cancelled = client.post(
        f"/kurse/verwaltung/termine/{session.id}/absagen", data={"reason": "Trainerin erkrankt"}
    )
    assert cancelled.status_code == 302
    db.session.expire_all()
    stored = db.session.get(CourseSession, session.id)
    assert stored.is_cancelled and stored.cancel_reason == "Trainerin erkrankt"
    assert db.session.get(Enrolment, seated.id).state == EnrolmentState.CANCELLED
    assert hr is not None


# ---------------------------------------------------------------------------
# Employees: catalogue, course page, enrolling
# ---------------------------------------------------------------------------


def test_catalogue_page_lists_and_filters(client, login_as):
    login_as(Role.EMPLOYEE)
    cat = cf.category("Katalogseite")
    scrum = cf.course(code="CAT-SCRUM", title="Scrum Grundlagen", in_category=cat)
    cf.session(scrum, starts_at=future(14), capacity=8)
    cf.course(code="CAT-ARCH", title="Scrum alt", in_category=cat, archived=True)
    html = client.get("/kurse", query_string={"q": "scrum", "category": cat.id}).get_data(
        as_text=True
    )
    assert "Scrum Grundlagen" in html and "Scrum alt" not in html
    assert "8" in html and 'for="q"' in html and 'for="free_seats"' in html
    bad = client.get("/kurse", query_string={"date_from": "2031-05-01", "date_to": "2031-04-01"})
    assert bad.status_code == 200
    error_text(bad.get_data(as_text=True), "date_to")


def test_catalogue_page_query_count_is_constant(client, login_as):
    login_as(Role.EMPLOYEE)
    comps = framework()
    counts = []
    for name, n in (("QV-S", 5), ("QV-L", 50)):
        cat = cf.category(name)
        for i in range(n):
            course = cf.course(code=f"{name}-{i:02d}", in_category=cat)
            cf.session(course, starts_at=future(10 + i % 5))
            cf.session(course, starts_at=future(60))
            db.session.add_all(
                [CourseOutcome(course_id=course.id, competence_id=c.id, level=2) for c in comps]
            )
        db.session.flush()
        with count_queries(db.engine) as queries:
            response = client.get("/kurse", query_string={"category": cat.id})
        assert response.status_code == 200
        counts.append(queries.count)
    assert counts[0] == counts[1], counts


def test_course_page_shows_enrol_button_or_reason(client, login_as):
    client.set_cookie("da_lang", "de")  # competence names in German
    account = login_as(Role.EMPLOYEE)
    comps = framework()
    basics = cf.course(code="CP-BASIS", title="Basiswissen IT-Sicherheit")
    course = cf.course(code="CP-AUFBAU", title="IT-Sicherheit Aufbau", prerequisites=[basics])
    db.session.add(CourseOutcome(course_id=course.id, competence_id=comps[0].id, level=3))
    session = cf.session(course, starts_at=future(20))
    db.session.flush()
    html = client.get(f"/kurse/{course.id}").get_data(as_text=True)
    assert f"/kurse/termine/{session.id}/anmelden" not in html
    assert "Basiswissen IT-Sicherheit" in html and "enrol-reasons" in html
    assert "Datenkompetenz 1" in html and "Stufe 3" in html  # German by default

    cf.completion(account.employee, basics)
    html = client.get(f"/kurse/{course.id}").get_data(as_text=True)
    assert f"/kurse/termine/{session.id}/anmelden" in html
    assert "enrol-reasons" not in html


def test_enrol_confirms_or_waitlists(client, login_as):
    account = login_as(Role.EMPLOYEE)
    course = cf.course(requires_approval=False)
    session = cf.session(course, starts_at=future(20), capacity=1)
    db.session.commit()
    response = client.post(f"/kurse/termine/{session.id}/anmelden")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/kurse/{course.id}")
    enrolment = db.session.scalar(
        select(Enrolment).where(Enrolment.employee_id == account.employee_id)
    )
    assert enrolment.state == EnrolmentState.CONFIRMED
    page = client.get(f"/kurse/{course.id}").get_data(as_text=True)
    assert 'id="my-enrolment"' in page

    again = client.post(f"/kurse/termine/{session.id}/anmelden")
    assert again.status_code == 409
    assert "already an active enrolment" in again.get_data(as_text=True)

    other = factories.user()
    login_as(account=other)
    client.post(f"/kurse/termine/{session.id}/anmelden")
    waiting = db.session.scalar(select(Enrolment).where(Enrolment.employee_id == other.employee_id))
    assert waiting.state == EnrolmentState.WAITLISTED


def test_enrol_needing_approval_is_pending(client, login_as):
    account = login_as(Role.EMPLOYEE)
    session = cf.session(cf.course(requires_approval=True), starts_at=future(20))
    client.post(f"/kurse/termine/{session.id}/anmelden")
    enrolment = db.session.scalar(
        select(Enrolment).where(Enrolment.employee_id == account.employee_id)
    )
    assert enrolment.state == EnrolmentState.PENDING


def test_archived_course_is_hidden_from_employees(client, login_as):
    login_as(Role.EMPLOYEE)
    course = cf.course(archived=True)
    session = cf.session(course, starts_at=future(20))
    assert client.get(f"/kurse/{course.id}").status_code == 404
    assert client.post(f"/kurse/termine/{session.id}/anmelden").status_code == 404
    assert not db.session.scalar(select(Enrolment.id).where(Enrolment.session_id == session.id))


def test_hr_enrols_someone_as_an_exception(client, login_as):
    login_as(Role.HR)
    employee = factories.employee()
    basics = cf.course()
    course = cf.course(prerequisites=[basics])
    session = cf.session(course, starts_at=future(20))
    db.session.commit()
    url = f"/kurse/{course.id}/anmelden-fuer"
    page = client.get(f"/kurse/{course.id}").get_data(as_text=True)
    assert 'id="override-form"' in page

    no_reason = client.post(
        url, data={"session_id": str(session.id), "personnel_no": employee.personnel_no}
    )
    assert no_reason.status_code == 422
    error_text(no_reason.get_data(as_text=True), "reason")
    unknown = client.post(
        url, data={"session_id": str(session.id), "personnel_no": "NOPE", "reason": "Bedarf"}
    )
    assert unknown.status_code == 422
    assert "personnel number" in error_text(unknown.get_data(as_text=True), "personnel_no")

    done = client.post(
        url,
        data={
            "session_id": str(session.id),
            "personnel_no": employee.personnel_no,
            "reason": "Vorkenntnisse aus früherer Tätigkeit",
        },
    )
    assert done.status_code == 302
    enrolment = db.session.scalar(select(Enrolment).where(Enrolment.employee_id == employee.id))
    assert enrolment.override_reason == "Vorkenntnisse aus früherer Tätigkeit"
