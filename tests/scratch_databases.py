"""Dropping the scratch PostgreSQL databases some tests make beside the test database."""

from __future__ import annotations

import time
import warnings
from typing import Any

from sqlalchemy import text
from sqlalchemy.exc import OperationalError, ProgrammingError


def drop_scratch_database(admin: Any, name: str) -> None:
    """Drop a scratch database with ``admin`` (an AUTOCOMMIT engine). A backend of another
    role (an autovacuum worker the server started on it) cannot be terminated by the test
    role: wait for it briefly, and leave the database behind rather than fail a test over
    its clean-up."""
    for attempt in range(10):
        try:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            return
        except (ProgrammingError, OperationalError):
            time.sleep(0.5 * (attempt + 1))
    warnings.warn(f"scratch database {name} could not be dropped", stacklevel=2)
