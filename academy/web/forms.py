"""The form every page's forms derive from (``Form``: control characters refused at the
field, see ``academy.web.inputs``) and the pieces every package's filter pages share."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from flask import has_request_context
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, Field, FieldList, FormField
from wtforms import Form as WTForm
from wtforms.validators import Optional, ValidationError

from academy.web import inputs


def _leaf_fields(fields: Any) -> Iterator[Field]:
    for field in fields:
        if isinstance(field, FormField):
            yield from _leaf_fields(field.form)
        elif isinstance(field, FieldList):
            yield from _leaf_fields(field.entries)
        else:
            yield field


class Form(FlaskForm):
    """Every form of the app: a submitted value that held control characters (NUL …;
    removed before the view ran, see ``academy.web.inputs``) makes the form invalid with
    a message at that field."""

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        if not has_request_context() or not inputs.flagged_fields():
            return valid
        for field in _leaf_fields(self):
            if inputs.claim(field.name):
                message = gettext(inputs.FIELD_MESSAGE)
                if not isinstance(field.errors, list):
                    field.errors = list(field.errors)
                if message not in field.errors:
                    field.errors.append(message)
                valid = False
        return valid


class SubForm(WTForm):
    """A row of a ``FieldList``/``FormField`` (no CSRF token of its own): WTForms' messages
    in the request's language like every ``Form`` (a plain ``wtforms.Form`` answers in
    English)."""

    class Meta:
        def get_translations(self, form: Any) -> Any:
            if has_request_context():
                from flask_wtf.i18n import translations

                return translations
            return super().get_translations(form)  # type: ignore[misc]


class FilterForm(Form):
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
