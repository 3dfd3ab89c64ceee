"""Course categories (HR): creating and renaming them; names are unique regardless of
case."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select

from academy.accounts.models import User
from academy.audit.log import record
from academy.errors import Conflict, ValidationFailed
from academy.extensions import db
from academy.i18n import N_
from courses.catalogue.changes import apply_changes
from courses.catalogue.models import (
    Category,
)


def _category_name(name: str, exclude_id: int | None) -> str:
    name = (name or "").strip()
    if not name:
        raise ValidationFailed(N_("Please enter a name."), field="name")
    if len(name) > 120:
        raise ValidationFailed(N_("The name may have at most 120 characters."), field="name")
    query = select(Category.id).where(func.lower(Category.name) == name.lower())
    if exclude_id is not None:
        query = query.where(Category.id != exclude_id)
    if db.session.scalar(query) is not None:
        raise Conflict(N_("A category named %(name)s already exists."), field="name", name=name)
    return name


def create_category(
    actor: User, *, name: str, description: str | None = None, position: int = 0, now: datetime
) -> Category:
    category = Category(
        name=_category_name(name, None),
        description=(description or "").strip() or None,
        position=position,
    )
    db.session.add(category)
    db.session.flush()
    record(
        actor, "category.created", "course_category", category.id, to_state=category.name, now=now
    )
    db.session.flush()
    return category


def update_category(
    actor: User,
    category: Category,
    *,
    name: str,
    description: str | None = None,
    position: int = 0,
    now: datetime,
) -> Category:
    new = {
        "name": _category_name(name, category.id),
        "description": (description or "").strip() or None,
        "position": position,
    }
    changes = apply_changes(category, new)
    if changes:
        db.session.flush()
        record(actor, "category.updated", "course_category", category.id, details=changes, now=now)
        db.session.flush()
    return category
