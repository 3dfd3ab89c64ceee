"""Forms of the administration pages: accounts, and the filters of the two logs."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    EmailField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
)
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from academy.accounts.models import ASSIGNABLE_ROLES, ROLE_LABELS, Role
from academy.web.forms import FilterForm, Form

try:  # WTForms 3.3+ (tuples are deprecated there)
    from wtforms.fields.choices import SelectChoice as _Choice
except ImportError:  # pragma: no cover - WTForms < 3.3

    def _Choice(value: str, label: Any) -> Any:  # noqa: N802 - stands in for a class
        return (value, label)


class MultiCheckboxField(SelectMultipleField):
    """A group of checkboxes (rendered in a fieldset by the template)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _role_choices(roles: tuple[Role, ...]) -> list[Any]:
    # The labels are English source strings from ROLE_LABELS, translated when shown.
    return [_Choice(r.value, _l(ROLE_LABELS[r])) for r in roles]


class _AccountFields(Form):
    display_name = StringField(_l("Display name"), validators=[DataRequired(), Length(max=200)])
    personnel_no = StringField(
        _l("Personnel number of the linked employee"), validators=[Optional(), Length(max=32)]
    )
    roles = MultiCheckboxField(_l("Roles"), choices=_role_choices(ASSIGNABLE_ROLES))


class AccountCreateForm(_AccountFields):
    email = EmailField(_l("E-mail address"), validators=[DataRequired(), Email(), Length(max=254)])
    password = PasswordField(_l("Initial password"), validators=[DataRequired(), Length(max=200)])


class AccountEditForm(_AccountFields):
    active = BooleanField(_l("Account is active"))
    confirm_deactivation = BooleanField(
        _l("Yes, deactivate this account and end all its login sessions")
    )


class PasswordResetForm(Form):
    password = PasswordField(_l("New password"), validators=[DataRequired(), Length(max=200)])
    repeat = PasswordField(
        _l("Repeat new password"),
        validators=[
            DataRequired(),
            EqualTo("password", message=_l("The passwords do not match.")),
        ],
    )


class AccountFilterForm(FilterForm):
    q = StringField(_l("Name or e-mail"), validators=[Optional(), Length(max=200)])
    role = SelectField(
        _l("Role"),
        choices=[_Choice("", _l("All roles")), *_role_choices(tuple(Role))],
        validators=[Optional()],
    )
    status = SelectField(
        _l("Status"),
        choices=[
            _Choice("", _l("All")),
            _Choice("active", _l("Active")),
            _Choice("inactive", _l("Inactive")),
        ],
        validators=[Optional()],
    )
