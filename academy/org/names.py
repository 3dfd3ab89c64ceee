"""People in German dictionary order (DIN 5007-1: ä as a, ß as ss, case ignored), the
same on every database engine: ``name_key`` is kept on every employee row
(``Employee.name_key``), so that a page of people is ordered and cut in SQL (``ORDER
BY name_key, id LIMIT …``) instead of sorting the whole team in Python.

The key is the folded last name, a separator below every character a name can hold
(control characters are refused at input) and the folded first name: comparing keys
(code point order: SQLite's BINARY, PostgreSQL's "C" collation of the column) is
comparing (last, first) pairs.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from typing import Any

#: Between last and first name in ``name_key``; sorts below every printable character.
SEPARATOR = "\x1f"
#: Longest key kept (two names of up to 100 characters, folded ß → ss and the separator).
MAX_KEY = 420


@lru_cache(maxsize=65536)
def fold_name(text: str) -> str:
    """``text`` without accents and case: "Öztürk" → "ozturk", "Strauß" → "strauss"."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def name_key(last_name: str | None, first_name: str | None) -> str:
    return f"{fold_name(last_name or '')}{SEPARATOR}{fold_name(first_name or '')}"[:MAX_KEY]


def name_key_default(context: Any) -> str:
    """Column default of ``Employee.name_key`` for every INSERT (also bulk inserts)."""
    values = context.get_current_parameters()
    return name_key(values.get("last_name"), values.get("first_name"))
