"""The team-competency journey through the real UI in Chromium, each person in a browser
context of their own, axe-core (WCAG 2.1 AA) and the CSP checked on every page visited:

1. the demo head opens the team matrix from the navigation, reads his employee's gap in
   one competence, opens her profile, rates her at the target level with a comment, and
   the matrix and her profile then show the gap closed, with his rating as the source;
2. with the head's rating made through the service, he looks at the matrix and at her
   profile (an access-log entry with her as the subject per matrix page that showed
   her, and one for the profile); then she sees that competence on "My competencies"
   with gap 0 and his rating as the source, and her own views write no entry.

Each test makes its own gap through the services, committed in the live server's
database: a competence that the UX designer's role has no target for and in which the
demo employee has no level at all (no rating, evidence or self-assessment, also not
through a mapping) gets a target for the role two levels above her current one. So the
journeys depend neither on the talent demo data nor on each other.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from flask import Flask
from playwright.sync_api import Locator, Page
from sqlalchemy import func, select

from academy.audit.models import AccessLogEntry
from academy.clock import to_berlin, utcnow
from academy.extensions import db
from academy.frameworks.models import Competence, Framework
from tests.e2e.journey import (
    click_and_check,
    demo_user,
    german,
    log_in,
    nav_to,
    open_page_fixture,  # noqa: F401 - the open_page fixture
    path_of,
)

pytestmark = pytest.mark.e2e

TEAM_PATH = "/talente/team"
OWN_PATH = "/talente/meine-kompetenzen"
#: The demo employee's job role (academy.demo.runner: Özlem Demir, UX designer).
JOB_ROLE = "UX"
#: The target set for the competence: no level yet (0) + 2, so a gap of two.
TARGET = 2
#: What the talent views write to the access log.
MATRIX_ACCESS = "team.matrix"
PROFILE_ACCESS = "competencies.profile"

# ---------------------------------------------------------------------------
# Set-up through the services, committed in the live server's database
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Gap:
    employee_id: int
    employee_user_id: int
    head_user_id: int
    job_role_id: int
    competence_id: int
    code: str
    target: int


def make_gap() -> Gap:
    """A target for the demo employee's job role two levels above her current level (none
    yet: 0), in a competence nobody has given her a level in and without a target for
    the role so far; set by the demo HR account and committed."""
    from talent.competencies.level_checks import level_range
    from talent.competencies.level_evidence import targets_for_job_roles
    from talent.competencies.levels import levels_for
    from talent.competencies.role_profiles import set_target

    hr, employee_user, head = demo_user("hr"), demo_user("employee"), demo_user("head")
    employee = employee_user.employee
    assert employee is not None and employee.job_role is not None
    job_role = employee.job_role
    assert job_role.code == JOB_ROLE, f"the demo employee's job role is {job_role.code}"
    now = utcnow()
    competences = list(
        db.session.scalars(
            select(Competence)
            .join(Framework, Framework.id == Competence.framework_id)
            .where(Framework.active.is_(True))
            .order_by(Competence.framework_id, Competence.id)
        )
    )
    code_counts = db.session.execute(
        select(Competence.code, func.count()).group_by(Competence.code)
    ).all()
    unique_codes = {code for code, count in code_counts if count == 1}
    targeted = targets_for_job_roles([job_role.id]).get(job_role.id, {})
    levels = levels_for([employee.id], [c.id for c in competences], to_berlin(now).date())
    for competence in competences:
        level = levels[(employee.id, competence.id)]
        low, high = level_range(competence)
        untouched = level.current is None and level.self_assessed is None
        if (
            competence.id not in targeted
            and competence.code in unique_codes
            and untouched
            and low <= TARGET <= high
        ):
            break
    else:
        pytest.fail("no competence without a target and a level for the demo employee")
    assert set_target(hr, job_role, competence, TARGET, now, note="E2E team journey")
    db.session.commit()
    return Gap(
        employee_id=employee.id,
        employee_user_id=employee_user.id,
        head_user_id=head.id,
        job_role_id=job_role.id,
        competence_id=competence.id,
        code=competence.code,
        target=TARGET,
    )


def last_access_id() -> int:
    return db.session.scalar(select(func.max(AccessLogEntry.id))) or 0


def accesses_since(entry_id: int) -> list[tuple[int | None, int | None, str]]:
    """(actor, subject, what) of the access-log entries written after ``entry_id``."""
    db.session.expire_all()
    rows = db.session.execute(
        select(AccessLogEntry.actor_id, AccessLogEntry.subject_id, AccessLogEntry.what)
        .where(AccessLogEntry.id > entry_id)
        .order_by(AccessLogEntry.id)
    )
    return [(actor, subject, what) for actor, subject, what in rows]


# ---------------------------------------------------------------------------
# Page helpers
# ---------------------------------------------------------------------------


def team_cell(page: Page, gap: Gap) -> Locator:
    """The matrix cell of the employee × the competence: the cell of her row in the
    column whose header carries the competence's code (the cells themselves carry only
    ``data-gap``). The competence headers are the header's last row (above them the
    areas), after the three columns member, department and job role."""
    headers = page.locator("#team-matrix thead tr:last-child th")
    codes = [headers.nth(i).get_attribute("data-competence") for i in range(headers.count())]
    row = page.locator(f"#team-matrix tbody tr[data-member='{gap.employee_id}']")
    if gap.code not in codes or row.count() != 1:
        return page.locator("#team-matrix tbody tr[data-member='none']")  # matches nothing
    cell = row.locator(":scope > th, :scope > td").nth(3 + codes.index(gap.code))
    assert cell.get_attribute("data-gap") is not None, "the column is not a competence's"
    assert gap.code in (cell.text_content() or ""), "the cell belongs to another column"
    return cell


def open_team_row(page: Page, problems: list[str], gap: Gap) -> tuple[Locator, bool]:
    """From the navigation to the matrix, narrowed to the employee's job role (the
    matrix is paginated). Returns the employee × competence cell and whether her row
    was on the unfiltered first page already."""
    nav_to(page, problems, TEAM_PATH)
    unfiltered = team_cell(page, gap).count() == 1
    page.select_option("#job_role", value=str(gap.job_role_id))
    click_and_check(page, problems, "#team-filters button[type=submit]")
    assert path_of(page) == TEAM_PATH
    header = page.locator(f"#team-matrix thead th[data-competence='{gap.code}']")
    pages = page.locator("#area-pages a.page-link")
    for n in range(pages.count()):  # the competence areas are paginated too
        if header.count():
            break
        click_and_check(page, problems, f"#area-pages a.page-link >> nth={n}")
    assert header.count() == 1, f"no column {gap.code} in the team matrix"
    cell = team_cell(page, gap)
    assert cell.count() == 1, "the employee's row is not in the team matrix"
    return cell, unfiltered


def profile_row(page: Page, gap: Gap) -> Locator:
    return page.locator(f"#profile-targets #competence-{gap.competence_id}")


# ---------------------------------------------------------------------------
# 1. The head closes a gap by rating
# ---------------------------------------------------------------------------


def test_head_rates_member_and_team_gap_closes(
    e2e_app: Flask, open_page: Callable[[], Page], browser_problems: list[str]
) -> None:
    from talent.competencies.models import SOURCE_LABELS, RatingSource

    problems = browser_problems
    with e2e_app.app_context():
        gap = make_gap()
        head_label = german(e2e_app, SOURCE_LABELS[RatingSource.HEAD])
        saved = german(
            e2e_app,
            "Your rating of %(name)s for %(code)s (level %(level)s) has been saved.",
            name=demo_user("employee").employee.full_name,  # type: ignore[union-attr]
            code=gap.code,
            level=str(gap.target),
        )
    comment = f"E2E: im Projekt sicher angewendet ({gap.code})."

    # The head finds the gap in the team matrix: the whole target, nothing known yet.
    head = open_page()
    log_in(head, problems, "head")
    cell, _ = open_team_row(head, problems, gap)
    assert cell.get_attribute("data-gap") == str(gap.target)
    assert f"–/{gap.target}" in cell.inner_text()

    # He opens her profile from her row; it shows the same gap.
    member_path = f"/talente/mitglieder/{gap.employee_id}"
    click_and_check(
        head,
        problems,
        f"#team-matrix tr[data-member='{gap.employee_id}'] th a[href='{member_path}']",
    )
    assert path_of(head) == member_path
    row = profile_row(head, gap)
    assert row.locator("[data-cell=gap]").get_attribute("data-gap") == str(gap.target)

    # He rates her at the target level through the row's "Rate" link, with a comment.
    click_and_check(head, problems, f"#competence-{gap.competence_id} a[href*='#rating']")
    assert head.locator("#competence").input_value() == str(gap.competence_id)
    head.select_option("#level", value=str(gap.target))
    head.fill("#comment", comment)
    click_and_check(head, problems, "#rating-form button[type=submit]")
    assert path_of(head) == member_path
    assert head.locator(".flash-messages .alert-success").inner_text().strip() == saved

    # Her profile shows the new current level, from his rating, and no gap.
    row = profile_row(head, gap)
    assert row.locator("[data-cell=gap]").get_attribute("data-gap") == "0"
    current = row.locator("[data-cell=current]")
    assert current.locator(".fw-semibold").inner_text().strip().startswith(str(gap.target))
    assert head_label in current.inner_text()
    entry = head.locator(f"#history-{gap.competence_id} tbody tr[data-source='head']")
    assert entry.count() == 1
    assert comment in (entry.text_content() or "")

    # Back in the matrix (navigation, then the same filter) the cell shows gap 0.
    cell, _ = open_team_row(head, problems, gap)
    assert cell.get_attribute("data-gap") == "0"
    assert f"{gap.target}/{gap.target}" in cell.inner_text()

    with e2e_app.app_context():
        from talent.competencies.ratings import rating_history

        employee = demo_user("employee").employee
        assert employee is not None
        ratings = [
            (r.source, r.level, r.rated_by_id, r.comment)
            for r in rating_history(employee)
            if r.competence_id == gap.competence_id
        ]
    assert ratings == [(RatingSource.HEAD.value, gap.target, gap.head_user_id, comment)]


# ---------------------------------------------------------------------------
# 2. The employee's own view; who looked at her profile
# ---------------------------------------------------------------------------


def test_employee_sees_closed_gap_and_only_head_views_are_logged(
    e2e_app: Flask, open_page: Callable[[], Page], browser_problems: list[str]
) -> None:
    from talent.competencies.models import SOURCE_LABELS, RatingSource
    from talent.competencies.ratings import rate_member

    problems = browser_problems
    with e2e_app.app_context():
        gap = make_gap()
        head_user, employee = demo_user("head"), demo_user("employee").employee
        assert employee is not None
        competence = db.session.get(Competence, gap.competence_id)
        assert competence is not None
        rate_member(head_user, employee, competence, gap.target, "E2E: Ziel erreicht.", utcnow())
        db.session.commit()
        head_label = german(e2e_app, SOURCE_LABELS[RatingSource.HEAD])
        before_head = last_access_id()

    # The head looks at the matrix and at her profile: one entry each, her as subject.
    head = open_page()
    log_in(head, problems, "head")
    cell, on_first_page = open_team_row(head, problems, gap)
    assert cell.get_attribute("data-gap") == "0"
    click_and_check(head, problems, f"#team-matrix tr[data-member='{gap.employee_id}'] th a")
    assert path_of(head) == f"/talente/mitglieder/{gap.employee_id}"
    with e2e_app.app_context():
        by_head = [
            what
            for actor, subject, what in accesses_since(before_head)
            if actor == gap.head_user_id and subject == gap.employee_id
        ]
        before_own = last_access_id()
    # The filtered matrix showed her (and the unfiltered one too if she was on its first
    # page), then her profile.
    matrix_views = [MATRIX_ACCESS] * (2 if on_first_page else 1)
    assert by_head == [*matrix_views, PROFILE_ACCESS], by_head

    # She sees the competence with gap 0 and his rating as the source.
    own = open_page()
    log_in(own, problems, "employee")
    nav_to(own, problems, OWN_PATH)
    row = profile_row(own, gap)
    assert row.count() == 1, f"{gap.code} is not in her role profile"
    assert row.locator("[data-cell=gap]").get_attribute("data-gap") == "0"
    current = row.locator("[data-cell=current]")
    assert current.locator(".fw-semibold").inner_text().strip().startswith(str(gap.target))
    assert head_label in current.inner_text()

    # Her own views (login, start page, own profile) wrote no access-log entry.
    with e2e_app.app_context():
        about_her = [
            entry
            for entry in accesses_since(before_own)
            if gap.employee_user_id == entry[0] or gap.employee_id == entry[1]
        ]
    assert about_her == []
