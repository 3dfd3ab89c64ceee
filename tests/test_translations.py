"""Every user-facing string has a German translation with the same placeholders."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
PLACEHOLDER = re.compile(r"%\((\w+)\)[sdf]")


def _extract(tmp_path: Path):
    pot = tmp_path / "messages.pot"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "extract",
            "-F",
            "babel.cfg",
            "-k",
            "N_",
            "-k",
            "_l",
            "-k",
            "lazy_gettext",
            "-o",
            str(pot),
            "--no-location",
            ".",
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    with pot.open("rb") as fh:
        return read_po(fh)


def test_every_message_is_translated_to_german(tmp_path):
    extracted = _extract(tmp_path)
    with (ROOT / "academy/translations/de/LC_MESSAGES/messages.po").open("rb") as fh:
        german = read_po(fh, locale="de")
    missing, wrong = [], []
    for message in extracted:
        if not message.id:
            continue
        msgid = message.id if isinstance(message.id, str) else message.id[0]
        translated = german.get(message.id)
        text = translated.string if translated else None
        if isinstance(text, (tuple, list)):
            text = text[0]
        if not text or (translated and translated.fuzzy):
            missing.append(msgid)
            continue
        if set(PLACEHOLDER.findall(msgid)) != set(PLACEHOLDER.findall(text)):
            wrong.append((msgid, text))
    assert not missing, f"{len(missing)} strings without German translation, e.g. {missing[:15]}"
    assert not wrong, f"placeholders differ: {wrong[:10]}"
