"""Forms of a running cohort: sign off a milestone, take a sign-off back, assign a mentor,
end a membership. They shape and check input only; the rules are in
``talent.programmes.milestones``.

A sign-off form is shown once per open milestone and member on a page, so it carries a
``prefix`` made of both ids (``signoff_prefix``) that keeps field names and ids unique.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from academy.web.forms import Form
from talent.programmes.milestones import NOTE_MAX, REASON_MAX


def signoff_prefix(member_id: int, milestone_id: int) -> str:
    return f"s{member_id}-{milestone_id}"


class SignOffForm(Form):
    met_on = DateField(_l("Met on"), validators=[DataRequired()])
    note = TextAreaField(
        _l("Note (optional)"), validators=[Optional(), Length(max=NOTE_MAX)], render_kw={"rows": 2}
    )


class UndoSignOffForm(Form):
    reason = TextAreaField(
        _l("Reason for taking it back"),
        validators=[DataRequired(), Length(max=REASON_MAX)],
        render_kw={"rows": 2},
    )


class MentorForm(Form):
    personnel_no = StringField(
        _l("Personnel number of the mentor"), validators=[DataRequired(), Length(max=32)]
    )


class DropOutForm(Form):
    reason = TextAreaField(
        _l("Reason"), validators=[DataRequired(), Length(max=REASON_MAX)], render_kw={"rows": 3}
    )
