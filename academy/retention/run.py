"""Planning and running the retention: one transaction, every registered rule, one audit
entry per run that changed something (the counts per kind, never names)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flask import current_app

from academy.accounts.models import User
from academy.audit.log import record
from academy.clock import to_berlin
from academy.errors import DomainError
from academy.extensions import db
from academy.i18n import N_
from academy.retention.rules import KINDS, Cutoff, RetentionRule, retention_rules


class RetentionSettingError(DomainError):
    """A period setting is not a whole number of days ≥ 0."""


@dataclass(frozen=True)
class RuleChange:
    """What one rule changes (planned) or changed (run): the ids of the rows."""

    kind: str
    rule: str
    action: str
    description: str
    ids: tuple[int, ...]


@dataclass
class RetentionReport:
    """The outcome of a plan (``dry_run``) or a run, rule by rule, in the order applied."""

    dry_run: bool
    now: datetime
    periods: dict[str, int]
    changes: list[RuleChange] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(len(c.ids) for c in self.changes)

    def counts_per_kind(self) -> dict[str, int]:
        counts = {kind.key: 0 for kind in KINDS if self.periods.get(kind.key)}
        for change in self.changes:
            counts[change.kind] = counts.get(change.kind, 0) + len(change.ids)
        return counts

    def as_dict(self) -> dict[str, list[int]]:
        """``kind/rule`` → changed ids: what a dry run and the real run must agree on."""
        return {f"{c.kind}/{c.rule}": list(c.ids) for c in self.changes if c.ids}


def periods(config: Mapping[str, Any]) -> dict[str, int]:
    """The period of every kind in days (0: the kind is switched off). Refuses anything
    but a whole number ≥ 0, so a typo can never delete everything."""
    found: dict[str, int] = {}
    for kind in KINDS:
        value = config.get(kind.setting, 0)
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise RetentionSettingError(
                N_("%(setting)s must be a whole number of days (0 or more), not %(value)s."),
                setting=kind.setting,
                value=repr(value),
            )
        found[kind.key] = value
    return found


def _cutoffs(now: datetime, days: dict[str, int]) -> dict[str, Cutoff]:
    today = to_berlin(now).date()
    return {
        key: Cutoff(kind=key, days=value, now=now, today=today)
        for key, value in days.items()
        if value > 0
    }


def _active_rules(cutoffs: dict[str, Cutoff]) -> list[RetentionRule]:
    return [rule for rule in retention_rules() if rule.kind in cutoffs]


def _change(rule: RetentionRule, ids: list[int]) -> RuleChange:
    return RuleChange(rule.kind, rule.name, rule.action, rule.description, tuple(sorted(ids)))


def plan_retention(now: datetime) -> RetentionReport:
    """What a run at ``now`` would change, changing nothing (the dry run)."""
    days = periods(current_app.config)
    cutoffs = _cutoffs(now, days)
    report = RetentionReport(dry_run=True, now=now, periods=days)
    for rule in _active_rules(cutoffs):
        report.changes.append(_change(rule, rule.plan(cutoffs[rule.kind])))
    return report


def run_retention(now: datetime, actor: User | None = None) -> RetentionReport:
    """Delete and anonymise what the periods say, in the current transaction (flushed,
    not committed). Every rule is planned first and then applied in order, each applying
    only rows that still match its condition; the report holds what was really changed.
    One audit entry records the counts per kind (none when nothing changed)."""
    days = periods(current_app.config)
    cutoffs = _cutoffs(now, days)
    rules = _active_rules(cutoffs)
    planned = [(rule, rule.plan(cutoffs[rule.kind])) for rule in rules]
    report = RetentionReport(dry_run=False, now=now, periods=days)
    for rule, ids in planned:
        changed = rule.apply(cutoffs[rule.kind], ids) if ids else []
        report.changes.append(_change(rule, changed))
    db.session.expire_all()  # bulk statements bypassed the loaded objects
    if report.total:
        record(
            actor,
            "retention.run",
            "retention",
            details={
                "total": report.total,
                "counts": {k: n for k, n in report.counts_per_kind().items() if n},
                "periods": {k: v for k, v in days.items() if v},
            },
            now=now,
        )
        db.session.flush()
    return report
