"""Attachments of external training requests: the type is proven by the content (PDF,
PNG, JPEG — whatever the name says), the size is limited, files are stored outside the
web root under random names, only their uploader or HR removes them, orphans are swept."""

from __future__ import annotations

import io
import os
from datetime import timedelta

import pytest
from sqlalchemy import select

from academy.clock import utcnow
from academy.errors import Conflict, PermissionDenied, ValidationFailed
from courses.external.attachments import (
    MAX_FILES,
    add,
    clean_filename,
    discard,
    path_of,
    remove,
    sniff,
    sweep,
)
from courses.external.models import ExternalAttachment
from tests.courses.external.support import Office
from tests.courses.support import NOW

PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 40
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 40


@pytest.fixture()
def files(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "EXTERNAL_ATTACHMENT_DIR", str(tmp_path))
    return tmp_path


@pytest.mark.parametrize(
    ("data", "kind"),
    [(PDF, "application/pdf"), (PNG, "image/png"), (JPEG, "image/jpeg")],
)
def test_types_are_proven_by_content(data, kind):
    assert sniff(data[:16]) == kind


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("angebot.pdf", b"<html><script>alert(1)</script></html>"),
        ("angebot.pdf", b"MZ\x90\x00 an executable"),
        ("bild.png", b"GIF89a....."),
        ("angebot.pdf", b"PK\x03\x04 a zip or office file"),
        ("leer.pdf", b""),
    ],
)
def test_wrong_types_are_refused_and_nothing_is_stored(db, files, name, data):
    office = Office()
    request = office.request()
    with pytest.raises(ValidationFailed) as refused:
        add(office.user, request, "offer", name, io.BytesIO(data), NOW)
    assert refused.value.field == "file"
    assert list(files.iterdir()) == []
    assert db.session.scalar(select(ExternalAttachment.id)) is None


def test_too_large_is_refused(app, db, files, monkeypatch):
    monkeypatch.setitem(app.config, "EXTERNAL_ATTACHMENT_MAX_BYTES", 1024)
    office = Office()
    request = office.request()
    big = io.BytesIO(PDF + b"0" * 2000)
    with pytest.raises(ValidationFailed, match="larger"):
        add(office.user, request, "offer", "gross.pdf", big, NOW)
    assert list(files.iterdir()) == []
    assert big.tell() <= 1025 + 64 * 1024  # read no further than needed


def test_stored_outside_the_web_root_under_a_random_name(app, db, files):
    office = Office()
    request = office.request()
    attachment = add(office.user, request, "offer", "../../etc/Angebot.exe", io.BytesIO(PDF), NOW)
    assert attachment.filename == "Angebot.pdf"  # no folders; the extension of the content
    assert attachment.content_type == "application/pdf" and attachment.size == len(PDF)
    path = path_of(attachment)
    assert path.parent == files and path.name == attachment.stored_name
    assert len(attachment.stored_name) == 64 and "Angebot" not in attachment.stored_name
    assert oct(os.stat(path).st_mode & 0o777) == "0o600"
    assert path.read_bytes() == PDF
    static = os.path.join(app.root_path, "static")
    assert not str(path).startswith(static)


def test_who_adds_what_and_how_many(db, files):
    office = Office()
    request = office.request()
    with pytest.raises(PermissionDenied):  # the certificate comes after the approval
        add(office.user, request, "certificate", "b.pdf", io.BytesIO(PDF), NOW)
    with pytest.raises(PermissionDenied):  # a colleague cannot add anything
        add(office.colleague_user, request, "offer", "a.pdf", io.BytesIO(PDF), NOW)
    for n in range(MAX_FILES):
        add(office.user, request, "offer", f"a{n}.pdf", io.BytesIO(PDF), NOW)
    db.session.refresh(request)
    with pytest.raises(Conflict):
        add(office.hr, request, "offer", "zu-viel.pdf", io.BytesIO(PDF), NOW)


def test_removing_and_sweeping_orphans(db, files):
    office = Office()
    request = office.request()
    attachment = add(office.user, request, "offer", "a.pdf", io.BytesIO(PDF), NOW)
    with pytest.raises(PermissionDenied):
        remove(office.head, attachment, NOW)
    stored = remove(office.user, attachment, NOW)
    assert (files / stored).exists()  # until the commit
    discard([stored])
    assert not (files / stored).exists()
    orphan = files / ("ab" * 32)
    orphan.write_bytes(PDF)
    now = utcnow()  # files carry the real clock's times
    old = (now - timedelta(hours=2)).timestamp()
    os.utime(orphan, (old, old))
    fresh = files / ("cd" * 32)
    fresh.write_bytes(PDF)
    assert sweep(now).startswith("1 ")
    assert not orphan.exists() and fresh.exists()


def test_clean_filenames():
    assert clean_filename("C:\\Users\\x\\Angebot 2030.PDF", "application/pdf") == "Angebot 2030.pdf"
    assert clean_filename("\x00\x1f.pdf", "application/pdf") == "anhang.pdf"
    assert clean_filename("x" * 500 + ".png", "image/png").endswith(".png")
    assert len(clean_filename("x" * 500, "image/png")) == 200
