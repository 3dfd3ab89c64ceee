"""Mandatory training in the Art. 15 export: what applies to the person (status and
dates as of the export), since when, and the external evidence HR recorded."""

from __future__ import annotations

from flask_babel import gettext
from sqlalchemy import select
from sqlalchemy.orm import aliased

from academy.accounts.models import User
from academy.clock import to_berlin, utcnow
from academy.extensions import db
from academy.privacy.registry import Record, declare_not_exported, register_personal_data
from courses.mandatory.compliance import person_items
from courses.mandatory.dates import FOREVER
from courses.mandatory.models import STATUS_LABELS, Assignee, Assignment, Evidence


def trainings(employee_id: int | None, user_id: int | None) -> list[Record]:
    if employee_id is None:
        return []
    since = dict(
        db.session.execute(
            select(Assignee.assignment_id, Assignee.since).where(
                Assignee.employee_id == employee_id
            )
        ).all()
    )
    records = []
    for item in person_items(employee_id, to_berlin(utcnow()).date()):
        state = item.state
        until = state.valid_until
        records.append(
            {
                "Pflichtschulung": item.assignment.title,
                "Kurse": ", ".join(c.title for c in item.assignment.courses),
                "Zugeordnet seit": since.get(item.assignment.id),
                "Status": gettext(STATUS_LABELS[state.status]),
                "Fällig am": state.due_on,
                "Gültig bis": "unbefristet" if until == FOREVER else until,
            }
        )
    return records


def evidence(employee_id: int | None, user_id: int | None) -> list[Record]:
    if employee_id is None:
        return []
    recorder, withdrawer = aliased(User), aliased(User)
    rows = db.session.execute(
        select(Evidence, Assignment.title, recorder.display_name, withdrawer.display_name)
        .join(Assignment, Assignment.id == Evidence.assignment_id)
        .outerjoin(recorder, recorder.id == Evidence.recorded_by_id)
        .outerjoin(withdrawer, withdrawer.id == Evidence.withdrawn_by_id)
        .where(Evidence.employee_id == employee_id)
        .order_by(Evidence.completed_on, Evidence.id)
    ).all()
    return [
        {
            "Pflichtschulung": title,
            "Nachweis": e.title,
            "Anbieter": e.provider,
            "Absolviert am": e.completed_on,
            "Gültig bis": e.valid_until,
            "Bemerkung": e.note,
            "Erfasst am": e.recorded_at,
            "Erfasst von": recorded,
            "Zurückgenommen am": e.withdrawn_at,
            "Zurückgenommen von": withdrawn,
            "Grund der Rücknahme": e.withdraw_reason,
        }
        for e, title, recorded, withdrawn in rows
    ]


def register_sections() -> None:
    register_personal_data(
        "pflichtschulungen",
        "Pflichtschulungen",
        trainings,
        tables=("mandatory_assignments", "mandatory_courses", "mandatory_assignees"),
        order=320,
        description="Pflichtschulungen, die für Sie gelten, mit Status und Fristen zum "
        "Zeitpunkt der Auskunft.",
    )
    register_personal_data(
        "pflichtschulungen_nachweise",
        "Externe Nachweise zu Pflichtschulungen",
        evidence,
        tables=("mandatory_evidence",),
        order=330,
    )
    declare_not_exported(
        "mandatory_notices",
        "Merker, dass eine Erinnerung verschickt wurde; die Erinnerungen selbst stehen im "
        "Abschnitt Benachrichtigungen.",
    )
