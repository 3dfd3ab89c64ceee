"""What a place in a session costs: the course's price per place, plus the session's
fixed costs — the fee of an external trainer and the room — split over the places that
are charged, plus the travel costs of an external training.

The fixed costs come from the rooms and trainers of ``courses.rooms`` (``Room.cost_per_day``,
``Trainer.fee_per_day``, per day the session meets); without that feature, or for a
session without a room or a paid trainer, they are zero. Every function here answers for
many sessions with a fixed number of statements.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select

from academy.extensions import db
from courses.budgets.fixed import fixed_costs
from courses.budgets.models import CHARGED, BudgetBooking
from courses.budgets.money import ZERO, cents, share_of_next, split
from courses.catalogue.models import Course
from courses.external.models import ExternalRequest
from courses.sessions.models import CourseSession


@dataclass(frozen=True)
class SessionCost:
    """The costs of one session: per place (``price``, ``travel``) and for the whole
    session (``trainer``, ``room``), all in euros; ``charged``: its places charged now."""

    price: Decimal = ZERO
    travel: Decimal = ZERO
    trainer: Decimal = ZERO
    room: Decimal = ZERO
    charged: int = 0

    @property
    def fixed(self) -> Decimal:
        return self.trainer + self.room


@dataclass(frozen=True)
class PlaceCost:
    """What one place is charged, by component."""

    price: Decimal = ZERO
    trainer_share: Decimal = ZERO
    room_share: Decimal = ZERO
    travel: Decimal = ZERO

    @property
    def amount(self) -> Decimal:
        return self.price + self.trainer_share + self.room_share + self.travel


def session_costs(session_ids: Iterable[int]) -> dict[int, SessionCost]:
    """The costs of these sessions (sessions that do not exist are left out)."""
    ids = sorted(set(session_ids))
    if not ids:
        return {}
    charged = (
        select(func.count())
        .where(BudgetBooking.session_id == CourseSession.id, BudgetBooking.state.in_(CHARGED))
        .correlate(CourseSession)
        .scalar_subquery()
    )
    rows = db.session.execute(
        select(CourseSession.id, Course.cost, ExternalRequest.travel_cost, charged)
        .join(Course, Course.id == CourseSession.course_id)
        .outerjoin(ExternalRequest, ExternalRequest.session_id == CourseSession.id)
        .where(CourseSession.id.in_(ids))
    ).all()
    fixed = fixed_costs(ids)
    costs = {}
    for session_id, price, travel, places in rows:
        trainer, room = fixed.get(session_id, (ZERO, ZERO))
        costs[session_id] = SessionCost(
            price=cents(price or ZERO),
            travel=cents(travel or ZERO),
            trainer=cents(trainer),
            room=cents(room),
            charged=int(places or 0),
        )
    return costs


def place_costs(cost: SessionCost, places: int) -> list[PlaceCost]:
    """The charge of each of ``places`` charged places (in booking order): the fixed
    costs split so that the shares add up to them exactly."""
    trainer = split(cost.trainer, places)
    room = split(cost.room, places)
    return [PlaceCost(cost.price, trainer[i], room[i], cost.travel) for i in range(places)]


def next_place_cost(cost: SessionCost, charged: int) -> PlaceCost:
    """What one more place would be charged while ``charged`` places are charged now."""
    return PlaceCost(
        cost.price,
        share_of_next(cost.trainer, charged),
        share_of_next(cost.room, charged),
        cost.travel,
    )


def request_costs(session_ids: Iterable[int]) -> dict[int, PlaceCost]:
    """What a new place in each of these sessions would cost now (the approval inbox)."""
    costs = session_costs(session_ids)
    return {sid: next_place_cost(cost, cost.charged) for sid, cost in costs.items()}
