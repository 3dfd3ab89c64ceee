"""``INSERT … ON CONFLICT DO NOTHING`` on SQLite and PostgreSQL: rows that another host
(or an earlier run) wrote already are skipped, and the rows this call wrote are
returned. Reminder markers and assignee rows are claimed this way, so two hosts running
the same tick step never both write (and notify) the same row."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.dialects import postgresql, sqlite

from academy.extensions import db

#: Rows per INSERT statement.
CHUNK = 1000


def insert_new(
    model: Any, rows: Sequence[dict[str, Any]], keys: Sequence[str], returning: Sequence[str] = ()
) -> list[Any]:
    """Insert ``rows`` (same keys each), skipping those whose ``keys`` exist already;
    the ``returning`` columns of the rows inserted (nothing asked: an empty list)."""
    if not rows:
        return []
    dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    statement: Any = dialect.insert(model).on_conflict_do_nothing(index_elements=list(keys))
    if returning:
        statement = statement.returning(*(getattr(model, name) for name in returning))
    written: list[Any] = []
    for start in range(0, len(rows), CHUNK):
        part = list(rows[start : start + CHUNK])
        if returning:
            written += list(db.session.execute(statement, part).all())
        else:
            db.session.execute(statement, part)
    return written
