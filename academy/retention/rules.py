"""The retention registry: the kinds of records with their periods, and the rules that
each package registers for its own tables (``register_retention_rule``).

A rule belongs to one kind and has two functions: ``plan(cutoff)`` answers the ids of the
rows the rule would change now, ``apply(cutoff, ids)`` changes those of them that still
qualify and answers the ids it changed. Both use the same row-level condition, so a dry
run plans exactly what a real run changes, a second run finds nothing, and two hosts
running at once never change a row twice. ``table_rule`` builds both functions from a
model, a condition and the new values (or none: delete).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, delete, select, update

from academy.accounts.models import User
from academy.extensions import db
from academy.org.models import Employee

#: How many ids go into one ``IN (…)`` list.
CHUNK = 500

#: Anonymised names: the personnel record and every copy that must lose the name.
FORMER_EMPLOYEE = "Ehemalige/r Beschäftigte/r"


def pseudonym(employee_id: int) -> str:
    """``Ehemalige/r Beschäftigte/r #42``: the name an anonymised person is shown with."""
    return f"{FORMER_EMPLOYEE} #{employee_id}"


@dataclass(frozen=True)
class RetentionKind:
    """A kind of record with its period setting. ``anchor`` is ``leaving`` (days after the
    person left) or ``age`` (days after the row was written, whoever it is about)."""

    key: str
    setting: str
    label: str
    anchor: str


KINDS: tuple[RetentionKind, ...] = (
    RetentionKind("learning_record", "RETENTION_LEARNING_RECORD_DAYS", "Lernhistorie", "leaving"),
    RetentionKind("ratings", "RETENTION_RATINGS_DAYS", "Einstufungen", "leaving"),
    RetentionKind("applications", "RETENTION_APPLICATIONS_DAYS", "Bewerbungen", "leaving"),
    RetentionKind(
        "personnel_record", "RETENTION_PERSONNEL_RECORD_DAYS", "Personalstammsatz", "leaving"
    ),
    RetentionKind("certificates", "RETENTION_CERTIFICATE_DAYS", "Bescheinigungen", "leaving"),
    RetentionKind("access_log", "RETENTION_ACCESS_LOG_DAYS", "Zugriffsprotokoll", "age"),
    RetentionKind("audit_log", "RETENTION_AUDIT_LOG_DAYS", "Änderungsprotokoll", "age"),
)
KIND_BY_KEY = {kind.key: kind for kind in KINDS}


@dataclass(frozen=True)
class Cutoff:
    """The limit of one kind for one run: people who left before ``left_before`` (i.e.
    more than ``days`` days before today) or rows written before ``written_before``."""

    kind: str
    days: int
    now: datetime
    today: date

    @property
    def left_before(self) -> date:
        return self.today - timedelta(days=self.days)

    @property
    def written_before(self) -> datetime:
        return self.now - timedelta(days=self.days)

    def leavers(self) -> Select[tuple[int]]:
        """Ids of the people whose record this kind's period has run out for: not active,
        and left more than ``days`` days ago. Active people are never included (also not
        someone who returned and still has an old leaving date)."""
        return select(Employee.id).where(
            Employee.active.is_(False),
            Employee.left_on.is_not(None),
            Employee.left_on < self.left_before,
        )

    def accounts(self) -> Select[tuple[int]]:
        """Ids of the accounts of those people."""
        return select(User.id).where(User.employee_id.in_(self.leavers()))


PlanFn = Callable[[Cutoff], list[int]]
ApplyFn = Callable[[Cutoff, Sequence[int]], list[int]]


@dataclass(frozen=True)
class RetentionRule:
    """One table's part of a kind. ``action`` is ``delete`` or ``anonymise``; ``order``
    says when it is applied (a rule that finds its rows by an e-mail address runs before
    the rule that clears the address)."""

    kind: str
    name: str
    description: str
    action: str
    plan: PlanFn
    apply: ApplyFn
    order: int = 100


_RULES: dict[tuple[str, str], RetentionRule] = {}


def register_retention_rule(rule: RetentionRule) -> None:
    """Add a rule; the same kind and name again replaces it (several apps per process)."""
    if rule.kind not in KIND_BY_KEY:
        raise ValueError(f"unknown retention kind {rule.kind!r}")
    if rule.action not in ("delete", "anonymise"):
        raise ValueError(f"unknown retention action {rule.action!r}")
    _RULES[(rule.kind, rule.name)] = rule


def retention_rules() -> list[RetentionRule]:
    """The registered rules in the order they are planned and applied."""
    position = {kind.key: n for n, kind in enumerate(KINDS)}
    return sorted(_RULES.values(), key=lambda r: (r.order, position[r.kind], r.name))


def chunks(ids: Sequence[int]) -> list[list[int]]:
    ordered = sorted(set(ids))
    return [ordered[i : i + CHUNK] for i in range(0, len(ordered), CHUNK)]


def table_rule(
    kind: str,
    name: str,
    description: str,
    model: Any,
    condition: Callable[[Cutoff], ColumnElement[bool]],
    values: Mapping[str, Any] | Callable[[], Mapping[str, Any]] | None = None,
    *,
    key: Any = None,
    order: int = 100,
) -> RetentionRule:
    """A rule for one table: rows matching ``condition`` are deleted (``values`` None) or
    updated with ``values`` (column name → value or SQL expression). ``condition`` must
    be false for a row once it has been changed (that makes the rule idempotent).
    ``key`` is the column whose values identify the rows (default ``model.id``)."""
    column = key if key is not None else model.id

    def plan(cutoff: Cutoff) -> list[int]:
        stmt = select(column).where(condition(cutoff)).distinct().order_by(column)
        return list(db.session.scalars(stmt))

    def apply(cutoff: Cutoff, ids: Sequence[int]) -> list[int]:
        changed: set[int] = set()
        for part in chunks(ids):
            where = (column.in_(part), condition(cutoff))
            if values is None:
                stmt: Any = delete(model).where(*where)
            else:
                stmt = (
                    update(model).where(*where).values(**(values() if callable(values) else values))
                )
            result = db.session.execute(
                stmt.returning(column), execution_options={"synchronize_session": False}
            )
            changed.update(result.scalars())
        return sorted(changed)

    return RetentionRule(
        kind=kind,
        name=name,
        description=description,
        action="delete" if values is None else "anonymise",
        plan=plan,
        apply=apply,
        order=order,
    )
