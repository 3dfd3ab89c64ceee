"""Forms of the learning record, the approval inbox and the calendar settings. They shape
and check input only; whether a cancellation is late, who may decide and so on is for
the services."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

REASON_MAX = 1000


class CancelEnrolmentForm(FlaskForm):
    """Cancelling an enrolment. The reason is optional, except for a late cancellation
    by HR or the trainer (the view asks for it then)."""

    reason = TextAreaField(
        _l("Reason"),
        validators=[Optional(), Length(max=REASON_MAX)],
        render_kw={"rows": 3},
    )
    next = HiddenField()


class DeclineForm(FlaskForm):
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
