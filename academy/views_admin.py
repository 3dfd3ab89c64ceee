"""Administration: accounts and roles, the audit log, and the staff council's access log."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import joinedload
from werkzeug.wrappers import Response

from academy.account_admin import (
    accounts_query,
    employee_by_personnel_no,
    head_employee_ids,
    update_account_details,
)
from academy.accounts import create_account, reset_password, set_active, set_roles
from academy.audit import ACCESS_LABELS
from academy.auth.policy import requires
from academy.clock import berlin_to_utc, utcnow
from academy.errors import DomainError
from academy.extensions import db
from academy.forms_admin import (
    AccessLogFilterForm,
    AccountCreateForm,
    AccountEditForm,
    AccountFilterForm,
    AuditFilterForm,
    PasswordResetForm,
)
from academy.i18n import N_, translate
from academy.models import AccessLogEntry, AuditLogEntry, Employee, Role, User
from academy.navigation import NavItem, add_nav
from academy.org_admin import departments_headed_by

bp = Blueprint("admin", __name__)

add_nav(NavItem("admin.accounts", N_("Accounts"), "accounts.manage", "admin", order=10))
add_nav(NavItem("admin.audit_log", N_("Audit log"), "audit.view", "admin", order=20))
add_nav(NavItem("admin.access_log", N_("Access log"), "access_log.view", "council", order=10))

#: What was looked at, for the access log (other packages' codes are shown as they are).


# ---------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------


def _page_number() -> int:
    return max(request.args.get("page", 1, type=int) or 1, 1)


def _paginate(query: Select[Any]) -> Any:
    return db.paginate(
        query, page=_page_number(), per_page=current_app.config["PAGE_SIZE"], error_out=False
    )


def _valid(field: Any) -> Any:
    """A filter field's value, or None when it is empty or invalid."""
    if field.errors or field.data in ("", None):
        return None
    return field.data.strip() if isinstance(field.data, str) else field.data


def _show_error(form: FlaskForm, error: DomainError) -> int:
    """Put a domain error next to its field (or above the form); return the status."""
    message = translate(error.message, **error.params)
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = [*field.errors, message]
    else:
        form.form_errors.append(message)
    return error.status_code


def _utc_bounds(start: date | None, end: date | None) -> tuple[datetime | None, datetime | None]:
    """Berlin calendar days [start, end] as UTC instants [from, until)."""
    lower = berlin_to_utc(datetime.combine(start, time.min)) if start else None
    upper = berlin_to_utc(datetime.combine(end + timedelta(days=1), time.min)) if end else None
    return lower, upper


def _users_with_email_like(text: str) -> Select[tuple[int]]:
    return select(User.id).where(func.lower(User.email).contains(text.lower(), autoescape=True))


def roles_for_accounts(users: list[User]) -> dict[int, list[Role]]:
    """Assigned and derived roles of each account, in the roles' natural order."""
    heads = head_employee_ids({u.employee_id for u in users if u.employee_id is not None})
    result: dict[int, list[Role]] = {}
    for user in users:
        roles = set(user.assigned_roles)
        if user.employee_id is not None:
            roles.add(Role.EMPLOYEE)
            if user.employee_id in heads:
                roles.add(Role.HEAD)
        result[user.id] = [r for r in Role if r in roles]
    return result


# ---------------------------------------------------------------------------
# Accounts
# ---------------------------------------------------------------------------


@bp.get("/verwaltung/konten")
@requires("accounts.manage")
def accounts() -> str:
    form = AccountFilterForm(formdata=request.args)
    form.validate()
    page = _paginate(accounts_query(_valid(form.q), _valid(form.role), _valid(form.status)))
    return render_template(
        "academy/admin/accounts.html",
        form=form,
        page=page,
        roles=roles_for_accounts(list(page.items)),
    )


@bp.route("/verwaltung/konten/neu", methods=["GET", "POST"])
@requires("accounts.manage")
def account_new() -> str | Response | tuple[str, int]:
    form = AccountCreateForm()
    status = 200
    if form.validate_on_submit():
        actor = current_user._get_current_object()
        try:
            user = create_account(
                actor,
                email=form.email.data or "",
                display_name=form.display_name.data or "",
                password=form.password.data or "",
                employee=employee_by_personnel_no(form.personnel_no.data),
                roles=[Role(r) for r in form.roles.data or []],
            )
        except DomainError as error:
            db.session.rollback()
            status = _show_error(form, error)
        else:
            db.session.commit()
            flash(
                gettext("The account for %(email)s has been created.", email=user.email), "success"
            )
            return redirect(url_for("admin.account", user_id=user.id))
    elif request.method == "POST":
        status = 422
    return render_template("academy/admin/account_new.html", form=form), status


def _edit_form(user: User) -> AccountEditForm:
    if request.method == "POST" and request.endpoint == "admin.account":
        return AccountEditForm()
    return AccountEditForm(
        formdata=None,
        data={
            "display_name": user.display_name,
            "personnel_no": user.employee.personnel_no if user.employee else "",
            "roles": sorted(r.value for r in user.assigned_roles),
            "active": user.active,
        },
    )


def _render_account(
    user: User,
    form: AccountEditForm,
    password_form: PasswordResetForm,
    status: int = 200,
    confirm: bool = False,
) -> tuple[str, int]:
    html = render_template(
        "academy/admin/account_edit.html",
        user=user,
        form=form,
        password_form=password_form,
        confirm=confirm,
        account_roles=roles_for_accounts([user])[user.id],
        headed=departments_headed_by(user.employee_id),
    )
    return html, status


@bp.route("/verwaltung/konten/<int:user_id>", methods=["GET", "POST"])
@requires("accounts.manage")
def account(user_id: int) -> Response | tuple[str, int]:
    user = db.get_or_404(User, user_id)
    form = _edit_form(user)
    password_form = PasswordResetForm(formdata=None, prefix="pw")
    if request.method == "GET":
        return _render_account(user, form, password_form)
    if not form.validate_on_submit():
        return _render_account(user, form, password_form, 422)
    actor = current_user._get_current_object()
    deactivating = user.active and not form.active.data
    if deactivating and actor.id != user.id and not form.confirm_deactivation.data:
        # Nothing is changed yet: the page asks to confirm (sessions will end).
        return _render_account(user, form, password_form, confirm=True)
    try:
        update_account_details(
            actor,
            user,
            display_name=form.display_name.data or "",
            employee=employee_by_personnel_no(form.personnel_no.data),
            now=utcnow(),
        )
        set_roles(actor, user, [Role(r) for r in form.roles.data or []])
        set_active(actor, user, bool(form.active.data))
    except DomainError as error:
        db.session.rollback()
        status = _show_error(form, error)
        return _render_account(user, form, password_form, status)
    db.session.commit()
    flash(gettext("The account has been saved."), "success")
    return redirect(url_for("admin.account", user_id=user.id))


@bp.post("/verwaltung/konten/<int:user_id>/passwort")
@requires("accounts.manage")
def account_password(user_id: int) -> Response | tuple[str, int]:
    user = db.get_or_404(User, user_id)
    password_form = PasswordResetForm(prefix="pw")
    status = 422
    if password_form.validate_on_submit():
        try:
            reset_password(current_user._get_current_object(), user, password_form.password.data)
        except DomainError as error:
            db.session.rollback()
            status = _show_error(password_form, error)
        else:
            db.session.commit()
            flash(
                gettext("The password has been set. All sessions of the account have ended."),
                "success",
            )
            return redirect(url_for("admin.account", user_id=user.id))
    return _render_account(user, _edit_form(user), password_form, status)


# ---------------------------------------------------------------------------
# Audit log and access log
# ---------------------------------------------------------------------------


@bp.get("/verwaltung/protokoll")
@requires("audit.view")
def audit_log() -> str:
    form = AuditFilterForm(formdata=request.args)
    types = db.session.scalars(
        select(AuditLogEntry.object_type).distinct().order_by(AuditLogEntry.object_type)
    )
    form.set_object_types(types)
    form.validate()
    query = (
        select(AuditLogEntry)
        .options(joinedload(AuditLogEntry.actor).lazyload(User.role_assignments))
        .order_by(AuditLogEntry.at.desc(), AuditLogEntry.id.desc())
    )
    if action := _valid(form.action):
        query = query.where(AuditLogEntry.action.startswith(action, autoescape=True))
    if actor := _valid(form.actor):
        query = query.where(AuditLogEntry.actor_id.in_(_users_with_email_like(actor)))
    if object_type := _valid(form.object_type):
        query = query.where(AuditLogEntry.object_type == object_type)
    lower, upper = _utc_bounds(_valid(form.date_from), _valid(form.date_to))
    if lower is not None:
        query = query.where(AuditLogEntry.at >= lower)
    if upper is not None:
        query = query.where(AuditLogEntry.at < upper)
    return render_template("academy/admin/audit_log.html", form=form, page=_paginate(query))


@bp.get("/personalrat/zugriffe")
@requires("access_log.view")
def access_log() -> str:
    form = AccessLogFilterForm(formdata=request.args)
    form.validate()
    query = (
        select(AccessLogEntry)
        .options(
            joinedload(AccessLogEntry.actor).lazyload(User.role_assignments),
            joinedload(AccessLogEntry.subject),
        )
        .order_by(AccessLogEntry.at.desc(), AccessLogEntry.id.desc())
    )
    if viewer := _valid(form.viewer):
        query = query.where(AccessLogEntry.actor_id.in_(_users_with_email_like(viewer)))
    if subject := _valid(form.subject):
        text = subject.lower()
        query = query.where(
            AccessLogEntry.subject_id.in_(
                select(Employee.id).where(
                    or_(
                        func.lower(Employee.last_name).contains(text, autoescape=True),
                        func.lower(Employee.first_name).contains(text, autoescape=True),
                        func.lower(Employee.personnel_no).contains(text, autoescape=True),
                    )
                )
            )
        )
    lower, upper = _utc_bounds(_valid(form.date_from), _valid(form.date_to))
    if lower is not None:
        query = query.where(AccessLogEntry.at >= lower)
    if upper is not None:
        query = query.where(AccessLogEntry.at < upper)
    return render_template(
        "academy/admin/access_log.html",
        form=form,
        page=_paginate(query),
        access_labels={code: gettext(label) for code, label in ACCESS_LABELS.items()},
    )
