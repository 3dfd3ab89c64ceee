"""Counting SQL statements, to prove a page runs a fixed number of queries (no N+1).

    with count_queries(db.engine) as queries:
        client.get("/organisation/beschaeftigte")
    assert queries.count == expected

``queries.statements`` keeps the SQL text, for a helpful assertion message.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine


@dataclass
class QueryCount:
    statements: list[str] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.statements)

    def __str__(self) -> str:
        return f"{self.count} statements:\n" + "\n---\n".join(self.statements)


@contextmanager
def count_queries(engine: Engine, *, ignore_savepoints: bool = True) -> Iterator[QueryCount]:
    """Count the statements ``engine`` executes inside the block.

    SAVEPOINT/RELEASE/ROLLBACK TO statements (from the tests' rolled-back transaction)
    are left out unless ``ignore_savepoints`` is False.
    """
    result = QueryCount()

    def before_cursor_execute(
        conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, executemany: bool
    ) -> None:
        if ignore_savepoints and statement.lstrip().upper().startswith(
            ("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT")
        ):
            return
        result.statements.append(statement)

    event.listen(engine, "before_cursor_execute", before_cursor_execute)
    try:
        yield result
    finally:
        event.remove(engine, "before_cursor_execute", before_cursor_execute)
