"""The busiest pages run a fixed number of SQL statements, however much data there is:
the catalogue (/kurse, also searched, filtered and on a later page), my learning
(/kurse/meine) and the approval inbox (/kurse/genehmigungen, every tab); mandatory
training for a person, a head's team of 2,000 and the organisation, and a head's
booking page (issue 16).

Each test measures a page, adds many more rows of what the page lists (and of what it
could be tempted to load one by one: sessions, outcomes, trainers, departments,
deciders), measures again and expects the same count. ``MOST`` records today's
counts (login and layout included) so that an extra statement per page is noticed.
"""

from __future__ import annotations

import itertools
from datetime import timedelta
from typing import Any

from flask.testing import FlaskClient

from academy.accounts.models import Role, User
from academy.clock import utcnow
from academy.extensions import db
from academy.frameworks.models import Competence, CompetenceArea, Framework
from academy.org.models import Department
from courses.catalogue.models import Course, CourseOutcome
from courses.enrolment.models import Enrolment, EnrolmentState
from courses.sessions.models import CourseSession
from tests import factories
from tests.courses import factories as cf
from tests.querycount import count_queries

#: Statements per request today: the session with the account, roles, headed
#: departments and unread count (1) plus the page's own. The approval inbox's pending
#: tab adds the cost and budget of its requests (courses.budgets.inbox): prices and
#: travel, rooms and meetings, external trainers, the budgets above the requesters and
#: the figures of the budgets found — five statements whatever the page holds.
MOST = {"catalogue": 7, "learning": 9, "approvals": 9}


def statements(client: FlaskClient, url: str) -> int:
    assert client.get(url).status_code == 200  # warm-up (first use of a statement)
    with count_queries(db.engine) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return queries.count


def competences(n: int) -> list[Competence]:
    fw = Framework(code=f"QC{n}", name_de="Zählrahmen", name_en="Counting framework")
    area = CompetenceArea(code="A", name_de="Bereich", name_en="Area", framework=fw)
    db.session.add_all([fw, area])
    db.session.flush()
    comps = [
        Competence(
            framework_id=fw.id,
            area_id=area.id,
            code=f"QC.{i}",
            name_de=f"Zählkompetenz {i}",
            name_en=f"Counting {i}",
            position=i,
        )
        for i in range(n)
    ]
    db.session.add_all(comps)
    db.session.flush()
    return comps


def add_courses(n: int, comps: list[Competence], trainer: User) -> list[Course]:
    """``n`` courses with two upcoming sessions (with a trainer) and all ``comps`` as
    outcomes; every third one full."""
    courses = []
    for i in range(n):
        course = cf.course(title=f"Scrum Zählkurs {i:03d}", code=f"QC-{i:03d}-{n}")
        for days in (10 + i % 7, 40 + i % 5):
            cf.session(
                course,
                starts_at=(utcnow() + timedelta(days=days)).replace(microsecond=0),
                capacity=0 if i % 3 == 0 else 12,
                trainer=trainer,
            )
        db.session.add_all(
            [CourseOutcome(course_id=course.id, competence_id=c.id, level=2) for c in comps]
        )
        courses.append(course)
    db.session.flush()
    return courses


CATALOGUE_URLS = [
    "/kurse",
    "/kurse?q=scrum+z%C3%A4hlkurs&free_seats=y",
    "/kurse?format=in_person&level=basic&date_from=2020-01-01",
    "/kurse?page=2",
]


def catalogue_counts(client: FlaskClient) -> dict[str, int]:
    return {url: statements(client, url) for url in CATALOGUE_URLS}


def test_catalogue_statements_do_not_grow(client, login_as):
    login_as(Role.EMPLOYEE)
    trainer = factories.user(Role.TRAINER, with_employee=False)
    comps = competences(3)
    add_courses(21, comps, trainer)  # a second page exists from the start
    small = catalogue_counts(client)

    add_courses(60, competences(6), trainer)
    large = catalogue_counts(client)

    assert large == small, (small, large)
    assert max(small.values()) <= MOST["catalogue"], small
    page = client.get("/kurse").get_data(as_text=True)
    assert page.count("Scrum Zählkurs") == 20  # the page shows what was counted


def enrol_in_every_state(employee: Any, trainer: User, n: int) -> None:
    """``n`` enrolments of ``employee`` in each state the page groups (upcoming,
    pending, waitlisted, history), in sessions with a trainer."""
    soon = utcnow() + timedelta(days=20)
    for i in range(n):
        upcoming = cf.session(starts_at=soon + timedelta(days=i), trainer=trainer)
        cf.enrolment(upcoming, employee, state=EnrolmentState.CONFIRMED)
        needs_approval = cf.session(
            cf.course(requires_approval=True), starts_at=soon + timedelta(days=i), trainer=trainer
        )
        cf.enrolment(needs_approval, employee, state=EnrolmentState.PENDING)
        full = cf.session(starts_at=soon + timedelta(days=i), capacity=0, trainer=trainer)
        cf.enrolment(full, state=EnrolmentState.WAITLISTED)  # someone ahead
        cf.enrolment(full, employee, state=EnrolmentState.WAITLISTED)
        past = cf.session(starts_at=soon - timedelta(days=60 + i), trainer=trainer)
        cf.enrolment(past, employee, state=EnrolmentState.COMPLETED)
        cf.enrolment(cf.session(trainer=trainer), employee, state=EnrolmentState.CANCELLED)
    db.session.flush()


def test_my_learning_statements_do_not_grow(client, login_as):
    boss = factories.employee()
    head_dept = factories.department(head=boss)
    factories.user(emp=boss)  # the approver has an account
    dept = factories.department(parent=head_dept)
    me = factories.employee(dept)
    account = factories.user(emp=me)
    trainer = factories.user(Role.TRAINER, with_employee=False)
    login_as(account=account)

    enrol_in_every_state(me, trainer, 1)
    small = statements(client, "/kurse/meine")
    enrol_in_every_state(me, trainer, 12)
    large = statements(client, "/kurse/meine")

    assert large == small, (small, large)
    assert small <= MOST["learning"], small
    html = client.get("/kurse/meine").get_data(as_text=True)
    assert html.count('id="enrolment-') == 13 * 5


def request_in(dept: Department, days_ago: int) -> Enrolment:
    session: CourseSession = cf.session(cf.course(requires_approval=True))
    return cf.enrolment(
        session,
        factories.employee(dept),
        state=EnrolmentState.PENDING,
        requested_at=utcnow() - timedelta(days=days_ago),
    )


def add_requests(depts: list[Department], deciders: list[User], n: int) -> None:
    """``n`` requests in each state the tabs show, spread over the subtree, decided by
    several people."""
    for i in range(n):
        dept = depts[i % len(depts)]
        request_in(dept, days_ago=i + 1)
        for state in (EnrolmentState.CONFIRMED, EnrolmentState.DECLINED):
            decided = request_in(dept, days_ago=i + 1)
            decided.state = state.value
            decided.decided_at = utcnow() - timedelta(hours=i)
            decided.decided_by_id = deciders[i % len(deciders)].id
            if state == EnrolmentState.DECLINED:
                decided.decline_reason = "Kein Bedarf"
    db.session.flush()


def approval_counts(client: FlaskClient) -> dict[str, int]:
    return {
        tab: statements(client, f"/kurse/genehmigungen?status={tab}")
        for tab in ("pending", "approved", "declined")
    }


def test_approval_inbox_statements_do_not_grow(client, login_as):
    boss = factories.employee()
    top = factories.department(head=boss)
    depts = [top, factories.department(parent=top)]
    depts.append(factories.department(parent=depts[1]))
    account = factories.user(emp=boss)
    deciders = [account, factories.user(Role.HR)]
    login_as(account=account)

    add_requests(depts, deciders, 2)
    small = approval_counts(client)
    deciders += [factories.user(Role.HR) for _ in range(5)]
    add_requests(depts, deciders, 30)
    large = approval_counts(client)

    assert large == small, (small, large)
    assert max(small.values()) <= MOST["approvals"] + 1, small  # + the deciders' names
    html = client.get("/kurse/genehmigungen").get_data(as_text=True)
    assert html.count('<tr id="request-') == 25  # a full page of the 32 pending


# ---------------------------------------------------------------------------
# Mandatory training and team bookings (issue 16): a person's page, a head's team of
# 2,000 and the organisation, counted set-based whatever the number of people
# ---------------------------------------------------------------------------

#: Today's counts (login and layout included): a person's page, a head's team, their
#: booking page, HR's overview (filtered and not).
MANDATORY_MOST = {"person": 7, "team": 13, "booking": 8, "overview": 10, "overview_all": 12}
STAFF_BATCH = itertools.count(1)


def staff(dept: Department, n: int, role_id: int | None = None) -> list[int]:
    """``n`` active employees of ``dept`` in one bulk INSERT; their ids."""
    from sqlalchemy import insert, select

    from academy.org.models import Employee

    tag = f"Q{dept.id}-{next(STAFF_BATCH)}-{n}"
    rows = [
        {
            "personnel_no": f"{tag}-{i}",
            "first_name": "Zähl",
            "last_name": f"Person {i:05d}",
            "department_id": dept.id,
            "job_role_id": role_id,
            "active": True,
            "created_at": utcnow(),
            "updated_at": utcnow(),
        }
        for i in range(n)
    ]
    db.session.execute(insert(Employee), rows)
    return list(
        db.session.scalars(select(Employee.id).where(Employee.personnel_no.like(f"{tag}-%")))
    )


def mandatory_world(head_dept: Department, members: int, extra_assignments: int) -> None:
    """Members in two sub-units (half of them with a job role), assignments of every
    target kind, completions and external evidence for some."""
    from datetime import date

    from courses.mandatory.models import Assignment, Evidence

    role = factories.job_role()
    units = [factories.department(parent=head_dept) for _ in range(2)]
    ids: list[int] = []
    for unit in units:
        ids += staff(unit, members // 4, role.id)
        ids += staff(unit, members // 4)
    today = utcnow().date()
    course = cf.course()
    for i in range(extra_assignments):
        kind = ("everyone", "job_role", "department")[i % 3]
        assignment = Assignment(
            title=f"Pflicht {i}",
            target_kind=kind,
            due_days=30,
            first_due_on=today,
            starts_on=date(2020, 1, 1),
            recurrence_months=12 + i,
            origin="hr",
            job_role_id=role.id if kind == "job_role" else None,
            department_id=units[0].id if kind == "department" else None,
            created_at=utcnow(),
            updated_at=utcnow(),
        )
        assignment.courses = [course]
        db.session.add(assignment)
        db.session.flush()
        db.session.add_all(
            Evidence(
                assignment_id=assignment.id, employee_id=e, title="Nachweis", completed_on=today
            )
            for e in ids[::7]
        )
    past = cf.session(course, starts_at=utcnow() - timedelta(days=40), capacity=members)
    for employee_id in ids[::11]:
        db.session.add(
            Enrolment(
                session_id=past.id,
                course_id=course.id,
                employee_id=employee_id,
                state=EnrolmentState.COMPLETED.value,
                completed_on=today,
                requested_at=utcnow(),
            )
        )
    db.session.flush()


def mandatory_counts(client: FlaskClient, urls: dict[str, str]) -> dict[str, int]:
    return {key: statements(client, url) for key, url in urls.items()}


def test_mandatory_and_team_booking_statements_do_not_grow(client, login_as):
    from courses.mandatory.models import Assignment

    boss = factories.employee()
    top = factories.department(head=boss)
    head = factories.user(emp=boss)
    hr_account = factories.user(Role.HR)
    session = cf.session(capacity=30)
    urls = {
        "person": "/kurse/pflichtschulungen/meine",
        "team": "/kurse/pflichtschulungen/team?page=2",
        "booking": f"/kurse/team-buchung/termine/{session.id}?page=2",
    }
    hr_urls = {
        "overview": "/kurse/pflichtschulungen/uebersicht?status=overdue&page=2",
        "overview_all": "/kurse/pflichtschulungen/uebersicht",
    }
    mandatory_world(top, 60, 2)
    login_as(account=head)
    small = mandatory_counts(client, urls)
    login_as(account=hr_account)
    small.update(mandatory_counts(client, hr_urls))

    mandatory_world(top, 2000, 8)
    login_as(account=head)
    large = mandatory_counts(client, urls)
    login_as(account=hr_account)
    large.update(mandatory_counts(client, hr_urls))

    assert large == small, (small, large)
    for key, most in MANDATORY_MOST.items():
        assert small[key] <= most, (key, small)
    assert db.session.scalar(select_count(Assignment)) == 10
    page = client.get("/kurse/pflichtschulungen/uebersicht").get_data(as_text=True)
    assert page.count("<tr data-employee=") == 25


def select_count(model: Any) -> Any:
    from sqlalchemy import func, select

    return select(func.count()).select_from(model)


# ---------------------------------------------------------------------------
# Budgets and external training (issue 17): HR's organisation with the forecast, a
# unit's page with its bookings, the deciders' list of external requests
# ---------------------------------------------------------------------------


def budget_world(n: int, depts: list[Department], hr: User) -> None:
    """``n`` paid sessions with places booked in the units, budgets for the units and
    ``n`` external requests awaiting HR."""
    from decimal import Decimal

    from courses.budgets.models import TrainingBudget
    from courses.enrolment.requests import request_enrolment
    from courses.external.models import ExternalRequest

    now = utcnow()
    for i in range(n):
        session = cf.session(
            cf.course(cost=Decimal("120.00")),
            starts_at=(now + timedelta(days=20 + i)).replace(microsecond=0),
        )
        dept = factories.department(parent=depts[i % len(depts)])
        employee = factories.employee(dept)
        request_enrolment(factories.user(emp=employee, password=None), employee, session, now)
        db.session.add(
            TrainingBudget(
                department_id=dept.id, year=session.starts_at.year, amount=Decimal("900")
            )
        )
        db.session.add(
            ExternalRequest(
                employee_id=employee.id, title=f"Extern {i}", provider="Anbieter",
                starts_at=now + timedelta(days=40), ends_at=now + timedelta(days=41),
                online=True, duration_ue=8, cost=Decimal("300"), travel_cost=Decimal("0"),
                reason="Bedarf", state="pending_hr", submitted_at=now, updated_at=now,
            )
        )  # fmt: skip
    db.session.flush()


def test_budget_and_external_pages_statements_do_not_grow(client, login_as):
    hr = factories.user(Role.HR, password=None)
    login_as(account=hr)
    top = factories.department()
    depts = [top, factories.department(parent=top)]
    year = (utcnow() + timedelta(days=20)).year
    urls = [
        f"/kurse/budgets?jahr={year}",
        f"/kurse/budgets/bereich/{top.id}?jahr={year}",
        "/kurse/extern/entscheidungen",
    ]
    budget_world(2, depts, hr)
    small = {url: statements(client, url) for url in urls}
    budget_world(20, depts, hr)
    large = {url: statements(client, url) for url in urls}
    assert large == small, (small, large)
