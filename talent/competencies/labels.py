"""Level labels for the competency templates: "3 – Fortgeschritten", a level with its
name in the framework's scale (current language), "0 – not yet", "–" for none — as a
template global (``level_text``), which a table of many levels calls far more cheaply
than a macro."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask_babel import gettext


def level_text(
    names: Mapping[tuple[int, int], Any], framework_id: int, level: int | None, lang: str
) -> str:
    if level is None:
        return "–"
    if level == 0:
        return gettext("0 – not yet")
    item = names.get((framework_id, level))
    if item is None:
        return str(level)
    name = getattr(item, f"name_{lang}", None) or item.name_de
    return f"{level} – {name}" if name else str(level)
