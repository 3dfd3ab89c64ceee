"""Sentences of the fast-track programmes' audit actions and the names of their objects
(registered in ``talent.programmes.init_app``)."""

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
from talent.programmes.cohort_models import Application, CohortMember
from talent.programmes.models import Cohort, Milestone, Programme

_PERSON = Employee.first_name + literal(" ") + Employee.last_name

SENTENCES = {
    "programme.created": N_("%(actor)s created the programme “%(object)s”."),
    "programme.updated": N_("%(actor)s changed the programme “%(object)s”."),
    "programme.archived": N_("%(actor)s archived the programme “%(object)s”."),
    "programme.unarchived": N_("%(actor)s restored the programme “%(object)s” from the archive."),
    "programme.deleted": N_("%(actor)s deleted the programme “%(object)s”."),
    "programme.course_added": N_(
        "%(actor)s added the course %(course)s to the programme “%(object)s”."
    ),
    "programme.course_removed": N_(
        "%(actor)s removed the course %(course)s from the programme “%(object)s”."
    ),
    "programme.milestone_added": N_(
        "%(actor)s added the milestone “%(milestone)s” to the programme “%(object)s”."
    ),
    "programme.milestone_updated": N_(
        "%(actor)s changed the milestone “%(milestone)s” of the programme “%(object)s”."
    ),
    "programme.milestone_removed": N_(
        "%(actor)s removed a milestone from the programme “%(object)s”."
    ),
    "programme.target_set": N_("%(actor)s set a target level of the programme “%(object)s”."),
    "programme.target_changed": N_(
        "%(actor)s changed a target level of the programme “%(object)s”."
    ),
    "programme.target_removed": N_(
        "%(actor)s removed a target level of the programme “%(object)s”."
    ),
    "cohort.created": N_("%(actor)s created the cohort “%(object)s”."),
    "cohort.updated": N_("%(actor)s changed the cohort “%(object)s”."),
    "cohort.criterion_added": N_(
        "%(actor)s added a selection criterion to the cohort “%(object)s”."
    ),
    "cohort.criterion_updated": N_(
        "%(actor)s changed a selection criterion of the cohort “%(object)s”."
    ),
    "cohort.criterion_removed": N_(
        "%(actor)s removed a selection criterion from the cohort “%(object)s”."
    ),
    "cohort.opened": N_("%(actor)s opened the cohort “%(object)s” for applications."),
    "cohort.closed": N_("%(actor)s closed the applications to the cohort “%(object)s”."),
    "cohort.submitted": N_(
        "%(actor)s submitted the selection of the cohort “%(object)s” to the staff council."
    ),
    "cohort.proposed": N_(
        "%(actor)s proposed a selection for the cohort “%(object)s” to the staff council."
    ),
    "cohort.objected": N_("The selection of the cohort “%(object)s” went back to HR."),
    "cohort.council_consented": N_(
        "%(actor)s consented to the selection of the cohort “%(object)s” for the staff council."
    ),
    "cohort.council_objected": N_(
        "%(actor)s objected to the selection of the cohort “%(object)s” for the staff council."
    ),
    "cohort.started": N_("%(actor)s started the cohort “%(object)s”."),
    "cohort.completed": N_("%(actor)s completed the cohort “%(object)s”."),
    "cohort.cancelled": N_("%(actor)s cancelled the cohort “%(object)s”."),
    "application.submitted": N_(
        "%(actor)s submitted the application of %(person)s to “%(cohort)s”."
    ),
    "application.withdrawn": N_(
        "%(actor)s withdrew the application of %(person)s to “%(cohort)s”."
    ),
    "application.nominated": N_("%(actor)s nominated %(person)s for “%(cohort)s”."),
    "application.nomination_accepted": N_("%(person)s accepted the nomination for “%(cohort)s”."),
    "application.nomination_declined": N_("%(person)s declined the nomination for “%(cohort)s”."),
    "application.nomination_lapsed": N_("The nomination of %(person)s for “%(cohort)s” lapsed."),
    "application.endorsed": N_(
        "%(actor)s gave a statement on the application of %(person)s to “%(cohort)s”."
    ),
    "application.scored": N_(
        "%(actor)s scored the application of %(person)s to “%(cohort)s” (%(criterion)s)."
    ),
    "application.accepted": N_("%(actor)s accepted %(person)s into “%(cohort)s”."),
    "application.rejected": N_("%(actor)s did not accept %(person)s into “%(cohort)s”."),
    "cohort_member.mentor_assigned": N_(
        "%(actor)s assigned %(mentor)s as mentor of %(person)s in “%(cohort)s”."
    ),
    "cohort_member.dropped_out": N_("%(actor)s recorded that %(person)s left “%(cohort)s”."),
    "cohort_member.graduated": N_("%(person)s completed the programme of “%(cohort)s”."),
    "milestone.signed_off": N_(
        "%(actor)s signed off the milestone “%(milestone)s” of %(person)s in “%(cohort)s”."
    ),
    "milestone.sign_off_undone": N_(
        "%(actor)s withdrew the sign-off of the milestone “%(milestone)s” of %(person)s "
        "in “%(cohort)s”."
    ),
}


def programmes(ids: list[str]) -> Resolved:
    rows = db.session.execute(
        select(Programme.id, Programme.title.label("name")).where(Programme.id.in_(int_ids(ids)))
    )
    return named_rows(rows)


def cohorts(ids: list[str]) -> Resolved:
    rows = db.session.execute(
        select(Cohort.id, Cohort.name.label("name"), Cohort.name.label("cohort")).where(
            Cohort.id.in_(int_ids(ids))
        )
    )
    return named_rows(rows)


def milestones(ids: list[str]) -> Resolved:
    rows = db.session.execute(
        select(Milestone.id, Milestone.title.label("name")).where(Milestone.id.in_(int_ids(ids)))
    )
    return named_rows(rows)


def _people_in_cohorts(model: type[Application] | type[CohortMember], ids: list[str]) -> Resolved:
    rows = db.session.execute(
        select(model.id, _PERSON.label("person"), Cohort.name.label("cohort"))
        .join(Employee, Employee.id == model.employee_id)
        .join(Cohort, Cohort.id == model.cohort_id)
        .where(model.id.in_(int_ids(ids)))
    )
    resolved = named_rows(rows)
    for parts in resolved.values():
        parts["name"] = f"{parts['person']} ({parts['cohort']})"
    return resolved


def applications(ids: list[str]) -> Resolved:
    return _people_in_cohorts(Application, ids)


def members(ids: list[str]) -> Resolved:
    return _people_in_cohorts(CohortMember, ids)


def register() -> None:
    register_audit_sentences(SENTENCES)
    register_audit_object("programme", programmes, detail_keys=["programme_id"])
    register_audit_object("cohort", cohorts, detail_keys=["cohort_id"])
    register_audit_object("milestone", milestones, detail_keys=["milestone_id"])
    register_audit_object("application", applications, detail_keys=["application_id"])
    register_audit_object("cohort_member", members, detail_keys=["member_id"])
