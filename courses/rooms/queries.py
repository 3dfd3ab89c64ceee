"""Read-side questions about trainers that other parts of the courses package ask: does
an account train a session (linked as an internal trainer), which sessions it trains."""

from __future__ import annotations

from sqlalchemy import Select, select

from academy.extensions import db
from courses.rooms.models import SessionTrainer, Trainer


def trained_sessions(user_id: int) -> Select[tuple[int]]:
    """Ids of the sessions the account is linked to as an internal trainer."""
    return (
        select(SessionTrainer.session_id)
        .join(Trainer, Trainer.id == SessionTrainer.trainer_id)
        .where(Trainer.user_id == user_id)
    )


def trains(user_id: int, session_id: int) -> bool:
    """Is the account linked to the session as one of its trainers?"""
    found = db.session.scalar(
        trained_sessions(user_id).where(SessionTrainer.session_id == session_id).limit(1)
    )
    return found is not None
