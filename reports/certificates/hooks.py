"""What the certificates feature adds to lower packages' pages (declared hooks): the ZIP
download of a session's certificates on the course roster, the link to a graduate's
programme certificate on the fast-track pages, and the certificate of each completed
course in the learning history."""

from __future__ import annotations

from typing import Any

from flask import g, render_template, url_for
from flask_login import current_user
from sqlalchemy import select

from academy.auth.policy import can
from academy.extensions import db
from reports.certificates.models import Certificate
from reports.certificates.queries import certificate_count


def session_zip_link(session: Any, **_: Any) -> str:
    """The roster's ZIP link with the number of certificates, or "" when the viewer is
    not HR or the session has none."""
    if not can(current_user, "certificates.manage"):
        return ""
    count = certificate_count(session.id)
    if not count:
        return ""
    url = url_for("reports.session_zip", session_id=session.id)
    return render_template("reports/certificates/_session_zip.html", url=url, count=count)


def programme_certificate_link(member: Any, own: bool = False, **_: Any) -> str:
    """The link to a cohort member's programme certificate (for the member: the PDF and the
    details), or "" while there is none or the viewer may not open it."""
    if getattr(member, "graduated_on", None) is None:
        return ""
    cert = db.session.scalar(
        select(Certificate)
        .where(Certificate.cohort_member_id == member.id)
        .order_by(Certificate.id.desc())
        .limit(1)
    )
    if cert is None or not can(current_user, "certificates.view", cert):
        return ""
    return render_template(
        "reports/certificates/_programme_link.html",
        own=own,
        pdf=url_for("reports.certificate_pdf", cert_id=cert.id),
        detail=url_for("reports.certificate", cert_id=cert.id),
    )


def history_certificate_link(enrolment: Any, **_: Any) -> str:
    """The certificate of a completed enrolment in the learning history (PDF, details and
    Open Badge), or "". The person's certificates are read once per request."""
    if getattr(enrolment, "state", None) != "completed":
        return ""
    cache = g.setdefault("history_certificates", {})
    if enrolment.employee_id not in cache:
        cache[enrolment.employee_id] = {
            cert.enrolment_id: cert
            for cert in db.session.scalars(
                select(Certificate).where(
                    Certificate.employee_id == enrolment.employee_id,
                    Certificate.enrolment_id.is_not(None),
                )
            )
        }
    cert = cache[enrolment.employee_id].get(enrolment.id)
    if cert is None or not can(current_user, "certificates.view", cert):
        return ""
    return render_template(
        "reports/certificates/_history_link.html",
        cert=cert,
        pdf=url_for("reports.certificate_pdf", cert_id=cert.id),
        detail=url_for("reports.certificate", cert_id=cert.id),
    )
