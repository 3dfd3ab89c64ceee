"""Forms for logging in and changing one's password."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, HiddenField, PasswordField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length

from academy.auth.passwords import MIN_LENGTH
from academy.web.forms import Form


class LoginForm(Form):
    email = EmailField(_l("E-mail address"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])
    next = HiddenField()
    submit = SubmitField(_l("Log in"))


class PasswordChangeForm(Form):
    current = PasswordField(_l("Current password"), validators=[DataRequired()])
    new = PasswordField(
        _l("New password"), validators=[DataRequired(), Length(min=MIN_LENGTH, max=200)]
    )
    repeat = PasswordField(
        _l("Repeat new password"),
        validators=[DataRequired(), EqualTo("new", message=_l("The passwords do not match."))],
    )
    submit = SubmitField(_l("Change password"))
