"""A person with data in every section of the Art. 15 export (real rows, no mocks),
built as often as a test needs (``tag`` makes every value of one person distinctive)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest

from academy.accounts.invitations.models import AccountInvitation
from academy.accounts.models import LoginAttempt, Role, User, UserSession
from academy.audit.log import record, record_access
from academy.auth.throttle import login_key
from academy.clock import utcnow
from academy.extensions import db
from academy.notifications.models import Notification, OutboxMessage
from academy.org.models import Employee
from courses.enrolment.models import EnrolmentState
from courses.rooms.models import Trainer
from courses.sessions.models import CalendarFeed
from reports.certificates.models import Certificate
from talent.programmes.models import ApplicationState
from tests import factories
from tests.courses import factories as cf
from tests.talent import factories as tf
from tests.talent import programme_factories as pf


@dataclass
class Person:
    employee: Employee
    user: User
    tag: str
    values: dict[str, str]  # section key → a value that must appear in that section


def build_person(tag: str, *, items: int = 1) -> Person:
    """An employee with an account and ``items`` rows in every list section."""
    now = utcnow()
    hr = factories.user(Role.HR)
    emp = factories.employee(first_name=f"Vorname{tag}", last_name=f"Nachname{tag}")
    user = factories.user(Role.TRAINER, emp=emp)
    factories.department(f"Abteilung geleitet {tag}", head=emp)
    db.session.add(
        UserSession(
            token_hash=f"hash-{tag}-{emp.id}",
            user_id=user.id,
            expires_at=now + timedelta(hours=1),
            remote_addr="192.0.2.7",
            user_agent=f"Browser {tag}",
        )
    )
    comp = tf.competence()
    cohort = pf.cohort(
        pf.programme(milestones=items, title=f"Programm {tag}"),
        criteria=[(f"Kriterium {i}", 1) for i in range(items)],
    )
    app = pf.application(cohort, emp, motivation=f"Motivation {tag}")
    mentee_cohort = pf.cohort(pf.programme())
    member = pf.member(cohort, emp, app=app)
    for n in range(items):
        db.session.add(LoginAttempt(key=login_key(user.email), at=now, address=f"198.51.100.{n}"))
        notice = Notification(
            user_id=user.id, kind="test", subject=f"Hinweis {tag} {n}", body=f"Text {tag}"
        )
        db.session.add(notice)
        db.session.flush()
        db.session.add(
            OutboxMessage(
                to_address=user.email,
                subject=f"E-Mail {tag} {n}",
                body="Inhalt",
                notification_id=notice.id,
            )
        )
        session = cf.session(cf.course(title=f"Kurs {tag} {n}"))
        enrolment = cf.enrolment(session, emp, state=EnrolmentState.CONFIRMED)
        record(hr, "enrolment.confirmed", "enrolment", enrolment.id, reason=f"Anmeldegrund {tag}")
        training_costs(emp, hr, enrolment, f"{tag} {n}")
        cf.session(cf.course(title=f"Trainerkurs {tag} {n}"), trainer=user)
        if n == 0:
            db.session.add(Trainer(kind="internal", user_id=user.id, notes=f"Trainernotiz {tag}"))
        db.session.add(CalendarFeed(user_id=user.id, token_hash=f"feed-{tag}-{n}"))
        evaluation_participation(emp, f"Bewerteter Kurs {tag} {n}", answered=n == 0)
        mandatory_data(emp, session, f"{tag} {n}")
        rating = tf.head_rating(emp, comp, 2)
        rating.rated_by_id = hr.id
        rating.comment = f"Kommentar Führungskraft {tag}"
        tf.self_rating(emp, comp, 3).comment = f"Selbst {tag}"
        tf.external(emp, comp, 4).evidence_title = f"Nachweis {tag}"
        score = pf.score(app, cohort.criteria[n], 4, f"Punkte {tag} {n}")
        score.scored_by_id = hr.id
        pf.signoff(member, cohort.programme.milestones[n]).note = f"Meilenstein {tag} {n}"
        if n == 0:
            pf.member(mentee_cohort, factories.employee(), mentor=emp)
        cert = Certificate(
            year=2030,
            number=emp.id * 100 + n,
            serial=f"2030-{emp.id * 100 + n}",
            code=f"CODE-{tag}-{n}",
            kind="course",
            employee_id=emp.id,
            recipient_name=emp.full_name,
            recipient_hash="x",
            title=f"Bescheinigung {tag} {n}",
            completed_on=date(2030, 3, 1),
            competences=[],
            issuer_name="Stadt",
        )
        db.session.add(cert)
        db.session.flush()
        record(hr, "certificate.issued", "certificate", cert.id)
        record(hr, "cohort_member.mentor_assigned", "cohort_member", member.id)
        record(hr, "application.submitted", "application", app.id)
        record_access(hr, emp.id, "employee.record", purpose=f"Zweck {tag} {n}")
        record(hr, "account.updated", "user", user.id, reason=f"Kontogrund {tag} {n}")
        record(user, "course.updated", "course", session.course_id)
        record_access(user, hr.employee_id, "employee.record", purpose=f"Eigene Einsicht {tag}")
    db.session.add(
        AccountInvitation(
            employee_id=emp.id,
            email=f"einladung-{tag}@stadt.example",
            token_hash=f"invitation-{tag}-{emp.id}",
            created_at=now,
            created_by_id=hr.id,
            expires_at=now + timedelta(days=14),
            used_at=now,
            user_id=user.id,
        )
    )
    app.state = ApplicationState.SUBMITTED.value
    db.session.flush()
    return Person(
        employee=emp,
        user=user,
        tag=tag,
        values={
            "personalstammdaten": f"Nachname{tag}",
            "konto": user.email,
            "einladungen": f"einladung-{tag}@stadt.example",
            "rollen": "zugewiesen",
            "anmeldesitzungen": f"Browser {tag}",
            "anmeldeversuche": "198.51.100.0",
            "benachrichtigungen": f"Hinweis {tag} 0",
            "emails": f"E-Mail {tag} 0",
            "anmeldungen": f"Kurs {tag} 0",
            "anmeldungen_verlauf": f"Anmeldegrund {tag}",
            "externe_fortbildungen": f"Externe Fortbildung {tag} 0",
            "externe_fortbildungen_verlauf": f"Genehmigungsnotiz {tag} 0",
            "fortbildungskosten": f"Kurs {tag} 0",
            "trainertermine": f"Trainerkurs {tag} 0",
            "trainerangaben": f"Trainernotiz {tag}",
            "kalender": "Angelegt am",
            "kursbewertungen": f"Bewerteter Kurs {tag} 0",
            "pflichtschulungen": f"Pflichtschulung {tag} 0",
            "pflichtschulungen_nachweise": f"Unterweisung {tag} 0",
            "vorschlaege": f"Vorschlag {tag} 0",
            "einschaetzungen": f"Kommentar Führungskraft {tag}",
            "selbsteinschaetzungen": f"Selbst {tag}",
            "nachweise": f"Nachweis {tag}",
            "bewerbungen": f"Motivation {tag}",
            "bewerbungen_bewertungen": f"Punkte {tag} 0",
            "bewerbungen_verlauf": "application.submitted",
            "programmteilnahmen": f"Programm {tag}",
            "meilensteine": f"Meilenstein {tag} 0",
            "programmteilnahmen_verlauf": "cohort_member.mentor_assigned",
            "mentoring": "Jahrgang",
            "bescheinigungen": f"Bescheinigung {tag} 0",
            "bescheinigungen_verlauf": "certificate.issued",
            "einsichtnahmen": f"Zweck {tag} 0",
            "eigene_einsichtnahmen": f"Eigene Einsicht {tag}",
            "protokoll": f"Kontogrund {tag} 0",
            "eigene_handlungen": "course.updated",
        },
    )


def mandatory_data(emp: Employee, session: Any, tag: str) -> None:
    """A mandatory training naming ``emp`` with HR's evidence, and a suggestion of a head
    to ``emp`` (courses.mandatory, courses.teambooking)."""
    from courses.mandatory.models import Assignee, Assignment, Evidence
    from courses.teambooking.models import Proposal

    now = utcnow()
    today = now.date()
    assignment = Assignment(
        title=f"Pflichtschulung {tag}",
        target_kind="people",
        due_days=30,
        first_due_on=today,
        starts_on=today,
        origin="hr",
        created_at=now,
        updated_at=now,
    )
    assignment.courses = [session.course]
    db.session.add(assignment)
    db.session.flush()
    db.session.add_all(
        [
            Assignee(
                assignment_id=assignment.id,
                employee_id=emp.id,
                since=today,
                due_on=today,
                named=True,
            ),
            Evidence(
                assignment_id=assignment.id,
                employee_id=emp.id,
                title=f"Unterweisung {tag}",
                completed_on=today,
            ),
            Proposal(
                session_id=session.id,
                course_id=session.course_id,
                employee_id=emp.id,
                proposed_at=now,
                note=f"Vorschlag {tag}",
                state="declined",
            ),
        ]
    )


def evaluation_participation(emp: Employee, title: str, *, answered: bool) -> None:
    """That ``emp`` was asked to evaluate a session of ``title`` (and whether they did)."""
    from courses.evaluations.models import EvaluationParticipant, EvaluationRound, Questionnaire

    session = cf.session(cf.course(title=title), starts_at=utcnow() - timedelta(days=10))
    questionnaire = Questionnaire(title=f"Bogen {title}", description="")
    db.session.add(questionnaire)
    db.session.flush()
    day = session.ends_at.date()
    round_ = EvaluationRound(
        session_id=session.id,
        questionnaire_id=questionnaire.id,
        opened_on=day,
        closes_on=day + timedelta(days=14),
    )
    db.session.add(round_)
    db.session.flush()
    db.session.add(EvaluationParticipant(round_id=round_.id, employee_id=emp.id, answered=answered))


def training_costs(emp: Employee, hr: User, enrolment: Any, tag: str) -> None:
    """The booking of ``emp``'s place and a request of ``emp`` for an external training
    with a file and a decision (courses.budgets, courses.external)."""
    from decimal import Decimal

    from courses.budgets.bookings import book
    from courses.external.models import ExternalAttachment, ExternalRequest

    now = utcnow()
    book(enrolment, now)
    request = ExternalRequest(
        employee_id=emp.id,
        title=f"Externe Fortbildung {tag}",
        provider=f"Anbieter {tag}",
        starts_at=now + timedelta(days=30),
        ends_at=now + timedelta(days=31),
        online=True,
        duration_ue=8,
        cost=Decimal("100.00"),
        travel_cost=Decimal("0"),
        reason=f"Begründung {tag}",
        state="pending_hr",
        submitted_at=now,
        updated_at=now,
    )
    db.session.add(request)
    db.session.flush()
    db.session.add(
        ExternalAttachment(
            request_id=request.id,
            kind="offer",
            filename=f"Angebot {tag}.pdf",
            stored_name=f"{request.id:064d}",
            content_type="application/pdf",
            size=10,
            sha256="0" * 64,
            uploaded_at=now,
        )
    )
    record(
        hr, "external.supported", "external_request", request.id, reason=f"Genehmigungsnotiz {tag}"
    )


@pytest.fixture()
def person(db: Any) -> Any:
    """``person("A")`` builds a person with data in every section."""
    return build_person
