"""The API's permission rule (administrators manage tokens), its access-log codes and
purposes, and what the Art. 15 export says about its table."""

from __future__ import annotations

from academy.accounts.models import Role
from academy.audit.log import register_access_label, register_access_purpose
from academy.auth.policy import register_rule, roles_rule
from academy.i18n import N_
from api.v1.people import ACCESS_COMPETENCIES, ACCESS_LEARNING, PURPOSES

register_rule("api_tokens.manage", roles_rule(Role.ADMIN))


def register() -> None:
    from academy.privacy.registry import declare_not_exported

    register_access_label(ACCESS_LEARNING, N_("Learning record and certificates (API)"))
    register_access_label(ACCESS_COMPETENCIES, N_("Competency profile (API)"))
    for key, text in PURPOSES.items():
        register_access_purpose(key, text)
    declare_not_exported(
        "api_tokens",
        "Zugänge angebundener Systeme (Schnittstelle) betreffen keine Person; wer einen "
        "Zugang angelegt oder widerrufen hat, steht im Abschnitt eigene Handlungen "
        "(api_token.*).",
    )
