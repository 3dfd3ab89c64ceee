"""Counting the rows Python fetches from the database, to prove a page reads what it
shows and not what the organisation holds (statements alone can read any amount):

    with count_rows(db.session.connection()) as rows:
        client.get("/talente/team")
    assert rows.count == expected

It counts at the driver, by a row factory on the DBAPI connection: sqlite3's
``row_factory``, psycopg's ``row_factory`` (a tuple per row, as without it).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy.engine import Connection


@dataclass
class RowCount:
    count: int = 0


@contextmanager
def count_rows(connection: Connection) -> Iterator[RowCount]:
    """Count every row fetched through ``connection`` inside the block."""
    result = RowCount()
    raw: Any = connection.connection.dbapi_connection
    previous = raw.row_factory
    if connection.dialect.name == "sqlite":

        def sqlite_row(cursor: Any, row: tuple[Any, ...]) -> tuple[Any, ...]:
            result.count += 1
            return row

        raw.row_factory = sqlite_row
    else:
        from psycopg.rows import tuple_row

        def psycopg_rows(cursor: Any) -> Callable[[Any], tuple[Any, ...]]:
            make = tuple_row(cursor)

            def row(values: Any) -> tuple[Any, ...]:
                result.count += 1
                return make(values)

            return row

        raw.row_factory = psycopg_rows
    try:
        yield result
    finally:
        raw.row_factory = previous
