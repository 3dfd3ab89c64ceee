"""The budget beside a decision: what a request would cost and what would be left of the
budget it is charged to (the nearest department up the tree with a budget for the year).
Shown in the approval inbox for every request on the page, and to the deciders of an
external training — a fixed number of statements for a whole page."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from academy.clock import to_berlin
from courses.budgets.costs import PlaceCost, request_costs
from courses.budgets.queries import Holder, holders
from courses.enrolment.models import Enrolment


@dataclass(frozen=True)
class RequestBudget:
    """A request's cost and the budget it is charged to (None: no budget set above the
    person's department for that year)."""

    cost: Decimal
    year: int
    holder: Holder | None
    place: PlaceCost | None = None  #: by component, for a place in a session

    @property
    def left_now(self) -> Decimal | None:
        return self.holder.figures.left if self.holder is not None else None

    @property
    def left_after(self) -> Decimal | None:
        left = self.left_now
        return None if left is None else left - self.cost

    @property
    def exceeds(self) -> bool:
        left = self.left_after
        return left is not None and left < 0


def enrolment_budgets(enrolments: Iterable[Enrolment]) -> dict[int, RequestBudget]:
    """Per enrolment request (with session and employee's department loaded): the cost
    of its place now and the budget it would be charged to."""
    enrolments = list(enrolments)
    if not enrolments:
        return {}
    places = request_costs(e.session_id for e in enrolments)
    years = {e.id: to_berlin(e.session.starts_at).year for e in enrolments}
    found = holders((e.employee.department for e in enrolments), years.values())
    result = {}
    for e in enrolments:
        place = places.get(e.session_id)
        if place is None:
            continue
        year = years[e.id]
        holder = found.get((e.employee.department_id, year))
        result[e.id] = RequestBudget(place.amount, year, holder, place)
    return result


def external_budget(department, starts_at, cost: Decimal) -> RequestBudget:  # type: ignore[no-untyped-def]
    """The budget check of an external training costing ``cost`` (fee and travel) for a
    person of ``department``, starting at ``starts_at``."""
    year = to_berlin(starts_at).year
    holder = holders([department], [year]).get((department.id, year))
    return RequestBudget(cost, year, holder)
