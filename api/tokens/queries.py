"""Read side of the token pages."""

from __future__ import annotations

from sqlalchemy import Select, case, select
from sqlalchemy.orm import joinedload

from academy.extensions import db
from api.tokens.models import ApiToken


def tokens_statement() -> Select[tuple[ApiToken]]:
    """Tokens in force first, then revoked ones; newest first."""
    return (
        select(ApiToken)
        .options(joinedload(ApiToken.created_by))
        .order_by(
            case((ApiToken.revoked_at.is_(None), 0), else_=1),
            ApiToken.created_at.desc(),
            ApiToken.id.desc(),
        )
    )


def token_or_none(token_id: int) -> ApiToken | None:
    return db.session.get(
        ApiToken,
        token_id,
        options=[joinedload(ApiToken.created_by), joinedload(ApiToken.revoked_by)],
    )
