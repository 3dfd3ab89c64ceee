"""One organisation with two of everything, for the route × role × object test and the
form fuzz test: owner A and stranger B in two units, a head of each unit, two trainers,
HR, a second HR person (whose uploads nobody else may open), the staff council and an
administrator — and for B every kind of personal object (enrolments, certificate,
ratings, application, cohort membership, notification, e-mail, calendar feed, upload).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from academy.accounts.models import Role, User
from academy.clock import utcnow
from academy.extensions import db
from academy.notifications.notices import notify
from academy.org.models import Department, Employee
from courses.enrolment.models import Enrolment, EnrolmentState
from courses.sessions.calendar import create_feed
from courses.sessions.models import CourseSession
from reports.certificates.certificates import issue_for_enrolment
from reports.certificates.models import Certificate
from talent.programmes.cohort_models import Application, CohortMember
from talent.programmes.models import ApplicationState, CohortStatus
from tests import factories
from tests.api.support import api_token
from tests.courses import factories as cf
from tests.talent import factories as tf
from tests.talent import programme_factories as pf

#: What identifies the stranger B in a page or file.
STRANGER_MARKERS = ("Zwiebelfisch", "PZB4711", "bertha.zwiebelfisch@")

#: The probing roles, one account each (the employee is A, the head is A's head).
ROLES = ("employee", "head", "hr", "trainer", "council", "admin")


@dataclass
class World:
    dept_a: Department
    dept_b: Department
    owner: Employee
    stranger: Employee
    stranger_user: User
    accounts: dict[str, User]
    hr2: User
    session_a: CourseSession
    session_b: CourseSession
    enrolment: Enrolment
    waitlisted: Enrolment
    pending: Enrolment
    certificate: Certificate
    application: Application
    member: CohortMember
    ids: dict[str, Any] = field(default_factory=dict)
    account_ids: dict[str, int] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)


def _person(dept: Department, first: str, last: str, no: str, **kw: Any) -> Employee:
    email = f"{first}.{last}@stadt.example".lower()
    return factories.employee(
        dept, first_name=first, last_name=last, personnel_no=no, email=email, **kw
    )


def build_world() -> World:
    """The rows (flushed, committed by the caller's transaction rules)."""
    now = utcnow()
    role = factories.job_role("Sachbearbeitung Digitales")
    root = factories.department("Stadtverwaltung Prüfstadt")
    dept_a = factories.department("Amt für Ordnung", parent=root)
    dept_b = factories.department("Amt für Umwelt", parent=root)
    head_a = _person(dept_a, "Anton", "Amtsleiter", "PHA0001", job_role=role)
    head_b = _person(dept_b, "Bruno", "Bereichsleiter", "PHB0001", job_role=role)
    dept_a.head, dept_b.head = head_a, head_b
    owner = _person(dept_a, "Anna", "Eigentum", "PAA0001", job_role=role)
    stranger = _person(dept_b, "Bertha", "Zwiebelfisch", "PZB4711", job_role=role)
    accounts = {
        "employee": factories.user(emp=owner),
        "head": factories.user(Role.HEAD, emp=head_a),
        "hr": factories.user(Role.HR),
        "trainer": factories.user(Role.TRAINER),
        "council": factories.user(Role.COUNCIL),
        "admin": factories.user(Role.ADMIN),
    }
    stranger_user = factories.user(emp=stranger)
    factories.user(Role.HEAD, emp=head_b)
    hr2 = factories.user(Role.HR)
    other_trainer = factories.user(Role.TRAINER)

    course = cf.course("Datenschutz kompakt", requires_approval=True)
    session_a = cf.session(course, trainer=accounts["trainer"], capacity=2)
    session_b = cf.session(course, trainer=other_trainer, capacity=1)
    cf.enrolment(session_a, owner)
    enrolment = cf.enrolment(session_b, stranger)
    waitlisted = cf.enrolment(session_b, head_b, state=EnrolmentState.WAITLISTED)
    # B's own waitlisted/pending requests: the waitlist entry above is B's head's; B's
    # pending request waits for B's head.
    other_course = cf.course("Barrierefreie Dokumente", requires_approval=True)
    pending = cf.enrolment(cf.session(other_course), stranger, state=EnrolmentState.PENDING)
    done = cf.completion(stranger, course)
    certificate = issue_for_enrolment(done, now)

    comp = tf.competence()
    tf.target(role, comp, 3)
    tf.head_rating(stranger, comp, 2, at=now - timedelta(days=3))
    tf.self_rating(stranger, comp, 3, at=now - timedelta(days=2))

    prog = pf.programme(courses=[course], milestones=1)
    cohort = pf.cohort(prog, status=CohortStatus.OPEN)
    application = pf.application(cohort, stranger, state=ApplicationState.SUBMITTED)
    pf.score(application, cohort.criteria[0], 4, comment="Sehr motiviert")
    running = pf.cohort(prog, status=CohortStatus.RUNNING)
    member = pf.member(running, stranger, mentor=head_b)

    note = notify(
        stranger_user,
        "test",
        "Hinweis für Bertha Zwiebelfisch",
        "Ihre Anmeldung (PZB4711) ist bestätigt.",
        params={},
        link=None,
        now=now,
    )
    old_feed, old_token = create_feed(stranger_user, now)
    create_feed(stranger_user, now)  # revokes the old link
    db.session.flush()
    from academy.notifications.models import OutboxMessage

    message = db.session.query(OutboxMessage).filter_by(notification_id=note.id).one()
    world = World(
        dept_a=dept_a,
        dept_b=dept_b,
        owner=owner,
        stranger=stranger,
        stranger_user=stranger_user,
        accounts=accounts,
        hr2=hr2,
        session_a=session_a,
        session_b=session_b,
        enrolment=enrolment,
        waitlisted=waitlisted,
        pending=pending,
        certificate=certificate,
        application=application,
        member=member,
    )
    milestone = prog.milestones[0]
    world.ids = {
        "enrolment_id": enrolment.id,
        "waitlisted_id": waitlisted.id,
        "site_text_key": "privacy",
        "cert_id": certificate.id,
        "employee_id": stranger.id,
        "application_id": application.id,
        "member_id": member.id,
        "dept_id": dept_b.id,
        "session_id": session_b.id,
        "notification_id": note.id,
        "user_id": stranger_user.id,
        "message_id": message.id,
        "code": certificate.code,
        "course_id": course.id,
        "category_id": course.category_id,
        "programme_id": prog.id,
        "cohort_id": cohort.id,
        "criterion_id": cohort.criteria[0].id,
        "milestone_id": milestone.id,
        "item_id": prog.courses[0].id,
        "competence_id": comp.id,
        "job_role_id": role.id,
        "framework_id": comp.framework_id,
        "mapping_id": tf.mapping(comp, tf.competence()).id,
        "personnel_no": stranger.personnel_no,
        "token_id": api_token(accounts["admin"]).id,
    }
    world.ids.update(resource_ids())
    world.ids.update(evaluation_ids(owner))
    world.ids.update(mandatory_ids(stranger, dept_b, accounts["hr"]))
    world.ids.update(budget_ids(stranger, dept_b, enrolment))
    world.ids.update(job_ids(stranger_user, stranger))
    world.tokens = {"calendar_revoked": old_token}
    world.account_ids = {role: account.id for role, account in accounts.items()}
    world.account_ids["hr2"] = hr2.id
    db.session.refresh(old_feed)
    assert old_feed.revoked_at is not None
    db.session.flush()
    return world


def job_ids(stranger_user: User, stranger: Employee) -> dict[str, int]:
    """A finished background export B asked for, whose file names B (academy.jobs)."""
    from academy.jobs.models import ExportJob, JobStatus

    content = f"{stranger.last_name};{stranger.personnel_no};{stranger.email}".encode()
    job = ExportJob(
        kind="team.export",
        title="Team-Kompetenzen als CSV",
        params={"format": "csv"},
        requested_by_id=stranger_user.id,
        status=JobStatus.DONE.value,
        progress=100,
        filename="team-kompetenzen.csv",
        mimetype="text/csv",
        content=content,
    )
    db.session.add(job)
    db.session.flush()
    return {"job_id": job.id}


def resource_ids() -> dict[str, int]:
    """A room and an external trainer (HR's resources: no person's data of B)."""
    from courses.rooms.models import Room, Trainer

    room = Room(name="Schulungsraum Prüfstadt", building="Rathaus", capacity=12)
    trainer = Trainer(kind="external", name="Traudl Trainerin", organisation="Lernwerk GmbH")
    db.session.add_all([room, trainer])
    db.session.flush()
    return {"room_id": room.id, "trainer_id": trainer.id}


def evaluation_ids(owner: Employee) -> dict[str, int]:
    """The shipped evaluation questionnaire and its first question (HR's; about no one),
    and an open evaluation of a session the owner A attended (A's answer form)."""
    from courses.evaluations.defaults import load_default_questionnaire
    from courses.evaluations.models import EvaluationRound
    from courses.evaluations.questionnaires import copy_questionnaire

    now = utcnow()
    questionnaire, _created = load_default_questionnaire(None, now)
    used = copy_questionnaire(None, questionnaire, now)  # the shipped one stays editable
    attended = cf.session(cf.course("Bewertete Fortbildung"), starts_at=now - timedelta(days=1))
    cf.enrolment(attended, owner, state=EnrolmentState.COMPLETED)
    today = now.date()
    db.session.add(
        EvaluationRound(
            session_id=attended.id,
            questionnaire_id=used.id,
            opened_on=today,
            closes_on=today + timedelta(days=14),
        )
    )
    db.session.flush()
    return {
        "questionnaire_id": questionnaire.id,
        "question_id": questionnaire.questions[0].id,
        "evaluated_session_id": attended.id,  # A's open evaluation (the form fuzz's page)
    }


def mandatory_ids(stranger: Employee, dept_b: Department, hr: User) -> dict[str, int]:
    """Mandatory training naming B with HR's evidence for B, seats reserved for B's unit
    and a suggestion to B (courses.mandatory, courses.teambooking)."""
    from courses.mandatory.models import Assignee, Assignment, Evidence
    from courses.teambooking.models import Proposal, Reservation

    now = utcnow()
    today = now.date()
    course = cf.course("Datenschutz-Unterweisung Prüfstadt")
    assignment = Assignment(
        title="Datenschutz für Bertha",
        target_kind="people",
        due_days=30,
        first_due_on=today,
        starts_on=today,
        origin="hr",
        created_at=now,
        updated_at=now,
    )
    assignment.courses = [course]
    db.session.add(assignment)
    db.session.flush()
    db.session.add(
        Assignee(
            assignment_id=assignment.id,
            employee_id=stranger.id,
            since=today,
            due_on=today,
            named=True,
        )
    )
    evidence = Evidence(
        assignment_id=assignment.id,
        employee_id=stranger.id,
        title="Unterweisung",
        completed_on=today,
        recorded_by_id=hr.id,
    )
    session = cf.session(course, capacity=6)
    session.reserved_seats = 2
    reservation = Reservation(
        session_id=session.id,
        department_id=dept_b.id,
        seats=2,
        filled=0,
        release_at=session.enrolment_deadline,
        created_at=now,
    )
    proposal = Proposal(
        session_id=session.id,
        course_id=course.id,
        employee_id=stranger.id,
        proposed_at=now,
        state="open",
    )
    db.session.add_all([evidence, reservation, proposal])
    db.session.flush()
    return {
        "assignment_id": assignment.id,
        "evidence_id": evidence.id,
        "reservation_id": reservation.id,
        "proposal_id": proposal.id,
    }


def budget_ids(stranger: Employee, dept_b: Department, enrolment: Enrolment) -> dict[str, int]:
    """B's unit with a budget and B's booked place, and B's request for an external
    training awaiting HR, with a file (the row only: no file is written in tests)."""
    from decimal import Decimal

    from courses.budgets.bookings import book
    from courses.budgets.models import TrainingBudget
    from courses.external.models import ExternalAttachment, ExternalRequest

    now = utcnow()
    db.session.add(TrainingBudget(department_id=dept_b.id, year=now.year, amount=Decimal("5000")))
    book(enrolment, now)
    request = ExternalRequest(
        employee_id=stranger.id,
        title="Zertifizierung Zwiebelfisch",
        provider="Akademie Prüfstadt",
        starts_at=now + timedelta(days=40),
        ends_at=now + timedelta(days=41),
        online=True,
        duration_ue=8,
        cost=Decimal("450.00"),
        travel_cost=Decimal("0"),
        reason="Bertha Zwiebelfisch (PZB4711) braucht die Zertifizierung.",
        state="pending_hr",
        submitted_at=now,
        updated_at=now,
    )
    db.session.add(request)
    db.session.flush()
    attachment = ExternalAttachment(
        request_id=request.id,
        kind="offer",
        filename="Angebot-Zwiebelfisch.pdf",
        stored_name="0" * 64,
        content_type="application/pdf",
        size=100,
        sha256="0" * 64,
        uploaded_at=now,
    )
    db.session.add(attachment)
    db.session.flush()
    return {"department_id": dept_b.id, "request_id": request.id, "attachment_id": attachment.id}
