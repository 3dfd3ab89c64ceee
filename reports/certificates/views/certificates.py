"""Certificate pages: own / team / all lists, the detail page, the PDF, and HR's
revocation and reissue (recertification) from the detail page."""

from __future__ import annotations

from flask import flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext
from werkzeug.wrappers import Response

import reports.policy  # noqa: F401 - registers the actions before @requires
from academy.auth.policy import requires
from academy.clock import to_berlin, utcnow
from academy.errors import DomainError
from academy.extensions import db
from academy.i18n import N_
from academy.web.kit import acting_user, flash_error, paginate
from academy.web.navigation import NavItem, add_nav
from academy.web.urls import public_url
from reports import bp
from reports.certificates.certificates import reissue, revoke
from reports.certificates.forms import RevokeForm
from reports.certificates.pages import certificate_or_404, detail_page
from reports.certificates.pdf import certificate_pdf as render_pdf
from reports.certificates.queries import others_list, own_certificates

add_nav(NavItem("reports.certificates", N_("My certificates"), "certificates.view", "main", 40))


@bp.get("/zertifikate")
@requires("certificates.view")
def certificates() -> str:
    user = acting_user()
    q = (request.args.get("q") or "").strip()
    others = others_list(user, q)
    return render_template(
        "reports/certificates/list.html",
        own=own_certificates(user),
        others=paginate(others.statement) if others.statement is not None else None,
        scope=others.scope,
        q=q,
        today=to_berlin(utcnow()).date(),
    )


@bp.get("/zertifikate/<int:cert_id>")
@requires("certificates.view")
def certificate(cert_id: int) -> str:
    cert = certificate_or_404(cert_id)
    form = RevokeForm(formdata=None)
    return render_template(
        "reports/certificates/detail.html", **detail_page(cert, acting_user(), form)
    )


@bp.get("/zertifikate/<int:cert_id>.pdf")
@requires("certificates.view")
def certificate_pdf(cert_id: int) -> Response:
    """The certificate as PDF (owner, their head, HR): built from the stored snapshot."""
    cert = certificate_or_404(cert_id)
    verify_url = public_url("reports.verify", code=cert.code)
    response = make_response(render_pdf(cert, verify_url=verify_url))
    response.headers["Content-Type"] = "application/pdf"
    response.headers["Content-Disposition"] = (
        f'attachment; filename="Bescheinigung-{cert.serial}.pdf"'
    )
    return response


@bp.post("/zertifikate/<int:cert_id>/widerrufen")
@requires("certificates.manage")
def certificate_revoke(cert_id: int) -> Response | tuple[str, int]:
    cert, user = certificate_or_404(cert_id), acting_user()
    form = RevokeForm()
    status = 422
    if form.validate_on_submit():
        try:
            revoke(user, cert, form.reason.data or "", utcnow())
        except DomainError as error:
            db.session.rollback()
            status = flash_error(error)
        else:
            db.session.commit()
            flash(gettext("The certificate has been revoked."), "success")
            return redirect(url_for("reports.certificate", cert_id=cert.id))
    return render_template(
        "reports/certificates/detail.html", **detail_page(cert, user, form)
    ), status


@bp.post("/zertifikate/<int:cert_id>/neu-ausstellen")
@requires("certificates.manage")
def certificate_reissue(cert_id: int) -> Response:
    cert = certificate_or_404(cert_id, "certificates.manage")
    try:
        new = reissue(acting_user(), cert, utcnow())
    except DomainError as error:
        db.session.rollback()
        flash_error(error)
        return redirect(url_for("reports.certificate", cert_id=cert.id))
    db.session.commit()
    flash(gettext("The certificate has been reissued as %(serial)s.", serial=new.serial), "success")
    return redirect(url_for("reports.certificate", cert_id=new.id))
