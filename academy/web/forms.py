"""Form pieces every package's filter pages share."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField
from wtforms.validators import Optional, ValidationError


class FilterForm(FlaskForm):
    """A filter form submitted with GET (no CSRF token, read from the query string)."""

    class Meta:
        csrf = False


class DateRangeFilter(FilterForm):
    date_from = DateField(_l("From"), validators=[Optional()])
    date_to = DateField(_l("To"), validators=[Optional()])

    def validate_date_to(self, field: DateField) -> None:
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError(_l("The end date must not be before the start date."))


def field_value(field: Any) -> Any:
    """A filter field's value, or None when it is empty or invalid (stripped text)."""
    if field.errors or field.data in ("", None):
        return None
    return field.data.strip() if isinstance(field.data, str) else field.data
