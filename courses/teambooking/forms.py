"""Forms of team bookings: finding a session, filtering the team, reserving seats,
releasing them, choosing members and declining a suggestion. Shape and check input only;
who may and how many seats are free are the services'."""

from __future__ import annotations

from collections.abc import Iterable

from flask_babel import lazy_gettext as _l
from wtforms import DateTimeLocalField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from academy.org.models import Department
from academy.web.forms import FilterForm, Form

DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


def _int_or_none(value: object) -> int | None:
    if value in (None, ""):
        return None
    return int(value)  # type: ignore[call-overload, no-any-return]


def unit_choice(department: Department, depth: int) -> SelectChoice:
    return SelectChoice(department.id, "\u2003" * depth + f"{department.code} {department.name}")


class SessionSearch(FilterForm):
    q = StringField(_l("Course title or number"), validators=[Optional(), Length(max=100)])


class MemberFilter(FilterForm):
    q = StringField(_l("Name or personnel number"), validators=[Optional(), Length(max=100)])
    unit = SelectField(_l("Unit"), coerce=_int_or_none, validators=[Optional()])

    def set_units(self, units: Iterable[tuple[Department, int]]) -> None:
        self.unit.choices = [
            SelectChoice("", _l("All units")),
            *[unit_choice(d, n) for d, n in units],
        ]


class ReserveForm(Form):
    unit = SelectField(
        _l("For the unit"),
        coerce=_int_or_none,
        validators=[InputRequired(message=_l("Please choose a unit."))],
    )
    seats = IntegerField(
        _l("Seats"), default=2, validators=[InputRequired(), NumberRange(min=1, max=500)]
    )
    release_at = DateTimeLocalField(
        _l("Release unused seats on"), format=DATETIME_LOCAL, validators=[Optional()]
    )
    note = TextAreaField(
        _l("Note (optional)"), validators=[Optional(), Length(max=1000)], render_kw={"rows": 2}
    )

    def set_units(self, units: Iterable[tuple[Department, int]]) -> None:
        self.unit.choices = [unit_choice(d, n) for d, n in units]


class ReleaseForm(Form):
    reason = TextAreaField(
        _l("Reason"), validators=[Optional(), Length(max=2000)], render_kw={"rows": 2}
    )


class DeclineProposalForm(Form):
    reason = TextAreaField(
        _l("Reason (optional)"), validators=[Optional(), Length(max=1000)], render_kw={"rows": 3}
    )
