"""The admin's edit form of a transparency text."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length

from academy.site_texts.texts import MAX_BODY
from academy.web.forms import Form


class SiteTextForm(Form):
    body = TextAreaField(
        _l("Text"), validators=[DataRequired(), Length(max=MAX_BODY)], render_kw={"rows": 24}
    )
    submit = SubmitField(_l("Save"))


class ResetForm(Form):
    submit = SubmitField(_l("Reset to the shipped text"))
