"""Password hashing with argon2id (OWASP ASVS 2.4) and a simple strength rule."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from academy.i18n import N_

# argon2-cffi's defaults are RFC 9106's low-memory profile (argon2id, t=3, m=64 MiB, p=4).
_hasher = PasswordHasher()

MIN_LENGTH = 10

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


def password_problem(password: str) -> str | None:
    """A (translatable) reason why a new password is not acceptable, or None."""
    if len(password) < MIN_LENGTH:
        return N_("The password must be at least %(n)d characters long.")
    if password.lower() == password or password.upper() == password:
        return N_("The password must contain upper- and lower-case letters.")
    return None
