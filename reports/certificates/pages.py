"""What the certificate pages show: a certificate the reader may see (404 otherwise)
and the detail page's context with the answers the template needs (which actions the
reader is offered)."""

from __future__ import annotations

from typing import Any

from flask import abort

from academy.accounts.models import User
from academy.auth.policy import authorize, can
from academy.clock import to_berlin, utcnow
from academy.extensions import db
from academy.web.kit import language
from academy.web.urls import public_url
from reports.certificates.forms import RevokeForm
from reports.certificates.models import Certificate
from reports.certificates.queries import certificate_history


def certificate_or_404(cert_id: int, action: str = "certificates.view") -> Certificate:
    cert = db.session.get(Certificate, cert_id)
    if cert is None:
        abort(404)
    authorize(action, cert)
    return cert


def detail_page(cert: Certificate, user: User, form: RevokeForm) -> dict[str, Any]:
    """The detail page: status, history and whether reissue and revocation are offered
    (HR, for a certificate that is not revoked)."""
    status = cert.status(to_berlin(utcnow()).date())
    may_change = can(user, "certificates.manage") and status != "revoked"
    return {
        "cert": cert,
        "form": form,
        "status": status,
        "history": certificate_history(cert),
        "may_reissue": may_change,
        "may_revoke": may_change,
        "lang": language(),
        "badge_url": public_url("reports.assertion", code=cert.code) if status == "valid" else None,
    }
