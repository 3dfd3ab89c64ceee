"""The fast-track programme journey (issue 6) through the real UI in Chromium, each person
in a browser context of their own, axe-core (WCAG 2.1 AA), German and the CSP checked on
every page visited:

1. HR (Sabine Köhler) creates a programme (title, length, description), adds a required
   course the demo employee has already completed and a milestone (final presentation,
   due 30 days after the start), then a cohort (application window from today, start
   after it, 2 seats, no eligibility restrictions) with two weighted criteria, and opens
   applications;
2. the employee (Özlem Demir) opens "Fast-track programmes" from the navigation, sees
   the cohort as open to her and applies with a motivation;
3. her head (Jürgen Weiß) opens "Fast-track candidates" and endorses with a comment;
4. HR closes applications, scores the application on every criterion on the cohort
   dashboard and proposes it; the head's and the employee's pages show no scores;
5. the staff council (Björn Krüger) opens "Fast-track selection", reads the proposal
   with the scores and consents with a comment;
6. HR sends acceptances and rejections and assigns a mentor (the demo trainer) in the
   member management;
7. the employee opens the acceptance notification and lands on her programme page: the
   course done, the milestone open, her mentor named, no scores;
8. some weeks later (the cohort's dates are moved into the past in the database: a
   milestone cannot be met before the cohort starts) the mentor signs off the milestone
   on "My mentees": that was the last open item, so the employee graduates;
9. the employee reaches the new programme's page (she is also a member of the demo's
   running cohort) and downloads the programme certificate (200, application/pdf).

The programme's code is unique per run; the journey reads the live server's database
only to find the course, the ids of what the UI created and to check the effects.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from flask import Flask
from playwright.sync_api import Locator, Page
from sqlalchemy import select

from academy.clock import to_berlin, utcnow
from academy.extensions import db
from tests.e2e.journey import (
    checked,
    demo_user,
    german,
    log_in,
    nav_to,
    open_page_fixture,  # noqa: F401 - the open_page fixture
    path_of,
)

pytestmark = pytest.mark.e2e

HR_PROGRAMMES = "/talente/programme"
MY_PROGRAMMES = "/talente/nachwuchsprogramme"
CANDIDATES = "/talente/kandidaten"
COUNCIL = "/talente/auswahl"
NOTIFICATIONS = "/benachrichtigungen"
MY_PROGRAMME = "/talente/mein-programm"
MENTEES = "/talente/mentoring"

#: The criteria of the cohort: (name, weight, score, comment). Weighted: (3·4 + 2·3) / 5.
CRITERIA = (
    ("Fachliche Eignung", 3, 4, "E2E-Bewertung: sichere Methodenkenntnis in der Nutzerforschung."),
    ("Motivation und Entwicklungsziele", 2, 3, "E2E-Bewertung: klare Ziele, noch wenig Führung."),
)
WEIGHTED = "3,60"
MOTIVATION = (
    "Ich möchte die digitale Verwaltung aktiv mitgestalten und meine Erfahrung aus der "
    "Nutzerforschung in größere Vorhaben einbringen. (E2E)"
)
ENDORSEMENT = "E2E: Frau Demir ist bereit für mehr Verantwortung – ausdrücklich befürwortet."
PROPOSAL_NOTE = "E2E: Eine Bewerbung, vollständig bewertet, befürwortet."
COUNCIL_COMMENT = "E2E: Der Personalrat stimmt dem Vorschlag zu."


@dataclass(frozen=True)
class Setup:
    code: str
    title: str
    course_id: int
    course_code: str
    employee_id: int
    employee_name: str
    trainer_name: str
    trainer_personnel_no: str
    today: date


def berlin_today() -> date:
    return to_berlin(utcnow()).date()


def prepare() -> Setup:
    """What the journey needs from the live server's database: a course of the catalogue
    the demo employee has completed, the demo head in charge of her, the mentor's
    personnel number."""
    from academy.auth.scope import scope_of
    from courses.catalogue.models import Course
    from courses.enrolment.models import Enrolment, EnrolmentState

    employee_user, head, trainer = demo_user("employee"), demo_user("head"), demo_user("trainer")
    employee = employee_user.employee
    assert employee is not None and trainer.employee is not None
    assert employee.department_id in scope_of(head).department_ids, (
        "the demo head is not the demo employee's head"
    )
    course = db.session.scalar(
        select(Course)
        .join(Enrolment, Enrolment.course_id == Course.id)
        .where(
            Enrolment.employee_id == employee.id,
            Enrolment.state == EnrolmentState.COMPLETED.value,
            Course.archived.is_(False),
        )
        .order_by(Course.code)
        .limit(1)
    )
    assert course is not None, "the demo employee has no completed course in the catalogue"
    code = f"E2E-FT-{secrets.token_hex(3).upper()}"
    return Setup(
        code=code,
        title=f"Nachwuchsprogramm Digitale Verwaltung {code}",
        course_id=course.id,
        course_code=course.code,
        employee_id=employee.id,
        employee_name=employee.full_name,
        trainer_name=trainer.employee.full_name,
        trainer_personnel_no=trainer.employee.personnel_no,
        today=berlin_today(),
    )


# ---------------------------------------------------------------------------
# Browser helpers
# ---------------------------------------------------------------------------


def follow(page: Page, problems: list[str], target: Locator) -> None:
    """Click something that loads a page (link, submit button; a confirmation dialog is
    accepted by the ``open_page`` fixture) and check the page it loads."""
    with page.expect_navigation() as navigation:
        target.click()
    response = navigation.value
    if response is not None and response.status >= 400:
        alerts = page.locator("main .alert, main .invalid-feedback").all_inner_texts()
        pytest.fail(f"{page.url} answered {response.status}: {alerts}", pytrace=False)
    checked(page, problems, response)


def visit(page: Page, problems: list[str], path: str) -> None:
    checked(page, problems, page.goto(path))
    assert path_of(page) == path


def menu_to(page: Page, problems: list[str], path: str) -> None:
    """Follow the link to ``path`` in a dropdown of the header navigation (HR, staff
    council), opening the dropdown first."""
    link = page.locator(f"header nav .dropdown-menu a[href='{path}']")
    toggler = page.locator("header nav .navbar-toggler")
    if toggler.is_visible():
        toggler.click()
    item = page.locator(f".dropdown-menu a[href='{path}']")
    page.locator("header nav li.dropdown").filter(has=item).locator(
        "[data-bs-toggle=dropdown]"
    ).click()
    link.wait_for(state="visible")
    follow(page, problems, link)
    assert path_of(page) == path


def flash_text(page: Page) -> str:
    return " ".join(page.locator(".flash-messages").all_inner_texts())


def main_text(page: Page) -> str:
    """The text of the page's main part, also what closed ``<details>`` hide."""
    return page.locator("main").text_content() or ""


def assert_no_scores(page: Page, app: Flask) -> None:
    """No score, weighted score or score comment on the page."""
    text = main_text(page)
    for _name, _weight, _score, comment in CRITERIA:
        assert comment not in text, f"a score comment is shown on {page.url}"
    assert german(app, "Weighted score") not in text, f"a weighted score is shown on {page.url}"
    assert WEIGHTED not in text, f"the weighted score is shown on {page.url}"
    assert page.locator("#ranking").count() == 0, f"a ranking is shown on {page.url}"


# ---------------------------------------------------------------------------
# The journey
# ---------------------------------------------------------------------------


def test_fast_track_programme_from_creation_to_certificate(
    e2e_app: Flask, open_page: Callable[[], Page], browser_problems: list[str]
) -> None:
    from reports.certificates.models import Certificate
    from talent.programmes.cohort_models import Application, CohortMember, Score
    from talent.programmes.models import (
        ApplicationState,
        Cohort,
        CohortStatus,
        Endorsement,
        MemberState,
        Milestone,
        Programme,
        ProgrammeCourse,
    )

    problems = browser_problems
    app = e2e_app

    def t(message: str, **params: object) -> str:
        return german(app, message, **params)

    with app.app_context():
        s = prepare()
    opens, closes = s.today, s.today + timedelta(days=14)
    starts, ends = s.today + timedelta(days=21), s.today + timedelta(days=21 + 365)
    cohort_name = f"Jahrgang {s.code}"
    milestone_title = "Abschlusspräsentation vor der Amtsleitung"

    # --- 1. HR creates the programme, its curriculum and a cohort, opens applications --
    hr = open_page()
    log_in(hr, problems, "hr")
    menu_to(hr, problems, HR_PROGRAMMES)
    follow(hr, problems, hr.get_by_role("link", name=t("New programme"), exact=True))
    form = hr.locator("#programme-form")
    form.get_by_label(t("Code"), exact=True).fill(s.code)
    form.get_by_label(t("Title"), exact=True).fill(s.title)
    form.get_by_label(t("Description"), exact=True).fill(
        "Ein Jahr Vorbereitung auf Projektleitungsaufgaben (angelegt von den E2E-Tests)."
    )
    form.get_by_label(t("Length in months"), exact=True).fill("12")
    follow(hr, problems, form.get_by_role("button", name=t("Save programme")))
    with app.app_context():
        programme_id = db.session.scalar(select(Programme.id).where(Programme.code == s.code))
    assert programme_id is not None, "the programme was not created"
    programme_path = f"/talente/programme/{programme_id}"
    assert path_of(hr) == programme_path
    assert s.title in hr.locator("h1").inner_text()

    course_form = hr.get_by_role("form", name=t("Add a required course"))
    course_form.get_by_label(t("Course"), exact=True).select_option(value=str(s.course_id))
    course_form.get_by_label(t("Due (days after the cohort start)"), exact=True).fill("60")
    follow(hr, problems, course_form.get_by_role("button", name=t("Add course")))
    assert s.course_code in hr.locator("#programme-courses").inner_text()

    milestone_form = hr.get_by_role("form", name=t("Add a milestone"))
    milestone_form.get_by_label(t("Kind"), exact=True).select_option(value="presentation")
    milestone_form.get_by_label(t("Title"), exact=True).fill(milestone_title)
    milestone_form.get_by_label(t("Description"), exact=True).fill(
        "Vorstellung des Praxisprojekts vor der Amtsleitung."
    )
    milestone_form.get_by_label(t("Due (days after the cohort start)"), exact=True).fill("30")
    follow(hr, problems, milestone_form.get_by_role("button", name=t("Add milestone")))
    assert milestone_title in hr.locator("#programme-milestones").inner_text()

    follow(hr, problems, hr.get_by_role("link", name=t("New cohort"), exact=True))
    form = hr.locator("#cohort-form")
    form.get_by_label(t("Name"), exact=True).fill(cohort_name)
    form.get_by_label(t("Applications open on"), exact=True).fill(opens.isoformat())
    form.get_by_label(t("Applications close on (last day)"), exact=True).fill(closes.isoformat())
    form.get_by_label(t("Cohort starts on"), exact=True).fill(starts.isoformat())
    form.get_by_label(t("Cohort ends on"), exact=True).fill(ends.isoformat())
    form.get_by_label(t("Seats"), exact=True).fill("2")
    follow(hr, problems, form.get_by_role("button", name=t("Create cohort")))
    with app.app_context():
        cohort_id = db.session.scalar(select(Cohort.id).where(Cohort.programme_id == programme_id))
    assert cohort_id is not None, "the cohort was not created"
    assert path_of(hr) == f"/talente/kohorten/{cohort_id}/bearbeiten"

    for name, weight, _score, _comment in CRITERIA:
        criterion_form = hr.get_by_role("form", name=t("Add a criterion"))
        criterion_form.get_by_label(t("Criterion"), exact=True).fill(name)
        criterion_form.get_by_label(t("Weight"), exact=True).select_option(value=str(weight))
        follow(hr, problems, criterion_form.get_by_role("button", name=t("Add criterion")))
        assert name in hr.locator("#cohort-criteria").inner_text()
    actions = hr.locator(f"#cohort-actions-{cohort_id}")
    follow(hr, problems, actions.get_by_role("button", name=t("Open applications")))
    assert hr.locator("#cohort-status").inner_text().strip() == t("Open for applications")

    # --- 2. The employee applies ----------------------------------------------------------
    employee = open_page()
    log_in(employee, problems, "employee")
    nav_to(employee, problems, MY_PROGRAMMES)
    offer = employee.locator(f"#cohort-{cohort_id}")
    assert s.title in offer.locator("h3").inner_text()
    assert offer.locator(f"#cohort-{cohort_id}-eligible").is_visible(), "not shown as eligible"
    assert offer.locator(f"#cohort-{cohort_id}-reasons").count() == 0
    offer.get_by_label(t("Your motivation"), exact=True).fill(MOTIVATION)
    follow(employee, problems, offer.get_by_role("button", name=t("Apply"), exact=True))
    assert path_of(employee) == MY_PROGRAMMES
    state = employee.locator(f"#cohort-{cohort_id}-state").inner_text()
    assert t("Submitted") in state
    with app.app_context():
        application = db.session.scalar(
            select(Application).where(
                Application.cohort_id == cohort_id, Application.employee_id == s.employee_id
            )
        )
        assert application is not None and application.state == ApplicationState.SUBMITTED
        application_id = application.id

    # --- 3. Her head endorses with a comment ----------------------------------------------
    head = open_page()
    log_in(head, problems, "head")
    nav_to(head, problems, CANDIDATES)
    row = head.locator(f"#applications #application-{application_id}")
    pages = head.get_by_role("navigation", name=t("Pages"))
    while row.count() == 0:  # the list is paginated: her application may be further on
        next_page = pages.get_by_role("link", name=t("Next"), exact=True)
        assert next_page.count() == 1, "her application is not on the head's page"
        follow(head, problems, next_page)
    assert s.employee_name in row.locator("th").inner_text()
    row.get_by_text(t("Read the motivation"), exact=True).click()
    assert MOTIVATION in row.locator("td").nth(2).inner_text()
    row.get_by_text(t("Give your statement"), exact=True).click()
    row.get_by_label(t("Endorse"), exact=True).check()
    row.get_by_label(t("Comment (the applicant can read it)"), exact=True).fill(ENDORSEMENT)
    follow(head, problems, row.get_by_role("button", name=t("Save statement")))
    assert path_of(head) == CANDIDATES
    statement = head.locator(f"#statement-{application_id}").inner_text()
    assert statement.startswith(t("Endorsed")) and ENDORSEMENT in statement
    with app.app_context():
        endorsed = db.session.get(Application, application_id)
        assert endorsed is not None and endorsed.endorsement == Endorsement.ENDORSED

    # --- 4. HR closes applications, scores, proposes ------------------------------------
    visit(hr, problems, HR_PROGRAMMES)
    follow(hr, problems, hr.locator("#programmes").get_by_role("link", name=s.title))
    cohorts = hr.locator("#programme-cohorts")
    follow(hr, problems, cohorts.get_by_role("link", name=cohort_name, exact=True))
    dashboard = f"/talente/kohorten/{cohort_id}"
    assert path_of(hr) == dashboard
    actions = hr.locator(f"#cohort-actions-{cohort_id}")
    follow(hr, problems, actions.get_by_role("button", name=t("Close applications")))
    assert hr.locator("#cohort-status").inner_text().strip() == t("Selection")

    ranked = hr.locator(f"#ranking #application-{application_id}")
    follow(
        hr, problems, ranked.locator(f"a[href='/talente/bewerbungen/{application_id}/bewertung']")
    )
    form = hr.locator("#score-form")
    assert MOTIVATION in hr.locator("#motivation").inner_text()
    assert ENDORSEMENT in hr.locator("#endorsement").inner_text()
    for name, _weight, score, comment in CRITERIA:
        form.get_by_label(t("Score for “%(criterion)s”", criterion=name), exact=True).select_option(
            value=str(score)
        )
        form.get_by_label(t("Comment on “%(criterion)s”", criterion=name), exact=True).fill(comment)
    follow(hr, problems, form.get_by_role("button", name=t("Save scores")))
    assert path_of(hr) == dashboard
    ranked_text = ranked.inner_text()
    assert WEIGHTED in ranked_text, ranked_text
    assert [c.strip() for c in ranked.locator("td.text-center").all_inner_texts()] == [
        str(score) for _n, _w, score, _c in CRITERIA
    ]
    proposal = hr.locator("#proposal-form")
    assert proposal.locator(f"#propose-{application_id}").is_checked()
    proposal.get_by_label(t("Note to the staff council"), exact=True).fill(PROPOSAL_NOTE)
    follow(
        hr,
        problems,
        proposal.get_by_role("button", name=t("Submit the proposal to the staff council")),
    )
    assert hr.locator("#cohort-status").inner_text().strip() == t("Staff council review")
    with app.app_context():
        scores = db.session.scalars(
            select(Score.score).where(Score.application_id == application_id)
        ).all()
        assert sorted(scores) == sorted(score for _n, _w, score, _c in CRITERIA)

    # The head and the applicant see no scores.
    visit(head, problems, CANDIDATES)
    assert_no_scores(head, app)
    visit(employee, problems, MY_PROGRAMMES)
    assert_no_scores(employee, app)

    # --- 5. The staff council reads the proposal with the scores and consents ---------------
    council = open_page()
    log_in(council, problems, "council")
    menu_to(council, problems, COUNCIL)
    waiting = council.locator(f"#waiting #cohort-{cohort_id}")
    follow(council, problems, waiting.get_by_role("link"))
    assert path_of(council) == f"{COUNCIL}/{cohort_id}"
    assert PROPOSAL_NOTE in council.locator("#proposal-note").inner_text()
    proposed = council.locator(f"#ranking #application-{application_id}")
    assert s.employee_name in proposed.inner_text()
    assert t("proposed") in proposed.locator("td").nth(1).inner_text()
    assert WEIGHTED in proposed.inner_text()
    assert [c.strip() for c in proposed.locator("td.text-center").all_inner_texts()] == [
        str(score) for _n, _w, score, _c in CRITERIA
    ]
    proposed.get_by_text(t("Motivation and comments"), exact=True).click()
    reasons = proposed.locator("details").inner_text()
    for _name, _weight, _score, comment in CRITERIA:
        assert comment in reasons
    assert ENDORSEMENT in reasons
    decision = council.locator("#decision-form")
    decision.get_by_label(t("Consent to the proposal"), exact=True).check()
    decision.get_by_label(t("Comment"), exact=True).fill(COUNCIL_COMMENT)
    follow(council, problems, decision.get_by_role("button", name=t("Record the decision")))
    assert path_of(council) == COUNCIL
    decided = council.locator("#decided tbody tr").filter(has_text=COUNCIL_COMMENT)
    assert decided.count() == 1 and t("Consent") in decided.inner_text()

    # --- 6. HR sends the decisions and assigns a mentor ---------------------------------------
    visit(hr, problems, dashboard)
    follow(hr, problems, hr.get_by_role("button", name=t("Send acceptances and rejections")))
    assert hr.locator("#cohort-status").inner_text().strip() == t("Running")
    with app.app_context():
        member = db.session.scalar(select(CohortMember).where(CohortMember.cohort_id == cohort_id))
        assert member is not None and member.employee_id == s.employee_id
        member_id = member.id
        item_id = db.session.scalar(
            select(ProgrammeCourse.id).where(ProgrammeCourse.programme_id == programme_id)
        )
        milestone_id = db.session.scalar(
            select(Milestone.id).where(Milestone.programme_id == programme_id)
        )
    follow(hr, problems, hr.locator(f"#cohort-progress #member-{member_id} th a"))
    assert path_of(hr) == f"/talente/teilnehmende/{member_id}"
    hr.get_by_label(t("Personnel number of the mentor"), exact=True).fill(s.trainer_personnel_no)
    follow(hr, problems, hr.get_by_role("button", name=t("Assign mentor")))
    assert s.trainer_name in hr.locator("#mentor").inner_text()

    # --- 7. The employee: acceptance notification, programme page -------------------------
    nav_to(employee, problems, NOTIFICATIONS)
    subject = t("You have been selected: %(programme)s", programme=s.title)
    notice = employee.locator("main article").filter(has_text=subject)
    assert notice.count() == 1, "no acceptance notification"
    follow(
        employee,
        problems,
        notice.get_by_role("button", name=re.compile("^" + re.escape(t("Open")))),
    )
    assert path_of(employee).startswith(MY_PROGRAMME)
    assert s.title in employee.locator("h1").inner_text()
    course_row = employee.locator(f"#item-{member_id}-course-{item_id}")
    milestone_row = employee.locator(f"#item-{member_id}-milestone-{milestone_id}")
    assert t("Done") in course_row.locator("td").nth(2).inner_text()
    assert t("Outstanding") in milestone_row.locator("td").nth(2).inner_text()
    assert s.trainer_name in employee.locator("#mentor").inner_text()
    assert_no_scores(employee, app)

    # --- 8. Weeks later the mentor signs off the milestone -----------------------------------
    with app.app_context():
        cohort = db.session.get(Cohort, cohort_id)
        assert cohort is not None and cohort.status == CohortStatus.RUNNING
        started = s.today - timedelta(days=7)
        cohort.applications_open_on = started - timedelta(days=21)
        cohort.applications_close_on = started - timedelta(days=7)
        cohort.starts_on = started
        cohort.ends_on = started + timedelta(days=365)
        db.session.commit()

    mentor = open_page()
    log_in(mentor, problems, "trainer")
    nav_to(mentor, problems, MY_PROGRAMMES)
    follow(mentor, problems, mentor.locator(f"#mentoring a[href='{MENTEES}']"))
    mentee = mentor.locator(f"#mentee-section-{member_id}")
    assert s.title in mentee.inner_text()
    mentee.get_by_text(t("Sign off “%(title)s”", title=milestone_title), exact=True).click()
    sign_off = mentee.locator(
        f"form[action='/talente/teilnehmende/{member_id}/meilensteine/{milestone_id}/abzeichnen']"
    )
    sign_off.get_by_label(t("Met on"), exact=True).fill(s.today.isoformat())
    sign_off.get_by_label(t("Note (optional)"), exact=True).fill("E2E: überzeugende Präsentation.")
    follow(mentor, problems, sign_off.get_by_role("button", name=t("Sign off"), exact=True))
    assert path_of(mentor) == MENTEES
    assert t("%(name)s has completed the programme.", name=s.employee_name) in flash_text(mentor)
    with app.app_context():
        db.session.expire_all()
        graduated = db.session.get(CohortMember, member_id)
        assert graduated is not None and graduated.state == MemberState.GRADUATED
        certificate = db.session.scalar(
            select(Certificate).where(Certificate.cohort_member_id == member_id)
        )
        assert certificate is not None and certificate.kind == "programme"
        certificate_id = certificate.id

    # --- 9. The employee finds the certificate on her new programme's page ------------------
    nav_to(employee, problems, MY_PROGRAMMES)
    membership = employee.locator(f"#membership-{member_id}")
    assert s.title in membership.inner_text()
    follow(employee, problems, membership.get_by_role("link"))
    own_page = f"{MY_PROGRAMME}/{member_id}"
    if path_of(employee) != own_page:  # the page of her other (running) membership first
        others = employee.get_by_role("navigation", name=t("Your programmes"))
        follow(employee, problems, others.locator(f"a[href='{own_page}']"))
    assert path_of(employee) == own_page
    assert s.title in employee.locator("h1").inner_text()
    assert employee.locator("#graduated").is_visible()
    assert t("Done") in milestone_row.locator("td").nth(2).inner_text()
    assert_no_scores(employee, app)
    pdf_link = employee.locator("#certificate-pdf")
    href = pdf_link.get_attribute("href")
    assert href == f"/berichte/zertifikate/{certificate_id}.pdf", href
    answer = employee.request.get(href)
    assert answer.status == 200
    assert answer.headers["content-type"].startswith("application/pdf")
    assert answer.body().startswith(b"%PDF-")

    # Nobody opens someone else's programme page.
    with app.app_context():
        other = db.session.scalar(
            select(CohortMember.id)
            .where(CohortMember.employee_id != s.employee_id)
            .order_by(CohortMember.id)
            .limit(1)
        )
    assert other is not None
    assert employee.goto(f"{MY_PROGRAMME}/{other}").status == 404
