"""JSON log lines with the request id, the access log, and every 500 logged with its
traceback under the id that the error page shows."""

from __future__ import annotations

import json

import pytest

from academy.config import ConfigurationError


def _lines(app) -> list[dict]:
    return [json.loads(line) for line in app.extensions["log_stream"].getvalue().splitlines()]


def test_json_lines_carry_the_request_id_and_the_access_log(make_app):
    app = make_app(LOG_FORMAT="json")
    response = app.test_client().get("/healthz?email=someone@example.org")
    request_id = response.headers["X-Request-ID"]
    assert len(request_id) == 32
    access = [line for line in _lines(app) if line["logger"] == "academy.access"]
    assert len(access) == 1
    line = access[0]
    assert line["request_id"] == request_id
    assert line["method"] == "GET"
    assert line["path"] == "/healthz"
    assert line["status"] == response.status_code
    assert isinstance(line["duration_ms"], float)
    assert line["user_id"] is None
    assert "example.org" not in app.extensions["log_stream"].getvalue()


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("proxy-1234-abcd", True),
        ("short", False),
        ("with space and more", False),
        ("x" * 129, False),
        ("<script>alert(1)</script>", False),
    ],
)
def test_request_id_from_the_proxy_only_when_sane(make_app, given, kept):
    app = make_app(LOG_FORMAT="json")
    response = app.test_client().get("/healthz", headers={"X-Request-ID": given})
    assert (response.headers["X-Request-ID"] == given) is kept


def test_a_500_is_logged_with_traceback_and_its_id_is_on_the_page(make_app):
    app = make_app(LOG_FORMAT="json")

    @app.get("/test-only-failure")
    def failure():
        raise RuntimeError("the failure under test")

    failure.permission = "public"
    response = app.test_client().get(
        "/test-only-failure", headers={"X-Request-ID": "req-500-test-0001"}
    )
    assert response.status_code == 500
    assert "Fehlernummer: req-500-test-0001" in response.get_data(as_text=True)
    errors = [line for line in _lines(app) if line["level"] == "ERROR"]
    assert len(errors) == 1
    assert errors[0]["request_id"] == "req-500-test-0001"
    assert "Traceback" in errors[0]["exc_info"]
    assert "RuntimeError: the failure under test" in errors[0]["exc_info"]
    access = [line for line in _lines(app) if line["logger"] == "academy.access"]
    assert [(a["status"], a["request_id"]) for a in access] == [(500, "req-500-test-0001")]


def test_other_errors_show_no_error_number(make_app):
    app = make_app(LOG_FORMAT="json")
    response = app.test_client().get("/no-such-page")
    assert response.status_code == 404
    assert "Fehlernummer" not in response.get_data(as_text=True)


def test_text_format_in_development_carries_the_request_id(make_app):
    app = make_app(APP_ENV="development")
    app.test_client().get("/healthz", headers={"X-Request-ID": "text-format-id-1"})
    text = app.extensions["log_stream"].getvalue()
    assert "[text-format-id-1] academy.access: GET /healthz" in text


def test_log_records_outside_a_request_have_a_placeholder_id(make_app):
    app = make_app(LOG_FORMAT="json")
    with app.app_context():
        app.logger.warning("outside")
    (line,) = _lines(app)
    assert line["message"] == "outside" and line["request_id"] == "-"


def test_log_level_applies(make_app):
    app = make_app(LOG_FORMAT="json", LOG_LEVEL="warning")
    app.test_client().get("/healthz")
    assert _lines(app) == []


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [("LOG_FORMAT", "xml", "LOG_FORMAT muss"), ("LOG_LEVEL", "LOUD", "LOG_LEVEL muss")],
)
def test_bad_log_settings_are_refused_in_german(make_app, key, value, message):
    with pytest.raises(ConfigurationError, match=message):
        make_app(**{key: value})
