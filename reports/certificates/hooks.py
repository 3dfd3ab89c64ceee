"""What the certificates feature adds to lower packages' pages (declared hooks):
the ZIP download of a session's certificates on the course roster."""

from __future__ import annotations

from typing import Any

from flask import render_template, url_for
from flask_login import current_user

from academy.auth.policy import can
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
