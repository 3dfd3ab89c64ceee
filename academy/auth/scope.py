"""Scope: which departments (and so which people) an account reaches as a department head.

A head's scope is the subtree of every department they head (departments carry a
materialised path, ``/1/4/9/``, so a subtree is one ``LIKE 'path%'``). The scope is
worked out once per request — accounts are loaded per request, and the value is kept on
the account object — and used by the policy, the queries, the team view and the reports.
HR and the council are not "heads of everything": what they may see is the policy's
answer per action; where a service needs "the whole organisation" it asks for
``Scope.everything()``.

``subtree_statement`` is the one place that writes the subtree query.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any

from sqlalchemy import ColumnElement, Select, bindparam, select, true
from sqlalchemy.orm import aliased

from academy.accounts.models import User
from academy.extensions import db
from academy.org.models import Department, Employee


@dataclass(frozen=True)
class Scope:
    """Departments an account reaches; ``everything`` for the whole organisation."""

    department_ids: frozenset[int] = frozenset()
    headed_ids: frozenset[int] = frozenset()
    everything: bool = False

    @classmethod
    def whole_organisation(cls) -> Scope:
        return cls(everything=True)

    @property
    def is_head(self) -> bool:
        return bool(self.headed_ids)

    @property
    def sorted_ids(self) -> list[int]:
        """The departments in a stable order (for ``IN (…)`` with cacheable statements)."""
        return sorted(self.department_ids)

    def includes_department(self, department_id: int | None) -> bool:
        return self.everything or department_id in self.department_ids

    def includes(self, employee: Employee | None) -> bool:
        """Is this person's record in the scope (by their department)?"""
        return employee is not None and self.includes_department(employee.department_id)

    def where(self, department_column: Any) -> ColumnElement[bool]:
        """A WHERE clause that keeps rows whose department column is in the scope."""
        if self.everything:
            return true()
        return department_column.in_(self.sorted_ids)

    def narrowed_to(self, department_ids: Iterable[int]) -> Scope:
        """The part of this scope inside ``department_ids`` (e.g. a chosen subtree)."""
        wanted = frozenset(department_ids)
        inside = wanted if self.everything else wanted & self.department_ids
        return Scope(department_ids=inside, headed_ids=self.headed_ids)


def scope_of(user: User | None) -> Scope:
    """The account's scope as a head (empty for everyone else), once per loaded account."""
    if user is None or not getattr(user, "is_authenticated", False):
        return Scope()
    cached: Scope | None = getattr(user, "_scope", None)
    if cached is not None:
        return cached
    headed = headed_department_ids(user)
    ids: frozenset[int] = frozenset()
    if headed:
        ids = frozenset(db.session.scalars(_scope_statement(), {"employee_id": user.employee_id}))
    scope = Scope(department_ids=ids, headed_ids=frozenset(headed))
    user._scope = scope  # type: ignore[attr-defined]
    return scope


def headed_department_ids(user: User) -> list[int]:
    """Departments whose head is this account's employee record (kept on the account)."""
    cached = getattr(user, "_headed_department_ids", None)
    if cached is not None:
        return cached
    ids: list[int] = []
    if user.employee_id is not None:
        ids = list(
            db.session.scalars(select(Department.id).where(Department.head_id == user.employee_id))
        )
    user._headed_department_ids = ids  # type: ignore[attr-defined]
    return ids


def remember_headed_department_ids(user: User, ids: list[int]) -> None:
    """Set what ``headed_department_ids`` answers for a freshly loaded account (the login
    loader reads it with the account); the subtree is worked out when first needed."""
    user._headed_department_ids = list(ids)  # type: ignore[attr-defined]
    user._scope = None  # type: ignore[attr-defined]


def forget_scope(user: User) -> None:
    """Work the scope out again (after the organisation changed during a request)."""
    user._headed_department_ids = None  # type: ignore[attr-defined]
    user._scope = None  # type: ignore[attr-defined]


# ---------------------------------------------------------------------------
# The subtree query
# ---------------------------------------------------------------------------


def subtree_statement(path: str) -> Select[tuple[int]]:
    """Ids of the department with materialised ``path`` and of every one below it."""
    return select(Department.id).where(Department.path.startswith(path, autoescape=True))


def subtree_ids(department: Department) -> list[int]:
    return list(db.session.scalars(subtree_statement(department.path)))


def in_subtree(department: Department, root: Department) -> bool:
    """Is ``department`` ``root`` or below it (no query: paths are on the objects)?"""
    return department.path.startswith(root.path)


@cache
def _scope_statement() -> Select[tuple[int]]:
    """Built once (structure only): departments below one headed by ``employee_id``."""
    root = aliased(Department)
    return (
        select(Department.id)
        .join(root, Department.path.startswith(root.path))
        .where(root.head_id == bindparam("employee_id"))
    )
