"""All certificates of a session as one ZIP file, streamed while it is built.

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
from typing import Any

from academy.extensions import db
from academy.web.urls import public_url
from reports.certificates.models import Certificate
from reports.certificates.pdf import certificate_pdf

_UNSAFE = re.compile(r"[^\w.-]+")


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


def zip_filename(course_code: str, day: str) -> str:
    code = safe_name(course_code, "Kurs").encode("ascii", "ignore").decode() or "Kurs"
    return f"Bescheinigungen-{code}-{day}.zip"


def zip_stream(rows: list[tuple[int, str, str, str | None]]) -> Iterator[bytes]:
    """The ZIP of the certificates ``rows`` (``id, serial, recipient_name, last_name``)."""
    out = _Chunks()
    with zipfile.ZipFile(out, mode="w", compression=zipfile.ZIP_DEFLATED) as archive:
        for cert_id, serial, recipient_name, surname in rows:
            cert = db.session.get(Certificate, cert_id)
            if cert is None:  # deleted meanwhile
                continue
            verify_url = public_url("reports.verify", code=cert.code)
            data = certificate_pdf(cert, verify_url=verify_url)
            db.session.expunge(cert)
            archive.writestr(member_name(serial, recipient_name, surname), data)
            del data
            yield out.take()
    yield out.take()
