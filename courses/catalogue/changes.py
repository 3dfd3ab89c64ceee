"""What an edit changed, as the audit log records it (``{name: [old, new]}``); shared by
the catalogue's and the sessions' services."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any


def jsonable(value: Any) -> Any:
    """A value as the audit log's JSON details can hold it."""
    if isinstance(value, Decimal | datetime):
        return str(value)
    return value


def apply_changes(obj: Any, values: dict[str, Any]) -> dict[str, list[Any]]:
    """Set the attributes and return ``{name: [old, new]}`` of those that changed."""
    changes: dict[str, list[Any]] = {}
    for name, value in values.items():
        old = getattr(obj, name)
        if old != value:
            changes[name] = [jsonable(old), jsonable(value)]
            setattr(obj, name, value)
    return changes
