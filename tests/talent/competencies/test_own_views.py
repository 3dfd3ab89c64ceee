"""The competency profile pages over HTTP: the own page (target, current level with
source and date, self-assessment beside it, gap as number and text, history,
recommended courses with an enrol button, the self-assessment form) and a team member's
page (who may open it, the access log, the head's rating form changing the gap)."""

from __future__ import annotations

import re
from datetime import timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from academy.accounts.models import Role
from academy.audit.models import AccessLogEntry
from academy.clock import utcnow
from academy.extensions import db
from academy.frameworks.models import Competence, Framework, FrameworkLevel
from academy.web.navigation import nav_for
from courses.enrolment.models import Enrolment
from talent.competencies.models import Rating, RatingSource
from tests import factories
from tests.courses import factories as cf
from tests.querycount import count_queries
from tests.talent import factories as tf


@pytest.fixture(autouse=True)
def english(client):
    """These tests read the English source messages."""
    client.set_cookie("da_lang", "en")


def scale(levels: int = 4) -> Framework:
    fw = tf.framework()
    for n in range(1, levels + 1):
        db.session.add(
            FrameworkLevel(framework_id=fw.id, level=n, name_de=f"Stufe {n}", name_en=f"Level {n}")
        )
    db.session.flush()
    db.session.refresh(fw)
    return fw


def comp(fw: Framework) -> Competence:
    return tf.competence(tf.area(fw))


def count(model: type, *where: object) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def access_entries(subject_id: int) -> list[AccessLogEntry]:
    return list(
        db.session.scalars(select(AccessLogEntry).where(AccessLogEntry.subject_id == subject_id))
    )


def row_of(html: str, competence: Competence) -> str:
    match = re.search(rf'<tr id="competence-{competence.id}".*?</tr>', html, re.S)
    assert match, f"no row for {competence.code}"
    return match.group(0)


def cell(row: str, name: str) -> str:
    match = re.search(rf'<td data-cell="{name}"[^>]*>(.*?)</td>', row, re.S)
    assert match, f"no {name} cell"
    return " ".join(re.sub(r"<[^>]+>", " ", match.group(1)).split())


@pytest.fixture()
def team(make):
    """A department with a head, a member with a job role (targets 3 and 2), a colleague,
    a sub-department with a member, and an outsider in another department."""
    fw = scale()
    c1, c2 = comp(fw), comp(fw)
    role = make.job_role(title="Digitallotse")
    tf.target(role, c1, 3)
    tf.target(role, c2, 2)
    dept = make.department("Amt für Digitales")
    sub = make.department("Team Online-Dienste", parent=dept)
    head = make.user(Role.HEAD, emp=make.employee(dept, first_name="Hanna", last_name="Haupt"))
    member = make.employee(dept, job_role=role, first_name="Mia", last_name="Mitglied")
    colleague = make.employee(dept, job_role=role)
    deep = make.employee(sub, job_role=role, first_name="Tom", last_name="Tief")
    outsider = make.employee(make.department("Ordnungsamt"), job_role=role)
    return SimpleNamespace(
        fw=fw,
        c1=c1,
        c2=c2,
        role=role,
        dept=dept,
        head=head,
        member=member,
        member_user=make.user(emp=member),
        colleague=colleague,
        deep=deep,
        outsider=outsider,
    )


# ---------------------------------------------------------------------------
# Permissions and the access log
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/talente/meine-kompetenzen", "/talente/mitglieder/1"])
def test_anonymous_is_sent_to_login(client, url):
    response = client.get(url)
    assert response.status_code == 302 and "/anmelden" in response.headers["Location"]


def test_an_employee_sees_only_their_own_profile(client, login_as, team):
    login_as(account=team.member_user)
    assert client.get("/talente/meine-kompetenzen").status_code == 200
    own = client.get(f"/talente/mitglieder/{team.member.id}")
    assert own.status_code == 302 and own.headers["Location"].endswith("/talente/meine-kompetenzen")
    for other in (team.colleague, team.outsider, team.head.employee):
        assert client.get(f"/talente/mitglieder/{other.id}").status_code == 403
        response = client.post(
            f"/talente/mitglieder/{other.id}/bewertung",
            data={"competence": str(team.c1.id), "level": "3", "comment": "x"},
        )
        assert response.status_code == 403
    assert count(Rating) == 0
    assert count(AccessLogEntry) == 0


def test_the_own_page_is_not_logged_others_are(client, login_as, team):
    login_as(account=team.member_user)
    client.get("/talente/meine-kompetenzen")
    assert count(AccessLogEntry) == 0
    login_as(account=team.head)
    assert client.get(f"/talente/mitglieder/{team.member.id}").status_code == 200
    [entry] = access_entries(team.member.id)
    assert entry.actor_id == team.head.id and entry.what == "competencies.profile"
    # one's own profile, opened through the member URL, is not logged
    client.get(f"/talente/mitglieder/{team.head.employee_id}")
    assert access_entries(team.head.employee_id) == []


def test_a_head_sees_the_subtree_but_never_outside(client, login_as, team):
    login_as(account=team.head)
    assert client.get(f"/talente/mitglieder/{team.deep.id}").status_code == 200
    assert len(access_entries(team.deep.id)) == 1
    assert client.get(f"/talente/mitglieder/{team.outsider.id}").status_code == 403
    assert access_entries(team.outsider.id) == []
    assert client.get("/talente/mitglieder/99999999").status_code == 404


def test_hr_may_open_anyone_and_is_logged(client, login_as, team):
    hr = login_as(Role.HR)
    html = client.get(f"/talente/mitglieder/{team.outsider.id}").get_data(as_text=True)
    assert "access log" in html
    [entry] = access_entries(team.outsider.id)
    assert entry.actor_id == hr.id


def test_roles_without_a_profile_get_403(client, login_as, team):
    login_as(Role.COUNCIL, account=factories.user(Role.COUNCIL, with_employee=False))
    assert client.get("/talente/meine-kompetenzen").status_code == 403
    assert client.get(f"/talente/mitglieder/{team.member.id}").status_code == 403
    assert count(AccessLogEntry) == 0


# ---------------------------------------------------------------------------
# My competencies
# ---------------------------------------------------------------------------


def test_the_profile_shows_target_current_source_self_and_gap(client, login_as, team):
    yesterday = utcnow() - timedelta(days=1)
    tf.head_rating(team.member, team.c1, 1, at=yesterday)
    tf.self_rating(team.member, team.c1, 3, at=yesterday)
    tf.external(team.member, team.c2, 2, at=yesterday)
    login_as(account=team.member_user)
    html = client.get("/talente/meine-kompetenzen").get_data(as_text=True)

    first = row_of(html, team.c1)
    assert cell(first, "target") == "3 – Level 3"
    current = cell(first, "current")
    assert "1 – Level 1" in current and "Rating by the department head" in current
    assert re.search(r"\d{1,2} \w{3} \d{4}|\w{3} \d{1,2}, \d{4}", current)  # the date
    assert "3 – Level 3" in cell(first, "self") and "does not count" in cell(first, "self")
    assert cell(first, "gap") == "2 2 levels below target"
    assert 'data-gap="2"' in first

    second = row_of(html, team.c2)
    assert "External certificate" in cell(second, "current")
    assert "target reached" in cell(second, "gap") and 'data-gap="0"' in second
    assert "does not count" in html
    assert 'data-figure="gap-count">1 of 2 (total gap: 2 levels)' in html


def test_without_job_role_the_page_explains_why(client, login_as, make):
    person = make.employee(make.department())
    login_as(account=make.user(emp=person))
    html = client.get("/talente/meine-kompetenzen").get_data(as_text=True)
    assert 'id="no-targets"' in html and "No job role is recorded for you" in html
    assert 'id="self-assessment-form"' in html


def test_a_job_role_without_targets_is_explained(client, login_as, make):
    person = make.employee(make.department(), job_role=make.job_role(title="Hausmeisterei"))
    login_as(account=make.user(emp=person))
    html = client.get("/talente/meine-kompetenzen").get_data(as_text=True)
    assert "Your job role “Hausmeisterei” has no target profile yet" in html


def test_a_competence_outside_the_profile_with_evidence_is_listed(client, login_as, team):
    other = comp(team.fw)
    tf.course_evidence(team.member, other, 2, completed_on=utcnow().date() - timedelta(days=3))
    login_as(account=team.member_user)
    html = client.get("/talente/meine-kompetenzen").get_data(as_text=True)
    assert 'id="profile-further"' in html
    row = row_of(html, other)
    assert "Completed course" in cell(row, "current") and 'data-cell="gap"' not in row


def test_self_assessment_is_saved_dated_and_does_not_close_the_gap(client, login_as, team):
    login_as(account=team.member_user)
    response = client.post(
        "/talente/meine-kompetenzen/selbsteinschaetzung",
        data={"competence": str(team.c1.id), "level": "3", "comment": "Viel geübt"},
    )
    assert response.status_code == 302
    [rating] = db.session.scalars(select(Rating)).all()
    assert (rating.source, rating.level, rating.comment) == ("self", 3, "Viel geübt")
    assert rating.employee_id == team.member.id
    html = client.get("/talente/meine-kompetenzen").get_data(as_text=True)
    row = row_of(html, team.c1)
    assert "3 – Level 3" in cell(row, "self")
    assert cell(row, "gap") == "3 3 levels below target"  # still the whole target
    history = re.search(rf'<details[^>]*id="history-{team.c1.id}".*?</details>', html, re.S)
    assert history and "Viel geübt" in history.group(0) and "Self-assessment" in history.group(0)


def test_invalid_self_assessment_shows_the_error_and_saves_nothing(client, login_as, team):
    login_as(account=team.member_user)
    response = client.post(
        "/talente/meine-kompetenzen/selbsteinschaetzung",
        data={"competence": str(team.c1.id), "level": "7"},
    )
    assert response.status_code == 422
    assert 'aria-invalid="true"' in response.get_data(as_text=True)
    response = client.post(
        "/talente/meine-kompetenzen/selbsteinschaetzung", data={"competence": "", "level": "2"}
    )
    assert response.status_code == 422
    assert count(Rating) == 0


def test_history_lists_every_entry_with_source_level_who_and_comment(client, login_as, team):
    tf.head_rating(team.member, team.c1, 1, at=utcnow() - timedelta(days=30))
    tf.head_rating(team.member, team.c1, 2, at=utcnow() - timedelta(days=2))
    tf.course_evidence(team.member, team.c1, 1, completed_on=utcnow().date() - timedelta(days=60))
    login_as(account=team.member_user)
    html = client.get("/talente/meine-kompetenzen").get_data(as_text=True)
    details = re.search(rf'<details[^>]*id="history-{team.c1.id}".*?</details>', html, re.S)
    assert details
    text = details.group(0)
    assert "3 entries" in text
    sources = re.findall(r'<tr data-source="(\w+)">', text)
    assert sources == ["head", "head", "course"]  # newest first
    assert text.count("Gute Arbeit") == 2 and "Testkurs" in text


def test_recommended_course_with_session_gap_per_ue_and_enrol_button(client, login_as, team):
    course = tf.course_with_outcomes({team.c1: 3}, duration_ue=4, title="Digital kompakt")
    session = cf.session(course, capacity=5)
    login_as(account=team.member_user)
    html = client.get("/talente/meine-kompetenzen").get_data(as_text=True)
    row = re.search(rf'<tr data-course="{course.code}">.*?</tr>', html, re.S)
    assert row, "the course is recommended"
    text = row.group(0)
    assert "Digital kompakt" in text and "5 seats left" in text
    assert re.search(r'data-cell="per-ue">0.75', text)  # 3 levels in 4 UE
    assert "3 levels in 4 UE" in text
    action = f'action="/kurse/termine/{session.id}/anmelden"'
    assert action in text and ">Enrol<" in text
    # the button's form is what the enrolment route expects
    response = client.post(f"/kurse/termine/{session.id}/anmelden")
    assert response.status_code == 302
    assert count(Enrolment, Enrolment.employee_id == team.member.id) == 1


# ---------------------------------------------------------------------------
# A member's page and the head's rating
# ---------------------------------------------------------------------------


def test_head_rating_is_dated_never_overwrites_and_changes_the_gap(client, login_as, team):
    login_as(account=team.head)
    url = f"/talente/mitglieder/{team.member.id}"
    html = client.get(url).get_data(as_text=True)
    assert 'id="rating-form"' in html
    assert cell(row_of(html, team.c1), "gap") == "3 3 levels below target"
    response = client.post(
        url + "/bewertung",
        data={"competence": str(team.c1.id), "level": "2", "comment": "Sicher im Alltag"},
    )
    assert response.status_code == 302 and response.headers["Location"].endswith(url)
    html = client.get(url).get_data(as_text=True)
    assert cell(row_of(html, team.c1), "gap") == "1 1 level below target"
    client.post(
        url + "/bewertung",
        data={"competence": str(team.c1.id), "level": "3", "comment": "Kann es anderen zeigen"},
    )
    html = client.get(url).get_data(as_text=True)
    row = row_of(html, team.c1)
    assert "target reached" in cell(row, "gap")
    assert "Rating by the department head" in cell(row, "current")
    ratings = db.session.scalars(select(Rating).order_by(Rating.id)).all()
    assert [(r.level, r.source, r.rated_by_id) for r in ratings] == [
        (2, RatingSource.HEAD.value, team.head.id),
        (3, RatingSource.HEAD.value, team.head.id),
    ]
    assert "Sicher im Alltag" in html and "Kann es anderen zeigen" in html


def test_rating_needs_a_comment_and_a_competence_of_the_profile(client, login_as, team):
    login_as(account=team.head)
    url = f"/talente/mitglieder/{team.member.id}/bewertung"
    response = client.post(url, data={"competence": str(team.c1.id), "level": "2"})
    assert response.status_code == 422
    assert "Please explain the rating in a comment." in response.get_data(as_text=True)
    foreign = comp(team.fw)
    response = client.post(url, data={"competence": str(foreign.id), "level": "2", "comment": "x"})
    assert response.status_code == 422
    assert count(Rating) == 0


def test_a_head_cannot_rate_outside_the_subtree_or_themselves(client, login_as, team):
    login_as(account=team.head)
    data = {"competence": str(team.c1.id), "level": "2", "comment": "x"}
    assert (
        client.post(f"/talente/mitglieder/{team.outsider.id}/bewertung", data=data).status_code
        == 403
    )
    own = client.post(f"/talente/mitglieder/{team.head.employee_id}/bewertung", data=data)
    assert own.status_code == 403
    assert count(Rating) == 0


def test_the_member_page_is_read_only_without_enrol_buttons(client, login_as, team):
    course = tf.course_with_outcomes({team.c1: 3})
    cf.session(course)
    login_as(account=team.head)
    html = client.get(f"/talente/mitglieder/{team.member.id}").get_data(as_text=True)
    assert f'data-course="{course.code}"' in html
    assert "/anmelden" not in html and 'id="self-assessment-form"' not in html


# ---------------------------------------------------------------------------
# Queries, navigation, start page
# ---------------------------------------------------------------------------


def _profile_queries(client, head, member, competences) -> int:
    for c in competences:
        tf.head_rating(member, c, 1, at=utcnow() - timedelta(days=5))
        tf.self_rating(member, c, 2, at=utcnow() - timedelta(days=4))
        cf.session(tf.course_with_outcomes({c: 3}))
    client.get(f"/talente/mitglieder/{member.id}")  # warm up
    with count_queries(db.engine) as queries:
        assert client.get(f"/talente/mitglieder/{member.id}").status_code == 200
    return queries.count


def test_the_member_page_runs_a_fixed_number_of_queries(client, login_as, make):
    fw = scale()
    dept = make.department()
    head = login_as(account=make.user(Role.HEAD, emp=make.employee(dept)))
    counts = []
    for size in (2, 8):
        role = make.job_role()
        competences = [comp(fw) for _ in range(size)]
        for c in competences:
            tf.target(role, c, 3)
        member = make.employee(dept, job_role=role)
        counts.append(_profile_queries(client, head, member, competences))
    assert counts[0] == counts[1], counts


def test_nav_and_start_page_panel(app, client, login_as, team):
    tf.head_rating(team.member, team.c2, 2, at=utcnow() - timedelta(days=1))
    login_as(account=team.member_user)
    with app.test_request_context():
        endpoints = {i["endpoint"] for i in nav_for(team.member_user).get("main", [])}
        assert "talent.my_competencies" in endpoints and "talent.team" not in endpoints
    html = client.get("/").get_data(as_text=True)
    assert "My competencies" in html
    assert re.search(
        r'data-figure="my-gaps">1 of 2 competences of your role profile is below', html
    )
    assert 'href="/talente/meine-kompetenzen"' in html
