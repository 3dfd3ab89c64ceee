"""The fast-track pages over HTTP: the employee's page (open cohorts, applying,
withdrawing, nominations) and the head's candidates page (statements, nominating, the
access log) — who may see and do what, and bad input shown next to its field."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from flask import url_for
from sqlalchemy import func, select

from academy.accounts.models import Role
from academy.audit.models import AccessLogEntry
from academy.clock import to_berlin, utcnow
from academy.extensions import db as ext_db
from talent.programmes.cohort_models import Application
from talent.programmes.models import ApplicationState, CohortStatus, Endorsement
from talent.programmes.pages import head as head_page
from tests.querycount import count_queries
from tests.talent import programme_factories as pf

MOTIVATION = "Ich möchte Verwaltungsprozesse digital gestalten und dafür Verantwortung übernehmen."
MY_PAGE = "/talente/nachwuchsprogramme"
CANDIDATES = "/talente/kandidaten"


def today():
    return to_berlin(utcnow()).date()


def open_cohort(prog=None, **fields):
    """A cohort open for applications today (real time: the views use the clock)."""
    fields.setdefault("opens", today() - timedelta(days=5))
    fields.setdefault("closes", today() + timedelta(days=20))
    return pf.cohort(prog, **fields)


def application_count() -> int:
    return ext_db.session.scalar(select(func.count(Application.id)))


@pytest.fixture()
def team(db, make):
    dept = make.department(name="Amt für Digitalisierung")
    head_emp = make.employee(dept, first_name="Helga", last_name="Haupt")
    head = make.user(Role.HEAD, emp=head_emp, password=None)
    sub = make.department(parent=dept)
    member = make.employee(sub, first_name="Mia", last_name="Muster")
    member_user = make.user(emp=member, password=None)
    other_dept = make.department()
    stranger = make.employee(other_dept, first_name="Otto", last_name="Fremd")
    other_head = make.user(Role.HEAD, emp=make.employee(other_dept), password=None)
    return {
        "head": head,
        "member": member,
        "member_user": member_user,
        "stranger": stranger,
        "other_head": other_head,
        "sub": sub,
    }


# ---------------------------------------------------------------------------
# Who may open the pages
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.COUNCIL, Role.TRAINER, Role.ADMIN])
def test_accounts_without_a_personnel_record_get_403_on_both_pages(client, login_as, make, role):
    login_as(account=make.user(role, with_employee=False, password=None))
    assert client.get(MY_PAGE).status_code == 403
    assert client.get(CANDIDATES).status_code == 403


@pytest.mark.parametrize("role", [Role.COUNCIL, Role.TRAINER, Role.HR])
def test_only_heads_open_the_candidates_page(client, login_as, role):
    login_as(role)
    assert client.get(CANDIDATES).status_code == 403
    assert client.post("/talente/kandidaten/nominieren").status_code == 403


def test_anonymous_is_sent_to_the_login(client, db):
    response = client.get(MY_PAGE)
    assert response.status_code in (302, 401)


def test_navigation_shows_each_page_to_its_people(client, login_as, team):
    login_as(account=team["member_user"])
    html = client.get(MY_PAGE).get_data(as_text=True)
    assert f'href="{MY_PAGE}"' in html and f'href="{CANDIDATES}"' not in html
    login_as(account=team["head"])
    html = client.get(CANDIDATES).get_data(as_text=True)
    assert f'href="{CANDIDATES}"' in html


# ---------------------------------------------------------------------------
# The employee's page
# ---------------------------------------------------------------------------


def test_page_shows_open_cohorts_eligibility_and_the_form(client, login_as, team):
    fits = open_cohort(pf.programme(title="Digitale Verwaltung gestalten"))
    closed = open_cohort(pay_groups=["A 16"])
    pf.cohort(status=CohortStatus.DRAFT, opens=today(), closes=today() + timedelta(days=3))
    login_as(account=team["member_user"])
    response = client.get(MY_PAGE)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Digitale Verwaltung gestalten" in html
    assert f'action="/talente/nachwuchsprogramme/{fits.id}/bewerben"' in html
    assert f'id="cohort-{closed.id}-reasons"' in html and "A 16" in html
    assert f"/talente/nachwuchsprogramme/{closed.id}/bewerben" not in html
    assert html.count('class="card mb-3" id="cohort-') == 2  # the draft is not shown


def test_apply_over_http(client, login_as, team):
    cohort = open_cohort()
    login_as(account=team["member_user"])
    response = client.post(
        f"/talente/nachwuchsprogramme/{cohort.id}/bewerben",
        data={f"cohort-{cohort.id}-motivation": MOTIVATION},
    )
    assert response.status_code == 302
    app = ext_db.session.scalar(select(Application))
    assert (app.employee_id, app.state, app.motivation) == (
        team["member"].id,
        "submitted",
        MOTIVATION,
    )
    html = client.get(MY_PAGE).get_data(as_text=True)
    assert f'id="application-{app.id}"' in html


@pytest.mark.parametrize("motivation", ["", "zu kurz", "x" * 4001])
def test_bad_motivation_is_shown_next_to_the_field(client, login_as, team, motivation):
    cohort = open_cohort()
    login_as(account=team["member_user"])
    response = client.post(
        f"/talente/nachwuchsprogramme/{cohort.id}/bewerben",
        data={f"cohort-{cohort.id}-motivation": motivation},
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    field_id = f"cohort-{cohort.id}-motivation"
    assert re.search(
        rf'id="{field_id}"[^>]*aria-invalid="true"|aria-invalid="true"[^>]*id="{field_id}"', html
    ) or (f'aria-describedby="{field_id}-error"' in html)
    assert f'id="{field_id}-error"' in html
    assert application_count() == 0


def test_apply_to_a_cohort_not_open_changes_nothing(client, login_as, team):
    draft = pf.cohort(status=CohortStatus.DRAFT, opens=today(), closes=today() + timedelta(days=3))
    login_as(account=team["member_user"])
    response = client.post(
        f"/talente/nachwuchsprogramme/{draft.id}/bewerben",
        data={f"cohort-{draft.id}-motivation": MOTIVATION},
    )
    assert response.status_code == 409
    assert application_count() == 0
    assert (
        client.post(
            "/talente/nachwuchsprogramme/999999/bewerben",
            data={"cohort-999999-motivation": MOTIVATION},
        ).status_code
        == 404
    )


def test_employee_sees_only_own_applications(client, login_as, team, make):
    cohort = open_cohort()
    mine = pf.application(cohort, team["member"])
    theirs = pf.application(cohort, team["stranger"])
    login_as(account=team["member_user"])
    html = client.get(MY_PAGE).get_data(as_text=True)
    assert f'id="application-{mine.id}"' in html
    assert f'id="application-{theirs.id}"' not in html
    assert "Fremd" not in html


def test_someone_elses_application_is_403_and_unknown_404(client, login_as, team):
    cohort = open_cohort()
    theirs = pf.application(cohort, team["stranger"])
    nomination = pf.application(open_cohort(), team["stranger"], state=ApplicationState.NOMINATED)
    login_as(account=team["member_user"])
    base = "/talente/nachwuchsprogramme/bewerbungen"
    assert client.post(f"{base}/{theirs.id}/zurueckziehen").status_code == 403
    assert client.post(f"{base}/{nomination.id}/ablehnen").status_code == 403
    assert (
        client.post(
            f"{base}/{nomination.id}/annehmen",
            data={f"nomination-{nomination.id}-motivation": MOTIVATION},
        ).status_code
        == 403
    )
    assert client.post(f"{base}/999999/zurueckziehen").status_code == 404
    ext_db.session.expire_all()
    assert (theirs.state, nomination.state) == ("submitted", "nominated")


def test_withdraw_own_application(client, login_as, team):
    app = pf.application(open_cohort(), team["member"])
    login_as(account=team["member_user"])
    html = client.get(MY_PAGE).get_data(as_text=True)
    assert "data-confirm=" in html  # withdrawing asks first
    response = client.post(f"/talente/nachwuchsprogramme/bewerbungen/{app.id}/zurueckziehen")
    assert response.status_code == 302
    ext_db.session.expire_all()
    assert app.state == ApplicationState.WITHDRAWN


def test_withdraw_after_the_decisions_is_refused(client, login_as, team):
    app = pf.application(
        pf.cohort(
            status=CohortStatus.RUNNING,
            opens=today() - timedelta(days=90),
            closes=today() - timedelta(days=60),
        ),
        team["member"],
        state=ApplicationState.ACCEPTED,
    )
    login_as(account=team["member_user"])
    response = client.post(
        f"/talente/nachwuchsprogramme/bewerbungen/{app.id}/zurueckziehen", follow_redirects=True
    )
    assert response.status_code == 200
    ext_db.session.expire_all()
    assert app.state == ApplicationState.ACCEPTED


def test_page_shows_the_statement_but_never_scores(client, login_as, team):
    cohort = open_cohort()
    app = pf.application(cohort, team["member"], endorsement=Endorsement.NOT_ENDORSED)
    app.endorsement_comment = "Bitte erst die Grundlagenkurse abschließen."
    pf.score(app, cohort.criteria[0], 4, "Interner Kommentar zur Bewertung")
    login_as(account=team["member_user"])
    html = client.get(MY_PAGE).get_data(as_text=True)
    assert "Bitte erst die Grundlagenkurse abschließen." in html
    assert "Interner Kommentar zur Bewertung" not in html


def test_accept_and_decline_nominations(client, login_as, team):
    first = pf.application(open_cohort(), team["member"], state=ApplicationState.NOMINATED)
    second = pf.application(open_cohort(), team["member"], state=ApplicationState.NOMINATED)
    login_as(account=team["member_user"])
    html = client.get(MY_PAGE).get_data(as_text=True)
    assert f'id="nomination-{first.id}"' in html and f'id="nomination-{second.id}"' in html
    base = "/talente/nachwuchsprogramme/bewerbungen"
    bad = client.post(
        f"{base}/{first.id}/annehmen", data={f"nomination-{first.id}-motivation": "kurz"}
    )
    assert bad.status_code == 422
    assert f'id="nomination-{first.id}-motivation-error"' in bad.get_data(as_text=True)
    ok = client.post(
        f"{base}/{first.id}/annehmen", data={f"nomination-{first.id}-motivation": MOTIVATION}
    )
    assert ok.status_code == 302
    assert client.post(f"{base}/{second.id}/ablehnen").status_code == 302
    ext_db.session.expire_all()
    assert (first.state, first.motivation) == ("submitted", MOTIVATION)
    assert second.state == "withdrawn"


# ---------------------------------------------------------------------------
# The head's page
# ---------------------------------------------------------------------------


def test_head_sees_the_subtree_and_the_access_log_records_each_person(client, login_as, team):
    cohort = open_cohort()
    mine = pf.application(cohort, team["member"])
    theirs = pf.application(cohort, team["stranger"])
    own = pf.application(cohort, team["head"].employee)
    login_as(account=team["head"])
    response = client.get(CANDIDATES)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert f'id="application-{mine.id}"' in html
    assert f'id="application-{theirs.id}"' not in html and f'id="application-{own.id}"' not in html
    entries = list(
        ext_db.session.scalars(
            select(AccessLogEntry).where(AccessLogEntry.actor_id == team["head"].id)
        )
    )
    assert [(e.subject_id, e.what) for e in entries] == [
        (team["member"].id, "programme_application")
    ]


def test_candidates_list_is_paginated(app, client, login_as, team, make, monkeypatch):
    monkeypatch.setitem(app.config, "PAGE_SIZE", 2)
    cohort = open_cohort()
    apps = [pf.application(cohort, make.employee(team["sub"])) for _ in range(3)]
    login_as(account=team["head"])
    html = client.get(CANDIDATES).get_data(as_text=True)
    assert sum(f'id="application-{a.id}"' in html for a in apps) == 2
    assert 'aria-label="Seiten"' in html or "page=2" in html
    logged = ext_db.session.scalar(
        select(func.count(AccessLogEntry.id)).where(AccessLogEntry.actor_id == team["head"].id)
    )
    assert logged == 2  # only the people on the page


def test_endorse_over_http(client, login_as, team):
    app = pf.application(open_cohort(), team["member"])
    login_as(account=team["head"])
    response = client.post(
        f"/talente/kandidaten/{app.id}/stellungnahme",
        data={f"app-{app.id}-decision": "endorsed", f"app-{app.id}-comment": "Sehr geeignet."},
    )
    assert response.status_code == 302
    ext_db.session.expire_all()
    assert (app.endorsement, app.endorsement_comment) == ("endorsed", "Sehr geeignet.")


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"decision": "endorsed", "comment": ""}, "comment"),
        ({"decision": "", "comment": "Gut"}, "decision"),
        ({"decision": "maybe", "comment": "Gut"}, "decision"),
    ],
)
def test_bad_statement_is_shown_next_to_the_field(client, login_as, team, data, field):
    app = pf.application(open_cohort(), team["member"])
    login_as(account=team["head"])
    response = client.post(
        f"/talente/kandidaten/{app.id}/stellungnahme",
        data={f"app-{app.id}-{k}": v for k, v in data.items()},
    )
    assert response.status_code == 422
    assert f'id="app-{app.id}-{field}-error"' in response.get_data(as_text=True)
    ext_db.session.expire_all()
    assert (app.endorsement, app.endorsement_comment) == ("pending", None)


def test_statement_on_another_heads_people_is_403_unknown_404(client, login_as, team):
    theirs = pf.application(open_cohort(), team["stranger"])
    login_as(account=team["head"])
    data = {f"app-{theirs.id}-decision": "endorsed", f"app-{theirs.id}-comment": "Gut"}
    assert (
        client.post(f"/talente/kandidaten/{theirs.id}/stellungnahme", data=data).status_code == 403
    )
    assert client.post("/talente/kandidaten/999999/stellungnahme", data=data).status_code == 404
    ext_db.session.expire_all()
    assert theirs.endorsement == "pending"


def test_nominate_from_the_list(client, login_as, team):
    cohort = open_cohort()
    login_as(account=team["head"])
    html = client.get(CANDIDATES).get_data(as_text=True)
    people = re.search(r'<select[^>]*name="employee".*?</select>', html, re.S).group(0)
    assert f'<option value="{team["member"].id}">' in people
    assert f'<option value="{team["stranger"].id}">' not in people
    assert f'<option value="{team["head"].employee_id}">' not in people
    response = client.post(
        "/talente/kandidaten/nominieren",
        data={"employee": team["member"].id, "cohort": cohort.id, "note": "Sehr engagiert."},
    )
    assert response.status_code == 302
    app = ext_db.session.scalar(select(Application))
    assert (app.employee_id, app.state, app.endorsement) == (
        team["member"].id,
        "nominated",
        "endorsed",
    )


def test_nominating_another_heads_person_is_403_unknown_404(client, login_as, team):
    cohort = open_cohort()
    login_as(account=team["head"])
    url = "/talente/kandidaten/nominieren"
    data = {"cohort": cohort.id, "note": "Gut"}
    assert client.post(url, data={**data, "employee": team["stranger"].id}).status_code == 403
    assert client.post(url, data={**data, "employee": 999999}).status_code == 404
    assert client.post(url, data={**data, "employee": team["head"].employee_id}).status_code == 403
    assert application_count() == 0


def test_bad_nomination_is_shown_next_to_the_field(client, login_as, team):
    open_cohort()
    login_as(account=team["head"])
    response = client.post(
        "/talente/kandidaten/nominieren",
        data={"employee": team["member"].id, "cohort": "", "note": ""},
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="cohort-error"' in html and 'id="note-error"' in html
    assert application_count() == 0


def test_ineligible_nominee_is_refused_with_the_reason(client, login_as, team):
    cohort = open_cohort(pay_groups=["A 16"])
    login_as(account=team["head"])
    response = client.post(
        "/talente/kandidaten/nominieren",
        data={"employee": team["member"].id, "cohort": cohort.id, "note": "Gut"},
    )
    assert response.status_code == 422
    assert "A 16" in response.get_data(as_text=True)
    assert application_count() == 0


def test_large_team_nominates_by_personnel_number(client, login_as, team, monkeypatch):
    monkeypatch.setattr(head_page, "NOMINEE_LIST_MAX", 0)
    cohort = open_cohort()
    login_as(account=team["head"])
    html = client.get(CANDIDATES).get_data(as_text=True)
    assert 'name="personnel_no"' in html and 'name="employee"' not in html
    url = "/talente/kandidaten/nominieren"
    outside = client.post(
        url,
        data={"personnel_no": team["stranger"].personnel_no, "cohort": cohort.id, "note": "Gut"},
    )
    assert outside.status_code == 422
    assert 'id="personnel_no-error"' in outside.get_data(as_text=True)
    assert application_count() == 0
    ok = client.post(
        url, data={"personnel_no": team["member"].personnel_no, "cohort": cohort.id, "note": "Gut"}
    )
    assert ok.status_code == 302
    assert application_count() == 1


def test_candidates_page_query_count_does_not_grow(client, login_as, team, make):
    cohort = open_cohort()
    login_as(account=team["head"])

    def statements() -> int:
        assert client.get(CANDIDATES).status_code == 200
        with count_queries(ext_db.engine) as queries:
            assert client.get(CANDIDATES).status_code == 200
        return queries.count

    pf.application(cohort, make.employee(team["sub"]))
    one = statements()
    for _ in range(4):
        pf.application(open_cohort(), make.employee(make.department(parent=team["sub"])))
    assert statements() == one


def test_my_page_query_count_does_not_grow(client, login_as, team):
    login_as(account=team["member_user"])

    def statements() -> int:
        assert client.get(MY_PAGE).status_code == 200
        with count_queries(ext_db.engine) as queries:
            assert client.get(MY_PAGE).status_code == 200
        return queries.count

    pf.application(open_cohort(), team["member"])
    open_cohort()
    one = statements()
    for _ in range(4):
        pf.application(open_cohort(), team["member"], endorsement=Endorsement.ENDORSED)
        open_cohort()
    assert statements() == one


def running_cohort():
    return pf.cohort(
        status=CohortStatus.RUNNING,
        opens=today() - timedelta(days=120),
        closes=today() - timedelta(days=90),
        starts=today() - timedelta(days=30),
        ends=today() + timedelta(days=400),
    )


def test_member_is_shown_the_way_to_their_programme_page(app, client, login_as, team):
    cohort = running_cohort()
    member = pf.member(cohort, team["member"])
    login_as(account=team["member_user"])
    html = client.get(MY_PAGE).get_data(as_text=True)
    assert f'id="membership-{member.id}"' in html
    with app.test_request_context():
        assert f'href="{url_for("talent.my_programme", member_id=member.id)}"' in html


def test_head_sees_team_members_in_running_programmes(client, login_as, team):
    cohort = running_cohort()
    ours = pf.member(cohort, team["member"])
    theirs = pf.member(cohort, team["stranger"])
    login_as(account=team["head"])
    html = client.get(CANDIDATES).get_data(as_text=True)
    assert f'id="member-{ours.id}"' in html and f'id="member-{theirs.id}"' not in html
    logged = ext_db.session.execute(
        select(AccessLogEntry.subject_id, AccessLogEntry.what).where(
            AccessLogEntry.actor_id == team["head"].id
        )
    ).all()
    assert [tuple(row) for row in logged] == [(team["member"].id, "programme_progress")]
