"""A role profile names mandatory training (talent → courses): the section on the role
profile page, its form (errors at the field, nothing changed), creating, changing and
ending the job role's assignment; and the team's training plan turned into suggestions
(only members of the head's team, any other id refused)."""

from __future__ import annotations

from sqlalchemy import func, select

from academy.accounts.models import Role
from academy.extensions import db
from courses.mandatory.models import Assignment, Origin
from courses.mandatory.role_profiles import role_assignment
from courses.teambooking.models import Proposal
from tests import factories
from tests.courses import factories as cf


def test_hr_sets_the_mandatory_training_of_a_role_profile(client, login_as):
    login_as(Role.HR)
    role = factories.job_role("UX-Design")
    factories.employee(job_role_id=role.id)
    course = cf.course("Barrierefreiheit (BITV)")
    db.session.commit()
    profile = client.get(f"/talente/soll-profile/{role.id}").get_data(as_text=True)
    assert 'id="role-mandatory"' in profile and "nennt keine Pflichtschulung" in profile
    url = f"/talente/soll-profile/{role.id}/pflichtschulungen"
    form = client.get(url)
    assert form.status_code == 200 and "Pflichtschulung für UX-Design" in form.get_data(
        as_text=True
    )
    bad = client.post(url, data={"title": "BITV", "courses": [str(course.id)], "due_days": "-5"})
    assert bad.status_code == 422 and "invalid-feedback" in bad.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Assignment)) == 0
    saved = client.post(
        url,
        data={
            "title": "BITV",
            "courses": [str(course.id)],
            "due_days": "60",
            "recurrence_months": "36",
        },
    )
    assert saved.status_code == 302
    assignment = role_assignment(role.id)
    assert assignment.origin == Origin.ROLE_PROFILE and assignment.recurrence_months == 36
    page = client.get(f"/talente/soll-profile/{role.id}").get_data(as_text=True)
    assert "Barrierefreiheit (BITV)" in page
    # HR's mandatory training pages send changes back to the profile
    edit = client.get(f"/kurse/pflichtschulungen/{assignment.id}/bearbeiten")
    assert edit.status_code == 302 and url in edit.headers["Location"]
    ended = client.post(url, data={"title": "BITV", "due_days": "60"})
    assert ended.status_code == 302 and role_assignment(role.id) is None


def test_only_hr_sets_it(client, login_as):
    role = factories.job_role()
    login_as(Role.EMPLOYEE)
    assert client.get(f"/talente/soll-profile/{role.id}/pflichtschulungen").status_code == 403


def team_of_head():
    dept = factories.department()
    head_emp = factories.employee(dept)
    dept.head = head_emp
    member = factories.employee(dept)
    return factories.user(emp=head_emp), member


def test_the_training_plan_becomes_suggestions_for_the_team_only(client, login_as):
    head, member = team_of_head()
    stranger = factories.employee()
    session = cf.session()
    db.session.commit()
    login_as(account=head)
    url = "/talente/team/plan/vorschlaege"
    assert client.post(url, data={"pair": f"{session.id}:{stranger.id}"}).status_code == 403
    assert client.post(url, data={"pair": f"{session.id}:99999999"}).status_code == 404
    assert client.post(url, data={"pair": "x:y"}).status_code == 400
    none = client.post(url, data={}, follow_redirects=True)
    assert "Bitte haken Sie mindestens ein Mitglied an." in none.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Proposal)) == 0
    sent = client.post(url, data={"pair": f"{session.id}:{member.id}", "note": "Gutes Thema"})
    assert sent.status_code == 302
    proposal = db.session.scalar(select(Proposal))
    assert proposal.employee_id == member.id and proposal.note == "Gutes Thema"
