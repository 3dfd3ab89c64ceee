"""The catalogue: categories, courses, their outcomes and prerequisites, the search and
HR's management pages."""

from __future__ import annotations


def register() -> None:
    """Tables, pages and navigation of the catalogue."""
    from courses.catalogue import models  # noqa: F401 - tables for Alembic
    from courses.catalogue.views import display, management  # noqa: F401 - pages
