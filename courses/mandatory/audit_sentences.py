"""Sentences of mandatory training's audit actions and the names of its objects."""

from __future__ import annotations

from sqlalchemy import literal, select

from academy.audit.sentences import (
    Resolved,
    int_ids,
    named_rows,
    register_audit_object,
    register_audit_sentences,
)
from academy.extensions import db
from academy.i18n import N_
from academy.org.models import Employee
from courses.mandatory.models import Assignment, Evidence

SENTENCES = {
    "mandatory.assignment_created": N_("%(actor)s assigned the mandatory training “%(object)s”."),
    "mandatory.assignment_updated": N_("%(actor)s changed the mandatory training “%(object)s”."),
    "mandatory.assignment_ended": N_("%(actor)s ended the mandatory training “%(object)s”."),
    "mandatory.evidence_recorded": N_(
        "%(actor)s recorded external evidence of %(person)s for the mandatory training "
        "“%(training)s”."
    ),
    "mandatory.evidence_withdrawn": N_(
        "%(actor)s withdrew external evidence of %(person)s for the mandatory training "
        "“%(training)s”."
    ),
}


def assignments(ids: list[str]) -> Resolved:
    rows = db.session.execute(
        select(Assignment.id, Assignment.title.label("name")).where(Assignment.id.in_(int_ids(ids)))
    )
    return named_rows(rows)


def evidence(ids: list[str]) -> Resolved:
    person = Employee.first_name + literal(" ") + Employee.last_name
    rows = db.session.execute(
        select(Evidence.id, person, Assignment.title)
        .join(Employee, Employee.id == Evidence.employee_id)
        .join(Assignment, Assignment.id == Evidence.assignment_id)
        .where(Evidence.id.in_(int_ids(ids)))
    )
    return {
        str(eid): {"name": f"{name}: {title}", "person": name, "training": title}
        for eid, name, title in rows
    }


def register() -> None:
    register_audit_sentences(SENTENCES)
    register_audit_object("mandatory_assignment", assignments, detail_keys=["assignment_id"])
    register_audit_object("mandatory_evidence", evidence)
