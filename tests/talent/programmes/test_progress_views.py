"""Pages of a running cohort over HTTP: the member's own page, "My mentees" with sign-off,
HR's member management, the read-only progress page, the cohort partial — and who may
open what (403/404), with the access log for views of other people's progress."""

from __future__ import annotations

from datetime import date, timedelta

from flask import render_template
from sqlalchemy import func, select

from academy.accounts.models import Role
from academy.audit.models import AccessLogEntry, AuditLogEntry
from academy.clock import to_berlin, utcnow
from academy.extensions import db
from talent.programmes.cohort_models import CohortMember, MilestoneSignoff
from talent.programmes.models import Cohort, CohortStatus, MemberState, Programme
from talent.programmes.progress import cohort_progress
from tests import factories
from tests.courses import factories as cf
from tests.courses.support import head_of, person
from tests.talent import programme_factories as pf

TODAY = to_berlin(utcnow()).date()


def setup(days_since_start: int = 100) -> tuple[Programme, Cohort]:
    """Courses due 30 and 60 days, milestones 90 and 180 days after the start."""
    courses = [cf.course(title="Datenkompetenz Grundlagen"), cf.course(title="Scrum kompakt")]
    prog = pf.programme(courses=courses, milestones=2, title="Digitale Nachwuchskräfte")
    starts = TODAY - timedelta(days=days_since_start)
    cohort = pf.cohort(
        prog,
        status=CohortStatus.RUNNING,
        opens=starts - timedelta(days=60),
        closes=starts - timedelta(days=30),
        starts=starts,
        ends=starts + timedelta(days=540),
        criteria=(),
    )
    return prog, cohort


def member_with_mentor():
    prog, cohort = setup()
    emp, account = person()
    mentor, mentor_account = person()
    member = pf.member(cohort, emp, mentor=mentor)
    return prog, member, account, mentor_account


def access_rows(subject_id: int) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(AccessLogEntry)
        .where(AccessLogEntry.subject_id == subject_id, AccessLogEntry.what == "programme_progress")
    )


# ---------------------------------------------------------------------------
# The member's own page
# ---------------------------------------------------------------------------


def test_my_programme_page(client, login_as):
    client.set_cookie("da_lang", "en")
    prog, member, account, _mentor_account = member_with_mentor()
    first = prog.courses[0].course
    cf.completion(member.employee, prog.courses[1].course)
    login_as(account=account)

    response = client.get("/talente/mein-programm")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Digitale Nachwuchskräfte" in html
    assert member.mentor.full_name in html and f"mailto:{member.mentor.email}" in html
    assert f'href="/kurse/{first.id}"' in html  # open course: link to the course page
    assert f'href="/kurse/{prog.courses[1].course_id}"' not in html  # done: no link
    row = html.split(f'id="item-{member.id}-course-{prog.courses[0].id}"')[1].split("</tr>")[0]
    assert "Overdue" in row  # due 70 days ago, not done
    assert 'id="next-item-' in html and "Datenkompetenz Grundlagen" in html
    assert '<progress id="my-progress" value="1" max="4"' in html
    assert access_rows(member.employee_id) == 0  # one's own page is not logged
    overview = client.get("/talente/nachwuchsprogramme").get_data(as_text=True)
    assert f'href="/talente/mein-programm/{member.id}"' in overview
    assert "/talente/mentoring" not in overview


def test_my_programme_without_membership(client, login_as):
    login_as(Role.EMPLOYEE)
    response = client.get("/talente/mein-programm")
    assert response.status_code == 200
    assert 'id="no-programme"' in response.get_data(as_text=True)
    overview = client.get("/talente/nachwuchsprogramme").get_data(as_text=True)
    assert "/talente/mein-programm" not in overview and "/talente/mentoring" not in overview


def test_my_programme_needs_an_employee_record(client, login_as):
    login_as(Role.HR, account=factories.user(Role.HR, with_employee=False))
    assert client.get("/talente/mein-programm").status_code == 403


# ---------------------------------------------------------------------------
# Read-only progress page: who may see it
# ---------------------------------------------------------------------------


def test_member_progress_permissions(client, login_as):
    _prog, member, account, mentor_account = member_with_mentor()
    url = f"/talente/teilnehmende/{member.id}/fortschritt"

    login_as(account=person()[1])  # another employee
    assert client.get(url).status_code == 403
    login_as(account=head_of(factories.department()))  # head outside the subtree
    assert client.get(url).status_code == 403
    assert access_rows(member.employee_id) == 0

    login_as(account=account)  # the member
    assert client.get(url).status_code == 200
    assert access_rows(member.employee_id) == 0

    login_as(account=mentor_account)
    response = client.get(url)
    assert response.status_code == 200
    assert "Digitale Nachwuchskräfte" in response.get_data(as_text=True)
    assert access_rows(member.employee_id) == 1

    login_as(account=head_of(member.employee.department))
    assert client.get(url).status_code == 200
    assert access_rows(member.employee_id) == 2

    assert client.get("/talente/teilnehmende/999999/fortschritt").status_code == 404


# ---------------------------------------------------------------------------
# Mentor: my mentees and sign-off
# ---------------------------------------------------------------------------


def sign_off_url(member: CohortMember, milestone_id: int) -> str:
    return f"/talente/teilnehmende/{member.id}/meilensteine/{milestone_id}/abzeichnen"


def test_mentor_page_and_sign_off(client, login_as):
    client.set_cookie("da_lang", "en")
    prog, member, _account, mentor_account = member_with_mentor()
    milestone = prog.milestones[0]
    login_as(account=mentor_account)

    response = client.get("/talente/mentoring")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert member.employee.full_name in html
    assert sign_off_url(member, milestone.id) in html
    overview = client.get("/talente/nachwuchsprogramme").get_data(as_text=True)
    assert 'href="/talente/mentoring"' in overview  # the fast-track page links mentors here
    assert access_rows(member.employee_id) == 1

    prefix = f"s{member.id}-{milestone.id}"
    response = client.post(
        sign_off_url(member, milestone.id),
        data={f"{prefix}-met_on": TODAY.isoformat(), f"{prefix}-note": "Projekt präsentiert"},
    )
    assert response.status_code == 302 and response.location.endswith("/talente/mentoring")
    signoff = db.session.scalar(
        select(MilestoneSignoff).where(MilestoneSignoff.member_id == member.id)
    )
    assert (signoff.met_on, signoff.note) == (TODAY, "Projekt präsentiert")

    again = client.post(sign_off_url(member, milestone.id), data={f"{prefix}-met_on": TODAY})
    assert again.status_code == 409  # already signed off
    assert "already been signed off" in again.get_data(as_text=True)


def test_sign_off_with_a_future_date_is_refused(client, login_as):
    client.set_cookie("da_lang", "en")
    prog, member, _account, mentor_account = member_with_mentor()
    milestone = prog.milestones[0]
    login_as(account=mentor_account)
    prefix = f"s{member.id}-{milestone.id}"
    future = (TODAY + timedelta(days=2)).isoformat()
    response = client.post(sign_off_url(member, milestone.id), data={f"{prefix}-met_on": future})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "cannot be in the future" in html
    assert f'value="{future}"' in html  # the form as sent
    assert db.session.scalar(select(MilestoneSignoff.id)) is None
    missing = client.post(sign_off_url(member, milestone.id), data={})
    assert missing.status_code == 422


def test_sign_off_by_someone_else_is_forbidden(client, login_as):
    prog, member, account, _mentor_account = member_with_mentor()
    milestone = prog.milestones[0]
    prefix = f"s{member.id}-{milestone.id}"
    data = {f"{prefix}-met_on": TODAY.isoformat()}
    for who in (person()[1], account, head_of(member.employee.department)):
        login_as(account=who)
        assert client.post(sign_off_url(member, milestone.id), data=data).status_code == 403
    assert db.session.scalar(select(MilestoneSignoff.id)) is None
    login_as(Role.HR)
    assert client.post(sign_off_url(member, 999999), data=data).status_code == 404
    assert client.post(f"/talente/teilnehmende/999999/meilensteine/{milestone.id}/abzeichnen",
                       data=data).status_code == 404  # fmt: skip


def test_mentees_page_empty_for_non_mentors(client, login_as):
    login_as(Role.EMPLOYEE)
    response = client.get("/talente/mentoring")
    assert response.status_code == 200
    assert 'id="no-mentees"' in response.get_data(as_text=True)


# ---------------------------------------------------------------------------
# HR: member management
# ---------------------------------------------------------------------------


def test_member_management_only_for_hr(client, login_as):
    _prog, member, account, mentor_account = member_with_mentor()
    for who in (account, mentor_account, head_of(member.employee.department)):
        login_as(account=who)
        assert client.get(f"/talente/teilnehmende/{member.id}").status_code == 403
        response = client.post(
            f"/talente/teilnehmende/{member.id}/ausscheiden", data={"reason": "x"}
        )
        assert response.status_code == 403
    login_as(Role.HR)
    assert client.get("/talente/teilnehmende/999999").status_code == 404
    response = client.get(f"/talente/teilnehmende/{member.id}")
    assert response.status_code == 200
    assert access_rows(member.employee_id) == 1


def test_hr_assigns_a_mentor_by_personnel_number(client, login_as):
    _prog, cohort = setup()
    member = pf.member(cohort, factories.employee())
    fellow = pf.member(cohort, factories.employee())
    mentor = factories.employee()
    login_as(Role.HR)
    url = f"/talente/teilnehmende/{member.id}/mentor"

    unknown = client.post(url, data={"personnel_no": "X-UNBEKANNT"})
    assert unknown.status_code == 422
    same_cohort = client.post(url, data={"personnel_no": fellow.employee.personnel_no})
    assert same_cohort.status_code == 422
    assert fellow.employee.full_name in same_cohort.get_data(as_text=True)
    assert client.post(url, data={"personnel_no": ""}).status_code == 422

    ok = client.post(url, data={"personnel_no": f" {mentor.personnel_no} "})
    assert ok.status_code == 302
    db.session.refresh(member)
    assert member.mentor_id == mentor.id
    page = client.get(f"/talente/teilnehmende/{member.id}").get_data(as_text=True)
    assert mentor.personnel_no in page


def test_hr_signs_off_undoes_and_drops_out(client, login_as):
    prog, member, _account, _mentor_account = member_with_mentor()
    milestone = prog.milestones[0]
    login_as(Role.HR)
    prefix = f"s{member.id}-{milestone.id}"
    met_on = (TODAY - timedelta(days=5)).isoformat()

    response = client.post(
        sign_off_url(member, milestone.id), data={f"{prefix}-met_on": met_on, "back": "manage"}
    )
    assert response.status_code == 302
    assert response.location.endswith(f"/talente/teilnehmende/{member.id}")
    page = client.get(f"/talente/teilnehmende/{member.id}").get_data(as_text=True)
    undo_url = f"/talente/teilnehmende/{member.id}/meilensteine/{milestone.id}/zuruecknehmen"
    assert undo_url in page

    upfx = f"u{member.id}-{milestone.id}"
    assert client.post(undo_url, data={f"{upfx}-reason": ""}).status_code == 422
    assert client.post(undo_url, data={f"{upfx}-reason": "Irrtum"}).status_code == 302
    assert db.session.scalar(select(MilestoneSignoff.id)) is None
    assert client.post(undo_url, data={f"{upfx}-reason": "Irrtum"}).status_code == 404

    drop_url = f"/talente/teilnehmende/{member.id}/ausscheiden"
    assert client.post(drop_url, data={"reason": ""}).status_code == 422
    assert client.post(drop_url, data={"reason": "Wechsel in eine andere Stadt"}).status_code == 302
    db.session.refresh(member)
    assert member.state == MemberState.DROPPED_OUT
    assert member.drop_out_reason == "Wechsel in eine andere Stadt"
    assert db.session.scalar(
        select(AuditLogEntry.id).where(AuditLogEntry.action == "cohort_member.dropped_out")
    )
    assert client.post(drop_url, data={"reason": "Nochmal"}).status_code == 409
    page = client.get(f"/talente/teilnehmende/{member.id}").get_data(as_text=True)
    assert drop_url not in page  # no form once they left


def test_last_sign_off_over_http_graduates(client, login_as):
    prog, member, account, mentor_account = member_with_mentor()
    for pc in prog.courses:
        cf.completion(member.employee, pc.course)
    login_as(account=mentor_account)
    for milestone in prog.milestones:
        prefix = f"s{member.id}-{milestone.id}"
        response = client.post(
            sign_off_url(member, milestone.id), data={f"{prefix}-met_on": TODAY.isoformat()}
        )
        assert response.status_code == 302
    db.session.refresh(member)
    assert member.state == MemberState.GRADUATED and member.graduated_on == TODAY
    login_as(account=account)
    html = client.get("/talente/mein-programm").get_data(as_text=True)
    assert 'id="graduated"' in html


# ---------------------------------------------------------------------------
# The cohort partial (shown on HR's cohort dashboard)
# ---------------------------------------------------------------------------


def test_cohort_partial(app, db):
    prog, cohort = setup()
    behind = pf.member(cohort, factories.employee(last_name="Aaberg"), mentor=factories.employee())
    ok = pf.member(cohort, factories.employee(last_name="Zorn"))
    for pc in prog.courses:
        cf.completion(ok.employee, pc.course)
    pf.signoff(ok, prog.milestones[0], met_on=TODAY)
    gone = pf.member(cohort, factories.employee(last_name="Mertens"))
    gone.state = MemberState.DROPPED_OUT.value
    gone.dropped_out_on = date(2030, 1, 1)
    db.session.flush()

    with app.test_request_context("/talente/mentoring", headers={"Cookie": "da_lang=en"}):
        html = render_template(
            "talent/progress/_cohort.html", cohort=cohort, progress=cohort_progress(cohort, TODAY)
        )
    rows = {
        m.id: html.split(f'id="member-{m.id}"')[1].split("</tr>")[0] for m in (behind, ok, gone)
    }
    assert html.index(f'id="member-{behind.id}"') < html.index(f'id="member-{gone.id}"')
    assert html.index(f'id="member-{gone.id}"') < html.index(f'id="member-{ok.id}"')
    assert "Behind schedule" in rows[behind.id] and "0 %" in rows[behind.id]
    assert behind.mentor.full_name in rows[behind.id]
    assert "On schedule" in rows[ok.id] and "75 %" in rows[ok.id]
    assert "Meilenstein 2" in rows[ok.id]  # next item
    assert "Behind" not in rows[gone.id] and "Dropped out" in rows[gone.id]
    assert f'href="/talente/teilnehmende/{behind.id}"' in rows[behind.id]  # HR's member page
    assert "<caption" in html and 'scope="col"' in html
