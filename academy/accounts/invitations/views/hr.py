"""HR's invitation page: staff in service without an account, filtered and paginated,
the progress of the invitations, and inviting the ticked people or everyone the filter
matches (after a confirmation page that says how many e-mails will go out)."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext, ngettext
from sqlalchemy import select
from werkzeug.wrappers import Response

from academy.accounts.invitations.blueprint import bp
from academy.accounts.invitations.forms import (
    SCOPE_FILTER,
    InvitationFilterForm,
    InviteForm,
)
from academy.accounts.invitations.queries import (
    STATUS_LABELS,
    STATUS_NOT_INVITED,
    InvitationFilter,
    candidates_query,
    matching_ids,
    progress,
    rows_of,
)
from academy.accounts.invitations.sending import (
    SKIP_REASONS,
    InviteResult,
    invitation_days,
    invite,
    may_invite,
)
from academy.accounts.models import Role
from academy.auth.policy import register_rule, requires
from academy.clock import utcnow
from academy.errors import DomainError
from academy.extensions import db
from academy.i18n import N_
from academy.org.heads import order_as_tree
from academy.org.models import Department
from academy.web.kit import acting_user, flash_error, paginate
from academy.web.navigation import NavItem, add_nav


def _may_invite(user: Any, target: Any) -> bool:
    return may_invite(user)


_may_invite.roles = {Role.HR, Role.ADMIN}  # type: ignore[attr-defined]
register_rule("invitations.manage", _may_invite)
add_nav(NavItem("invitations.index", N_("Invitations"), "invitations.manage", "hr", order=25))


def _departments() -> list[tuple[Department, int]]:
    return order_as_tree(db.session.scalars(select(Department).order_by(Department.path)))


def _filter(values: dict[str, str], ordered: list[tuple[Department, int]]) -> InvitationFilter:
    """The filter from submitted values; unknown departments and statuses are ignored."""
    by_id = {str(d.id): d for d, _depth in ordered}
    status = values.get("status") or STATUS_NOT_INVITED
    return InvitationFilter(
        department=by_id.get(values.get("department") or ""),
        status=status if status in STATUS_LABELS else STATUS_NOT_INVITED,
        search=(values.get("q") or "").strip()[:100] or None,
    )


def _filter_values(chosen: InvitationFilter) -> dict[str, str]:
    return {
        "department": str(chosen.department.id) if chosen.department else "",
        "status": chosen.status,
        "q": chosen.search or "",
    }


@bp.get("/verwaltung/einladungen")
@requires("invitations.manage")
def index() -> str:
    ordered = _departments()
    form = InvitationFilterForm(formdata=request.args)
    form.set_departments(ordered)
    valid = form.validate()
    chosen = _filter(request.args.to_dict() if valid else {}, ordered)
    now = utcnow()
    page = paginate(candidates_query(chosen, now))
    return render_template(
        "academy/invitations/index.html",
        form=form,
        page=page,
        rows=rows_of(page.items),
        progress=progress(now),
        filter_values=_filter_values(chosen),
        now=now,
        days=invitation_days(),
    )


def _selection(form: InviteForm, chosen: InvitationFilter) -> list[Any]:
    if form.scope.data == SCOPE_FILTER:
        return list(matching_ids(chosen, utcnow()))
    return list(form.employee_ids.data or [])


def _report(result: InviteResult) -> None:
    flash(
        ngettext(
            "%(num)s invitation has been created; the e-mail goes out at the next run.",
            "%(num)s invitations have been created; the e-mails go out at the next run.",
            result.invited,
        ),
        "success" if result.invited else "warning",
    )
    for reason, count in sorted(result.skipped.items()):
        flash(
            gettext(
                "Not invited (%(reason)s): %(n)s", reason=gettext(SKIP_REASONS[reason]), n=count
            ),
            "info",
        )


def _confirmation(form: InviteForm, ids: list[Any], chosen: InvitationFilter) -> str:
    """The page that asks before the e-mails go out (nothing is changed yet)."""
    return render_template(
        "academy/invitations/confirm.html",
        form=form,
        ids=ids,
        count=len({str(i) for i in ids}),
        chosen=chosen,
        filter_values=_filter_values(chosen),
        days=invitation_days(),
    )


@bp.post("/verwaltung/einladungen")
@requires("invitations.manage")
def invite_people() -> Response | tuple[str, int]:
    form, ordered = InviteForm(), _departments()
    chosen = _filter(request.form.to_dict(), ordered)
    back = url_for("invitations.index", **_filter_values(chosen))
    if not form.validate():
        flash(gettext("The selection could not be read. Please choose the people again."), "danger")
        return redirect(back)
    ids = _selection(form, chosen)
    if form.confirm.data != "yes":
        return _confirmation(form, ids, chosen), 200
    try:
        result = invite(acting_user(), ids, utcnow())
    except DomainError as error:
        db.session.rollback()
        flash_error(error)
        return redirect(back)
    db.session.commit()
    _report(result)
    return redirect(back)
