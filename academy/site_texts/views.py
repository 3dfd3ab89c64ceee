"""The transparency pages (public: no login needed) and their admin edit page."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext
from werkzeug.wrappers import Response

from academy.accounts.models import Role
from academy.auth.policy import public, register_rule, requires, roles_rule
from academy.clock import utcnow
from academy.errors import DomainError
from academy.extensions import db
from academy.i18n import N_
from academy.site_texts.forms import ResetForm, SiteTextForm
from academy.site_texts.texts import current_body, last_change, page, render, reset_text, save_text
from academy.web.kit import acting_user, show_error
from academy.web.navigation import NavItem, add_nav

bp = Blueprint("site_texts", __name__)
T = "academy/site_texts/"

register_rule("site_texts.edit", roles_rule(Role.ADMIN))
add_nav(NavItem("site_texts.edit_privacy", N_("Privacy notice"), "site_texts.edit", "admin", 90))
add_nav(
    NavItem(
        "site_texts.edit_accessibility",
        N_("Accessibility statement"),
        "site_texts.edit",
        "admin",
        91,
    )
)


def _show(key: str) -> str:
    kind = page(key)
    return render_template(
        T + "page.html",
        kind=kind,
        html=render(current_body(key)),
        changed=last_change(key),
        feedback=current_app.config.get("ACCESSIBILITY_CONTACT", ""),
    )


@bp.get("/datenschutz")
@public
def privacy() -> str:
    return _show("privacy")


@bp.get("/barrierefreiheit")
@public
def accessibility() -> str:
    return _show("accessibility")


def _edit(key: str) -> Response | tuple[str, int]:
    kind, form, status = page(key), SiteTextForm(), 200
    if form.validate_on_submit():
        try:
            save_text(acting_user(), key, form.body.data or "", now=utcnow())
        except DomainError as error:
            status = show_error(form, error)
        else:
            db.session.commit()
            flash(gettext("The page has been saved."), "success")
            return redirect(url_for(kind.endpoint))
    elif form.is_submitted():
        status = 422
    else:
        form.body.data = current_body(key)
    return render_template(T + "edit.html", form=form, kind=kind, reset=ResetForm()), status


@bp.route("/verwaltung/datenschutz", methods=["GET", "POST"])
@requires("site_texts.edit")
def edit_privacy() -> Response | tuple[str, int]:
    return _edit("privacy")


@bp.route("/verwaltung/barrierefreiheit", methods=["GET", "POST"])
@requires("site_texts.edit")
def edit_accessibility() -> Response | tuple[str, int]:
    return _edit("accessibility")


@bp.post("/verwaltung/seitentexte/<any(privacy, accessibility):key>/zuruecksetzen")
@requires("site_texts.edit")
def reset(key: str) -> Response:
    if ResetForm().validate_on_submit():
        reset_text(acting_user(), key, now=utcnow())
        db.session.commit()
        flash(gettext("The shipped text applies again."), "success")
    return redirect(url_for(page(key).endpoint))
