"""Forms of the roster's HR actions (re-rank, promote, late cancellation). They shape and
check input only; the rules (free seats, deadlines, who may) are in the services."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange

REASON_MAX = 2000


def _reason_field() -> TextAreaField:
    return TextAreaField(
        _l("Reason"),
        validators=[DataRequired(message=_l("Please give a reason.")), Length(max=REASON_MAX)],
    )


class ReasonForm(FlaskForm):
    reason = _reason_field()


class RerankForm(FlaskForm):
    position = IntegerField(
        _l("New position"),
        validators=[
            InputRequired(message=_l("Please give the new position.")),
            NumberRange(min=1, message=_l("The position must be 1 or more.")),
        ],
    )
    reason = _reason_field()


class LateCancelForm(FlaskForm):
    enrolment = SelectField(_l("Enrolment"), coerce=int)
    reason = _reason_field()
