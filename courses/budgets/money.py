"""Euro amounts: exact decimals rounded to the cent, split without losing a cent, and
written the German way ("1.234,50 €") on pages and the way German Excel reads a number
("1234,50") in CSV files. Floats never take part."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache

from babel.numbers import format_currency, format_decimal
from flask import has_request_context
from flask_babel import get_locale

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
#: The largest amount a money column holds (Numeric(12, 2)).
MAX_AMOUNT = Decimal("9999999999.99")


def cents(value: Decimal | int | str) -> Decimal:
    """``value`` rounded to the cent (half up, as commercial rounding does)."""
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def total(values: Iterable[Decimal | None]) -> Decimal:
    """The sum of the amounts (None counts as nothing)."""
    return cents(sum((v for v in values if v is not None), ZERO))


def split(amount: Decimal, parts: int) -> list[Decimal]:
    """``amount`` in ``parts`` shares that differ by at most a cent and add up to it
    exactly; the first shares carry the remaining cents."""
    if parts <= 0:
        return []
    whole = int(cents(amount) / CENT)
    base, rest = divmod(whole, parts)
    return [(Decimal(base + (1 if i < rest else 0)) * CENT).quantize(CENT) for i in range(parts)]


def share_of_next(amount: Decimal, holders: int) -> Decimal:
    """What one more participant would bear of ``amount`` if ``holders`` already share it
    (the largest share after the split)."""
    return split(amount, holders + 1)[0] if amount else ZERO


def parse_amount(text: str) -> Decimal | None:
    """An amount typed the German way ("1.250,50", "1250,5 €") or the English way
    ("1250.50"); None when it is not an amount."""
    text = (text or "").strip().replace("\xa0", "").replace(" ", "").replace("€", "")
    if not text:
        return None
    if "," in text and "." in text:
        grouping = "." if text.rindex(",") > text.rindex(".") else ","
        text = text.replace(grouping, "").replace(",", ".")
    elif "," in text:
        text = text.replace(",", ".")
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def _locale() -> str:
    if has_request_context():
        locale = get_locale()
        if locale is not None:
            return str(locale)
    return "de_DE"


def euro(value: Decimal | None, *, signed: bool = False) -> str:
    """An amount for a page in the reader's language: "1.234,50 €" in German, "–" for
    none. ``signed`` puts a plus before positive amounts (differences)."""
    if value is None:
        return "–"
    text = _currency(str(cents(value)), _locale())
    return f"+{text}" if signed and value > 0 else text


@lru_cache(maxsize=4096)
def _currency(amount: str, locale: str) -> str:
    """Babel's formatting (a pattern applied digit by digit) once per amount (its exact
    text: "-0.00" stays apart from "0.00") and language: a page shows the same budget
    figures in many rows."""
    return format_currency(Decimal(amount), "EUR", locale=locale)


def csv_amount(value: Decimal | None) -> str:
    """An amount for a German Excel CSV cell: decimal comma, no grouping ("1234,50")."""
    if value is None:
        return ""
    return format_decimal(cents(value), format="0.00", locale="de_DE")
