"""Forms of HR's session pages: a session's dates, place, trainer and capacity, and
cancelling it. They shape and check input only; the rules are in ``scheduling``."""

from __future__ import annotations

from collections.abc import Iterable

from flask_babel import lazy_gettext as _l
from wtforms import DateTimeLocalField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from academy.accounts.models import User
from academy.web.forms import Form

#: The format of ``<input type="datetime-local">`` (Berlin wall-clock time).
DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


class SessionForm(Form):
    """Dates and times are Berlin wall-clock time (``datetime-local`` inputs)."""

    starts_at = DateTimeLocalField(_l("Start"), format=DATETIME_LOCAL, validators=[InputRequired()])
    ends_at = DateTimeLocalField(_l("End"), format=DATETIME_LOCAL, validators=[InputRequired()])
    location = StringField(_l("Place"), validators=[Optional(), Length(max=200)])
    online_url = StringField(_l("Online link"), validators=[Optional(), Length(max=500)])
    trainer = SelectField(_l("Trainer"), validators=[Optional()])
    capacity = IntegerField(
        _l("Capacity (seats)"), validators=[InputRequired(), NumberRange(min=1, max=10000)]
    )
    min_participants = IntegerField(
        _l("Minimum number of participants"),
        default=0,
        validators=[Optional(), NumberRange(min=0, max=10000)],
    )
    enrolment_deadline = DateTimeLocalField(
        _l("Enrolment deadline"), format=DATETIME_LOCAL, validators=[Optional()]
    )
    cancellation_deadline = DateTimeLocalField(
        _l("Cancellation deadline"), format=DATETIME_LOCAL, validators=[Optional()]
    )

    def set_trainers(self, trainers: Iterable[User]) -> None:
        self.trainer.choices = [
            SelectChoice("", _l("No trainer yet")),
            *[SelectChoice(str(u.id), f"{u.display_name} ({u.email})") for u in trainers],
        ]


class SessionEditForm(SessionForm):
    """Editing leaves the capacity out: it has its own form (seats move with it)."""

    capacity = None  # type: ignore[assignment]


class CapacityForm(Form):
    capacity = IntegerField(
        _l("New capacity (seats)"), validators=[InputRequired(), NumberRange(min=1, max=10000)]
    )


class CancelSessionForm(Form):
    reason = TextAreaField(
        _l("Reason (sent to everyone enrolled)"), validators=[DataRequired(), Length(max=2000)]
    )
