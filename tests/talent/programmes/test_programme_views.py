"""HR's fast-track set-up pages over HTTP: permissions (HR only), the programme list and
page, curriculum and target editors, archive/delete, new and edited cohorts with their
criteria, and the status buttons. Invalid input shows a message next to the field (or a
flash for a button), answers 4xx or redirects, and changes nothing."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from academy.accounts.models import Role
from academy.clock import to_berlin, utcnow
from academy.extensions import db
from academy.frameworks.models import FrameworkLevel
from academy.notifications.models import Notification
from academy.web.navigation import nav_for
from talent.programmes.models import (
    ApplicationState,
    Cohort,
    CohortStatus,
    Milestone,
    Programme,
    ProgrammeCourse,
    ProgrammeTarget,
    SelectionCriterion,
)
from tests import factories
from tests.courses import factories as cf
from tests.talent import factories as tf
from tests.talent import programme_factories as pf


@pytest.fixture(autouse=True)
def english(client):
    """These tests read the English source messages."""
    client.set_cookie("da_lang", "en")


def today():
    return to_berlin(utcnow()).date()


def count(model: type) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def error_text(html: str, field_id: str) -> str:
    """The error message tied to a field (``aria-describedby`` → ``<id>-error``)."""
    match = re.search(rf'id="{re.escape(field_id)}-error"[^>]*>([^<]*)<', html)
    assert match, f"no error shown for {field_id}"
    return match.group(1)


def competence(levels: int = 4):
    fw = tf.framework()
    for n in range(1, levels + 1):
        db.session.add(
            FrameworkLevel(framework_id=fw.id, level=n, name_de=f"Stufe {n}", name_en=f"Level {n}")
        )
    db.session.flush()
    db.session.refresh(fw)
    return tf.competence(tf.area(fw))


def cohort_data(**changes) -> dict[str, str]:
    start = today()
    data = {
        "name": "Jahrgang 2031",
        "applications_open_on": start.isoformat(),
        "applications_close_on": (start + timedelta(days=28)).isoformat(),
        "starts_on": (start + timedelta(days=60)).isoformat(),
        "ends_on": (start + timedelta(days=600)).isoformat(),
        "seats": "8",
        "min_service_years": "2",
        "max_service_years": "",
        "pay_groups": "E 9a, E 9b\nA 9",
    }
    data.update(changes)
    return data


def live_cohort(status: CohortStatus = CohortStatus.OPEN, **kwargs) -> Cohort:
    """A cohort whose window lies around the real today (the views use the clock)."""
    start = today()
    kwargs.setdefault("opens", start - timedelta(days=5))
    kwargs.setdefault("closes", start + timedelta(days=20))
    return pf.cohort(status=status, **kwargs)


# ---------------------------------------------------------------------------
# Permissions
# ---------------------------------------------------------------------------


def urls(programme: Programme, cohort: Cohort) -> tuple[list[str], dict[str, dict[str, str]]]:
    milestone = programme.milestones[0]
    item = programme.courses[0]
    criterion = cohort.criteria[0]
    p, c = f"/talente/programme/{programme.id}", f"/talente/kohorten/{cohort.id}"
    gets = [
        "/talente/programme",
        "/talente/programme/neu",
        p,
        f"{p}/bearbeiten",
        f"{p}/meilensteine/{milestone.id}",
        f"{p}/kohorten/neu",
        f"{c}/bearbeiten",
        f"{c}/kriterien/{criterion.id}",
    ]
    posts = {
        "/talente/programme/neu": {"code": "X1", "title": "X", "length_months": "12"},
        f"{p}/bearbeiten": {"title": "Geändert", "length_months": "12"},
        f"{p}/kurse": {"course": str(cf.course().id), "course_offset_days": "5"},
        f"{p}/kurse/{item.id}/entfernen": {},
        f"{p}/meilensteine": {"kind": "project", "title": "Neu", "due_offset_days": "5"},
        f"{p}/meilensteine/{milestone.id}": {
            "kind": "project",
            "title": "Neu",
            "due_offset_days": "5",
        },
        f"{p}/meilensteine/{milestone.id}/entfernen": {},
        f"{p}/ziele": {"competence": "1", "level": "1"},
        f"{p}/archivieren": {},
        f"{p}/loeschen": {},
        f"{p}/kohorten/neu": cohort_data(),
        f"{c}/bearbeiten": cohort_data(),
        f"{c}/kriterien": {"criterion": "Neu", "weight": "3"},
        f"{c}/kriterien/{criterion.id}": {"criterion": "Neu", "weight": "3"},
        f"{c}/kriterien/{criterion.id}/entfernen": {},
        f"{c}/schliessen": {},
        f"{c}/absagen": {"reason": "Test"},
        f"{c}/oeffnen": {},
        f"{c}/abschliessen": {},
    }
    return gets, posts


def test_anonymous_is_sent_to_login(client):
    programme = pf.programme(courses=[cf.course()], milestones=1)
    cohort = pf.cohort(programme)
    gets, posts = urls(programme, cohort)
    for url in gets:
        response = client.get(url)
        assert response.status_code == 302 and "/anmelden" in response.headers["Location"], url
    for url, data in posts.items():
        assert client.post(url, data=data).status_code in (302, 400, 403), url
    assert count(Programme) == 1 and cohort.status == CohortStatus.OPEN


@pytest.mark.parametrize("probe", [Role.EMPLOYEE, Role.HEAD, Role.COUNCIL, Role.ADMIN])
def test_others_get_403_and_change_nothing(client, login_as, probe):
    login_as(probe)
    programme = pf.programme(courses=[cf.course()], milestones=1)
    cohort = pf.cohort(programme)
    gets, posts = urls(programme, cohort)
    for url in gets:
        assert client.get(url).status_code == 403, url
    for url, data in posts.items():
        assert client.post(url, data=data).status_code == 403, url
    db.session.expire_all()
    assert count(Programme) == 1 and count(Cohort) == 1
    assert count(ProgrammeCourse) == 1 and count(Milestone) == 1
    assert count(SelectionCriterion) == 2
    assert programme.title.startswith("Nachwuchsprogramm") and not programme.archived
    assert cohort.status == CohortStatus.OPEN


def test_hr_sees_every_page_and_the_nav(app, client, login_as):
    account = login_as(Role.HR)
    programme = pf.programme(courses=[cf.course()], milestones=1)
    cohort = pf.cohort(programme)
    gets, _posts = urls(programme, cohort)
    for url in gets:
        assert client.get(url).status_code == 200, url
    with app.test_request_context():
        labels = {item["label"] for item in nav_for(account).get("hr", [])}
        assert "Fast-track programmes" in labels
        employee_nav = nav_for(factories.user(Role.EMPLOYEE)).get("hr", [])
        assert "Fast-track programmes" not in {i["label"] for i in employee_nav}
    assert 'href="/talente/programme"' in client.get("/").get_data(as_text=True)


def test_unknown_ids_are_404(client, login_as):
    login_as(Role.HR)
    programme = pf.programme(courses=[cf.course()], milestones=1)
    other = pf.programme(courses=[cf.course()], milestones=1)
    cohort, other_cohort = pf.cohort(programme), pf.cohort(other)
    p = f"/talente/programme/{programme.id}"
    for url in [
        "/talente/programme/999999",
        "/talente/programme/999999/bearbeiten",
        "/talente/programme/999999/kohorten/neu",
        "/talente/kohorten/999999/bearbeiten",
        f"{p}/meilensteine/{other.milestones[0].id}",
        f"/talente/kohorten/{cohort.id}/kriterien/{other_cohort.criteria[0].id}",
    ]:
        assert client.get(url).status_code == 404, url
    for url in [
        f"{p}/kurse/{other.courses[0].id}/entfernen",
        f"{p}/meilensteine/{other.milestones[0].id}/entfernen",
        f"{p}/ziele/999999/entfernen",
        "/talente/programme/999999/archivieren",
        "/talente/kohorten/999999/oeffnen",
        "/talente/kohorten/999999/absagen",
        f"/talente/kohorten/{cohort.id}/kriterien/{other_cohort.criteria[0].id}/entfernen",
    ]:
        assert client.post(url, data={"reason": "x"}).status_code == 404, url
    assert count(ProgrammeCourse) == 2 and count(Milestone) == 2


# ---------------------------------------------------------------------------
# Programmes
# ---------------------------------------------------------------------------


def test_list_shows_cohort_counts_and_is_paginated(app, client, login_as):
    login_as(Role.HR)
    first = pf.programme(title="Aaa Digitallotsen")
    pf.cohort(first, status=CohortStatus.OPEN)
    pf.cohort(first, status=CohortStatus.RUNNING)
    for n in range(app.config["PAGE_SIZE"]):
        pf.programme(title=f"Zzz Programm {n}")
    html = client.get("/talente/programme").get_data(as_text=True)
    assert "Aaa Digitallotsen" in html
    assert re.search(rf'data-cohorts="{first.id}">\s*2\s*<', html)
    assert "Open for applications: 1" in html and "Running: 1" in html
    assert html.count('href="/talente/programme/') - html.count("/neu") == app.config["PAGE_SIZE"]
    second = client.get("/talente/programme?page=2").get_data(as_text=True)
    assert "Zzz Programm" in second and "Aaa Digitallotsen" not in second


def test_hr_creates_and_edits_a_programme(client, login_as):
    account = login_as(Role.HR)
    response = client.post(
        "/talente/programme/neu",
        data={"code": "FT-DIGI", "title": "Digitallotsen", "length_months": "18"},
    )
    assert response.status_code == 302
    programme = db.session.scalar(select(Programme).where(Programme.code == "FT-DIGI"))
    assert programme.title == "Digitallotsen" and programme.created_by_id == account.id
    assert response.headers["Location"].endswith(f"/talente/programme/{programme.id}")

    edited = client.post(
        f"/talente/programme/{programme.id}/bearbeiten",
        data={"title": "Digitallotsen 2", "description": "Neu", "length_months": "24"},
    )
    assert edited.status_code == 302
    db.session.refresh(programme)
    assert (programme.title, programme.description, programme.length_months) == (
        "Digitallotsen 2",
        "Neu",
        24,
    )
    assert programme.code == "FT-DIGI"


@pytest.mark.parametrize(
    ("data", "field", "status", "message"),
    [
        ({"code": "", "title": "T", "length_months": "12"}, "code", 422, ""),
        ({"code": "-x", "title": "T", "length_months": "12"}, "code", 422, "must start"),
        ({"code": "FT-1", "title": "", "length_months": "12"}, "title", 422, ""),
        ({"code": "FT-1", "title": "T", "length_months": "0"}, "length_months", 422, "from 1"),
        ({"code": "FT-1", "title": "T", "length_months": "viele"}, "length_months", 422, ""),
        ({"code": "ft-taken", "title": "T", "length_months": "12"}, "code", 409, "in use"),
    ],
)
def test_invalid_programme_input_changes_nothing(client, login_as, data, field, status, message):
    login_as(Role.HR)
    db.session.add(Programme(code="FT-TAKEN", title="Vorhanden", length_months=12))
    db.session.commit()
    response = client.post("/talente/programme/neu", data=data)
    assert response.status_code == status
    assert message in error_text(response.get_data(as_text=True), field)
    assert count(Programme) == 1


def test_edit_with_bad_input_rerenders(client, login_as):
    login_as(Role.HR)
    programme = pf.programme(title="Alt")
    db.session.commit()
    response = client.post(
        f"/talente/programme/{programme.id}/bearbeiten", data={"title": "", "length_months": "99"}
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    error_text(html, "title")
    db.session.refresh(programme)
    assert programme.title == "Alt"


def test_programme_page_lists_curriculum_targets_and_cohorts(client, login_as):
    login_as(Role.HR)
    course = cf.course(code="AGI-101", title="Agile Grundlagen")
    programme = pf.programme(courses=[course], course_offsets=[45], milestones=1)
    c = competence()
    db.session.add(ProgrammeTarget(programme_id=programme.id, competence_id=c.id, level=3))
    cohort = pf.cohort(programme, status=CohortStatus.SELECTION)
    html = client.get(f"/talente/programme/{programme.id}").get_data(as_text=True)
    courses = html[html.index('id="programme-courses"') :]
    assert "AGI-101 – Agile Grundlagen" in courses and ">45<" in courses
    assert "Meilenstein 1" in html[html.index('id="programme-milestones"') :]
    assert "3 – Level 3" in html[html.index('id="programme-targets"') :]
    cohorts = html[html.index('id="programme-cohorts"') :]
    assert cohort.name in cohorts and "Selection" in cohorts
    assert f'href="/talente/kohorten/{cohort.id}"' in cohorts
    assert f'href="/talente/kohorten/{cohort.id}/bearbeiten"' in cohorts
    # the removal buttons ask first
    assert 'data-confirm="Remove AGI-101 from the curriculum?"' in html


def test_curriculum_editor(client, login_as):
    login_as(Role.HR)
    programme = pf.programme()
    course = cf.course(code="DAT-1")
    archived = cf.course(code="OLD-1", archived=True)
    url = f"/talente/programme/{programme.id}"
    page = client.get(url).get_data(as_text=True)
    assert f'value="{course.id}">DAT-1' in page and f'value="{archived.id}"' not in page

    added = client.post(f"{url}/kurse", data={"course": str(course.id), "course_offset_days": "30"})
    assert added.status_code == 302
    [item] = db.session.scalars(select(ProgrammeCourse)).all()
    assert (item.course_id, item.due_offset_days) == (course.id, 30)
    page = client.get(url).get_data(as_text=True)
    assert f'value="{course.id}">DAT-1' not in page  # no longer offered

    removed = client.post(f"{url}/kurse/{item.id}/entfernen")
    assert removed.status_code == 302
    assert count(ProgrammeCourse) == 0


def test_curriculum_errors_are_shown_at_the_field(client, login_as):
    login_as(Role.HR)
    course = cf.course()
    archived = cf.course(archived=True)
    programme = pf.programme()
    db.session.commit()
    url = f"/talente/programme/{programme.id}/kurse"
    negative = client.post(url, data={"course": str(course.id), "course_offset_days": "-3"})
    assert negative.status_code == 422
    assert "before the cohort start" in error_text(
        negative.get_data(as_text=True), "course_offset_days"
    )
    not_offered = client.post(url, data={"course": str(archived.id), "course_offset_days": "3"})
    assert not_offered.status_code == 422
    error_text(not_offered.get_data(as_text=True), "course")
    missing = client.post(url, data={"course": "", "course_offset_days": ""})
    assert missing.status_code == 422
    assert count(ProgrammeCourse) == 0


def test_milestone_editor(client, login_as):
    login_as(Role.HR)
    programme = pf.programme()
    url = f"/talente/programme/{programme.id}"
    data = {"kind": "rotation", "title": "Hospitation", "description": "", "due_offset_days": "90"}
    assert client.post(f"{url}/meilensteine", data=data).status_code == 302
    [milestone] = db.session.scalars(select(Milestone)).all()
    assert (milestone.kind, milestone.due_offset_days) == ("rotation", 90)

    duplicate = client.post(f"{url}/meilensteine", data=data)
    assert duplicate.status_code == 409
    assert "already has a milestone" in error_text(duplicate.get_data(as_text=True), "title")
    negative = client.post(
        f"{url}/meilensteine", data={**data, "title": "X", "due_offset_days": "-1"}
    )
    assert negative.status_code == 422
    error_text(negative.get_data(as_text=True), "due_offset_days")
    assert count(Milestone) == 1

    form = client.get(f"{url}/meilensteine/{milestone.id}").get_data(as_text=True)
    assert 'value="Hospitation"' in form
    bad = client.post(f"{url}/meilensteine/{milestone.id}", data={**data, "kind": "fest"})
    assert bad.status_code == 422
    saved = client.post(
        f"{url}/meilensteine/{milestone.id}",
        data={**data, "title": "Rotation ins Bürgeramt", "due_offset_days": "120"},
    )
    assert saved.status_code == 302
    db.session.refresh(milestone)
    assert (milestone.title, milestone.due_offset_days) == ("Rotation ins Bürgeramt", 120)

    assert client.post(f"{url}/meilensteine/{milestone.id}/entfernen").status_code == 302
    assert count(Milestone) == 0


def test_signed_off_milestone_removal_is_refused_with_a_flash(client, login_as):
    login_as(Role.HR)
    programme = pf.programme(milestones=1)
    [milestone] = programme.milestones
    cohort = pf.cohort(programme, status=CohortStatus.RUNNING)
    pf.signoff(pf.member(cohort, factories.employee()), milestone)
    db.session.commit()
    response = client.post(
        f"/talente/programme/{programme.id}/meilensteine/{milestone.id}/entfernen",
        follow_redirects=True,
    )
    assert "already been signed off" in response.get_data(as_text=True)
    assert count(Milestone) == 1


def test_target_editor(client, login_as):
    login_as(Role.HR)
    programme = pf.programme()
    c = competence(levels=4)
    competence(levels=6)  # the level select offers 1..6
    db.session.commit()
    url = f"/talente/programme/{programme.id}"
    assert (
        client.post(f"{url}/ziele", data={"competence": str(c.id), "level": "2"}).status_code == 302
    )
    page = client.get(f"{url}?competence={c.id}").get_data(as_text=True)
    assert '<option selected value="2">2</option>' in page
    assert (
        client.post(f"{url}/ziele", data={"competence": str(c.id), "level": "4"}).status_code == 302
    )
    assert [(t.competence_id, t.level) for t in db.session.scalars(select(ProgrammeTarget))] == [
        (c.id, 4)
    ]
    too_high = client.post(f"{url}/ziele", data={"competence": str(c.id), "level": "6"})
    assert too_high.status_code == 422
    assert "from 1 to 4" in error_text(too_high.get_data(as_text=True), "level")
    db.session.expire_all()
    assert db.session.scalar(select(ProgrammeTarget.level)) == 4
    assert client.post(f"{url}/ziele/{c.id}/entfernen").status_code == 302
    assert count(ProgrammeTarget) == 0


def test_archive_unarchive_and_delete(client, login_as):
    login_as(Role.HR)
    programme = pf.programme()
    url = f"/talente/programme/{programme.id}"
    page = client.get(url).get_data(as_text=True)
    assert 'data-confirm="Archive this programme? No new cohorts can be created."' in page
    assert client.post(f"{url}/archivieren").status_code == 302
    db.session.refresh(programme)
    assert programme.archived
    page = client.get(url).get_data(as_text=True)
    assert "Archived" in page and f"/talente/programme/{programme.id}/kohorten/neu" not in page
    assert client.post(f"{url}/reaktivieren").status_code == 302
    db.session.refresh(programme)
    assert not programme.archived
    deleted = client.post(f"{url}/loeschen")
    assert deleted.status_code == 302 and deleted.headers["Location"].endswith("/talente/programme")
    assert count(Programme) == 0


def test_a_programme_with_cohorts_is_not_deleted(client, login_as):
    login_as(Role.HR)
    programme = pf.programme()
    pf.cohort(programme)
    db.session.commit()
    url = f"/talente/programme/{programme.id}"
    assert 'id="delete-not-possible"' in client.get(url).get_data(as_text=True)
    response = client.post(f"{url}/loeschen", follow_redirects=True)
    assert "cannot be deleted" in response.get_data(as_text=True)
    assert count(Programme) == 1


# ---------------------------------------------------------------------------
# Cohorts
# ---------------------------------------------------------------------------


def test_new_cohort_form_is_prefilled(client, login_as):
    login_as(Role.HR)
    programme = pf.programme(length_months=12)
    html = client.get(f"/talente/programme/{programme.id}/kohorten/neu").get_data(as_text=True)
    assert f'value="{today().isoformat()}"' in html
    assert f'value="{(today() + timedelta(days=28)).isoformat()}"' in html


def test_hr_creates_a_cohort(client, login_as):
    login_as(Role.HR)
    programme = pf.programme()
    role = factories.job_role(code="SB-1")
    response = client.post(
        f"/talente/programme/{programme.id}/kohorten/neu",
        data={**cohort_data(), "job_roles": [str(role.id)]},
    )
    assert response.status_code == 302
    [cohort] = db.session.scalars(select(Cohort)).all()
    assert response.headers["Location"].endswith(f"/talente/kohorten/{cohort.id}/bearbeiten")
    assert cohort.status == CohortStatus.DRAFT and cohort.seats == 8
    assert cohort.pay_groups == ["E 9a", "E 9b", "A 9"]
    assert cohort.min_service_years == 2 and cohort.max_service_years is None
    assert [r.code for r in cohort.job_roles] == ["SB-1"]


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"starts_on": (today() + timedelta(days=10)).isoformat()},
            "starts_on",
            "after the application window",
        ),
        ({"ends_on": (today() + timedelta(days=30)).isoformat()}, "ends_on", "end after it starts"),
        ({"seats": "0"}, "seats", "from 1"),
        (
            {"min_service_years": "9", "max_service_years": "3"},
            "max_service_years",
            "cannot be more",
        ),
        ({"applications_open_on": "morgen"}, "applications_open_on", ""),
        ({"name": ""}, "name", ""),
    ],
)
def test_invalid_cohort_input_changes_nothing(client, login_as, changes, field, message):
    login_as(Role.HR)
    programme = pf.programme()
    db.session.commit()
    response = client.post(
        f"/talente/programme/{programme.id}/kohorten/neu", data=cohort_data(**changes)
    )
    assert response.status_code == 422
    assert message in error_text(response.get_data(as_text=True), field)
    assert count(Cohort) == 0


def test_archived_programme_refuses_a_new_cohort(client, login_as):
    login_as(Role.HR)
    programme = pf.programme()
    programme.archived = True
    db.session.commit()
    response = client.post(f"/talente/programme/{programme.id}/kohorten/neu", data=cohort_data())
    assert response.status_code == 409
    assert "archived" in response.get_data(as_text=True)
    assert count(Cohort) == 0


def test_edit_cohort_and_its_limits_once_people_applied(client, login_as):
    login_as(Role.HR)
    cohort = live_cohort(min_service_years=2)
    url = f"/talente/kohorten/{cohort.id}/bearbeiten"
    page = client.get(url).get_data(as_text=True)
    assert f'value="{cohort.name}"' in page
    data = cohort_data(
        name=cohort.name,
        applications_open_on=cohort.applications_open_on.isoformat(),
        applications_close_on=cohort.applications_close_on.isoformat(),
        starts_on=cohort.starts_on.isoformat(),
        ends_on=cohort.ends_on.isoformat(),
        pay_groups="",
    )
    assert client.post(url, data={**data, "min_service_years": "3"}).status_code == 302
    db.session.refresh(cohort)
    assert cohort.min_service_years == 3

    pf.application(cohort, factories.employee())
    db.session.commit()
    assert "People have already applied" in client.get(url).get_data(as_text=True)
    stricter = client.post(url, data={**data, "min_service_years": "4"})
    assert stricter.status_code == 409
    assert "already applied" in error_text(stricter.get_data(as_text=True), "min_service_years")
    db.session.refresh(cohort)
    assert cohort.min_service_years == 3
    wider = client.post(url, data={**data, "min_service_years": "1", "seats": "3"})
    assert wider.status_code == 302
    db.session.refresh(cohort)
    assert (cohort.min_service_years, cohort.seats) == (1, 3)


def test_a_cohort_in_selection_cannot_be_edited(client, login_as):
    login_as(Role.HR)
    cohort = live_cohort(CohortStatus.SELECTION)
    db.session.commit()
    url = f"/talente/kohorten/{cohort.id}/bearbeiten"
    page = client.get(url).get_data(as_text=True)
    assert (
        "can only be changed while it is a draft" in page
        and "<fieldset disabled>" in page
        and "Save cohort" not in page
    )
    response = client.post(url, data=cohort_data(seats="99"))
    assert response.status_code == 409
    db.session.refresh(cohort)
    assert cohort.seats == 10


def test_criteria_editor(client, login_as):
    login_as(Role.HR)
    cohort = live_cohort(CohortStatus.DRAFT, criteria=())
    url = f"/talente/kohorten/{cohort.id}"
    data = {"criterion": "Motivation", "criterion_description": "Schreiben", "weight": "4"}
    assert client.post(f"{url}/kriterien", data=data).status_code == 302
    [criterion] = db.session.scalars(select(SelectionCriterion)).all()
    assert (criterion.name, criterion.description, criterion.weight) == (
        "Motivation",
        "Schreiben",
        4,
    )

    duplicate = client.post(f"{url}/kriterien", data={**data, "criterion": "MOTIVATION"})
    assert duplicate.status_code == 409
    assert "already has a criterion" in error_text(duplicate.get_data(as_text=True), "criterion")
    too_heavy = client.post(f"{url}/kriterien", data={**data, "criterion": "X", "weight": "11"})
    assert too_heavy.status_code == 422
    error_text(too_heavy.get_data(as_text=True), "weight")
    assert count(SelectionCriterion) == 1

    form = client.get(f"{url}/kriterien/{criterion.id}").get_data(as_text=True)
    assert 'value="Motivation"' in form and '<option selected value="4">4</option>' in form
    saved = client.post(f"{url}/kriterien/{criterion.id}", data={**data, "weight": "10"})
    assert saved.status_code == 302
    db.session.refresh(criterion)
    assert criterion.weight == 10

    page = client.get(f"{url}/bearbeiten").get_data(as_text=True)
    assert 'data-confirm="Remove the criterion Motivation?"' in page
    assert client.post(f"{url}/kriterien/{criterion.id}/entfernen").status_code == 302
    assert count(SelectionCriterion) == 0


def test_removing_the_last_criterion_of_an_open_cohort_is_refused(client, login_as):
    login_as(Role.HR)
    cohort = live_cohort(criteria=[("Motivation", 2)])
    db.session.commit()
    response = client.post(
        f"/talente/kohorten/{cohort.id}/kriterien/{cohort.criteria[0].id}/entfernen",
        follow_redirects=True,
    )
    assert "at least one selection criterion" in response.get_data(as_text=True)
    assert count(SelectionCriterion) == 1


# ---------------------------------------------------------------------------
# Status buttons
# ---------------------------------------------------------------------------


def actions_of(html: str, cohort: Cohort) -> set[str]:
    match = re.search(rf'id="cohort-actions-{cohort.id}" data-actions="([^"]*)"', html)
    assert match, "no status buttons"
    return set(match.group(1).split())


@pytest.mark.parametrize(
    ("status", "expected", "buttons"),
    [
        (CohortStatus.DRAFT, {"edit", "open", "cancel"}, ["oeffnen", "absagen"]),
        (CohortStatus.OPEN, {"edit", "close", "cancel"}, ["schliessen", "absagen"]),
        (CohortStatus.SELECTION, {"cancel"}, ["absagen"]),
        (CohortStatus.RUNNING, {"complete"}, ["abschliessen"]),
        (CohortStatus.COMPLETED, set(), []),
    ],
)
def test_edit_page_shows_the_allowed_buttons(client, login_as, status, expected, buttons):
    login_as(Role.HR)
    cohort = live_cohort(status)
    html = client.get(f"/talente/kohorten/{cohort.id}/bearbeiten").get_data(as_text=True)
    assert actions_of(html, cohort) == expected
    shown = set(re.findall(rf'action="/talente/kohorten/{cohort.id}/(\w+)"', html))
    assert shown & {"oeffnen", "schliessen", "absagen", "abschliessen"} == set(buttons)
    for destructive in {"schliessen", "absagen", "abschliessen"} & set(buttons):
        form = re.search(
            rf'<form[^>]*action="/talente/kohorten/{cohort.id}/{destructive}"[^>]*>', html
        )
        assert form and "data-confirm=" in form.group(0)


def test_draft_without_criteria_explains_why_it_cannot_open(client, login_as):
    login_as(Role.HR)
    cohort = live_cohort(CohortStatus.DRAFT, criteria=())
    html = client.get(f"/talente/kohorten/{cohort.id}/bearbeiten").get_data(as_text=True)
    assert "open" not in actions_of(html, cohort)
    assert "Add at least one selection criterion" in html


def test_the_dashboard_includes_the_buttons(client, login_as):
    login_as(Role.HR)
    cohort = live_cohort(CohortStatus.OPEN)
    html = client.get(f"/talente/kohorten/{cohort.id}").get_data(as_text=True)
    assert actions_of(html, cohort) == {"edit", "close", "cancel"}


def test_open_close_and_complete_via_the_buttons(client, login_as):
    account = login_as(Role.HR)
    cohort = live_cohort(CohortStatus.DRAFT)
    url = f"/talente/kohorten/{cohort.id}"
    opened = client.post(f"{url}/oeffnen", data={"return_to": "edit"})
    assert opened.status_code == 302 and opened.headers["Location"].endswith(f"{url}/bearbeiten")
    db.session.refresh(cohort)
    assert cohort.status == CohortStatus.OPEN
    closed = client.post(f"{url}/schliessen")
    assert closed.status_code == 302 and closed.headers["Location"].endswith(url)
    db.session.refresh(cohort)
    assert cohort.status == CohortStatus.SELECTION

    running = live_cohort(CohortStatus.RUNNING)
    db.session.commit()
    done = client.post(
        f"/talente/kohorten/{running.id}/abschliessen",
        data={"return_to": "edit"},
        follow_redirects=True,
    )
    assert "The cohort has been completed." in done.get_data(as_text=True)
    db.session.refresh(running)
    assert running.status == CohortStatus.COMPLETED
    from academy.audit.models import AuditLogEntry

    actions = {
        e.action
        for e in db.session.scalars(
            select(AuditLogEntry).where(AuditLogEntry.actor_id == account.id)
        )
    }
    assert {"cohort.opened", "cohort.closed", "cohort.completed"} <= actions


def test_refused_transitions_come_back_as_a_flash(client, login_as):
    login_as(Role.HR)
    cohort = live_cohort(CohortStatus.SELECTION)
    draft = live_cohort(CohortStatus.DRAFT, criteria=())
    running = live_cohort(CohortStatus.RUNNING)
    pf.member(running, factories.employee())
    db.session.commit()
    opened = client.post(
        f"/talente/kohorten/{cohort.id}/oeffnen", data={"return_to": "edit"}, follow_redirects=True
    )
    assert "Only a draft cohort can be opened" in opened.get_data(as_text=True)
    no_criteria = client.post(
        f"/talente/kohorten/{draft.id}/oeffnen", data={"return_to": "edit"}, follow_redirects=True
    )
    assert "at least one selection criterion" in no_criteria.get_data(as_text=True)
    active = client.post(
        f"/talente/kohorten/{running.id}/abschliessen",
        data={"return_to": "edit"},
        follow_redirects=True,
    )
    assert "still active" in active.get_data(as_text=True)
    db.session.expire_all()
    assert (cohort.status, draft.status, running.status) == ("selection", "draft", "running")


def test_cancel_needs_a_reason_and_tells_the_applicants(client, login_as):
    login_as(Role.HR)
    cohort = live_cohort(CohortStatus.OPEN)
    person = factories.employee()
    factories.user(Role.EMPLOYEE, emp=person)
    pf.application(cohort, person, state=ApplicationState.SUBMITTED)
    db.session.commit()
    url = f"/talente/kohorten/{cohort.id}/absagen"
    missing = client.post(url, data={"reason": "  ", "return_to": "edit"}, follow_redirects=True)
    assert "Please give a reason" in missing.get_data(as_text=True)
    db.session.refresh(cohort)
    assert cohort.status == CohortStatus.OPEN and count(Notification) == 0

    done = client.post(url, data={"reason": "Haushaltssperre"})
    assert done.status_code == 302
    db.session.refresh(cohort)
    assert cohort.status == CohortStatus.CANCELLED
    [note] = db.session.scalars(select(Notification)).all()
    assert note.user.employee_id == person.id and "Haushaltssperre" in note.body
