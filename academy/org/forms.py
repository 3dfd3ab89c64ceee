"""Forms of the organisation pages: the staff list filter and setting a department head."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SelectField, StringField
from wtforms.validators import Length, Optional

from academy.org.models import Department
from academy.web.forms import Form

try:  # WTForms 3.3+ (tuples are deprecated there)
    from wtforms.fields.choices import SelectChoice as _Choice
except ImportError:  # pragma: no cover - WTForms < 3.3

    def _Choice(value: str, label: Any) -> Any:  # noqa: N802 - stands in for a class
        return (value, label)


class EmployeeFilterForm(Form):
    """Submitted with GET; the department choices (the viewer's scope) come from the view."""

    class Meta:
        csrf = False

    q = StringField(
        _l("Name, personnel number or e-mail"), validators=[Optional(), Length(max=100)]
    )
    department = SelectField(_l("Department"), validators=[Optional()])
    sub = BooleanField(_l("Include sub-departments"))
    inactive = BooleanField(_l("Include employees who have left"))

    def set_departments(self, ordered: Iterable[tuple[Department, int]]) -> None:
        """``(department, depth)`` pairs in tree order; depth is shown as indentation."""
        self.department.choices = [
            _Choice("", _l("All departments")),
            *[
                _Choice(str(d.id), "\u2003" * depth + f"{d.name} ({d.code})")
                for d, depth in ordered
            ],
        ]


class DepartmentHeadForm(Form):
    """The choices (the department's active members) come from the view."""

    head = SelectField(_l("Head of the department"), validators=[Optional()])

    def set_members(self, members: Iterable[tuple[int, str, str, str]]) -> None:
        """``(id, last name, first name, personnel number)`` rows."""
        self.head.choices = [
            _Choice("", _l("No head")),
            *[_Choice(str(i), f"{last}, {first} ({no})") for i, last, first, no in members],
        ]
