"""Art. 15 completeness, checked from the model metadata of the fully loaded app: every
table that refers to a person is read by some section of the export or deliberately
left out with a reason — so a new table cannot be forgotten.

The rule (docs/art15-export.md): a table refers to a person when it has a foreign key
to ``employees.id`` or ``users.id`` (directly), or to a table that has one (one hop:
``outbox`` → ``notifications`` → ``users``, ``application_scores`` → ``applications``).
Login attempts have no foreign key (the e-mail address is their key) and are exported
anyway ("Anmeldeversuche").
"""

from __future__ import annotations

import re
from pathlib import Path

from sqlalchemy import Table

from academy.extensions import db
from academy.privacy.registry import covered_tables, not_exported, sections

PERSON_TABLES = {"employees", "users"}


def _targets(table: Table) -> set[str]:
    return {fk.column.table.name for fk in table.foreign_keys}


def tables_referring_to_people() -> dict[str, str]:
    """Table name → why it counts (direct / via <table>)."""
    tables = db.metadata.tables
    direct = {name: "direct" for name, table in tables.items() if _targets(table) & PERSON_TABLES}
    found = dict(direct)
    for name, table in tables.items():
        via = sorted(_targets(table) & set(direct))
        if name not in found and via:
            found[name] = f"via {via[0]}"
    for name in PERSON_TABLES:
        found.setdefault(name, "a person")
    return found


def test_every_table_referring_to_a_person_is_exported_or_excused(app):
    with app.app_context():
        referring = tables_referring_to_people()
    covered, excused = covered_tables(), not_exported()
    forgotten = {
        name: why for name, why in referring.items() if name not in covered and name not in excused
    }
    assert forgotten == {}, (
        "tables referring to people that no Art. 15 section reads: register a collector "
        "(register_personal_data(..., tables=...)) or declare_not_exported(table, reason)"
    )


def test_sections_name_only_real_tables_and_excuses_are_not_exported(app):
    with app.app_context():
        names = set(db.metadata.tables)
    assert set(covered_tables()) <= names
    assert set(not_exported()) <= names
    assert not set(covered_tables()) & set(not_exported())
    assert all(len(reason) > 20 for reason in not_exported().values())


def test_the_known_tables_are_found(app):
    """The rule sees the tables it is meant for (guards the rule itself)."""
    with app.app_context():
        referring = tables_referring_to_people()
    assert referring["outbox"] == "via notifications"
    assert referring["enrolments"] == "direct"
    assert referring["application_scores"] == "direct"
    assert "login_attempts" not in referring
    assert "login_attempts" in covered_tables()


def test_documentation_lists_every_section_and_excuse(repo_root: Path):
    doc = (repo_root / "docs" / "art15-export.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^### `([a-z_]+)`", doc, flags=re.MULTILINE))
    assert documented == {s.key for s in sections()}
    for table in not_exported():
        assert f"`{table}`" in doc, table
