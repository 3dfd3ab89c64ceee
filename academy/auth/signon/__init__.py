"""Sign-on through the administration's directory: OpenID Connect (``oidc``) or LDAP bind
(``ldap``); both end in ``provisioning`` (accounts for everyone in the personnel data,
linked by personnel number or e-mail, roles from directory groups). ``LOCAL_LOGIN=0``
switches the password login off."""

from __future__ import annotations

from flask import Flask

from academy.i18n import N_

SENTENCES = {
    "account.created_at_sign_on": N_(
        "%(object)s signed in with the work account for the first time: the account was "
        "created and linked to the personnel record %(personnel_no)s."
    ),
    "account.identity_linked": N_(
        "The account of %(object)s was linked to the directory account (%(provider)s)."
    ),
    "account.identity_unlinked": N_(
        "%(actor)s removed the link of the account of %(object)s to its directory account."
    ),
    "account.directory_roles_changed": N_(
        "At sign-in the roles of %(object)s from directory groups changed from "
        "“%(from_state)s” to “%(to_state)s”."
    ),
    "auth.sign_on_refused": N_(
        "A sign-in with a work account was refused (%(reason)s; personnel number "
        "%(personnel_no)s, e-mail %(email)s)."
    ),
}


def init_app(app: Flask) -> None:
    from academy.audit.sentences import register_audit_sentences
    from academy.auth.signon.browser import allow_provider_logout
    from academy.auth.signon.settings import check_settings
    from academy.auth.signon.views import admin, signin

    check_settings(app.config)
    app.register_blueprint(signin.bp)
    app.register_blueprint(admin.bp)
    register_audit_sentences(SENTENCES)
    app.after_request(allow_provider_logout)
