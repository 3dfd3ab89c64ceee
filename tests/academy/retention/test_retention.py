"""Retention: the dry run lists exactly what the real run changes; periods end on the
right day; a second run changes nothing; active people are never touched; reports still
count anonymised rows; an anonymised person's certificate still verifies."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from academy.accounts.models import RoleAssignment, UserSession
from academy.audit.models import AccessLogEntry, AuditLogEntry
from academy.audit.sentences import sentences
from academy.extensions import db
from academy.notifications.models import Notification, OutboxMessage
from academy.retention.rules import pseudonym, retention_rules
from academy.retention.run import plan_retention, run_retention
from courses.enrolment.models import Enrolment
from reports.analytics.common import Filters, ReportScope
from reports.analytics.participation import participation_report
from reports.certificates.retention import ANONYMISED_NAME
from talent.competencies.models import Rating
from talent.programmes.cohort_models import Score
from tests.academy.retention.people import NOW, TODAY, build, snapshot


def _ids(report, key):
    return set(report.as_dict().get(key, []))


def test_every_package_registered_its_rules(app):
    names = {f"{r.kind}/{r.name}" for r in retention_rules()}
    assert {
        "learning_record/enrolments",
        "learning_record/cohort_members",
        "learning_record/milestone_signoffs",
        "ratings/ratings",
        "applications/scores",
        "applications/applications",
        "applications/council_reviews",
        "personnel_record/employees",
        "personnel_record/accounts",
        "personnel_record/calendar_feeds",
        "certificates/certificates",
        "access_log/entries",
        "audit_log/entries",
    } <= names


def test_dry_run_lists_exactly_what_the_real_run_changes(db):
    data = build()
    old_access, old_audit = data.access_old.id, data.audit_old.id
    before = snapshot()
    plan = plan_retention(NOW)
    assert snapshot() == before  # the dry run changes nothing
    assert plan.total > 0

    done = run_retention(NOW)

    assert done.as_dict() == plan.as_dict()
    assert done.counts_per_kind() == plan.counts_per_kind()
    # and the database really changed in those rows (not just the report)
    after = snapshot()
    assert after != before
    gone_ratings = {r[0] for r in before["ratings"]} - {r[0] for r in after["ratings"]}
    assert gone_ratings == _ids(plan, "ratings/ratings")
    changed_employees = {
        a[0] for a, b in zip(before["employees"], after["employees"], strict=True) if a != b
    }
    assert changed_employees == _ids(plan, "personnel_record/employees")
    assert old_access in _ids(plan, "access_log/entries")
    assert old_audit in _ids(plan, "audit_log/entries")


def test_periods_end_one_day_after_their_length(db):
    data = build()
    p = data.people
    plan = plan_retention(NOW)
    leavers = lambda key: {  # noqa: E731
        person.employee.id for name, person in p.items() if name in key
    }
    rated = {
        r.employee_id
        for r in db.session.scalars(select(Rating))
        if r.id in _ids(plan, "ratings/ratings")
    }
    assert rated == leavers({"ratings_due", "learning_edge", "learning_due", "cert_due"})
    assert _ids(plan, "personnel_record/employees") == leavers({"learning_due", "cert_due"})
    enrolled = {
        e.employee_id
        for e in db.session.scalars(select(Enrolment))
        if e.id in _ids(plan, "learning_record/enrolments")
    }
    assert enrolled == leavers({"learning_due", "cert_due"})
    assert _ids(plan, "certificates/certificates") == {p["cert_due"].certificate.id}
    assert data.access_new.id not in _ids(plan, "access_log/entries")
    assert data.audit_new.id not in _ids(plan, "audit_log/entries")


def test_a_second_run_changes_nothing(db):
    build()
    first = run_retention(NOW)
    assert first.total > 0
    audits = db.session.scalar(select(func.count()).where(AuditLogEntry.action == "retention.run"))
    state = snapshot()

    assert plan_retention(NOW).total == 0
    second = run_retention(NOW)

    assert second.total == 0
    assert snapshot() == state
    assert audits == 1  # one entry per run that changed something, with counts only
    assert (
        db.session.scalar(select(func.count()).where(AuditLogEntry.action == "retention.run")) == 1
    )
    entry = db.session.scalars(
        select(AuditLogEntry).where(AuditLogEntry.action == "retention.run")
    ).one()
    assert entry.details["counts"] == {k: n for k, n in first.counts_per_kind().items() if n}
    assert sentences([entry])[entry.id] == (
        "Das System hat Datensätze nach Ablauf ihrer Aufbewahrungsfrist "
        f"gelöscht oder anonymisiert ({first.total})."
    )


def _state_of(person):
    """Everything held about ``person`` that retention could change."""
    db.session.expire_all()
    emp, account, app = person.employee, person.account, person.application
    return (
        (emp.first_name, emp.last_name, emp.personnel_no, emp.email, emp.pay_group),
        (account.email, account.display_name, account.active, account.password_hash),
        sorted((e.id, e.cancel_reason, e.requested_by_id) for e in _enrolments(person)),
        db.session.scalar(select(func.count()).where(Rating.employee_id == emp.id)),
        (app.motivation, app.endorsement_comment),
        db.session.scalar(select(func.count()).where(Score.application_id == app.id)),
        (person.member.drop_out_reason, person.signoff.note),
        person.certificate.recipient_name,
        len(account.role_assignments),
    )


def test_active_and_returned_people_are_never_touched(db):
    data = build()
    keep = [data.people[k] for k in ("active", "returned", "recent")]
    before = [_state_of(p) for p in keep]
    run_retention(NOW + timedelta(days=1))
    assert [_state_of(p) for p in keep] == before
    assert before[0][3] == 2 and before[0][5] == 1  # there was something to lose


def _enrolments(person):
    return db.session.scalars(select(Enrolment).where(Enrolment.employee_id == person.employee.id))


def test_what_an_anonymised_person_keeps_and_loses(db):
    data = build()
    person = data.people["learning_due"]
    emp_id, account = person.employee.id, person.account
    old_access, new_access = data.access_old.id, data.access_new.id
    run_retention(NOW)

    emp = person.employee
    assert emp.full_name == pseudonym(emp_id)
    assert (emp.personnel_no, emp.email, emp.entry_date, emp.pay_group) == (
        f"anon-{emp_id}",
        None,
        None,
        None,
    )
    assert emp.department_id is not None and emp.left_on is not None and not emp.active
    assert not account.active and account.password_hash is None
    assert account.email.endswith("@anonymisiert.invalid")
    assert account.display_name == pseudonym(emp_id)
    assert not db.session.scalars(select(RoleAssignment).filter_by(user_id=account.id)).all()
    for model in (UserSession, Notification):
        assert not db.session.scalars(select(model).filter_by(user_id=account.id)).all()
    assert not db.session.scalars(select(OutboxMessage).filter_by(to_address="x")).all()
    # the learning record is kept, stripped: states and dates still count
    states = sorted(e.state for e in _enrolments(person))
    assert states == ["cancelled", "completed"]
    assert all(e.cancel_reason is None and e.requested_by_id is None for e in _enrolments(person))
    assert person.member.drop_out_reason is None and person.signoff.note is None
    assert person.application.state == "accepted" and person.application.motivation is None
    assert (
        db.session.scalars(select(Score).filter_by(application_id=person.application.id)).all()
        == []
    )
    names = {e["employee_name"] for e in data.review.proposal}
    assert pseudonym(emp_id) in names
    assert data.people["active"].employee.full_name in names
    # the certificate keeps its snapshot until its own period
    assert person.certificate.recipient_name.startswith("Anna-learning_due")
    assert data.people["cert_due"].certificate.recipient_name == ANONYMISED_NAME
    assert db.session.get(AccessLogEntry, old_access) is None
    assert db.session.get(AccessLogEntry, new_access) is not None


def test_reports_still_count_anonymised_rows(db):
    data = build()
    person = data.people["learning_due"]
    scope = ReportScope.whole_organisation(1)

    def ue_rows():
        frame = participation_report(scope, Filters(), TODAY).parts[0].frame
        return {row["personnel_no"]: row for row in frame.to_dict("records")}

    before = ue_rows()
    number = person.employee.personnel_no
    run_retention(NOW)
    after = ue_rows()

    assert len(after) == len(before)
    row = after[f"anon-{person.employee.id}"]
    assert row["name"].startswith("#") and "Ehemalige/r" in row["name"]
    assert row["ue"] == before[number]["ue"]


def test_verification_of_an_anonymised_persons_certificate(client, db):
    data = build()
    run_retention(NOW)
    kept = data.people["learning_due"].certificate  # personnel record anonymised
    removed = data.people["cert_due"].certificate  # certificate period over too

    page = client.get(f"/berichte/pruefen/{kept.code}", follow_redirects=True).get_data(
        as_text=True
    )
    assert "Anna-learning_due" in page and "Ehemalige" not in page

    page = client.get(f"/berichte/pruefen/{removed.code}", follow_redirects=True).get_data(
        as_text=True
    )
    assert "Nach Ablauf der Aufbewahrungsfrist entfernt" in page
    assert removed.title in page and "Anna-cert_due" not in page
