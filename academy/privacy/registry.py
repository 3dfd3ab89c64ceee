"""What the Art. 15 export is made of: sections that packages register.

The core (``academy``) must not import ``courses``, ``talent`` or ``reports``; so every
package registers the personal data it holds in its own ``init_app``::

    register_personal_data(
        "anmeldungen", "Anmeldungen zu Kursen", collect_enrolments,
        tables=("enrolments", "course_sessions"), order=300,
    )

A collector is ``collector(employee_id, user_id) -> list[dict]`` (either id may be None:
a person without an account, an account without a personnel record). It runs a fixed
number of statements whatever the number of rows (no N+1) and returns records whose keys
are the German field labels documented in ``docs/art15-export.md``; values are plain
Python values (str, int, bool, date, datetime, None), formatted by the JSON and PDF
writers. ``tables`` names every table the collector reads personal rows from: the
completeness test (``tests/academy/privacy``) checks that every table holding a
reference to a person is covered by some section or declared with
``declare_not_exported(table, reason)``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

Record = dict[str, Any]
Collector = Callable[[int | None, int | None], list[Record]]


@dataclass(frozen=True)
class Section:
    key: str  #: the section's key in the JSON file (stable, German, snake_case)
    title: str  #: heading in the PDF (German)
    collector: Collector
    tables: tuple[str, ...]
    order: int = 100
    description: str = ""  #: one German sentence under the heading (optional)


_SECTIONS: dict[str, Section] = {}
_NOT_EXPORTED: dict[str, str] = {}


def register_personal_data(
    section_key: str,
    title: str,
    collector: Collector,
    *,
    tables: tuple[str, ...],
    order: int = 100,
    description: str = "",
) -> None:
    """Add a section; registering the same key again replaces it (several apps per process)."""
    if not tables:
        raise ValueError(f"section {section_key!r} must declare the tables it reads")
    _SECTIONS[section_key] = Section(
        section_key, title, collector, tuple(tables), order, description
    )


def declare_not_exported(table: str, reason: str) -> None:
    """Say that ``table`` refers to people but is deliberately left out of the export."""
    if not reason.strip():
        raise ValueError(f"table {table!r} needs a reason to be left out")
    _NOT_EXPORTED[table] = reason


def sections() -> list[Section]:
    """The registered sections in export order (``order``, then key)."""
    return sorted(_SECTIONS.values(), key=lambda s: (s.order, s.key))


def covered_tables() -> dict[str, list[str]]:
    """Table name → the keys of the sections that read it."""
    covered: dict[str, list[str]] = {}
    for section in sections():
        for table in section.tables:
            covered.setdefault(table, []).append(section.key)
    return covered


def not_exported() -> dict[str, str]:
    """Table name → why it is not part of the export."""
    return dict(sorted(_NOT_EXPORTED.items()))
