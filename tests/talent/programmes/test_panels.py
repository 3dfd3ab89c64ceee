"""Start-page panels of the fast-track programmes: real figures for employees (open
cohorts, own applications, own progress), HR (cohorts that need action), the staff
council (proposals to review) and heads (statements to give) — on the demo data and on
hand-made data — with a fixed number of queries, and links only to pages that exist."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

import talent.programmes.demo.steps  # noqa: F401 - registers the demo step
from academy.accounts.models import Role, User
from academy.clock import to_berlin, utcnow
from academy.demo.accounts import DEMO_ACCOUNTS
from talent.programmes import panels
from talent.programmes.cohort_models import Application, CohortMember, CouncilReview
from talent.programmes.council import propose
from talent.programmes.models import (
    ApplicationState,
    Cohort,
    CohortStatus,
    Endorsement,
    MemberState,
)
from talent.programmes.progress import member_progress
from talent.programmes.selection import ranking, set_score
from tests import factories
from tests.courses import factories as cf
from tests.querycount import count_queries
from tests.talent import programme_factories as pf


def today() -> date:
    return to_berlin(utcnow()).date()


def figure(html: str, name: str) -> str:
    """The text of the element marked ``data-figure="name"`` (tags stripped)."""
    match = re.search(rf'<(\w+)[^>]*data-figure="{re.escape(name)}"[^>]*>', html)
    assert match, f"no figure {name!r}"
    tag, depth, position = match.group(1), 1, match.end()
    for found in re.finditer(rf"<(/?){tag}\b[^>]*>", html[position:]):
        depth += -1 if found.group(1) else 1
        if depth == 0:
            inner = html[position : position + found.start()]
            return " ".join(re.sub(r"<[^>]+>", " ", inner).split())
    raise AssertionError(f"figure {name!r} is not closed")


def panel(html: str, title: str) -> str:
    """The start-page panel titled ``title``."""
    for section in re.findall(r"<section\b.*?</section>", html, re.S):
        if f">{title}</h2>" in section:
            return section
    raise AssertionError(f"no panel {title!r}")


EMPLOYEE, HR, COUNCIL, HEAD = (
    "Fast-track programmes",
    "Fast-track cohorts",
    "Fast-track selection",
    "Fast-track candidates",
)


def home(client: FlaskClient, login_as: Any, account: User) -> str:
    login_as(account=account)
    client.set_cookie("da_lang", "en")  # the assertions read the English source texts
    response = client.get("/")
    assert response.status_code == 200
    return response.get_data(as_text=True)


# ---------------------------------------------------------------------------
# On the demo data
# ---------------------------------------------------------------------------


@pytest.fixture()
def demo(app: Flask, db: Any) -> None:
    result = app.test_cli_runner().invoke(
        args=["academy", "demo", "--employees", "300", "--seed", "3"]
    )
    assert result.exit_code == 0, (result.output, result.exception)


def account(db: Any, key: str) -> User:
    email = next(a.email for a in DEMO_ACCOUNTS if a.key == key)
    return db.session.scalars(select(User).where(User.email == email)).one()


def cohort_in(db: Any, status: CohortStatus) -> Cohort:
    return db.session.scalars(select(Cohort).where(Cohort.status == status.value)).one()


def test_panels_of_every_role_on_the_demo(
    db: Any, demo: None, client: FlaskClient, login_as: Any
) -> None:
    running = cohort_in(db, CohortStatus.RUNNING)
    selection = cohort_in(db, CohortStatus.SELECTION)

    # The demo employee: her progress, behind schedule, what is next; nothing open.
    employee = account(db, "employee")
    member = db.session.scalars(
        select(CohortMember).where(CohortMember.employee_id == employee.employee_id)
    ).one()
    progress = member_progress([member], today())[member.id]
    html = panel(home(client, login_as, employee), EMPLOYEE)
    assert "Fast Track Digitale Verwaltung – " + running.name in html
    text = figure(html, "programme-progress")
    assert f"{progress.percent} %" in text and f"{progress.done} " in text
    assert str(progress.total) in text
    assert "programme-behind" in html and "programme-on-schedule" not in html
    assert progress.next_item is not None and progress.next_item.title in figure(
        html, "programme-next"
    )
    assert 'href="/talente/mein-programm"' in html
    assert "open-cohorts" in html and 'href="/talente/nachwuchsprogramme"' in html
    assert "eligible-cohorts" not in html  # no cohort is open for applications

    # HR: the intake in selection (applications, not yet scored), the running one (behind).
    hr = account(db, "hr")
    html = panel(home(client, login_as, hr), HR)
    submitted = [
        r for r in ranking(selection) if r.application.state == ApplicationState.SUBMITTED.value
    ]
    unscored = sum(1 for r in submitted if not r.fully_scored)
    assert unscored and len(submitted) > unscored
    assert figure(html, f"applications-{selection.id}").startswith(f"{len(submitted)} ")
    assert figure(html, f"unscored-{selection.id}").startswith(f"{unscored} ")
    assert figure(html, f"nominated-{selection.id}").startswith("1 ")
    active = db.session.scalars(
        select(CohortMember).where(
            CohortMember.cohort_id == running.id,
            CohortMember.state == MemberState.ACTIVE.value,
        )
    ).all()
    assert figure(html, f"behind-{running.id}").startswith(f"2 of {len(active)} ")
    assert f'href="/talente/kohorten/{selection.id}"' in html
    assert f'href="/talente/kohorten/{running.id}"' in html

    # The staff council: nothing to review yet.
    council = account(db, "council")
    html = panel(home(client, login_as, council), COUNCIL)
    assert "No selection proposal awaits your review." in figure(html, "proposals-awaiting")
    assert 'href="/talente/auswahl"' in html

    # The demo head: his team's applications awaiting his statement.
    head = account(db, "head")
    awaiting = [
        a
        for a in db.session.scalars(
            select(Application).where(Application.cohort_id == selection.id)
        )
        if a.state == ApplicationState.SUBMITTED.value
        and a.endorsement == Endorsement.PENDING.value
        and a.employee_id in team_of(db, head)
    ]
    html = panel(home(client, login_as, head), HEAD)
    assert figure(html, "awaiting-statement").startswith(f"{len(awaiting)} ")
    assert 'href="/talente/kandidaten"' in html

    # HR finishes the scoring and proposes: the council's panel and HR's show it.
    now = utcnow()
    for item in submitted:
        if not item.fully_scored:
            for criterion in selection.criteria:
                set_score(hr, item.application, criterion, 3, "Solide.", now)
    proposed = [r.application.id for r in ranking(selection)][:4]
    propose(hr, selection, proposed, None, now)
    html = panel(home(client, login_as, council), COUNCIL)
    assert figure(html, "proposals-awaiting").startswith("1 selection proposal awaits")
    assert "4 people proposed" in html
    html = panel(home(client, login_as, hr), HR)
    assert f"awaiting-council-{selection.id}" in html


def team_of(db: Any, head: User) -> set[int]:
    from academy.org.models import Department, Employee

    path = db.session.scalar(select(Department.path).where(Department.head_id == head.employee_id))
    return set(
        db.session.scalars(
            select(Employee.id)
            .join(Department, Department.id == Employee.department_id)
            .where(Department.path.startswith(path), Employee.id != head.employee_id)
        )
    )


# ---------------------------------------------------------------------------
# On hand-made data
# ---------------------------------------------------------------------------


def open_cohort(prog: Any = None, **fields: Any) -> Cohort:
    day = today()
    return pf.cohort(
        prog,
        status=CohortStatus.OPEN,
        opens=day - timedelta(days=5),
        closes=day + timedelta(days=10),
        starts=day + timedelta(days=60),
        ends=day + timedelta(days=600),
        **fields,
    )


def running_cohort(prog: Any) -> Cohort:
    day = today()
    return pf.cohort(
        prog,
        status=CohortStatus.RUNNING,
        opens=day - timedelta(days=200),
        closes=day - timedelta(days=170),
        starts=day - timedelta(days=100),
        ends=day + timedelta(days=440),
        criteria=(),
    )


def test_an_employee_sees_open_cohorts_and_own_progress(
    db: Any, client: FlaskClient, login_as: Any
) -> None:
    course = cf.course(title="Datenkompetenz kompakt")
    prog = pf.programme(courses=[course], course_offsets=[30], milestones=2)
    open_cohort(pf.programme(), pay_groups=["E 9b"])
    open_cohort(pf.programme(), pay_groups=["E 15"])  # not eligible: pay group
    emp = factories.employee(entry_date=date(2019, 1, 1), pay_group="E 9b")
    user = factories.user(emp=emp)
    member = pf.member(running_cohort(prog), emp, mentor=factories.employee())
    cf.completion(emp, course, today() - timedelta(days=3))
    html = home(client, login_as, user)
    assert figure(html, "open-cohorts").startswith("2 cohorts are open for applications.")
    assert figure(html, "eligible-cohorts") == "You can apply to 1 of them."
    # 1 of 3 items done (the course); milestone 1 was due on day 90 of 100: overdue.
    assert figure(html, "programme-progress") == "33 % done (1 of 3)"
    assert figure(html, "programme-behind").endswith("1 item is overdue.")
    assert "Meilenstein 1" in figure(html, "programme-next")
    assert member.state == "active"


def test_own_applications_and_nominations(db: Any, client: FlaskClient, login_as: Any) -> None:
    emp = factories.employee()
    user = factories.user(emp=emp)
    pf.application(open_cohort(), emp)
    pf.application(open_cohort(), emp, state=ApplicationState.NOMINATED)
    html = home(client, login_as, user)
    assert figure(html, "own-applications") == "Your application awaits the decision."
    assert figure(html, "own-nominations").startswith("You have been nominated for 1 cohort")
    assert "programme-progress" not in html


def test_without_a_personnel_record(db: Any) -> None:
    user = factories.user(Role.HR, with_employee=False)
    assert panels.employee_context(user) == {"employee": False}


def test_panels_link_to_their_pages(db: Any, client: FlaskClient, login_as: Any) -> None:
    emp = factories.employee()
    pf.member(running_cohort(pf.programme(milestones=1)), emp)
    user = factories.user(Role.HR, Role.COUNCIL, Role.HEAD, emp=emp)
    open_cohort()
    html = home(client, login_as, user)
    shown = "".join(panel(html, title) for title in (EMPLOYEE, HR, COUNCIL, HEAD))
    for path in (
        "/talente/mein-programm",
        "/talente/nachwuchsprogramme",
        "/talente/auswahl",
        "/talente/kandidaten",
        "/talente/kohorten/",
    ):
        assert f'href="{path}' in shown


def make_world(db: Any, size: int) -> dict[str, Any]:
    """Cohorts in every state HR acts on, with ``size`` applications or members each."""
    prog = pf.programme(courses=[cf.course(), cf.course()], milestones=2)
    boss = factories.employee()
    dept = factories.department(head=boss)
    head = factories.user(Role.HEAD, emp=boss)
    hr = factories.user(Role.HR)
    council = factories.user(Role.COUNCIL)
    opened = open_cohort(prog)
    selecting = pf.cohort(prog, status=CohortStatus.SELECTION)
    reviewing = pf.cohort(prog, status=CohortStatus.COUNCIL_REVIEW)
    running = running_cohort(prog)
    for i in range(size):
        person = factories.employee(dept)
        pf.application(opened, person)
        app = pf.application(selecting, person)
        if i % 2:
            for criterion in selecting.criteria:
                pf.score(app, criterion, 3)
        pf.application(reviewing, person, proposed=True)
        pf.member(running, person, mentor=boss)
    db.session.add(CouncilReview(cohort_id=reviewing.id, proposal=[], submitted_by_id=hr.id))
    db.session.flush()
    return {
        "head": head,
        "hr": hr,
        "council": council,
        "employee": factories.user(emp=factories.employee()),
        "member": factories.user(emp=person),
        "cohorts": (opened, selecting, reviewing, running),
    }


@pytest.mark.parametrize(
    ("context", "who"),
    [
        (panels.hr_context, "hr"),
        (panels.council_context, "council"),
        (panels.head_context, "head"),
        (panels.employee_context, "member"),
    ],
)
def test_a_fixed_number_of_queries(app: Flask, db: Any, context: Any, who: str) -> None:
    counts = []
    for size in (2, 9):
        world = make_world(db, size)
        user = world[who]
        db.session.expire_all()
        with app.test_request_context("/"), count_queries(db.engine) as queries:
            data = context(user)
        counts.append(queries.count)
        if who == "hr":
            rows = {row.cohort.id: row for row in data["rows"]}
            opened, selecting, reviewing, running = world["cohorts"]
            assert rows[opened.id].applications == size
            assert rows[selecting.id].unscored == size - size // 2
            assert rows[reviewing.id].awaiting_council
            assert rows[running.id].members == size and rows[running.id].behind == size
        if who == "head":
            assert data["awaiting"] == 2 * size  # open and in selection
        if who == "council":
            assert [item["cohort"].id for item in data["waiting"]] == [world["cohorts"][2].id]
        if who == "member":
            assert data["progress"] is not None and data["progress"].total == 4
        for cohort in world["cohorts"]:
            cohort.status = CohortStatus.CANCELLED.value  # out of the next round's way
        db.session.flush()
    assert counts[0] == counts[1], counts
