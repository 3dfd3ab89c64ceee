"""Compile the message catalogues of a source checkout (``make translations``).

An installed wheel ships them compiled (``setup.py``'s ``build_py``); the app never
compiles at start-up, so this is for development: ``make install`` and the test session
call it.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

TRANSLATIONS = Path(__file__).resolve().parent / "translations"


def compile_catalogues(directory: Path = TRANSLATIONS) -> list[Path]:
    """Write ``messages.mo`` beside every newer ``messages.po``; return what was written.

    Each file is written under a temporary name and renamed, so that a process reading the
    catalogue meanwhile sees the old or the new one, never half of it."""
    written = []
    for po_path in directory.glob("*/LC_MESSAGES/messages.po"):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        with po_path.open("rb") as po_file:
            catalog = read_po(po_file)
        fd, temporary = tempfile.mkstemp(dir=mo_path.parent, suffix=".mo.tmp")
        try:
            with os.fdopen(fd, "wb") as mo_file:
                write_mo(mo_file, catalog, use_fuzzy=False)
            os.chmod(temporary, 0o644)
            os.replace(temporary, mo_path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        written.append(mo_path)
    return written
