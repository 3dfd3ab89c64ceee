"""The verification throttle: unknown codes count per client address; a valid code is
never refused. Time is passed in."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select
from werkzeug.exceptions import NotFound

from academy.accounts.models import LoginAttempt
from reports.certificates.verification import VerificationThrottled, lookup
from tests.courses.support import NOW
from tests.reports.certificates.test_certificates import _completed

A, B = "203.0.113.7", "198.51.100.9"
UNKNOWN = "AAAA-BBBB-CCCC-DDDD-EEEE"


@pytest.fixture()
def limits(app):
    old = app.config["VERIFY_THROTTLE_MAX"], app.config["VERIFY_THROTTLE_MINUTES"]
    app.config["VERIFY_THROTTLE_MAX"], app.config["VERIFY_THROTTLE_MINUTES"] = 3, 10
    yield
    app.config["VERIFY_THROTTLE_MAX"], app.config["VERIFY_THROTTLE_MINUTES"] = old


def unknown_codes(address: str, count: int, at=NOW) -> None:
    for _ in range(count):
        with pytest.raises(NotFound):
            lookup(UNKNOWN, address, at)


def test_a_valid_code_is_never_refused(db, limits):
    _, cert, _ = _completed()
    unknown_codes(A, 3)
    with pytest.raises(VerificationThrottled):
        lookup(UNKNOWN, A, NOW)
    assert lookup(cert.code, A, NOW) == cert
    assert lookup(cert.code.lower().replace("-", " "), A, NOW) == cert


def test_unknown_codes_are_limited_per_address(db, limits):
    unknown_codes(A, 3, NOW - timedelta(minutes=4))
    with pytest.raises(VerificationThrottled) as refused:
        lookup("nonsense", A, NOW)
    # The oldest counted code leaves the ten-minute window in six minutes.
    assert refused.value.params == {"minutes": 6}
    assert refused.value.retry_after == 360
    # Refused lookups are not counted; another address is not limited.
    unknown_codes(B, 1)
    counts = dict(
        db.session.execute(
            select(LoginAttempt.address, func.count()).group_by(LoginAttempt.address)
        ).all()
    )
    assert counts == {A: 3, B: 1}
    # After the window A may look up again.
    unknown_codes(A, 1, NOW + timedelta(minutes=6))
