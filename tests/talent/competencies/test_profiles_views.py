"""HR's role profile and external certificate pages over HTTP: permissions, the profile
grouped by framework and area with level names, adding/changing/removing targets,
copying, the history, recording certificates; invalid input shows a message next to the
field, answers 4xx and changes nothing."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from academy.accounts.models import Role
from academy.audit.models import AccessLogEntry
from academy.clock import to_berlin, utcnow
from academy.extensions import db
from academy.frameworks.models import Competence, Framework, FrameworkLevel
from academy.web.navigation import nav_for
from talent.competencies.models import Rating, RoleTarget
from talent.competencies.role_profiles import current_targets
from tests import factories
from tests.talent import factories as tf


@pytest.fixture(autouse=True)
def english(client):
    """These tests read the English source messages."""
    client.set_cookie("da_lang", "en")


def scale(levels: int = 4, active: bool = True) -> Framework:
    fw = tf.framework()
    fw.active = active
    for n in range(1, levels + 1):
        db.session.add(
            FrameworkLevel(framework_id=fw.id, level=n, name_de=f"Stufe {n}", name_en=f"Level {n}")
        )
    db.session.flush()
    db.session.refresh(fw)
    return fw


def comp(fw: Framework) -> Competence:
    return tf.competence(tf.area(fw))


def count(model: type) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def error_text(html: str, field_id: str) -> str:
    """The error message tied to a field (``aria-describedby`` → ``<id>-error``)."""
    match = re.search(rf'id="{re.escape(field_id)}-error"[^>]*>([^<]*)<', html)
    assert match, f"no error shown for {field_id}"
    return match.group(1)


def targets_of(role) -> dict[int, int]:
    return {t.competence_id: t.level for t in current_targets(role)}


# ---------------------------------------------------------------------------
# Permissions
# ---------------------------------------------------------------------------

PAGES = ["/talente/soll-profile", "/talente/nachweise"]


@pytest.mark.parametrize("url", [*PAGES, "/talente/soll-profile/1"])
def test_anonymous_is_sent_to_login(client, url):
    response = client.get(url)
    assert response.status_code == 302 and "/anmelden" in response.headers["Location"]


@pytest.mark.parametrize("probe", [Role.EMPLOYEE, Role.HEAD, Role.ADMIN, Role.COUNCIL])
def test_others_get_403_and_change_nothing(client, login_as, probe):
    login_as(probe)
    role, c = factories.job_role(), comp(scale())
    person = factories.employee()
    tf.target(role, c, 2)
    for url in [*PAGES, f"/talente/soll-profile/{role.id}"]:
        assert client.get(url).status_code == 403, url
    posts = {
        f"/talente/soll-profile/{role.id}": {"competence": str(c.id), "level": "3"},
        f"/talente/soll-profile/{role.id}/ziele/{c.id}/entfernen": {},
        f"/talente/soll-profile/{role.id}/kopieren": {"source": str(role.id)},
        "/talente/nachweise": {
            "personnel_no": person.personnel_no,
            "competence": str(c.id),
            "level": "2",
            "title": "PSM I",
        },
    }
    for url, data in posts.items():
        assert client.post(url, data=data).status_code == 403, url
    assert targets_of(role) == {c.id: 2} and count(Rating) == 0


def test_hr_sees_the_pages_and_the_nav(app, client, login_as):
    account = login_as(Role.HR)
    role = factories.job_role(title="Sachbearbeitung Bürgerbüro")
    for url in [*PAGES, f"/talente/soll-profile/{role.id}"]:
        assert client.get(url).status_code == 200, url
    with app.test_request_context():
        labels = {item["label"] for item in nav_for(account).get("hr", [])}
        assert {"Role profiles", "External certificates"} <= labels
        employee_nav = nav_for(factories.user(Role.EMPLOYEE)).get("hr", [])
        assert not {"Role profiles", "External certificates"} & {i["label"] for i in employee_nav}
    home = client.get("/").get_data(as_text=True)
    assert 'href="/talente/soll-profile"' in home and 'href="/talente/nachweise"' in home


def test_unknown_job_role_is_404(client, login_as):
    login_as(Role.HR)
    assert client.get("/talente/soll-profile/999999").status_code == 404


# ---------------------------------------------------------------------------
# The list and one profile
# ---------------------------------------------------------------------------


def test_list_shows_the_number_of_current_targets(client, login_as):
    login_as(Role.HR)
    role = factories.job_role(title="Aaa Digitallotse")
    fw = scale()
    tf.target(role, comp(fw), 2)
    tf.target(role, comp(fw), 3)
    tf.target(role, comp(fw), 1, ended=True)
    html = client.get("/talente/soll-profile").get_data(as_text=True)
    assert "Aaa Digitallotse" in html
    assert re.search(rf'data-targets="{role.id}">\s*2\s*<', html)


@pytest.mark.parametrize(("lang", "name"), [("en", "Level 3"), ("de", "Stufe 3")])
def test_profile_groups_by_framework_and_area_with_level_names(client, login_as, lang, name):
    client.set_cookie("da_lang", lang)
    login_as(Role.HR)
    role = factories.job_role()
    first, second = scale(), scale()
    area_a = tf.area(first)
    c1 = tf.competence(area_a)
    c2 = comp(second)
    tf.target(role, c1, 3)
    tf.target(role, c2, 1)
    html = client.get(f"/talente/soll-profile/{role.id}").get_data(as_text=True)
    assert f'<h3 class="h4 mt-3">{first.name_en if lang == "en" else first.name_de}</h3>' in html
    assert f"{area_a.code} {area_a.name_en if lang == 'en' else area_a.name_de}" in html
    assert f"3 – {name}" in html
    assert html.index(first.name_de if lang == "de" else first.name_en) < html.index(c2.code)


def test_hr_adds_changes_and_removes_a_target(client, login_as):
    account = login_as(Role.HR)
    role, c = factories.job_role(), comp(scale())
    url = f"/talente/soll-profile/{role.id}"

    added = client.post(url, data={"competence": str(c.id), "level": "2", "note": "Start"})
    assert added.status_code == 302
    assert targets_of(role) == {c.id: 2}

    page = client.get(f"{url}?competence={c.id}").get_data(as_text=True)
    assert re.search(r'<option selected value="2">2</option>', page)

    changed = client.post(url, data={"competence": str(c.id), "level": "4"})
    assert changed.status_code == 302
    assert targets_of(role) == {c.id: 4}

    removed = client.post(f"{url}/ziele/{c.id}/entfernen")
    assert removed.status_code == 302
    assert targets_of(role) == {}
    rows = list(db.session.scalars(select(RoleTarget).where(RoleTarget.job_role_id == role.id)))
    assert len(rows) == 2 and all(r.ended_at is not None for r in rows)  # kept, not deleted

    html = client.get(url).get_data(as_text=True)
    history = html[html.index('id="profile-history"') :]
    assert history.count(account.display_name) == 3
    assert "2 – Level 2 → 4 – Level 4" in history
    assert "4 – Level 4 → no target" in history
    assert "no target → 2 – Level 2" in history


def test_the_same_level_again_is_reported_and_adds_no_row(client, login_as):
    login_as(Role.HR)
    role, c = factories.job_role(), comp(scale())
    url = f"/talente/soll-profile/{role.id}"
    client.post(url, data={"competence": str(c.id), "level": "2"})
    response = client.post(url, data={"competence": str(c.id), "level": "2"}, follow_redirects=True)
    assert "was already this level" in response.get_data(as_text=True)
    assert count(RoleTarget) == 1


def test_invalid_target_input_shows_the_message_at_the_field(client, login_as):
    login_as(Role.HR)
    role = factories.job_role()
    small = comp(scale(2))
    comp(scale(8))  # the level select offers 1..8
    tf.target(role, small, 1)
    db.session.commit()  # the views roll back on an error: keep the set-up
    url = f"/talente/soll-profile/{role.id}"

    too_high = client.post(url, data={"competence": str(small.id), "level": "5"})
    assert too_high.status_code == 422
    assert "from 1 to 2" in error_text(too_high.get_data(as_text=True), "level")

    missing = client.post(url, data={"competence": "", "level": ""})
    assert missing.status_code == 422
    html = missing.get_data(as_text=True)
    error_text(html, "competence")
    error_text(html, "level")

    unknown = client.post(url, data={"competence": "999999", "level": "1"})
    assert unknown.status_code == 422
    error_text(unknown.get_data(as_text=True), "competence")

    assert targets_of(role) == {small.id: 1} and count(RoleTarget) == 1


def test_inactive_framework_is_not_offered(client, login_as):
    login_as(Role.HR)
    role = factories.job_role()
    old = comp(scale(active=False))
    current = comp(scale())
    db.session.commit()
    response = client.post(
        f"/talente/soll-profile/{role.id}", data={"competence": str(old.id), "level": "1"}
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert f'value="{old.id}">{old.code} ' not in html
    assert f'value="{current.id}">{current.code} ' in html
    assert count(RoleTarget) == 0


def test_copy_from_another_job_role(client, login_as):
    login_as(Role.HR)
    source, target = factories.job_role(code="QUELLE"), factories.job_role()
    fw = scale()
    a, b = comp(fw), comp(fw)
    tf.target(source, a, 3)
    tf.target(source, b, 2)
    tf.target(target, b, 1)
    page = client.get(f"/talente/soll-profile/{target.id}").get_data(as_text=True)
    assert "data-confirm=" in page[page.index('id="copy-heading"') :]
    response = client.post(
        f"/talente/soll-profile/{target.id}/kopieren",
        data={"source": str(source.id)},
        follow_redirects=True,
    )
    assert response.status_code == 200
    assert "1 added, 1 changed, 0 already the same" in response.get_data(as_text=True)
    assert targets_of(target) == {a.id: 3, b.id: 2}


def test_copy_needs_a_source(client, login_as):
    login_as(Role.HR)
    role, empty = factories.job_role(), factories.job_role()
    tf.target(role, comp(scale()), 2)
    db.session.commit()
    missing = client.post(f"/talente/soll-profile/{role.id}/kopieren", data={"source": ""})
    assert missing.status_code == 422
    error_text(missing.get_data(as_text=True), "source")
    # a role without targets is not offered
    no_targets = client.post(
        f"/talente/soll-profile/{role.id}/kopieren", data={"source": str(empty.id)}
    )
    assert no_targets.status_code == 422
    assert count(RoleTarget) == 1


# ---------------------------------------------------------------------------
# External certificates
# ---------------------------------------------------------------------------


def certificate(person, c, **changes: str) -> dict[str, str]:
    data = {
        "personnel_no": person.personnel_no,
        "competence": str(c.id),
        "level": "3",
        "title": "Professional Scrum Master I",
        "valid_until": (to_berlin(utcnow()).date() + timedelta(days=365)).isoformat(),
    }
    data.update(changes)
    return data


def test_hr_records_a_certificate_and_sees_it_in_the_list(client, login_as):
    account = login_as(Role.HR)
    person = factories.employee(last_name="Özdemir")
    c = comp(scale())
    response = client.post("/talente/nachweise", data=certificate(person, c))
    assert response.status_code == 302
    [rating] = db.session.scalars(select(Rating)).all()
    assert (rating.employee_id, rating.level, rating.source) == (person.id, 3, "external")
    assert rating.evidence_title == "Professional Scrum Master I"
    assert rating.rated_by_id == account.id and rating.valid_until is not None

    html = client.get("/talente/nachweise").get_data(as_text=True)
    listing = html[html.index('id="recent-evidence"') :]
    assert "Özdemir" in listing and "Professional Scrum Master I" in listing
    assert "3 – Level 3" in listing
    # looking at other people's evidence is logged for the staff council
    logged = db.session.scalars(
        select(AccessLogEntry).where(AccessLogEntry.subject_id == person.id)
    ).all()
    assert logged and logged[0].actor_id == account.id


def test_certificate_without_expiry(client, login_as):
    login_as(Role.HR)
    person, c = factories.employee(), comp(scale())
    response = client.post("/talente/nachweise", data=certificate(person, c, valid_until=""))
    assert response.status_code == 302
    assert db.session.scalar(select(Rating.valid_until)) is None


@pytest.mark.parametrize(
    ("changes", "field", "status", "message"),
    [
        ({"personnel_no": "P-UNBEKANNT"}, "personnel_no", 422, "No employee"),
        ({"personnel_no": ""}, "personnel_no", 422, ""),
        ({"title": ""}, "title", 422, ""),
        ({"level": "5"}, "level", 422, "from 1 to 4"),
        ({"level": ""}, "level", 422, ""),
        ({"competence": ""}, "competence", 422, ""),
        ({"valid_until": "2001-01-01"}, "valid_until", 422, "in the past"),
        ({"valid_until": "kein Datum"}, "valid_until", 422, ""),
    ],
)
def test_invalid_certificate_input_changes_nothing(
    client, login_as, changes, field, status, message
):
    login_as(Role.HR)
    person, c = factories.employee(), comp(scale(4))
    comp(scale(6))  # the level select offers 1..6
    db.session.commit()
    response = client.post("/talente/nachweise", data=certificate(person, c, **changes))
    assert response.status_code == status
    assert message in error_text(response.get_data(as_text=True), field)
    assert count(Rating) == 0


def test_certificate_for_someone_who_left_is_refused(client, login_as):
    login_as(Role.HR)
    person, c = factories.employee(active=False), comp(scale())
    db.session.commit()
    response = client.post("/talente/nachweise", data=certificate(person, c))
    assert response.status_code == 409
    assert "has left" in error_text(response.get_data(as_text=True), "personnel_no")
    assert count(Rating) == 0


def test_certificate_list_is_paginated(client, login_as, app):
    login_as(Role.HR)
    c = comp(scale())
    person = factories.employee()
    size = app.config["PAGE_SIZE"]
    for n in range(size + 1):
        tf.external(person, c, 2, at=tf.NOW + timedelta(minutes=n))
    first = client.get("/talente/nachweise").get_data(as_text=True)
    assert first.count("Zertifikat Scrum Master") == size
    second = client.get("/talente/nachweise?page=2").get_data(as_text=True)
    listing = second[second.index('id="recent-evidence"') :]
    assert listing.count("Zertifikat Scrum Master") == 1


def test_level_fields_explain_what_each_level_means(client, login_as):
    fw = scale(levels=2)
    level = db.session.scalar(select(FrameworkLevel).where(FrameworkLevel.framework_id == fw.id))
    level.description_en = "Simple tasks, with guidance."
    db.session.flush()
    login_as(Role.EMPLOYEE)
    html = client.get("/talente/meine-kompetenzen").get_data(as_text=True)
    scale_html = html[html.index('class="level-scale') :]
    assert "What do the levels mean?" in scale_html
    assert f"{fw.name_en}</h3>" in scale_html
    assert "1 – Level 1</dt>" in scale_html and "Simple tasks, with guidance.</dd>" in scale_html
    assert "2 – Level 2</dt>" in scale_html
