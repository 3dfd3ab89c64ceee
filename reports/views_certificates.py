"""Certificate pages: own / team / all lists, a detail page with revocation (HR), and
the public verification page with its Open Badges 2.0 hosted assertion."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from flask import (
    abort,
    current_app,
    flash,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale, gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import func, or_, select
from werkzeug.wrappers import Response
from wtforms import TextAreaField
from wtforms.validators import DataRequired, Length

import reports.policy  # noqa: F401 - registers the actions before @requires
from academy.auth.policy import authorize, can, public, requires, scope_department_ids
from academy.clock import BERLIN, to_berlin, utcnow
from academy.errors import DomainError
from academy.extensions import db
from academy.i18n import N_, translate
from academy.models import Employee, LoginAttempt
from academy.navigation import NavItem, add_nav
from reports import bp, pdf
from reports.certificates import find_by_code, normalise_code, recipient_salt, revoke
from reports.models import Certificate

add_nav(NavItem("reports.certificates", N_("My certificates"), "certificates.view", "main", 40))


class RevokeForm(FlaskForm):
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=2000)])


def _page() -> int:
    return max(request.args.get("page", 1, type=int) or 1, 1)


def _paginate(query: Any) -> Any:
    return db.paginate(
        query.order_by(Certificate.issued_at.desc(), Certificate.id.desc()),
        page=_page(),
        per_page=int(current_app.config["PAGE_SIZE"]),
        error_out=False,
    )


@bp.get("/zertifikate")
@requires("certificates.view")
def certificates() -> str:
    user = current_user._get_current_object()
    own = None
    if user.employee_id is not None:
        own = list(
            db.session.scalars(
                select(Certificate)
                .where(Certificate.employee_id == user.employee_id)
                .order_by(Certificate.issued_at.desc())
            )
        )
    q = (request.args.get("q") or "").strip()
    others = None
    scope = "none"
    if can(user, "certificates.manage"):
        scope = "all"
        query = select(Certificate)
        if q:
            like = f"%{q.lower()}%"
            query = query.where(
                or_(
                    func.lower(Certificate.recipient_name).like(like),
                    func.lower(Certificate.title).like(like),
                    func.lower(Certificate.serial).like(like),
                )
            )
        others = _paginate(query)
    elif can(user, "certificates.team"):
        scope = "team"
        departments = scope_department_ids(user)
        query = (
            select(Certificate)
            .join(Employee, Employee.id == Certificate.employee_id)
            .where(Employee.department_id.in_(departments))
        )
        if user.employee_id is not None:
            query = query.where(Certificate.employee_id != user.employee_id)
        others = _paginate(query)
    return render_template(
        "reports/certificates.html",
        own=own,
        others=others,
        scope=scope,
        q=q,
        today=to_berlin(utcnow()).date(),
    )


def _certificate(cert_id: int) -> Certificate:
    cert = db.session.get(Certificate, cert_id)
    if cert is None:
        abort(404)
    authorize("certificates.view", cert)
    return cert


def _render_detail(cert: Certificate, form: RevokeForm, status: int = 200) -> tuple[str, int]:
    return render_template(
        "reports/certificate.html",
        cert=cert,
        form=form,
        status=cert.status(to_berlin(utcnow()).date()),
        can_manage=can(current_user, "certificates.manage"),
        lang=str(get_locale() or "de")[:2],
    ), status


@bp.get("/zertifikate/<int:cert_id>")
@requires("certificates.view")
def certificate(cert_id: int) -> tuple[str, int]:
    return _render_detail(_certificate(cert_id), RevokeForm(formdata=None))


@bp.get("/zertifikate/<int:cert_id>.pdf")
@requires("certificates.view")
def certificate_pdf(cert_id: int) -> Response:
    """The certificate as PDF (owner, their head, HR): built from the stored snapshot."""
    cert = _certificate(cert_id)
    verify_url = url_for("reports.verify", code=cert.code, _external=True)
    response = make_response(pdf.certificate_pdf(cert, verify_url=verify_url))
    response.headers["Content-Type"] = "application/pdf"
    response.headers["Content-Disposition"] = (
        f'attachment; filename="Bescheinigung-{cert.serial}.pdf"'
    )
    return response


@bp.post("/zertifikate/<int:cert_id>/widerrufen")
@requires("certificates.manage")
def certificate_revoke(cert_id: int) -> Response | tuple[str, int]:
    cert = _certificate(cert_id)
    form = RevokeForm()
    if not form.validate_on_submit():
        return _render_detail(cert, form, 422)
    try:
        revoke(current_user._get_current_object(), cert, form.reason.data or "", utcnow())
    except DomainError as error:
        db.session.rollback()
        flash(translate(error.message, **error.params), "danger")
        return _render_detail(cert, form, error.status_code)
    db.session.commit()
    flash(gettext("The certificate has been revoked."), "success")
    return redirect(url_for("reports.certificate", cert_id=cert.id))


# ---------------------------------------------------------------------------
# Public verification
# ---------------------------------------------------------------------------


def _throttle_key() -> str:
    return f"verify:{request.remote_addr or 'unknown'}"


def _throttled(now: datetime) -> bool:
    config = current_app.config
    window = timedelta(minutes=int(config.get("VERIFY_THROTTLE_MINUTES", 10)))
    limit = int(config.get("VERIFY_THROTTLE_MAX", 30))
    count = db.session.scalar(
        select(func.count())
        .select_from(LoginAttempt)
        .where(LoginAttempt.key == _throttle_key(), LoginAttempt.at >= now - window)
    )
    return (count or 0) >= limit


def _lookup(code: str) -> Certificate:
    """The certificate for a typed code; unknown codes count against the address."""
    now = utcnow()
    if _throttled(now):
        abort(429)
    cert = find_by_code(code)
    if cert is None:
        db.session.add(LoginAttempt(key=_throttle_key(), at=now))
        db.session.commit()
        abort(404)
    return cert


@bp.route("/pruefen", methods=["GET", "POST"])
@public
def verify_form() -> Response | str:
    code = (request.values.get("code") or "").strip()
    if code:
        normal = normalise_code(code) or "".join(ch for ch in code if ch.isalnum())[:40]
        if normal:
            return redirect(url_for("reports.verify", code=normal))
    return render_template("reports/verify_form.html")


@bp.get("/pruefen/<code>")
@public
def verify(code: str) -> Response | str:
    cert = _lookup(code)
    if code != cert.code:
        return redirect(url_for("reports.verify", code=cert.code))
    return render_template(
        "reports/verify.html", cert=cert, status=cert.status(to_berlin(utcnow()).date())
    )


def _expires(cert: Certificate) -> str | None:
    if cert.valid_until is None:
        return None
    end = datetime.combine(cert.valid_until, time(23, 59, 59), tzinfo=BERLIN)
    return end.isoformat()


def _revoked(cert: Certificate, url: str) -> Response:
    body = {
        "@context": "https://w3id.org/openbadges/v2",
        "id": url,
        "revoked": True,
        "revocationReason": cert.revoked_reason,
    }
    response = jsonify(body)
    response.status_code = 410
    return response


@bp.get("/pruefen/<code>/assertion.json")
@public
def assertion(code: str) -> Response:
    cert = _lookup(code)
    url = url_for("reports.assertion", code=cert.code, _external=True)
    if cert.revoked_at is not None:
        return _revoked(cert, url)
    body: dict[str, Any] = {
        "@context": "https://w3id.org/openbadges/v2",
        "type": "Assertion",
        "id": url,
        "recipient": {
            "type": "email",
            "hashed": True,
            "salt": recipient_salt(cert.code),
            "identity": cert.recipient_hash,
        },
        "badge": url_for("reports.badge", code=cert.code, _external=True),
        "verification": {"type": "hosted"},
        "issuedOn": cert.issued_at.isoformat(),
    }
    expires = _expires(cert)
    if expires:
        body["expires"] = expires
    return jsonify(body)


@bp.get("/pruefen/<code>/badge.json")
@public
def badge(code: str) -> Response:
    cert = _lookup(code)
    if cert.revoked_at is not None:
        return _revoked(cert, url_for("reports.badge", code=cert.code, _external=True))
    criteria = gettext("Completed %(title)s", title=cert.title)
    if cert.ue:
        criteria = gettext("Completed %(title)s (%(ue)s UE)", title=cert.title, ue=cert.ue)
    body = {
        "@context": "https://w3id.org/openbadges/v2",
        "type": "BadgeClass",
        "id": url_for("reports.badge", code=cert.code, _external=True),
        "name": cert.title,
        "description": cert.description or cert.title,
        "image": url_for("reports.badge_image", code=cert.code, _external=True),
        "criteria": {
            "id": url_for("reports.verify", code=cert.code, _external=True),
            "narrative": criteria,
        },
        "issuer": url_for("reports.issuer", _external=True),
        "alignment": [
            {"targetName": c.get("name_en") or c.get("name_de"), "targetCode": c.get("code")}
            for c in cert.competences or []
        ],
    }
    return jsonify(body)


@bp.get("/pruefen/<code>/badge.svg")
@public
def badge_image(code: str) -> Response:
    cert = _lookup(code)
    svg = render_template("reports/badge.svg", cert=cert)
    return Response(svg, mimetype="image/svg+xml")


@bp.get("/pruefen/aussteller.json")
@public
def issuer() -> Response:
    config = current_app.config
    return jsonify(
        {
            "@context": "https://w3id.org/openbadges/v2",
            "type": "Profile",
            "id": url_for("reports.issuer", _external=True),
            "name": config.get("CERTIFICATE_ISSUER") or config.get("ORG_NAME"),
            "url": url_for("reports.verify_form", _external=True),
        }
    )
