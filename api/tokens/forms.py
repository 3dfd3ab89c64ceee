"""Forms of the token pages: shape and length only; the rules are in ``tokens.py``."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from academy.accounts.forms import MultiCheckboxField
from academy.web.forms import Form
from api.tokens.scopes import SCOPES
from api.tokens.tokens import NAME_MAX, PURPOSE_MAX

try:  # WTForms 3.3+ (tuples are deprecated there)
    from wtforms.fields.choices import SelectChoice as _Choice
except ImportError:  # pragma: no cover - WTForms < 3.3

    def _Choice(value: str, label: Any) -> Any:  # noqa: N802 - stands in for a class
        return (value, label)


class TokenForm(Form):
    name = StringField(
        _l("Name of the system"),
        validators=[DataRequired(), Length(max=NAME_MAX)],
        render_kw={"autocomplete": "off", "maxlength": NAME_MAX},
    )
    scopes = MultiCheckboxField(
        _l("What the system may read"),
        choices=[_Choice(key, _l(label)) for key, label in SCOPES.items()],
        validators=[DataRequired(_l("Choose at least one scope."))],
    )
    purpose = TextAreaField(
        _l("Purpose"),
        validators=[Optional(), Length(max=PURPOSE_MAX)],
        render_kw={"rows": 2, "maxlength": PURPOSE_MAX},
    )
    expires_on = DateField(_l("Valid until (optional)"), validators=[Optional()])


class RevokeForm(Form):
    reason = TextAreaField(
        _l("Reason (optional)"),
        validators=[Optional(), Length(max=500)],
        render_kw={"rows": 2, "maxlength": 500},
    )
    confirm = BooleanField(
        _l("Yes, revoke this token now. Calls with it will be refused at once."),
        validators=[DataRequired(_l("Please confirm the revocation."))],
    )
