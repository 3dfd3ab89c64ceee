"""Sentences of the core's audit actions (accounts, sign-in, organisation, frameworks,
imports, outbox) and the names of the core's objects."""

from __future__ import annotations

from sqlalchemy import literal, select

from academy.accounts.models import User
from academy.audit.sentences import (
    Resolved,
    int_ids,
    named_rows,
    register_audit_object,
    register_audit_sentences,
)
from academy.extensions import db
from academy.frameworks.models import Framework
from academy.i18n import N_
from academy.imports.models import Upload
from academy.notifications.models import OutboxMessage
from academy.org.models import Department, Employee, JobRole

SENTENCES = {
    "account.created": N_("%(actor)s created the account of %(object)s."),
    "account.updated": N_("%(actor)s changed the account of %(object)s."),
    "account.activated": N_("%(actor)s activated the account of %(object)s."),
    "account.deactivated": N_("%(actor)s deactivated the account of %(object)s."),
    "account.password_reset": N_("%(actor)s reset the password of %(object)s."),
    "account.roles_changed": N_(
        "%(actor)s changed the roles of %(object)s from “%(from_state)s” to “%(to_state)s”."
    ),
    "auth.login": N_("%(object)s signed in."),
    "auth.logout": N_("%(object)s signed out."),
    "auth.password_changed": N_("%(object)s changed their password."),
    "framework.created": N_("%(actor)s imported the competency framework “%(object)s”."),
    "framework.updated": N_("%(actor)s updated the competency framework “%(object)s”."),
    "upload.previewed": N_("%(actor)s uploaded the file “%(filename)s” for a preview."),
    "upload.applied": N_("%(actor)s applied the uploaded file “%(object)s”."),
    "upload.discarded": N_("%(actor)s discarded the uploaded file “%(object)s”."),
    "outbox.retry": N_("%(actor)s sent the e-mail “%(object)s” again."),
    "department.head_changed": N_("%(actor)s changed the head of %(object)s."),
    "access_log.exported": N_("%(actor)s exported the access overview (%(format)s)."),
    "staff.import": N_("%(actor)s imported the staff list “%(filename)s” (%(rows)s rows)."),
}


def users(ids: list[str]) -> Resolved:
    rows = db.session.execute(
        select(User.id, User.display_name.label("name")).where(User.id.in_(int_ids(ids)))
    )
    return named_rows(rows)


def employees(ids: list[str]) -> Resolved:
    name = Employee.first_name + literal(" ") + Employee.last_name
    rows = db.session.execute(
        select(Employee.id, name.label("name")).where(Employee.id.in_(int_ids(ids)))
    )
    return named_rows(rows)


def departments(ids: list[str]) -> Resolved:
    rows = db.session.execute(
        select(Department.id, Department.name.label("name")).where(Department.id.in_(int_ids(ids)))
    )
    return named_rows(rows)


def job_roles(ids: list[str]) -> Resolved:
    rows = db.session.execute(
        select(JobRole.id, JobRole.title.label("name")).where(JobRole.id.in_(int_ids(ids)))
    )
    return named_rows(rows)


def frameworks(ids: list[str]) -> Resolved:
    rows = db.session.execute(
        select(Framework.id, Framework.code.label("name")).where(Framework.id.in_(int_ids(ids)))
    )
    return named_rows(rows)


def uploads(ids: list[str]) -> Resolved:
    rows = db.session.execute(
        select(Upload.id, Upload.filename.label("name")).where(Upload.id.in_(int_ids(ids)))
    )
    return named_rows(rows)


def outbox(ids: list[str]) -> Resolved:
    rows = db.session.execute(
        select(OutboxMessage.id, OutboxMessage.subject.label("name")).where(
            OutboxMessage.id.in_(int_ids(ids))
        )
    )
    return named_rows(rows)


def register() -> None:
    register_audit_sentences(SENTENCES)
    register_audit_object("user", users, detail_keys=["user_id"])
    register_audit_object("employee", employees, detail_keys=["employee_id"])
    register_audit_object("department", departments, detail_keys=["department_id"])
    register_audit_object("job_role", job_roles, detail_keys=["job_role_id"])
    register_audit_object("framework", frameworks)
    register_audit_object("upload", uploads, detail_keys=["upload_id"])
    register_audit_object("outbox", outbox)
