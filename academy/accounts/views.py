"""Administration of accounts: the list, a new account, editing roles and status, setting a
password."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from werkzeug.wrappers import Response

from academy.accounts.administration import (
    accounts_query,
    employee_by_personnel_no,
    head_employee_ids,
    save_account,
)
from academy.accounts.forms import (
    AccountCreateForm,
    AccountEditForm,
    AccountFilterForm,
    PasswordResetForm,
)
from academy.accounts.management import create_account, reset_password
from academy.accounts.models import Role, User
from academy.auth.policy import requires
from academy.clock import utcnow
from academy.errors import DomainError
from academy.extensions import db
from academy.i18n import N_
from academy.org.heads import departments_headed_by
from academy.web.forms import field_value
from academy.web.kit import acting_user, paginate, show_error
from academy.web.navigation import NavItem, add_nav

bp = Blueprint("admin", __name__)

add_nav(NavItem("admin.accounts", N_("Accounts"), "accounts.manage", "admin", order=10))


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
    page = paginate(
        accounts_query(field_value(form.q), field_value(form.role), field_value(form.status))
    )
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
        actor = acting_user()
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
            status = show_error(form, error)
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
            "roles": sorted(r.value for r in user.local_roles),
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
    if not form.validate_on_submit():
        status = 422 if request.method == "POST" else 200
        return _render_account(user, form, password_form, status)
    actor = acting_user()
    deactivating = user.active and not form.active.data and actor.id != user.id
    if deactivating and not form.confirm_deactivation.data:
        # Nothing is changed yet: the page asks to confirm (sessions will end).
        return _render_account(user, form, password_form, confirm=True)
    try:
        save_account(actor, user, **_account_changes(form), now=utcnow())
    except DomainError as error:
        db.session.rollback()
        return _render_account(user, form, password_form, show_error(form, error))
    db.session.commit()
    flash(gettext("The account has been saved."), "success")
    return redirect(url_for("admin.account", user_id=user.id))


def _account_changes(form: AccountEditForm) -> dict[str, Any]:
    return {
        "display_name": form.display_name.data or "",
        "personnel_no": form.personnel_no.data,
        "roles": [Role(r) for r in form.roles.data or []],
        "active": bool(form.active.data),
    }


@bp.post("/verwaltung/konten/<int:user_id>/passwort")
@requires("accounts.manage")
def account_password(user_id: int) -> Response | tuple[str, int]:
    user = db.get_or_404(User, user_id)
    password_form = PasswordResetForm(prefix="pw")
    status = 422
    if password_form.validate_on_submit():
        try:
            reset_password(acting_user(), user, password_form.password.data)
        except DomainError as error:
            db.session.rollback()
            status = show_error(password_form, error)
        else:
            db.session.commit()
            flash(
                gettext("The password has been set. All sessions of the account have ended."),
                "success",
            )
            return redirect(url_for("admin.account", user_id=user.id))
    return _render_account(user, _edit_form(user), password_form, status)
