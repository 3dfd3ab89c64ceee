"""Login throttling per (account, client address) pair with growing delays, and the
address-wide limit that never refuses a correct password (OWASP ASVS 2.2.1). Time is
passed in."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from academy.accounts.models import LoginAttempt
from academy.auth.sessions import LoginFailed, LoginThrottled, authenticate
from academy.auth.throttle import ThrottlePolicy, pair_delay
from academy.clock import utcnow
from tests.factories import PASSWORD

A, B = "203.0.113.7", "198.51.100.9"
MINUTE = timedelta(minutes=1)


def attempt(email: str, password: str, address: str, now, policy) -> str | int:
    """``"ok"``, ``401``, or the minutes a 429 asks to wait."""
    try:
        authenticate(email, password, remote_addr=address, now=now, policy=policy)
    except LoginThrottled as error:
        return int(error.params["minutes"])
    except LoginFailed:
        return 401
    return "ok"


def test_delay_starts_after_the_free_failures_and_doubles_up_to_the_cap(db, make):
    account = make.user()
    policy = ThrottlePolicy(free_failures=3, first_delay=MINUTE, max_delay=8 * MINUTE)
    now = utcnow()
    assert [attempt(account.email, "falsch", A, now, policy) for _ in range(3)] == [401] * 3
    # Refused without checking the password, even the right one.
    assert attempt(account.email, PASSWORD, A, now, policy) == 1
    assert attempt(account.email, PASSWORD, A, now + 59 * timedelta(seconds=1), policy) == 1
    waits = []
    for _ in range(5):  # after each delay one more try, wrong: the delay doubles, capped
        now += waits[-1] * MINUTE if waits else MINUTE
        assert attempt(account.email, "falsch", A, now, policy) == 401
        waits.append(attempt(account.email, PASSWORD, A, now, policy))
    assert waits == [2, 4, 8, 8, 8]
    # After the delay the right password works and clears the pair.
    assert attempt(account.email, PASSWORD, A, now + 8 * MINUTE, policy) == "ok"
    assert db.session.scalar(select(func.count()).select_from(LoginAttempt)) == 0


def test_pair_delay_table():
    policy = ThrottlePolicy(first_delay=MINUTE, max_delay=60 * MINUTE)
    assert [pair_delay(n, 5, policy) for n in (0, 4)] == [None, None]
    assert [pair_delay(n, 5, policy) for n in (5, 6, 7, 11, 12, 500)] == [
        MINUTE, 2 * MINUTE, 4 * MINUTE, 60 * MINUTE, 60 * MINUTE, 60 * MINUTE
    ]  # fmt: skip


def test_failures_from_one_address_never_refuse_another(db, make):
    victim, other = make.user(), make.user()
    policy = ThrottlePolicy()
    now = utcnow()
    for n in range(30):
        attempt(victim.email, f"falsch-{n}", A, now, policy)
        attempt(f"niemand{n}@test.example", "falsch", A, now, policy)
    assert attempt(victim.email, PASSWORD, A, now, policy) != "ok"
    # B: the same account and another one log in; B's own mistakes are B's.
    assert attempt(victim.email, PASSWORD, B, now, policy) == "ok"
    assert attempt(other.email, PASSWORD, B, now, policy) == "ok"
    assert attempt(victim.email, "vertippt", B, now, policy) == 401
    # B's correct login cleared B's pair only: A stays refused.
    assert attempt(victim.email, PASSWORD, A, now, policy) != "ok"
    addresses = set(db.session.scalars(select(LoginAttempt.address)))
    assert addresses == {A, B}


def test_address_limit_never_refuses_a_correct_password(db, make):
    account, other = make.user(), make.user()
    policy = ThrottlePolicy(max_per_address=3, window=15 * MINUTE)
    now = utcnow()
    assert attempt("niemand@test.example", "x", A, now, policy) == 401
    assert attempt(account.email, "falsch", A, now, policy) == 401
    assert attempt("x@test.example", "x", A, now, policy) == 401
    # A is flagged: unknown accounts and wrong passwords get the same "wait" answer…
    assert attempt("x9@test.example", "x", A, now, policy) == 15
    assert attempt(account.email, "falsch", A, now, policy) == 15
    # …but a correct password for an existing account is not refused.
    assert attempt(other.email, PASSWORD, A, now, policy) == "ok"
    # Other addresses are not affected; after the window A is not flagged any more.
    assert attempt("x9@test.example", "x", B, now, policy) == 401
    assert attempt("y@test.example", "x", A, now + 16 * MINUTE, policy) == 401


def test_flagged_address_gets_one_free_failure_per_pair(db, make):
    account = make.user()
    policy = ThrottlePolicy(max_per_address=2, window=15 * MINUTE)
    now = utcnow()
    for n in range(2):
        attempt(f"x{n}@test.example", "x", A, now, policy)
    assert attempt(account.email, "falsch", A, now, policy) == 15
    # That pair is now delayed (at least as long as the flag lasts), even the right password.
    assert attempt(account.email, PASSWORD, A, now, policy) == 15
    assert attempt(account.email, PASSWORD, B, now, policy) == "ok"


def test_answers_do_not_tell_which_accounts_exist(db, make):
    """The same wrong attempts against an existing and an unknown e-mail address (each from
    its own address) get the same answers, before and after the address-wide limit."""
    # (Counting only unknown e-mail addresses towards that limit would fail here: the
    # existing one would not flag the address where the unknown one does.)
    account = make.user()
    policy = ThrottlePolicy(free_failures=3, max_per_address=2, window=15 * MINUTE)
    now = utcnow()

    def answers(email: str, address: str) -> list[str | int]:
        attempt("fuellung@test.example", "x", address, now, policy)  # one unknown each
        return [attempt(email, "falsch", address, now + n * MINUTE, policy) for n in range(8)]

    assert answers(account.email, A) == answers("niemand@test.example", B)


def test_policy_from_settings(app):
    policy = ThrottlePolicy.from_config(
        {
            **app.config,
            "LOGIN_FREE_FAILURES": 4,
            "LOGIN_DELAY_SECONDS": 30,
            "LOGIN_DELAY_MAX_MINUTES": 90,
            "LOGIN_MAX_FAILURES_PER_ADDRESS": 20,
            "LOGIN_WINDOW_MINUTES": 10,
        }
    )
    assert policy == ThrottlePolicy(4, timedelta(seconds=30), 90 * MINUTE, 20, 10 * MINUTE)


@pytest.mark.parametrize("address", ["", None])
def test_missing_address_is_stored_as_unknown(db, make, address):
    account = make.user()
    with pytest.raises(LoginFailed):
        authenticate(account.email, "x", remote_addr=address, now=utcnow(), policy=ThrottlePolicy())
    assert db.session.scalar(select(LoginAttempt.address)) == "unknown"
