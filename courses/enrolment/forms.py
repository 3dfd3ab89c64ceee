"""Forms of the learning record, the approval inbox and the roster's HR actions (re-rank,
promote, late cancellation). They shape and check input only; whether a cancellation is
late, who may decide, free seats and deadlines are for the services."""

from __future__ import annotations

from collections.abc import Iterable

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from academy.web.forms import Form

REASON_MAX = 1000
ROSTER_REASON_MAX = 2000


class CancelEnrolmentForm(Form):
    """Cancelling an enrolment. The reason is optional, except for a late cancellation
    by HR or the trainer (the view asks for it then)."""

    reason = TextAreaField(
        _l("Reason"),
        validators=[Optional(), Length(max=REASON_MAX)],
        render_kw={"rows": 3},
    )
    next = HiddenField()


class DeclineForm(Form):
    """Declining a request: the reason is required and sent to the employee."""

    reason = TextAreaField(
        _l("Reason for declining"),
        validators=[
            DataRequired(message=_l("Please give a reason for declining.")),
            Length(max=REASON_MAX),
        ],
        render_kw={"rows": 3},
    )
    next = HiddenField()


def _reason_field() -> TextAreaField:
    return TextAreaField(
        _l("Reason"),
        validators=[
            DataRequired(message=_l("Please give a reason.")),
            Length(max=ROSTER_REASON_MAX),
        ],
    )


class ReasonForm(Form):
    reason = _reason_field()


class RerankForm(Form):
    position = IntegerField(
        _l("New position"),
        validators=[
            InputRequired(message=_l("Please give the new position.")),
            NumberRange(min=1, message=_l("The position must be 1 or more.")),
        ],
    )
    reason = _reason_field()


class LateCancelForm(Form):
    enrolment = SelectField(_l("Enrolment"), coerce=int)
    reason = _reason_field()


class OverrideEnrolmentForm(Form):
    """HR enrols someone despite the rules (prerequisites, deadline …), with a reason."""

    session_id = SelectField(_l("Session"), validators=[DataRequired()])
    personnel_no = StringField(_l("Personnel number"), validators=[DataRequired(), Length(max=32)])
    reason = TextAreaField(
        _l("Reason for the exception"), validators=[DataRequired(), Length(max=1000)]
    )

    def set_sessions(self, sessions: Iterable[tuple[int, str]]) -> None:
        self.session_id.choices = [SelectChoice(str(i), label) for i, label in sessions]
