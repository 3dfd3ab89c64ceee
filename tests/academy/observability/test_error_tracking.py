"""Sentry's events leave without personal data (the scrubber, no network)."""

from __future__ import annotations

from academy.observability.error_tracking import init_error_tracking, scrub_event


def _event() -> dict:
    return {
        "request": {
            "url": "https://akademie.example/konto?email=a@example.org",
            "method": "POST",
            "data": {"password": "geheim", "email": "a@example.org"},
            "cookies": {"da_session": "abc"},
            "query_string": "email=a@example.org",
            "headers": {
                "Authorization": "Bearer secret",
                "Cookie": "da_session=abc",
                "User-Agent": "Firefox",
                "X-Request-ID": "req-1",
            },
            "env": {"REMOTE_ADDR": "203.0.113.9"},
        },
        "user": {"id": 7, "email": "a@example.org", "username": "a", "ip_address": "1.2.3.4"},
        "exception": {"values": [{"type": "RuntimeError"}]},
    }


def test_scrubber_drops_bodies_cookies_credentials_and_the_email():
    event = scrub_event(_event(), {})
    request = event["request"]
    assert set(request) == {"url", "method", "headers"}
    assert request["url"] == "https://akademie.example/konto"
    assert request["headers"] == {"User-Agent": "Firefox", "X-Request-ID": "req-1"}
    assert event["user"] == {"id": 7}
    assert event["exception"] == {"values": [{"type": "RuntimeError"}]}
    assert "a@example.org" not in repr(event)


def test_scrubber_leaves_events_without_request_alone():
    assert scrub_event({"message": "tick failed"}, None) == {"message": "tick failed"}


def test_sentry_is_not_started_without_a_dsn(make_app):
    app = make_app()
    assert init_error_tracking(app) is False
