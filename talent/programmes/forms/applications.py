"""Forms of the fast-track applications: applying, answering a nomination, a head's
statement and nominating. They shape and check input only; who may do what, the
application window and eligibility are for ``talent.programmes.applications``."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length

from academy.web.forms import Form
from talent.programmes.applications import MOTIVATION_MAX, MOTIVATION_MIN, NOTE_MAX
from talent.programmes.endorsements import COMMENT_MAX
from talent.programmes.models import Endorsement


def optional_int(value: object) -> int | None:
    """Coerce a submitted id: empty or malformed → None (then "required" says so)."""
    if value is None or value == "":
        return None
    try:
        return int(str(value))
    except ValueError:
        return None


def motivation_field() -> TextAreaField:
    return TextAreaField(
        _l("Your motivation"),
        validators=[
            DataRequired(message=_l("Please describe your motivation.")),
            Length(
                min=MOTIVATION_MIN,
                max=MOTIVATION_MAX,
                message=_l("Please describe your motivation in %(min)d to %(max)d characters."),
            ),
        ],
        render_kw={"rows": 6, "maxlength": MOTIVATION_MAX},
    )


class ApplyForm(Form):
    """Applying to a cohort (one form per cohort on the page: ``prefix`` tells them apart)."""

    motivation = motivation_field()


class AcceptNominationForm(Form):
    """Accepting a nomination, with the motivation the selection reads."""

    motivation = motivation_field()


class EndorseForm(Form):
    """A head's statement on an application: endorse or not, with a comment the
    applicant reads."""

    decision = RadioField(
        _l("Statement"),
        choices=[
            SelectChoice(Endorsement.ENDORSED.value, _l("Endorse")),
            SelectChoice(Endorsement.NOT_ENDORSED.value, _l("Do not endorse")),
        ],
        validators=[DataRequired(message=_l("Please choose whether you endorse the application."))],
    )
    comment = TextAreaField(
        _l("Comment (the applicant can read it)"),
        validators=[
            DataRequired(message=_l("Please explain your statement in a comment.")),
            Length(max=COMMENT_MAX),
        ],
        render_kw={"rows": 3, "maxlength": COMMENT_MAX},
    )


class _NominateBase(Form):
    cohort = SelectField(
        _l("Cohort"),
        coerce=optional_int,
        validate_choice=False,
        validators=[DataRequired(message=_l("Please choose a cohort."))],
    )
    note = TextAreaField(
        _l("Why do you nominate this person? (they can read it)"),
        validators=[
            DataRequired(message=_l("Please say why you nominate this person.")),
            Length(max=NOTE_MAX),
        ],
        render_kw={"rows": 3, "maxlength": NOTE_MAX},
    )


class NominateForm(_NominateBase):
    """Nominating someone chosen from the list of the head's team."""

    employee = SelectField(
        _l("Person"),
        coerce=optional_int,
        validate_choice=False,
        validators=[DataRequired(message=_l("Please choose a person."))],
    )


class NominateByNumberForm(_NominateBase):
    """Nominating someone of a large team, found by their personnel number."""

    personnel_no = StringField(
        _l("Personnel number"),
        validators=[
            DataRequired(message=_l("Please enter the personnel number.")),
            Length(max=32),
        ],
    )
