"""The team pages over HTTP: the matrix (numbers and colour, headers, legend, filters,
per-competence figures or "withheld" below the minimum group size), the access log per
member shown, CSV and XLSX exports as German Excel expects them, the training plan, the
head's start-page panel — and a fixed number of queries however many members."""

from __future__ import annotations

import codecs
import csv
import io
import re
from datetime import timedelta
from types import SimpleNamespace

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from academy.accounts.models import Role
from academy.audit.models import AccessLogEntry
from academy.clock import utcnow
from academy.extensions import db
from academy.frameworks.models import Competence, Framework, FrameworkLevel
from academy.web.navigation import nav_for
from tests import factories
from tests.courses import factories as cf
from tests.querycount import count_queries
from tests.talent import factories as tf

TEAM_URLS = ["/talente/team", "/talente/team.csv", "/talente/team.xlsx", "/talente/team/plan"]


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


def log_entries(what: str) -> list[AccessLogEntry]:
    return list(db.session.scalars(select(AccessLogEntry).where(AccessLogEntry.what == what)))


def footer(html: str, key: str) -> list[str]:
    """The texts of a footer row's cells (per competence)."""
    match = re.search(rf'<tr data-figure="{key}"[^>]*>(.*?)</tr>', html, re.S)
    assert match, f"no footer row {key}"
    cells = re.findall(r"<td[^>]*>(.*?)</td>", match.group(1), re.S)
    return [" ".join(re.sub(r"<[^>]+>", " ", c).split()) for c in cells]


@pytest.fixture()
def team(make):
    """Head of a department with a sub-department: three members with targets (c1: 3,
    c2: 2 in one area; c3: 2 in another), levels c1 = 1, 3, none; an outsider."""
    fw = scale()
    area_a, area_b = tf.area(fw), tf.area(fw)
    c1, c2, c3 = tf.competence(area_a), tf.competence(area_a), tf.competence(area_b)
    role = make.job_role(title="Digitallotse")
    other_role = make.job_role(title="Sachbearbeitung")
    for c, level in ((c1, 3), (c2, 2), (c3, 2)):
        tf.target(role, c, level)
    tf.target(other_role, c1, 2)
    dept = make.department("Amt für Digitales")
    sub = make.department("Team Online-Dienste", parent=dept)
    head = make.user(Role.HEAD, emp=make.employee(dept, first_name="Hanna", last_name="Haupt"))
    anna = make.employee(dept, job_role=role, first_name="Anna", last_name="Adler")
    bert = make.employee(sub, job_role=role, first_name="Bert", last_name="Berg")
    carl = make.employee(dept, job_role=other_role, first_name="Carl", last_name="Cramer")
    outsider = make.employee(make.department("Ordnungsamt"), job_role=role, last_name="Außen")
    at = utcnow() - timedelta(days=3)
    tf.head_rating(anna, c1, 1, at=at)
    tf.head_rating(bert, c1, 3, at=at)
    return SimpleNamespace(
        fw=fw,
        area_a=area_a,
        area_b=area_b,
        c1=c1,
        c2=c2,
        c3=c3,
        role=role,
        other_role=other_role,
        dept=dept,
        sub=sub,
        head=head,
        anna=anna,
        bert=bert,
        carl=carl,
        outsider=outsider,
    )


# ---------------------------------------------------------------------------
# Permissions
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("url", TEAM_URLS)
def test_anonymous_is_sent_to_login(client, url):
    response = client.get(url)
    assert response.status_code == 302 and "/anmelden" in response.headers["Location"]


@pytest.mark.parametrize("probe", [Role.EMPLOYEE, Role.COUNCIL, Role.ADMIN, Role.TRAINER])
def test_others_get_403_and_nothing_is_logged(client, login_as, team, probe):
    login_as(probe)
    for url in TEAM_URLS:
        assert client.get(url).status_code == 403, url
    assert db.session.scalar(select(func.count()).select_from(AccessLogEntry)) == 0


def test_a_head_sees_the_subtree_only(client, login_as, team):
    login_as(account=team.head)
    html = client.get("/talente/team").get_data(as_text=True)
    for person in (team.anna, team.bert, team.carl, team.head.employee):
        assert f'data-member="{person.id}"' in html
    assert f'data-member="{team.outsider.id}"' not in html and "Außen" not in html
    assert f'href="/talente/mitglieder/{team.anna.id}"' in html
    # a department outside the subtree is refused, whatever id is typed
    other = team.outsider.department_id
    for url in TEAM_URLS:
        assert client.get(f"{url}?department={other}").status_code == 403, url
    # the sub-department only
    html = client.get(f"/talente/team?department={team.sub.id}").get_data(as_text=True)
    assert f'data-member="{team.bert.id}"' in html and f'data-member="{team.anna.id}"' not in html


def test_hr_sees_everyone_and_filters_by_department(client, login_as, team):
    login_as(Role.HR)
    html = client.get("/talente/team").get_data(as_text=True)
    assert f'data-member="{team.outsider.id}"' in html
    html = client.get(f"/talente/team?department={team.dept.id}").get_data(as_text=True)
    assert f'data-member="{team.outsider.id}"' not in html
    assert f'data-member="{team.bert.id}"' in html


@pytest.mark.parametrize("url", ["/talente/team", "/talente/team/plan", "/talente/team.csv"])
def test_a_filter_id_beyond_the_database_range_names_nobody(client, login_as, team, url):
    """Found by tests/test_form_fuzz.py: 10**30 reached the database (OverflowError, 500)."""
    login_as(Role.HR)
    response = client.get(f"{url}?department={10**30}&area=-{10**30}&job_role={10**30}")
    assert response.status_code == 404  # no such department, as for any unknown id
    assert f'data-member="{team.bert.id}"' not in response.get_data(as_text=True)


# ---------------------------------------------------------------------------
# The matrix
# ---------------------------------------------------------------------------


def test_cells_show_the_gap_as_number_text_and_colour(client, login_as, team):
    login_as(account=team.head)
    html = client.get("/talente/team").get_data(as_text=True)
    assert "<caption" in html and 'id="legend"' in html
    assert re.search(rf'<th scope="col"[^>]*data-competence="{team.c1.code}"', html)
    assert re.search(r'<th scope="row" class="sticky-col"><a href="/talente/mitglieder/', html)
    row = re.search(rf'<tr data-member="{team.anna.id}">.*?</tr>', html, re.S).group(0)
    cells = re.findall(r'<td class="([^"]*)" data-gap="(\d*)">(.*?)</td>', row, re.S)
    (c1_class, c1_gap, c1_text), (_, c2_gap, _), (_, c3_gap, _) = cells
    assert (c1_gap, c2_gap, c3_gap) == ("2", "2", "2")
    assert "table-danger" in c1_class
    assert f"{team.c1.code}: gap 2, current level 1, target 3" in c1_text  # not colour alone
    assert "1/3" in c1_text and "gap 2" in c1_text  # number and word beside the colour
    bert = re.search(rf'<tr data-member="{team.bert.id}">.*?</tr>', html, re.S).group(0)
    assert re.search(r'class="[^"]*table-success[^"]*" data-gap="0">', bert)
    carl = re.search(rf'<tr data-member="{team.carl.id}">.*?</tr>', html, re.S).group(0)
    assert f"{team.c2.code}: no target" in carl


def test_figures_are_withheld_below_the_minimum_group_size(
    app, client, login_as, team, monkeypatch
):
    login_as(account=team.head)
    html = client.get("/talente/team").get_data(as_text=True)
    # c1: 3 members with a target, fewer than the default 5
    assert footer(html, "below_target")[0] == "withheld (fewer than 5 people)"
    assert footer(html, "total_gap")[0] == "withheld (fewer than 5 people)"
    assert 'id="withheld-note"' in html
    monkeypatch.setitem(app.config, "MIN_GROUP_SIZE", 3)
    html = client.get("/talente/team").get_data(as_text=True)
    # c1: Anna 2, Bert 0, Carl 2 (target 2, nothing) → 2 below, total 4, average 1.33
    assert footer(html, "below_target")[0] == "2"
    assert footer(html, "total_gap")[0] == "4"
    assert footer(html, "average")[0] == "1.33"
    # c2: only Anna and Bert have the target → still withheld
    assert footer(html, "total_gap")[1] == "withheld (fewer than 3 people)"


def test_filters_by_area_and_job_role(client, login_as, team):
    login_as(account=team.head)
    html = client.get(f"/talente/team?area={team.area_b.id}").get_data(as_text=True)
    assert f'data-competence="{team.c3.code}"' in html
    assert f'data-competence="{team.c1.code}"' not in html
    html = client.get(f"/talente/team?job_role={team.other_role.id}").get_data(as_text=True)
    assert f'data-member="{team.carl.id}"' in html and f'data-member="{team.anna.id}"' not in html
    assert f'data-competence="{team.c2.code}"' not in html
    # the export links keep the filters
    assert f"/talente/team.csv?job_role={team.other_role.id}" in html


def test_one_access_log_entry_per_member_shown(client, login_as, team):
    login_as(account=team.head)
    client.get("/talente/team")
    entries = log_entries("team.matrix")
    subjects = sorted(e.subject_id for e in entries)
    # every member shown except the head themselves
    assert subjects == sorted([team.anna.id, team.bert.id, team.carl.id])
    assert {e.actor_id for e in entries} == {team.head.id}


def test_the_matrix_is_paginated_and_logs_only_the_page(app, client, login_as, team, monkeypatch):
    monkeypatch.setitem(app.config, "PAGE_SIZE", 2)
    login_as(account=team.head)
    html = client.get("/talente/team").get_data(as_text=True)
    assert len(re.findall(r'<tr data-member="', html)) == 2
    assert "page 1 of 2" in html
    # Adler and Berg on page 1 (Cramer and the head herself on page 2)
    assert sorted(e.subject_id for e in log_entries("team.matrix")) == [team.anna.id, team.bert.id]


# ---------------------------------------------------------------------------
# Exports
# ---------------------------------------------------------------------------


def test_csv_opens_in_german_excel(app, client, login_as, team, monkeypatch):
    monkeypatch.setitem(app.config, "MIN_GROUP_SIZE", 3)
    login_as(account=team.head)
    response = client.get("/talente/team.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    body = response.data
    assert body.startswith(codecs.BOM_UTF8)
    rows = list(csv.reader(io.StringIO(body[3:].decode("utf-8")), delimiter=";"))
    assert rows[0][:3] == ["Member", "Department", "Job role"]
    assert rows[0][3] == f"{team.c1.code} Competence {team.c1.code[1:]}: current level"
    # the figures first (as on the page), an empty row, then the members
    assert [r[0] for r in rows[1:5]] == [
        "Members with a target",
        "Members below target",
        "Total gap",
        "Average gap per member with a target",
    ]
    assert rows[5] == []
    names = [r[0] for r in rows[6:10]]
    assert names == ["Adler, Anna", "Berg, Bert", "Cramer, Carl", "Haupt, Hanna"]
    assert rows[6][1] == "Amt für Digitales"  # umlauts survive
    assert rows[6][3:6] == ["1", "3", "2"]  # c1: current, target, gap
    figures = {r[0]: r for r in rows if r and r[0].startswith(("Members", "Total", "Average"))}
    assert figures["Members below target"][5] == "2"
    assert figures["Total gap"][5] == "4"
    assert figures["Average gap per member with a target"][5] == "1,33"  # decimal comma
    assert figures["Total gap"][8] == "withheld (fewer than 3 people)"  # c2


def test_csv_keeps_the_withheld_rule_and_logs_every_exported_member(client, login_as, team):
    login_as(account=team.head)
    rows = list(
        csv.reader(io.StringIO(client.get("/talente/team.csv").data[3:].decode()), delimiter=";")
    )
    total = next(r for r in rows if r and r[0] == "Total gap")
    assert total[5] == "withheld (fewer than 5 people)"
    assert sorted(e.subject_id for e in log_entries("team.export")) == sorted(
        [team.anna.id, team.bert.id, team.carl.id]
    )


def test_csv_neutralises_formulas_in_names(client, login_as, team):
    team.anna.last_name = "=HYPERLINK(1)"
    db.session.flush()
    login_as(account=team.head)
    text = client.get("/talente/team.csv").data.decode("utf-8-sig")
    assert "'=HYPERLINK(1), Anna" in text


def test_xlsx_has_bold_header_frozen_panes_and_the_same_data(
    app, client, login_as, team, monkeypatch
):
    monkeypatch.setitem(app.config, "MIN_GROUP_SIZE", 3)
    login_as(account=team.head)
    response = client.get(f"/talente/team.xlsx?department={team.dept.id}")
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    sheet = load_workbook(io.BytesIO(response.data)).active
    assert sheet.freeze_panes == "B6"  # header and the four figure rows, the names
    assert sheet["A1"].value == "Member" and sheet["A1"].font.b
    assert all(c.font.b for c in sheet[1] if c.value is not None)
    assert sheet["A2"].value == "Members with a target" and sheet["A2"].font.b
    assert sheet["A6"].value == "Adler, Anna"
    assert (sheet["D6"].value, sheet["E6"].value, sheet["F6"].value) == (1, 3, 2)
    values = {row[0]: row for row in sheet.iter_rows(values_only=True) if row[0]}
    assert values["Total gap"][5] == 4
    assert values["Average gap per member with a target"][5] == pytest.approx(1.33)
    assert values["Total gap"][8] == "withheld (fewer than 3 people)"


# ---------------------------------------------------------------------------
# Training plan
# ---------------------------------------------------------------------------


def test_training_plan_names_the_session_members_and_gap_closed(client, login_as, team):
    course = tf.course_with_outcomes({team.c1: 3, team.c2: 2}, duration_ue=8, title="Digitalfit")
    session = cf.session(course, capacity=10)
    login_as(account=team.head)
    html = client.get("/talente/team/plan").get_data(as_text=True)
    row = re.search(rf'<tr data-session="{session.id}">.*?</tr>', html, re.S)
    assert row, "the session is planned"
    text = row.group(0)
    assert "Digitalfit" in text
    # Anna: c1 1→3 (2) + c2 0→2 (2) = 4; Bert: c2 0→2 = 2; Carl: c1 0→2 = 2
    assert re.search(r'data-figure="closed">8 levels<', text)
    for person in (team.anna, team.bert, team.carl):
        assert f'href="/talente/mitglieder/{person.id}"' in text
    assert re.search(r'data-figure="plan-closed">8 levels<', html)
    assert sorted(e.subject_id for e in log_entries("team.plan")) == sorted(
        [team.anna.id, team.bert.id, team.carl.id]
    )


def test_training_plan_without_sessions_says_so(client, login_as, team):
    login_as(account=team.head)
    html = client.get("/talente/team/plan").get_data(as_text=True)
    assert 'id="no-plan"' in html and "withheld (fewer than 5 people)" in html


# ---------------------------------------------------------------------------
# Start page and navigation
# ---------------------------------------------------------------------------


def test_head_panel_lists_the_largest_gaps_or_the_withheld_note(
    app, client, login_as, team, monkeypatch
):
    login_as(account=team.head)
    html = client.get("/").get_data(as_text=True)
    assert "Team skill gaps" in html and 'data-figure="team-gaps-withheld"' in html
    monkeypatch.setitem(app.config, "MIN_GROUP_SIZE", 3)
    html = client.get("/").get_data(as_text=True)
    assert re.search(rf'data-figure="gap-{team.c1.code}">4<', html)
    assert 'data-figure="team-gaps-some-withheld"' in html  # c2, c3: two people each
    with app.test_request_context():
        endpoints = {i["endpoint"] for i in nav_for(team.head).get("main", [])}
    assert {"talent.team", "talent.my_competencies"} <= endpoints


# ---------------------------------------------------------------------------
# Queries
# ---------------------------------------------------------------------------


def _team_of(make, size: int, competences: list[Competence]) -> object:
    dept = make.department()
    head = make.user(Role.HEAD, emp=make.employee(dept))
    role = make.job_role()
    for c in competences:
        tf.target(role, c, 3)
    at = utcnow() - timedelta(days=2)
    for n in range(size):
        person = make.employee(dept, job_role=role)
        tf.head_rating(person, competences[n % len(competences)], 1 + n % 3, at=at)
        tf.self_rating(person, competences[0], 2, at=at)
    return head


@pytest.mark.parametrize("url", ["/talente/team", "/talente/team.csv", "/talente/team/plan"])
def test_queries_do_not_grow_with_the_number_of_members(
    app, client, login_as, make, monkeypatch, url
):
    monkeypatch.setitem(app.config, "PAGE_SIZE", 500)  # every member on one page
    fw = scale()
    competences = [tf.competence(tf.area(fw)) for _ in range(3)]
    cf.session(tf.course_with_outcomes({competences[0]: 3}), capacity=500)
    counts = []
    for size in (20, 200):
        login_as(account=_team_of(make, size, competences))
        client.get(url)  # warm up
        with count_queries(db.engine) as queries:
            response = client.get(url)
        assert response.status_code == 200
        counts.append(queries.count)
    assert counts[0] == counts[1], counts


def test_the_matrix_logs_200_members_in_one_statement(app, client, login_as, make, monkeypatch):
    monkeypatch.setitem(app.config, "PAGE_SIZE", 500)
    fw = scale()
    head = login_as(account=_team_of(make, 200, [tf.competence(tf.area(fw))]))
    with count_queries(db.engine) as queries:
        client.get("/talente/team")
    inserts = [
        s for s in queries.statements if s.lstrip().upper().startswith("INSERT INTO ACCESS_LOG")
    ]
    assert len(inserts) == 1
    assert len(log_entries("team.matrix")) == 200
    assert all(e.actor_id == head.id for e in log_entries("team.matrix"))


def test_employee_nav_has_no_team_entry(app, team):
    with app.test_request_context():
        account = factories.user(Role.EMPLOYEE)
        endpoints = {i["endpoint"] for i in nav_for(account).get("main", [])}
    assert "talent.team" not in endpoints and "talent.my_competencies" in endpoints
