"""All certificates of a session as one ZIP file (HR), streamed while it is built.

The archive is written by ``zipfile`` into a writer that cannot seek: every PDF is
rendered, compressed into the writer's small buffer and handed to the client before the
next one is rendered, so neither the whole archive nor all PDFs are ever held in memory.
Revoked certificates are left out (the PDF would not show the revocation).
"""

from __future__ import annotations

import re
import unicodedata
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from flask import abort, flash, redirect, stream_with_context, url_for
from flask_babel import gettext
from flask_login import current_user
from sqlalchemy import Select, func, select
from werkzeug.wrappers import Response

import reports.policy  # noqa: F401 - registers the actions before @requires
from academy.auth.policy import can, requires
from academy.clock import to_berlin
from academy.extensions import db
from academy.models import Employee
from courses.models import CourseSession, Enrolment
from reports import bp, pdf
from reports.models import Certificate

_UNSAFE = re.compile(r"[^\w.-]+")


@dataclass(frozen=True)
class ZipLink:
    """What the roster page needs for its download button."""

    url: str
    count: int


class _Chunks:
    """A write-only, non-seekable file object: ``zipfile`` writes into it, the response
    generator takes what was written so far with :meth:`take`."""

    def __init__(self) -> None:
        self._parts: list[bytes] = []

    def write(self, data: Any) -> int:
        chunk = bytes(data)
        if chunk:
            self._parts.append(chunk)
        return len(chunk)

    def flush(self) -> None:
        pass

    def take(self) -> bytes:
        out = b"".join(self._parts)
        self._parts.clear()
        return out


def _query(session_id: int) -> Select[Any]:
    return (
        select(Certificate.id, Certificate.serial, Certificate.recipient_name, Employee.last_name)
        .join(Enrolment, Enrolment.id == Certificate.enrolment_id)
        .outerjoin(Employee, Employee.id == Certificate.employee_id)
        .where(Enrolment.session_id == session_id, Certificate.revoked_at.is_(None))
        .order_by(Certificate.serial)
    )


def certificate_count(session_id: int) -> int:
    """How many (not revoked) certificates the session's enrolments earned."""
    sub = _query(session_id).subquery()
    return int(db.session.scalar(select(func.count()).select_from(sub)) or 0)


def safe_name(text: str, fallback: str = "Name") -> str:
    """``text`` fit for a file name in any file system: letters (umlauts stay), digits,
    ``.``, ``-`` and ``_`` only."""
    text = unicodedata.normalize("NFC", text or "").strip()
    return _UNSAFE.sub("_", text).strip("._") or fallback


def last_name(recipient_name: str, current_last_name: str | None) -> str:
    """The surname as printed on the certificate (the snapshot), using the employee's
    current surname only to recognise a surname of several words."""
    name = (recipient_name or "").strip()
    if current_last_name and name.endswith(current_last_name):
        return current_last_name
    return name.rsplit(" ", 1)[-1] if name else ""


def member_name(serial: str, recipient_name: str, current_last_name: str | None) -> str:
    return f"{safe_name(serial)}_{safe_name(last_name(recipient_name, current_last_name))}.pdf"


def _stream(rows: list[tuple[int, str, str, str | None]]) -> Iterator[bytes]:
    out = _Chunks()
    with zipfile.ZipFile(out, mode="w", compression=zipfile.ZIP_DEFLATED) as archive:
        for cert_id, serial, recipient_name, surname in rows:
            cert = db.session.get(Certificate, cert_id)
            if cert is None:  # deleted meanwhile
                continue
            verify_url = url_for("reports.verify", code=cert.code, _external=True)
            data = pdf.certificate_pdf(cert, verify_url=verify_url)
            db.session.expunge(cert)
            archive.writestr(member_name(serial, recipient_name, surname), data)
            del data
            yield out.take()
    yield out.take()


@bp.get("/termine/<int:session_id>/zertifikate.zip", endpoint="session_zip")
@requires("certificates.manage")
def session_zip(session_id: int) -> Response:
    session = db.session.get(CourseSession, session_id)
    if session is None:
        abort(404)
    rows = [tuple(row) for row in db.session.execute(_query(session_id))]
    if not rows:
        flash(gettext("This session has no certificates yet."), "info")
        return redirect(url_for("courses.session_roster", session_id=session_id), code=303)
    day = to_berlin(session.starts_at).date().isoformat()
    code = safe_name(session.course.code, "Kurs").encode("ascii", "ignore").decode() or "Kurs"
    response = Response(stream_with_context(_stream(rows)), mimetype="application/zip")
    response.headers["Content-Disposition"] = (
        f'attachment; filename="Bescheinigungen-{code}-{day}.zip"'
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.app_template_global("session_certificate_zip")
def session_certificate_zip(session_id: int) -> ZipLink | None:
    """For the roster page (courses cannot import reports): the ZIP download link and
    the number of certificates, or None when the viewer is not HR or there are none."""
    if not can(current_user, "certificates.manage"):
        return None
    count = certificate_count(session_id)
    if not count:
        return None
    return ZipLink(url_for("reports.session_zip", session_id=session_id), count)
