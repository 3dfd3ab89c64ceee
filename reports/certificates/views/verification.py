"""Public verification of a certificate by its code, and its Open Badges 2.0 hosted
assertion, badge class, badge image and issuer profile."""

from __future__ import annotations

from flask import jsonify, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

import reports.policy  # noqa: F401 - registers the actions before @requires
from academy.auth.policy import public
from academy.clock import to_berlin, utcnow
from academy.web.urls import public_url
from reports import bp
from reports.certificates import badges
from reports.certificates.certificates import normalise_code
from reports.certificates.models import Certificate
from reports.certificates.retention import name_removed
from reports.certificates.verification import lookup


def _lookup(code: str) -> Certificate:
    return lookup(code, request.remote_addr, utcnow())


def _revoked(cert: Certificate, endpoint: str) -> Response:
    response = jsonify(badges.revocation(cert, public_url(endpoint, code=cert.code)))
    response.status_code = 410
    return response


@bp.route("/pruefen", methods=["GET", "POST"])
@public
def verify_form() -> Response | str:
    code = (request.values.get("code") or "").strip()
    if code:
        normal = normalise_code(code) or "".join(ch for ch in code if ch.isalnum())[:40]
        if normal:
            return redirect(url_for("reports.verify", code=normal))
    return render_template("reports/certificates/verify_form.html")


@bp.get("/pruefen/<code>")
@public
def verify(code: str) -> Response | str:
    cert = _lookup(code)
    if code != cert.code:
        return redirect(url_for("reports.verify", code=cert.code))
    status = cert.status(to_berlin(utcnow()).date())
    return render_template(
        "reports/certificates/verify.html",
        cert=cert,
        status=status,
        name_removed=name_removed(cert),
    )


@bp.get("/pruefen/<code>/assertion.json")
@public
def assertion(code: str) -> Response:
    cert = _lookup(code)
    if cert.revoked_at is not None:
        return _revoked(cert, "reports.assertion")
    return jsonify(badges.assertion(cert))


@bp.get("/pruefen/<code>/badge.json")
@public
def badge(code: str) -> Response:
    cert = _lookup(code)
    if cert.revoked_at is not None:
        return _revoked(cert, "reports.badge")
    return jsonify(badges.badge_class(cert))


@bp.get("/pruefen/<code>/badge.svg")
@public
def badge_image(code: str) -> Response:
    svg = render_template("reports/certificates/badge.svg", cert=_lookup(code))
    return Response(svg, mimetype="image/svg+xml")


@bp.get("/pruefen/aussteller.json")
@public
def issuer() -> Response:
    return jsonify(badges.issuer_profile())
