"""``/metrics``: off unless METRICS=1, never public (loopback without proxy, or a token)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

TOKEN = "metrics-token-for-tests"


def test_metrics_are_off_by_default(make_app):
    app = make_app()
    assert app.test_client().get("/metrics").status_code == 404
    assert "prometheus_metrics" not in app.view_functions


@pytest.fixture()
def client(make_app):
    return make_app(METRICS=True, METRICS_TOKEN=TOKEN).test_client()


def test_loopback_gets_the_metrics(client):
    client.get("/healthz")
    response = client.get("/metrics", environ_base={"REMOTE_ADDR": "127.0.0.1"})
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert 'digitalakademie_http_request_duration_seconds_count{method="GET"' in text
    assert 'url_rule="/healthz"' in text


@pytest.mark.parametrize(
    ("address", "headers"),
    [
        ("10.20.30.40", {}),
        ("10.20.30.40", {"Authorization": "Bearer wrong"}),
        ("127.0.0.1", {"X-Forwarded-For": "203.0.113.9"}),
        ("127.0.0.1", {"Forwarded": "for=203.0.113.9"}),
        ("127.0.0.1", {"Authorization": f"Basic {TOKEN}", "X-Forwarded-For": "203.0.113.9"}),
    ],
)
def test_anyone_else_gets_404(client, address, headers):
    response = client.get("/metrics", environ_base={"REMOTE_ADDR": address}, headers=headers)
    assert response.status_code == 404


def test_the_token_opens_the_metrics_from_anywhere(client):
    response = client.get(
        "/metrics",
        environ_base={"REMOTE_ADDR": "10.20.30.40"},
        headers={"Authorization": f"Bearer {TOKEN}", "X-Forwarded-For": "203.0.113.9"},
    )
    assert response.status_code == 200


def test_no_token_configured_means_no_token_accepted(make_app):
    client = make_app(METRICS=True).test_client()
    response = client.get(
        "/metrics", environ_base={"REMOTE_ADDR": "10.0.0.1"}, headers={"Authorization": "Bearer "}
    )
    assert response.status_code == 404


MULTIPROCESS_SCRIPT = """
from academy import create_app
app = create_app({"SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite:///%s/app.sqlite",
                  "METRICS": True, "LOG_LEVEL": "WARNING"})
client = app.test_client()
client.get("/healthz")
response = client.get("/metrics", environ_base={"REMOTE_ADDR": "::1"})
print(response.status_code)
print(response.get_data(as_text=True))
"""


def test_multiprocess_mode_adds_up_the_workers_files(tmp_path):
    """prometheus_client picks its multiprocess storage when imported: a fresh process."""
    folder = tmp_path / "prometheus"
    folder.mkdir()
    environment = {
        **os.environ,
        "PROMETHEUS_MULTIPROC_DIR": str(folder),
        "INSTANCE_PATH": str(tmp_path / "instance"),
    }
    result = subprocess.run(
        [sys.executable, "-c", MULTIPROCESS_SCRIPT % tmp_path],
        env=environment,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    status, _, text = result.stdout.partition("\n")
    assert status == "200"
    assert 'digitalakademie_http_request_duration_seconds_count{method="GET"' in text
    assert any(path.suffix == ".db" for path in folder.iterdir())
