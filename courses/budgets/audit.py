"""Sentences of the budget actions in the audit log (amounts in the reader's format)."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal, InvalidOperation

from flask_babel import gettext

from academy.audit.models import AuditLogEntry
from academy.audit.sentences import Names, params_of, register_audit_sentences
from academy.i18n import N_
from courses.budgets.money import euro

BUDGET_SET = N_("%(actor)s set the training budget %(year)s of %(object)s to %(amount)s.")
BUDGET_CHANGED = N_(
    "%(actor)s changed the training budget %(year)s of %(object)s from %(before)s to %(amount)s."
)
BUDGET_REMOVED = N_("%(actor)s removed the training budget %(year)s of %(object)s.")
COST_CENTRE = N_("%(actor)s set the cost centre of %(object)s to %(to_state)s.")


def _amount(text: str | None) -> str:
    try:
        return euro(Decimal(text)) if text else "–"
    except InvalidOperation:
        return text or "–"


def _budget(entry: AuditLogEntry, names: Names) -> str:
    params = params_of(entry, names)
    params["amount"] = _amount(entry.to_state)
    params["before"] = _amount(entry.from_state)
    template = BUDGET_CHANGED if entry.from_state else BUDGET_SET
    return gettext(template) % params


def _removed(entry: AuditLogEntry, names: Names) -> str:
    return gettext(BUDGET_REMOVED) % params_of(entry, names)


SENTENCES: dict[str, str | Callable[[AuditLogEntry, Names], str]] = {
    "budget.set": _budget,
    "budget.removed": _removed,
    "department.cost_centre_set": COST_CENTRE,
}


def register() -> None:
    register_audit_sentences(SENTENCES)
