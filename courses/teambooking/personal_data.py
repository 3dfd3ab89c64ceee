"""Team bookings in the Art. 15 export: the suggestions made to the person (the
enrolments their heads made are in "Anmeldungen zu Kursen")."""

from __future__ import annotations

from flask_babel import gettext
from sqlalchemy import select
from sqlalchemy.orm import aliased

from academy.accounts.models import User
from academy.extensions import db
from academy.privacy.registry import Record, declare_not_exported, register_personal_data
from courses.catalogue.models import Course
from courses.sessions.models import CourseSession
from courses.teambooking.models import PROPOSAL_LABELS, Proposal, ProposalState


def proposals(employee_id: int | None, user_id: int | None) -> list[Record]:
    if employee_id is None:
        return []
    proposer = aliased(User)
    rows = db.session.execute(
        select(Proposal, Course.title, CourseSession.starts_at, proposer.display_name)
        .join(Course, Course.id == Proposal.course_id)
        .join(CourseSession, CourseSession.id == Proposal.session_id)
        .outerjoin(proposer, proposer.id == Proposal.proposed_by_id)
        .where(Proposal.employee_id == employee_id)
        .order_by(Proposal.proposed_at, Proposal.id)
    ).all()
    return [
        {
            "Kurs": title,
            "Termin": starts_at,
            "Vorgeschlagen von": name,
            "Vorgeschlagen am": p.proposed_at,
            "Hinweis": p.note,
            "Status": gettext(PROPOSAL_LABELS[ProposalState(p.state)]),
            "Beantwortet am": p.decided_at,
            "Begründung der Ablehnung": p.decline_reason,
        }
        for p, title, starts_at, name in rows
    ]


def register_sections() -> None:
    register_personal_data(
        "vorschlaege",
        "Vorschläge Ihrer Führungskraft",
        proposals,
        tables=("enrolment_proposals",),
        order=315,
    )
    declare_not_exported(
        "seat_reservations",
        "Für einen Bereich reservierte Plätze betreffen keine einzelne Person; wer sie "
        "angelegt oder freigegeben hat, steht im Abschnitt eigene Handlungen (reservation.*).",
    )
    declare_not_exported(
        "reserved_places",
        "Ordnet eine Anmeldung einem reservierten Kontingent zu; die Anmeldung selbst steht "
        "im Abschnitt Anmeldungen zu Kursen.",
    )
