"""The API's audit actions in sentences and the names of its tokens."""

from __future__ import annotations

from sqlalchemy import select

from academy.audit.sentences import (
    Resolved,
    int_ids,
    named_rows,
    register_audit_object,
    register_audit_sentences,
)
from academy.extensions import db
from academy.i18n import N_
from api.tokens.models import ApiToken

SENTENCES = {
    "api_token.created": N_("%(actor)s created the API token “%(object)s” (scopes: %(scopes)s)."),
    "api_token.revoked": N_("%(actor)s revoked the API token “%(object)s” (reason: %(reason)s)."),
}


def tokens(ids: list[str]) -> Resolved:
    rows = db.session.execute(
        select(ApiToken.id, ApiToken.name.label("name")).where(ApiToken.id.in_(int_ids(ids)))
    )
    return named_rows(rows)


def register() -> None:
    register_audit_sentences(SENTENCES)
    register_audit_object("api_token", tokens)
