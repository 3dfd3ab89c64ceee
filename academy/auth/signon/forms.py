"""The directory login form, and what the login page offers (``login_options``)."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, Length

from academy.auth.signon.ldap import MAX_USERNAME
from academy.auth.signon.settings import ldap_settings, local_login_enabled, oidc_settings
from academy.web.forms import Form


class DirectoryLoginForm(Form):
    username = StringField(
        _l("User name"),
        validators=[DataRequired(), Length(max=MAX_USERNAME)],
        render_kw={"autocomplete": "username", "autocapitalize": "none"},
    )
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(), Length(max=200)],
        render_kw={"autocomplete": "current-password"},
    )
    next = HiddenField()
    submit = SubmitField(_l("Sign in with work account"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "directory")
        super().__init__(*args, **kwargs)


def login_options(
    directory_form: DirectoryLoginForm | None = None, next_path: str = ""
) -> dict[str, Any]:
    """What the login page shows: the provider button, the directory form, the password
    form (``LOCAL_LOGIN``)."""
    if directory_form is None and ldap_settings() is not None:
        directory_form = DirectoryLoginForm(formdata=None)
        directory_form.next.data = next_path
    return {
        "oidc_enabled": oidc_settings() is not None,
        "directory_form": directory_form if ldap_settings() is not None else None,
        "local_login": local_login_enabled(),
        "next_path": next_path,
    }
