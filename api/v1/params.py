"""Query parameters: marshmallow fields with messages in the request's language and
limits on every number and date, so a malformed value answers 422 at the parameter —
never a 500 (huge numbers, negative pages, years far away, overlong text)."""

from __future__ import annotations

from datetime import date
from typing import Any

import marshmallow as ma
from flask import current_app

from academy.i18n import N_, translate

#: No list of the API has this many pages.
MAX_PAGE = 100_000
#: Largest id a path or parameter may name (the database's integer range).
MAX_ID = 2_147_483_647
FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2100, 12, 31)
TEXT_MAX = 100


class Between(ma.validate.Validator):
    """``low <= value <= high``; ``high`` may be a setting name read at validation."""

    def __init__(self, low: Any, high: Any, message: str) -> None:
        self.low, self.high, self.message = low, high, message

    def __call__(self, value: Any) -> Any:
        high = self.high
        if isinstance(high, str):
            high = int(current_app.config[high])
        if not self.low <= value <= high:
            raise ma.ValidationError(translate(self.message, min=self.low, max=high))
        return value


def whole_number(low: int, high: int | str, description: str, **kwargs: Any) -> ma.fields.Integer:
    return ma.fields.Integer(
        strict=False,
        validate=Between(low, high, N_("Must be a whole number from %(min)s to %(max)s.")),
        error_messages={
            "invalid": N_("Not a valid whole number."),
            "too_large": N_("Not a valid whole number."),
        },
        metadata={"description": description},
        **kwargs,
    )


def an_id(description: str) -> ma.fields.Integer:
    return whole_number(1, MAX_ID, description)


def a_day(description: str, **kwargs: Any) -> ma.fields.Date:
    return ma.fields.Date(
        validate=Between(FIRST_DAY, LAST_DAY, N_("Must be a date from %(min)s to %(max)s.")),
        error_messages={"invalid": N_("Not a valid date (YYYY-MM-DD).")},
        metadata={"description": description},
        **kwargs,
    )


def a_switch(description: str) -> ma.fields.Boolean:
    return ma.fields.Boolean(
        load_default=False,
        error_messages={"invalid": N_("Not a valid switch (true or false).")},
        metadata={"description": description},
    )


def a_text(description: str) -> ma.fields.String:
    return ma.fields.String(
        validate=ma.validate.Length(max=TEXT_MAX, error=N_("At most 100 characters.")),
        error_messages={"invalid": N_("Not a valid text.")},
        metadata={"description": description},
    )


class Query(ma.Schema):
    """Parameters of every request; unknown ones are ignored."""

    class Meta:
        unknown = ma.EXCLUDE


class PageQuery(Query):
    """``page`` and ``per_page`` of every list."""

    page = whole_number(1, MAX_PAGE, "Seite (ab 1)", load_default=1)
    per_page = whole_number(
        1,
        "API_MAX_PAGE_SIZE",
        "Einträge je Seite (Voreinstellung 25, höchstens 100)",
        load_default=lambda: int(current_app.config["API_PAGE_SIZE"]),
    )
