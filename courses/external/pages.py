"""What the pages of external training requests show, put together outside the views:
the request form with its competence choices, a request's page (what the reader may do
there, the budget check for deciders, the access log for other people's requests), and
the employee's and the deciders' lists."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import abort, render_template, request, url_for
from flask_babel import gettext
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from academy.accounts.models import User
from academy.audit.log import access_purpose, record_access
from academy.auth.policy import authorize, can
from academy.extensions import db
from academy.org.models import Employee
from academy.web.kit import language, paginate
from courses.catalogue.queries import competence_options
from courses.enrolment.models import STATE_LABELS as ENROLMENT_LABELS
from courses.external.attachments import max_bytes, may_remove, may_upload
from courses.external.decisions import budget_check, needs_second_approval
from courses.external.forms import DecisionForm, FileForm, OutcomeForm, RequestForm, WithdrawForm
from courses.external.models import (
    ATTACHMENT_LABELS,
    STATE_LABELS,
    AttachmentKind,
    ExternalAttachment,
    ExternalRequest,
    ExternalRequestCompetence,
    RequestState,
)
from courses.external.outcome import enrolment_of, may_record
from courses.external.policy import ACCESS_REQUEST
from courses.external.queries import TABS, decider_requests, own_requests


def request_form(*, formdata: bool) -> RequestForm:
    form = RequestForm() if formdata else RequestForm(formdata=None)
    form.set_competences(competence_options(None), language())
    return form


def render_request_form(form: RequestForm, status: int = 200) -> tuple[str, int]:
    html = render_template(
        "courses/external/new.html", form=form, max_mb=max_bytes() // (1024 * 1024)
    )
    return html, status


def load_request(request_id: int) -> ExternalRequest:
    """The request of a page, if the reader may see it (404 / 403 otherwise)."""
    found = db.session.scalar(
        select(ExternalRequest)
        .options(
            joinedload(ExternalRequest.employee).joinedload(Employee.department),
            selectinload(ExternalRequest.attachments).joinedload(ExternalAttachment.uploaded_by),
            selectinload(ExternalRequest.competences).joinedload(
                ExternalRequestCompetence.competence
            ),
        )
        .where(ExternalRequest.id == request_id)
    )
    if found is None:
        abort(404)
    authorize("external.view", found)
    return found


def load_attachment(found: ExternalRequest, attachment_id: int) -> ExternalAttachment:
    attachment = next((a for a in found.attachments if a.id == attachment_id), None)
    if attachment is None:
        abort(404)
    return attachment


def _people(found: ExternalRequest) -> dict[str, str]:
    ids = [i for i in (found.head_id, found.hr_id, found.second_id) if i is not None]
    names = (
        dict(db.session.execute(select(User.id, User.display_name).where(User.id.in_(ids))).all())
        if ids
        else {}
    )
    return {
        "head": names.get(found.head_id, ""),
        "hr": names.get(found.hr_id, ""),
        "second": names.get(found.second_id, ""),
    }


def request_context(
    user: User,
    found: ExternalRequest,
    now: datetime,
    *,
    decision: DecisionForm | None = None,
    upload: FileForm | None = None,
    outcome: OutcomeForm | None = None,
) -> dict[str, Any]:
    may_decide = found.is_open and can(user, "external.decide", found)
    own = user.employee_id == found.employee_id
    if not own:
        record_access(
            user, found.employee_id, ACCESS_REQUEST, access_purpose(ACCESS_REQUEST), now=now
        )
    kinds = [k for k in AttachmentKind if may_upload(user, found, k)]
    if upload is None:
        upload = FileForm(formdata=None)
    upload.kind.choices = [c for c in upload.kind.choices if c.value in kinds]
    enrolment = enrolment_of(found)
    return {
        "req": found,
        "own": own,
        "people": _people(found),
        "labels": STATE_LABELS,
        "file_labels": ATTACHMENT_LABELS,
        "enrolment": enrolment,
        "enrolment_labels": ENROLMENT_LABELS,
        "may_decide": may_decide,
        "budget": budget_check(found) if may_decide or (found.is_open and not own) else None,
        "second_needed": needs_second_approval(found),
        "decision": decision or (DecisionForm(formdata=None) if may_decide else None),
        "upload": upload if kinds else None,
        "removable": {a.id for a in found.attachments if may_remove(user, a)},
        "outcome": outcome
        or (OutcomeForm(formdata=None) if may_record(user, found, now) else None),
        "withdraw": WithdrawForm(formdata=None) if own and found.is_open else None,
        "max_mb": max_bytes() // (1024 * 1024),
        "now": now,
    }


def render_request(
    user: User, found: ExternalRequest, now: datetime, status: int = 200, **forms: Any
) -> tuple[str, int]:
    html = render_template(
        "courses/external/request.html", **request_context(user, found, now, **forms)
    )
    return html, status


def own_context(user: User) -> dict[str, Any]:
    if user.employee_id is None:
        abort(403)
    return {"page": paginate(own_requests(user.employee_id)), "labels": STATE_LABELS}


def current_tab() -> str:
    tab = request.args.get("status", TABS[0])
    return tab if tab in TABS else TABS[0]


def decider_context(user: User) -> dict[str, Any]:
    tab = current_tab()
    return {
        "tab": tab,
        "tabs": {"offen": gettext("Awaiting my decision"), "alle": gettext("All requests")},
        "page": paginate(decider_requests(user, tab)),
        "labels": STATE_LABELS,
    }


def back_to(found: ExternalRequest) -> str:
    return url_for("courses.external_request", request_id=found.id)


def decided_message(found: ExternalRequest) -> str:
    name, title = found.employee.full_name, found.title
    if found.state == RequestState.DECLINED:
        return gettext(
            "The request of %(name)s for “%(title)s” has been declined; the reason has been "
            "sent to them.",
            name=name,
            title=title,
        )
    if found.state == RequestState.PENDING_HR:
        return gettext(
            "You have supported the request of %(name)s for “%(title)s”; HR development "
            "decides next.",
            name=name,
            title=title,
        )
    if found.state == RequestState.PENDING_SECOND:
        return gettext(
            "You have approved “%(title)s” for %(name)s. A second person of HR development "
            "must approve it as well.",
            name=name,
            title=title,
        )
    return gettext(
        "“%(title)s” is approved: %(name)s is enrolled and the costs are booked.",
        name=name,
        title=title,
    )


def external_for_course(course_id: int) -> ExternalRequest:
    """The request an external course was made for, if the reader may see it."""
    found = db.session.scalar(select(ExternalRequest).where(ExternalRequest.course_id == course_id))
    if found is None:
        abort(404)
    authorize("external.view", found)
    return found


def uploaded_message(found: ExternalRequest, attachment: ExternalAttachment, user: User) -> str:
    if attachment.kind == AttachmentKind.CERTIFICATE and user.employee_id == found.employee_id:
        return gettext(
            "The file “%(name)s” has been added. HR development has been told and records "
            "the result.",
            name=attachment.filename,
        )
    return gettext("The file “%(name)s” has been added.", name=attachment.filename)
