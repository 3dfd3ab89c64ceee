"""The migrations build the schema the models declare, on the engine the tests run on
(SQLite, and PostgreSQL in CI): Alembic's autogenerate comparison of the migrated test
database with the models finds nothing to do — the check ``flask db check`` makes.

It found a foreign key PostgreSQL never got (``departments.head_id``, declared with
``use_alter`` in migration 0001; added by 0019).
"""

from __future__ import annotations

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from academy.extensions import db as _db


def test_the_migrated_database_matches_the_models(db: Any) -> None:
    context = MigrationContext.configure(
        connection=_db.session.connection(),
        opts={"compare_type": False, "compare_server_default": False},
    )
    differences = compare_metadata(context, _db.metadata)
    assert differences == [], "\n".join(str(d) for d in differences)
