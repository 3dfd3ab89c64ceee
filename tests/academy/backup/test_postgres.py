"""The PostgreSQL client programs get their connection from the SQLAlchemy URL, and
the password only through their environment (never on a command line)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from academy.backup.formats import BackupError
from academy.backup.postgres import connection_arguments, find_program


def test_the_password_goes_into_the_environment_only() -> None:
    url = make_url(
        "postgresql+psycopg://akademie:p%40ss%20w0rd@db.example:5433/akademie?sslmode=require"
    )
    arguments, environment = connection_arguments(url)
    assert arguments == [
        "--no-password",
        "--host=db.example",
        "--port=5433",
        "--username=akademie",
    ]
    assert not any("p@ss" in a for a in arguments)
    assert environment["PGPASSWORD"] == "p@ss w0rd"
    assert environment["PGSSLMODE"] == "require"


def test_a_socket_folder_in_the_query_is_the_host() -> None:
    url = make_url("postgresql+psycopg://akademie@/akademie?host=/var/run/postgresql")
    arguments, environment = connection_arguments(url)
    assert "--host=/var/run/postgresql" in arguments
    assert environment.get("PGPASSWORD") == os.environ.get("PGPASSWORD")  # none added


def test_a_configured_program_folder_without_the_program_is_a_clear_error(
    tmp_path: Path,
) -> None:
    with pytest.raises(BackupError, match="pg_dump gibt es nicht in PG_BIN_DIR"):
        find_program("pg_dump", str(tmp_path))
