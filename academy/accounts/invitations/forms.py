"""Forms of the invitations: HR's filter and selection, and setting the password."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, PasswordField, SelectField, SelectMultipleField, StringField
from wtforms.validators import AnyOf, DataRequired, Length, Optional

from academy.accounts.invitations.queries import STATUS_LABELS, STATUS_NOT_INVITED
from academy.org.models import Department
from academy.web.forms import FilterForm, Form

try:  # WTForms 3.3+ (tuples are deprecated there)
    from wtforms.fields.choices import SelectChoice as _Choice
except ImportError:  # pragma: no cover - WTForms < 3.3

    def _Choice(value: str, label: Any) -> Any:  # noqa: N802 - stands in for a class
        return (value, label)


#: How the selection is made: the ticked people, or everyone the filter matches.
SCOPE_SELECTED = "selected"
SCOPE_FILTER = "filter"


class InvitationFilterForm(FilterForm):
    """The list's filter (GET); the department choices (tree order) come from the view."""

    q = StringField(
        _l("Name, personnel number or e-mail"), validators=[Optional(), Length(max=100)]
    )
    department = SelectField(_l("Department (with sub-departments)"), validators=[Optional()])
    status = SelectField(
        _l("Invitation"),
        choices=[_Choice(key, _l(label)) for key, label in STATUS_LABELS.items()],
        default=STATUS_NOT_INVITED,
        validators=[Optional()],
    )

    def set_departments(self, ordered: Iterable[tuple[Department, int]]) -> None:
        """``(department, depth)`` pairs in tree order; depth is shown as indentation."""
        self.department.choices = [
            _Choice("", _l("All departments")),
            *[
                _Choice(str(d.id), "\u2003" * depth + f"{d.name} ({d.code})")
                for d, depth in ordered
            ],
        ]


class InviteForm(Form):
    """The selection sent from the list (and again, confirmed, from the confirmation):
    the ticked people or the filter (its values as hidden fields)."""

    employee_ids = SelectMultipleField(_l("People"), validate_choice=False)
    scope = HiddenField(validators=[AnyOf([SCOPE_SELECTED, SCOPE_FILTER])])
    confirm = HiddenField()
    q = HiddenField(validators=[Optional(), Length(max=100)])
    department = HiddenField(validators=[Optional(), Length(max=12)])
    status = HiddenField(validators=[Optional(), AnyOf(list(STATUS_LABELS))])


class SetPasswordForm(Form):
    password = PasswordField(_l("New password"), validators=[DataRequired(), Length(max=200)])
    repeat = PasswordField(_l("Repeat new password"), validators=[DataRequired(), Length(max=200)])
