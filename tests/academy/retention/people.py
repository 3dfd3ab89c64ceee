"""A dataset for the retention tests: people who left at various dates, each with a
learning record, ratings, an application (scored, in a council proposal), a programme
membership, a certificate, an account with roles, sessions, notices and a calendar feed;
plus one active person and one who returned."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from academy.accounts.models import Role, User
from academy.audit.models import AccessLogEntry, AuditLogEntry
from academy.clock import to_berlin, utcnow
from academy.extensions import db
from academy.notifications.models import Notification, OutboxMessage
from academy.org.models import Employee
from courses.enrolment.models import Enrolment, EnrolmentState
from courses.sessions.models import CalendarFeed
from reports.certificates.certificates import new_code
from reports.certificates.models import Certificate
from talent.competencies.models import Rating
from talent.programmes.cohort_models import (
    Application,
    CohortMember,
    CouncilReview,
    MilestoneSignoff,
)
from talent.programmes.models import ApplicationState, CohortStatus
from tests import factories
from tests.courses import factories as cf
from tests.talent import factories as tf
from tests.talent import programme_factories as pf

NOW = utcnow().replace(microsecond=0)
TODAY = to_berlin(NOW).date()


@dataclass
class Person:
    employee: Employee
    account: User
    enrolments: list[Enrolment] = field(default_factory=list)
    ratings: list[Rating] = field(default_factory=list)
    application: Application | None = None
    member: CohortMember | None = None
    signoff: MilestoneSignoff | None = None
    certificate: Certificate | None = None


@dataclass
class Dataset:
    people: dict[str, Person]
    review: CouncilReview
    access_old: AccessLogEntry
    access_new: AccessLogEntry
    audit_old: AuditLogEntry
    audit_new: AuditLogEntry


def left_days_ago(days: int) -> date:
    return TODAY - timedelta(days=days)


def _person(key: str, n: int, context: dict, *, active: bool, left_on: date | None) -> Person:
    dept, course_, comp, cohort, milestone = (
        context[k] for k in ("dept", "course", "comp", "cohort", "milestone")
    )
    emp = factories.employee(dept, active=active, left_on=left_on, first_name=f"Anna-{key}")
    account = factories.user(Role.HR, emp=emp)
    hr = context["hr"]
    person = Person(emp, account)
    past = cf.session(course_, starts_at=NOW - timedelta(days=4000 + n))
    person.enrolments.append(
        cf.enrolment(
            past,
            emp,
            state=EnrolmentState.COMPLETED,
            requested_by_id=account.id,
            decided_by_id=hr.id,
            result_marked_by_id=hr.id,
        )
    )
    cancelled = cf.session(course_, starts_at=NOW - timedelta(days=3900 + n))
    person.enrolments.append(
        cf.enrolment(
            cancelled,
            emp,
            state=EnrolmentState.CANCELLED,
            cancel_reason="Krankheit",
            cancelled_by_id=account.id,
        )
    )
    person.ratings = [tf.head_rating(emp, comp, 2), tf.self_rating(emp, comp, 3)]
    person.application = pf.application(cohort, emp, state=ApplicationState.ACCEPTED)
    person.application.endorsement_comment = "Sehr engagiert"
    pf.score(person.application, cohort.criteria[0], 4, "überzeugend")
    person.member = pf.member(cohort, emp, app=person.application)
    person.member.drop_out_reason = "Elternzeit"
    person.signoff = pf.signoff(person.member, milestone)
    person.signoff.note = "Projekt gut abgeschlossen"
    person.signoff.signed_off_by_id = hr.id
    person.certificate = Certificate(
        year=2015,
        number=n,
        serial=f"2015-{n:05d}",
        code=new_code(),
        kind="course",
        employee_id=emp.id,
        enrolment_id=person.enrolments[0].id,
        course_id=course_.id,
        recipient_name=emp.full_name,
        recipient_hash="sha256$abc",
        title="Kurs",
        completed_on=date(2015, 6, 1),
        issuer_name="Stadt",
        competences=[],
    )
    db.session.add(person.certificate)
    db.session.add(Notification(user_id=account.id, kind="x", subject="Hallo", body="…"))
    db.session.add(OutboxMessage(to_address=emp.email, subject="Hallo", body="…"))
    db.session.add(CalendarFeed(user_id=account.id, token_hash=f"feed-{key}-{n}"))
    db.session.flush()
    return person


#: key → days since leaving (None: active, never left).
LEAVERS: dict[str, int | None] = {
    "active": None,
    "recent": 100,
    "ratings_edge": 365,  # exactly the period: not yet
    "ratings_due": 366,  # one day more
    "learning_edge": 1095,
    "learning_due": 1096,
    "cert_due": 3651,
}


def build() -> Dataset:
    """The dataset, plus one person who returned (active, with an old leaving date)."""
    dept = factories.department()
    hr = factories.user(Role.HR)
    prog = pf.programme(milestones=1)
    context = {
        "dept": dept,
        "hr": hr,
        "course": cf.course(),
        "comp": tf.competence(),
        "cohort": pf.cohort(prog, status=CohortStatus.COMPLETED),
        "milestone": prog.milestones[0],
    }
    people: dict[str, Person] = {}
    for n, (key, days) in enumerate({**LEAVERS, "returned": None}.items(), start=1):
        left_on = left_days_ago(days) if days is not None else None
        if key == "returned":
            left_on = left_days_ago(5000)
        people[key] = _person(key, n, context, active=days is None, left_on=left_on)
    review = CouncilReview(
        cohort_id=context["cohort"].id,
        proposal=[
            {"application_id": p.application.id, "employee_name": p.employee.full_name}
            for p in people.values()
            if p.application is not None
        ],
    )
    db.session.add(review)
    subject = people["active"].employee.id
    entries = [
        AccessLogEntry(at=NOW - timedelta(days=d), subject_id=subject, what="employee.record")
        for d in (731, 729)
    ]
    audits = [
        AuditLogEntry(at=NOW - timedelta(days=d), action="x", object_type="y")
        for d in (6 * 365 + 1, 6 * 365 - 1)
    ]
    db.session.add_all([*entries, *audits])
    db.session.flush()
    return Dataset(people, review, *entries, *audits)


def snapshot() -> dict[str, object]:
    """Everything the retention may change, as plain values (to prove what changed)."""

    def rows(model, *columns):
        return sorted(tuple(getattr(r, c) for c in columns) for r in db.session.query(model))

    db.session.expire_all()
    return {
        "employees": rows(Employee, "id", "first_name", "last_name", "personnel_no", "email"),
        "accounts": rows(User, "id", "email", "display_name", "active", "password_hash"),
        "enrolments": rows(Enrolment, "id", "cancel_reason", "requested_by_id"),
        "ratings": rows(Rating, "id"),
        "applications": rows(Application, "id", "motivation", "endorsement_comment"),
        "certificates": rows(Certificate, "id", "recipient_name"),
        "feeds": rows(CalendarFeed, "id"),
    }
