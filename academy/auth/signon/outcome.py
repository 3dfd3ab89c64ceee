"""The end of every sign-on, OpenID Connect or directory: the account (created, linked,
roles synchronised) and a login session, or the refusal on record."""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy.exc import IntegrityError

from academy.accounts.models import User
from academy.auth.signon.browser import begin_session
from academy.auth.signon.ldap import PROVIDER as LDAP_PROVIDER
from academy.auth.signon.provisioning import (
    DirectoryIdentity,
    SignOnRefused,
    record_refusal,
    sign_on,
)
from academy.auth.signon.settings import ldap_settings, oidc_settings, role_groups
from academy.extensions import db

log = logging.getLogger(__name__)


def configured_providers() -> set[str]:
    """The provider keys in use now (``users.identity_provider`` values)."""
    providers = set()
    oidc = oidc_settings()
    if oidc is not None:
        providers.add(oidc.provider_key)
    if ldap_settings() is not None:
        providers.add(LDAP_PROVIDER)
    return providers


def complete_sign_on(
    identity: DirectoryIdentity, *, now: datetime, id_token: str | None = None
) -> User | SignOnRefused:
    """Sign the person in (commits), or record the refusal (commits) and return it.

    Two first sign-ins of one person at the same moment (a double click, two tabs) both
    try to create the account: the one that loses the race meets the unique constraints,
    starts again and finds the account the other one created."""
    for attempt in range(2):
        try:
            user = sign_on(
                identity,
                now=now,
                role_mapping=role_groups(),
                configured_providers=configured_providers(),
            )
            break
        except SignOnRefused as refusal:
            db.session.rollback()
            record_refusal(identity, refusal, now=now)
            db.session.commit()
            return refusal
        except IntegrityError:
            db.session.rollback()
            if attempt:
                raise
            log.info("sign-on of %s raced another one; trying again", identity.subject)
    begin_session(user, now=now, id_token=id_token)
    return user
