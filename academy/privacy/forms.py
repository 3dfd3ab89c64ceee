"""HR's form for answering a person's request (reason and file format)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, TextAreaField
from wtforms.validators import AnyOf, DataRequired, Length

FORMATS = ("pdf", "json")


class DisclosureForm(FlaskForm):
    reason = TextAreaField(
        _l("Reason (the person's request)"),
        validators=[
            DataRequired(message=_l("Please give the reason for the request.")),
            Length(max=1000, message=_l("At most %(max)d characters.")),
        ],
    )
    format = SelectField(
        _l("Format"),
        choices=[("pdf", _l("PDF (readable)")), ("json", _l("JSON (machine-readable)"))],
        default="pdf",
        validate_choice=False,
        validators=[AnyOf(FORMATS, message=_l("Please choose PDF or JSON."))],
    )
