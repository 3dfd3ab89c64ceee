"""Password hashing with argon2id (OWASP ASVS 2.4) and the password rule of OWASP ASVS
2.1 / NIST SP 800-63B: at least 12 characters, no composition rules (no "upper case and
digit" demands), but refused when it is

- in the list of common passwords shipped with the app (``common-passwords.txt.gz``:
  Royce Williams' 20,000 common passwords as shipped by Django, BSD licence, plus common
  German words; see the file's header), also written with digits for letters
  (``P4ssw0rt``), or such a word with only digits and symbols around it (``Passwort2024!``);
- repetitive: at most three distinct characters (``Aaaaaaaaaaaa``), one short piece
  repeated (``abcabcabcabc``) or a run of consecutive characters (``123456789012``);
- the person's own: it contains their first or last name (case-insensitive, umlauts
  folded: ``Köhler`` = ``koehler`` = ``kohler``), or without the e-mail address's local
  part little is left (fewer than 8 characters, or no letters).
"""

from __future__ import annotations

import gzip
import re
import unicodedata
from collections.abc import Iterable
from functools import cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from academy.i18n import N_

# argon2-cffi's defaults are RFC 9106's low-memory profile (argon2id, t=3, m=64 MiB, p=4).
_hasher = PasswordHasher()

MIN_LENGTH = 12
MAX_LENGTH = 200
#: What must be left of a password without the e-mail's local part.
REST_WITHOUT_EMAIL = 8
COMMON_PASSWORDS_FILE = Path(__file__).resolve().parent / "common-passwords.txt.gz"

#: Computed once so that a login for an unknown account costs as much as a real one.
_DUMMY_HASH = _hasher.hash("timing-equaliser-not-a-password")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """True when ``password`` matches; runs a full verification even without a hash."""
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and bool(password_hash)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


@cache
def common_passwords() -> frozenset[str]:
    with gzip.open(COMMON_PASSWORDS_FILE, "rt", encoding="utf-8") as file:
        return frozenset(line.strip() for line in file if line.strip() and not line.startswith("#"))


_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
_LEET = str.maketrans(
    {"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s"}
)
_EDGES = re.compile(r"^[^a-z]+|[^a-z]+$")


def _folded(text: str) -> set[str]:
    """Lower-case spellings of ``text`` with umlauts folded both ways (``ö`` → ``oe``
    and ``ö`` → ``o``)."""
    lower = text.casefold()
    plain = "".join(c for c in unicodedata.normalize("NFKD", lower) if not unicodedata.combining(c))
    return {lower.translate(_UMLAUTS), plain.replace("ß", "ss")}


def _is_common(password: str) -> bool:
    common = common_passwords()
    for spelling in _folded(password):
        core = _EDGES.sub("", spelling)  # a word with digits and symbols around it
        for candidate in (spelling, core):
            if candidate and (candidate in common or candidate.translate(_LEET) in common):
                return True
    return False


#: Runs that count as a sequence (forwards or backwards): digits, the alphabet, the
#: letter rows of German and English keyboards.
_SEQUENCES = tuple(
    run
    for base in (
        "0123456789",
        "abcdefghijklmnopqrstuvwxyz",
        "qwertzuiopasdfghjklyxcvbnm",
        "qwertyuiopasdfghjklzxcvbnm",
    )
    for run in (base * 3, base[::-1] * 3)
)


def _is_repetitive(password: str) -> bool:
    text = password.casefold()
    if len(set(text)) <= 3:
        return True
    for size in range(1, len(text) // 2 + 1):
        if len(text) % size == 0 and text[:size] * (len(text) // size) == text:
            return True
    return any(text in run for run in _SEQUENCES)


def _name_parts(names: Iterable[str]) -> set[str]:
    parts: set[str] = set()
    for name in names:
        for spelling in _folded(name or ""):
            parts.update(p for p in re.split(r"[^a-z]+", spelling) if len(p) >= 3)
    return parts


def _rest_without(password: str, piece: str) -> str:
    return re.sub(re.escape(piece), "", password)


def own_names(display_name: str | None, employee: object | None) -> list[str]:
    """The names of an account's holder that a password must not contain."""
    names = [display_name or ""]
    if employee is not None:
        names += [getattr(employee, "first_name", ""), getattr(employee, "last_name", "")]
    return names


def password_problem(
    password: str, *, email: str | None = None, names: Iterable[str] = ()
) -> str | None:
    """A (translatable) reason why a new password is not acceptable, or None. ``email``
    and ``names`` (display name, first and last name) are the account's own."""
    if len(password) < MIN_LENGTH:
        return N_("The password must be at least %(n)d characters long.")
    if len(password) > MAX_LENGTH:
        return N_("The password must not be longer than 200 characters.")
    if _is_common(password):
        return N_(
            "This password is too common: it is in the lists of frequently used passwords "
            "that attackers try first. Please choose another one, e.g. several unrelated words."
        )
    if _is_repetitive(password):
        return N_(
            "The password is too simple (repeated characters or a sequence). Please choose "
            "another one, e.g. several unrelated words."
        )
    spellings = _folded(password)
    parts = _name_parts(names)
    if any(part in spelling for part in parts for spelling in spellings):
        return N_("The password must not contain your name.")
    local = (email or "").partition("@")[0]
    for piece in _folded(local) if len(local) >= 3 else ():
        for spelling in spellings:
            rest = _rest_without(spelling, piece)
            if rest != spelling and (
                len(rest) < REST_WITHOUT_EMAIL or not re.search(r"[a-z]", rest)
            ):
                return N_("The password must not consist mainly of your e-mail address.")
    return None
