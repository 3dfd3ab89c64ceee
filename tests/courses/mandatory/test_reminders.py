"""The tick step ``mandatory.reminders``: before the due date, before a completion runs
out and when overdue — each once per person, assignment and due date, also when the step
runs twice at the same time (two hosts); HR's digest once a day; newcomers get their
row."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select

from academy.accounts.models import Role
from academy.extensions import db
from academy.notifications.models import Notification
from courses.mandatory.dates import add_months
from courses.mandatory.evidence import record_evidence
from courses.mandatory.models import Assignee, Digest, SentNotice
from courses.mandatory.reminders import send_reminders
from tests import factories
from tests.courses import factories as cf
from tests.courses.mandatory.support import TODAY, assign
from tests.courses.support import NOW, hr, person


def notes(kind: str, employee_id: int | None = None) -> list[Notification]:
    query = select(Notification).where(Notification.kind == kind)
    if employee_id is not None:
        query = query.where(Notification.employee_id == employee_id)
    return list(db.session.scalars(query))


def test_reminded_before_the_due_date_once(db, app):
    emp, _ = person()
    assign(hr(), [cf.course("Datenschutz im Alltag")], due_days=30)
    send_reminders(NOW)
    assert notes("mandatory.due_soon", emp.id) == []  # due in 30 days: not yet
    soon = NOW + timedelta(days=20)
    summary = send_reminders(soon)
    [note] = notes("mandatory.due_soon", emp.id)
    assert "Datenschutz im Alltag" in note.body and "vor Fälligkeit" in summary
    send_reminders(soon)
    send_reminders(soon + timedelta(hours=1))
    assert len(notes("mandatory.due_soon", emp.id)) == 1


def test_overdue_once_and_hr_digest_once_a_day(db, app):
    emp, _ = person()
    hr_user = factories.user(Role.HR)
    assign(hr(), [cf.course()], due_days=10)
    late = NOW + timedelta(days=12)
    send_reminders(late)
    send_reminders(late + timedelta(minutes=1))
    assert len(notes("mandatory.overdue", emp.id)) == 1
    digests = [n for n in notes("mandatory.digest") if n.user_id == hr_user.id]
    assert len(digests) == 1
    assert db.session.scalar(select(func.count()).select_from(Digest)) == 1
    # the next day, nobody newly overdue: no digest
    send_reminders(late + timedelta(days=1))
    assert len([n for n in notes("mandatory.digest") if n.user_id == hr_user.id]) == 1


def test_reminded_before_expiry_and_again_in_the_next_cycle(db, app):
    emp, _ = person()
    actor = hr()
    assignment = assign(actor, [cf.course()], recurrence_months=12)
    done = TODAY - timedelta(days=340)
    record_evidence(actor, assignment, emp, title="Präsenzschulung", completed_on=done, now=NOW)
    send_reminders(NOW)
    assert len(notes("mandatory.expires_soon", emp.id)) == 1
    until = add_months(done, 12)
    marker = db.session.scalar(select(SentNotice).where(SentNotice.kind == "expires_soon"))
    assert marker.due_on == until
    send_reminders(NOW + timedelta(days=1))
    assert len(notes("mandatory.expires_soon", emp.id)) == 1
    # renewed: the next cycle is reminded again, a year later
    record_evidence(
        actor,
        assignment,
        emp,
        title="Auffrischung",
        completed_on=until,
        now=NOW + timedelta(days=30),
    )
    send_reminders(NOW + timedelta(days=340))
    assert len(notes("mandatory.expires_soon", emp.id)) == 2


def test_two_hosts_at_once_send_each_reminder_once(db, app):
    """The marker's unique key is the claim: a second run finds every marker taken."""
    people = [person()[0] for _ in range(3)]
    assign(hr(), [cf.course()], due_days=5)
    at = NOW + timedelta(days=6)
    send_reminders(at)
    db.session.execute(
        SentNotice.__table__.delete().where(SentNotice.employee_id == people[0].id)  # type: ignore[attr-defined]
    )
    send_reminders(at)  # only the missing one is claimed again
    counts = [len(notes("mandatory.overdue", p.id)) for p in people]
    assert counts == [2, 1, 1]


def test_newcomers_get_their_row_from_the_tick(db, app):
    role = factories.job_role()
    assignment = assign(hr(), [cf.course()], target_kind="job_role", job_role_id=role.id)
    hire = factories.employee(job_role_id=role.id, entry_date=TODAY + timedelta(days=3))
    summary = send_reminders(NOW)
    assert "1 Person(en) neu zugeordnet" in summary
    row = db.session.get(Assignee, (assignment.id, hire.id))
    assert row.since == TODAY + timedelta(days=3) and row.due_on == row.since + timedelta(days=90)


def test_people_who_left_and_ended_assignments_are_not_reminded(db, app):
    gone = factories.employee(active=False, left_on=date(2029, 1, 1))
    assign(hr(), [cf.course()], due_days=1)
    send_reminders(NOW + timedelta(days=5))
    assert notes("mandatory.overdue", gone.id) == []


def test_the_command_shows_the_figures(app, db):
    emp, _ = person()
    assign(hr(), [cf.course()], title="IT-Sicherheit")
    result = app.test_cli_runner().invoke(
        args=["academy", "pflichtschulungen", "stand", "--abgleich"]
    )
    assert result.exit_code == 0, result.output
    assert "IT-Sicherheit:" in result.output and "offen" in result.output
    assert emp is not None
