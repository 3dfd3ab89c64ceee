"""The files in ``deploy/``: compose file, systemd units, gunicorn settings, Dockerfile.

The units are checked with ``systemd-analyze verify`` where it exists (with the paths of
executables pointed at this environment), else read as INI files; the image is built only
when a container engine answers (``docker info``)."""

from __future__ import annotations

import os
import runpy
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
UNITS = DEPLOY / "systemd"
HEALTH_URL = "http://127.0.0.1:8000/healthz"


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((DEPLOY / "compose.yaml").read_text(encoding="utf-8"))


def test_compose_has_database_migration_app_and_tick(compose):
    services = compose["services"]
    assert set(services) == {"db", "migrate", "app", "tick"}
    db = services["db"]
    assert db["image"] == "postgres:15"
    assert any(volume.endswith(":/var/lib/postgresql/data") for volume in db["volumes"])
    assert "pg_isready" in " ".join(db["healthcheck"]["test"])
    assert set(compose["volumes"]) >= {"pgdata", "instance"}


def test_compose_app_is_configured_and_checked_on_healthz(compose):
    app = compose["services"]["app"]
    environment = app["environment"]
    for key in ("DATABASE_URL", "SECRET_KEY", "BASE_URL", "PROXY_COUNT"):
        assert environment.get(key), key
    assert environment["APP_ENV"] == "production"
    assert HEALTH_URL in " ".join(app["healthcheck"]["test"])
    assert app["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    assert app["depends_on"]["db"]["condition"] == "service_healthy"
    assert app["read_only"] is True
    assert all(port.startswith("127.0.0.1:") for port in app["ports"])


def test_compose_migrate_and_tick_run_existing_commands(compose, app):
    services = compose["services"]
    migrate = " ".join(services["migrate"]["command"])
    assert migrate.index("flask db upgrade") < migrate.index("flask academy init")
    assert "flask academy tick" in " ".join(services["tick"]["command"])
    assert "sleep" in " ".join(services["tick"]["command"])
    assert services["migrate"]["restart"] == "no"
    for name in ("migrate", "tick"):
        assert services[name]["healthcheck"] == {"disable": True}
        assert services[name]["environment"] == services["app"]["environment"]
    commands = app.cli.list_commands(None)
    assert "db" in commands
    academy_group = app.cli.get_command(None, "academy")
    assert {"init", "tick"} <= set(academy_group.list_commands(None))


def _unit(name: str) -> dict[str, dict[str, str]]:
    """A unit file's sections; a key given several times (``Environment=``) joined by
    spaces, as systemd adds them up."""
    sections: dict[str, dict[str, str]] = {}
    current: dict[str, str] = {}
    for line in (UNITS / name).read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("[") and line.endswith("]"):
            current = sections.setdefault(line[1:-1], {})
            continue
        key, separator, value = line.partition("=")
        assert separator, f"{name}: not a key=value line: {line!r}"
        key = key.strip()
        current[key] = f"{current[key]} {value.strip()}" if key in current else value.strip()
    return sections


def test_units_have_the_required_keys():
    service = _unit("digitalakademie.service")["Service"]
    assert service["User"] == "digitalakademie"
    assert service["EnvironmentFile"] == "/etc/digitalakademie/env"
    assert service["ProtectSystem"] == "strict"
    assert service["ReadWritePaths"] == "/var/lib/digitalakademie"
    assert service["NoNewPrivileges"] == "yes" and service["PrivateTmp"] == "yes"
    assert "INSTANCE_PATH=/var/lib/digitalakademie" in service["Environment"]
    assert "gunicorn --config /etc/digitalakademie/gunicorn.conf.py" in service["ExecStart"]
    tick = _unit("digitalakademie-tick.service")["Service"]
    assert tick["Type"] == "oneshot" and tick["ExecStart"].endswith("flask academy tick")
    assert tick["ProtectSystem"] == "strict" and tick["User"] == "digitalakademie"
    timer = _unit("digitalakademie-tick.timer")
    assert timer["Timer"]["OnCalendar"] == "*-*-* *:*:00"
    assert timer["Timer"]["Persistent"] == "true"
    assert timer["Timer"]["Unit"] == "digitalakademie-tick.service"
    assert timer["Install"]["WantedBy"] == "timers.target"


@pytest.mark.skipif(not shutil.which("systemd-analyze"), reason="systemd-analyze not installed")
def test_units_pass_systemd_analyze_verify(tmp_path):
    bin_dir = Path(sys.executable).parent  # this environment's gunicorn and flask
    for unit in UNITS.iterdir():
        text = unit.read_text(encoding="utf-8")
        (tmp_path / unit.name).write_text(
            text.replace("/opt/digitalakademie/venv/bin/", f"{bin_dir}/"), encoding="utf-8"
        )
    result = subprocess.run(
        ["systemd-analyze", "verify", *sorted(str(p) for p in tmp_path.iterdir())],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "SYSTEMD_LOG_LEVEL": "notice"},
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr.strip() == "", result.stderr


def test_gunicorn_settings(monkeypatch):
    monkeypatch.setenv("GUNICORN_BIND", "0.0.0.0:8000")
    monkeypatch.setenv("LOG_FORMAT", "json")
    settings = runpy.run_path(str(DEPLOY / "gunicorn.conf.py"))
    assert settings["wsgi_app"] == "academy:create_app()"
    assert settings["bind"] == ["0.0.0.0:8000"]
    assert settings["timeout"] == 120 and settings["graceful_timeout"] == 30
    assert settings["forwarded_allow_ips"] == ""
    assert settings["accesslog"] is None
    assert settings["worker_tmp_dir"] in {"/dev/shm", None}  # noqa: S108
    formatter = settings["logconfig_dict"]["formatters"]["json"]["()"]
    assert formatter == "pythonjsonlogger.json.JsonFormatter"
    from gunicorn.config import Config

    config = Config()
    for key in ("bind", "workers", "timeout", "graceful_timeout", "logconfig_dict"):
        config.set(key, settings[key])
    assert config.timeout == 120


def test_dockerfile_is_multi_stage_non_root_with_healthcheck():
    text = (DEPLOY / "Dockerfile").read_text(encoding="utf-8")
    assert text.count("FROM python:3.11-slim") == 2
    assert "pip wheel" in text
    assert "USER digitalakademie" in text
    assert "INSTANCE_PATH=/var/lib/digitalakademie" in text
    assert "HEALTHCHECK" in text and HEALTH_URL in text
    assert "gunicorn.conf.py" in text


def _docker_answers() -> bool:
    if not shutil.which("docker"):
        return False
    result = subprocess.run(["docker", "info"], capture_output=True, timeout=30)
    return result.returncode == 0


@pytest.mark.skipif(not _docker_answers(), reason="no container engine answers `docker info`")
def test_image_builds():
    result = subprocess.run(
        ["docker", "build", "-f", "deploy/Dockerfile", "-t", "digitalakademie:ci", "."],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=1800,
    )
    assert result.returncode == 0, result.stderr[-5000:]
    inspect = subprocess.run(
        ["docker", "image", "inspect", "--format", "{{.Config.User}}", "digitalakademie:ci"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert inspect.stdout.strip() == "digitalakademie"
