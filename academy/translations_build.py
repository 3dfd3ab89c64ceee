"""Compile the German (and any other) message catalogues when they are out of date.

``make install`` runs ``pybabel compile``; this is the same for code paths that start
the app without make (tests, ``flask`` in a fresh checkout).
"""

from __future__ import annotations

from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

TRANSLATIONS = Path(__file__).resolve().parent / "translations"


def compile_catalogues(directory: Path = TRANSLATIONS) -> list[Path]:
    """Write ``messages.mo`` beside every newer ``messages.po``; return what was written."""
    written = []
    for po_path in directory.glob("*/LC_MESSAGES/messages.po"):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        with po_path.open("rb") as po_file:
            catalog = read_po(po_file)
        with mo_path.open("wb") as mo_file:
            write_mo(mo_file, catalog, use_fuzzy=False)
        written.append(mo_path)
    return written
