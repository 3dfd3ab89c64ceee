"""Forms of HR's room and trainer pages and of the occupancy view. They shape and check
input only; the rules are in ``rooms``, ``trainers`` and ``occupancy``."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from academy.web.forms import FilterForm, Form
from courses.catalogue.forms import AmountField
from courses.rooms.models import TrainerKind
from courses.rooms.rooms import MAX_CAPACITY

#: Filter values of the lists (German, they appear in the address).
STATUS_CHOICES = [
    SelectChoice("aktiv", _l("Active")),
    SelectChoice("inaktiv", _l("Deactivated")),
    SelectChoice("alle", _l("All")),
]


class RoomForm(Form):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    building = StringField(_l("Building"), validators=[Optional(), Length(max=200)])
    address = StringField(_l("Address"), validators=[Optional(), Length(max=300)])
    capacity = IntegerField(
        _l("Seats"), validators=[InputRequired(), NumberRange(min=1, max=MAX_CAPACITY)]
    )
    step_free = BooleanField(_l("Step-free access"))
    hearing_loop = BooleanField(_l("Hearing loop"))
    equipment = TextAreaField(
        _l("Equipment"), validators=[Optional(), Length(max=5000)], render_kw={"rows": 3}
    )
    cost_per_day = AmountField(_l("Cost per day in euros (optional)"))


class TrainerForm(Form):
    kind = RadioField(
        _l("Kind"),
        choices=[
            SelectChoice(
                TrainerKind.EXTERNAL.value, _l("External (name and contact recorded here)")
            ),
            SelectChoice(
                TrainerKind.INTERNAL.value, _l("Internal (an account of the administration)")
            ),
        ],
        default=TrainerKind.EXTERNAL.value,
        validators=[InputRequired()],
    )
    account_email = StringField(
        _l("E-mail address of the account"), validators=[Optional(), Length(max=254)]
    )
    name = StringField(_l("Name"), validators=[Optional(), Length(max=200)])
    organisation = StringField(_l("Organisation"), validators=[Optional(), Length(max=200)])
    email = StringField(_l("E-mail address"), validators=[Optional(), Length(max=254)])
    phone = StringField(_l("Phone"), validators=[Optional(), Length(max=50)])
    fee_per_day = AmountField(_l("Fee per day in euros (optional)"))
    notes = TextAreaField(
        _l("Notes (topics, conditions)"),
        validators=[Optional(), Length(max=2000)],
        render_kw={"rows": 3},
    )


class TrainerEditForm(TrainerForm):
    """Whether internal or external, and the account, stay as they are."""

    kind = None  # type: ignore[assignment]
    account_email = None  # type: ignore[assignment]


class RoomFilter(FilterForm):
    q = StringField(_l("Name or building"), validators=[Optional(), Length(max=100)])
    status = SelectField(_l("Status"), choices=STATUS_CHOICES, default="aktiv")


class TrainerFilter(FilterForm):
    q = StringField(_l("Name or organisation"), validators=[Optional(), Length(max=100)])
    art = SelectField(
        _l("Kind"),
        choices=[
            SelectChoice("", _l("All")),
            SelectChoice(TrainerKind.INTERNAL.value, _l("Internal")),
            SelectChoice(TrainerKind.EXTERNAL.value, _l("External")),
        ],
        default="",
    )
    status = SelectField(_l("Status"), choices=STATUS_CHOICES, default="aktiv")


class OccupancyFilter(FilterForm):
    art = SelectField(
        _l("Show"),
        choices=[SelectChoice("raeume", _l("Rooms")), SelectChoice("trainer", _l("Trainers"))],
        default="raeume",
    )
    ansicht = SelectField(
        _l("Period"),
        choices=[SelectChoice("woche", _l("Week")), SelectChoice("monat", _l("Month"))],
        default="woche",
    )
    datum = DateField(_l("Day in the period"), validators=[Optional()])
    #: Only the rooms with step-free access / a hearing loop.
    stufenlos = BooleanField(_l("Step-free access only"))
