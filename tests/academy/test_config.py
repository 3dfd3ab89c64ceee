"""Configuration order, secrets and database URLs."""

from __future__ import annotations

import pytest

from academy import create_app
from academy.config import ConfigurationError, normalise_database_url


def test_production_without_secret_key_refuses_to_start(tmp_path, monkeypatch):
    monkeypatch.setenv("APP_ENV", "production")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(ConfigurationError, match="SECRET_KEY"):
        create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.sqlite"})


def test_production_sets_secure_cookies(tmp_path, monkeypatch):
    monkeypatch.setenv("APP_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.sqlite"})
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SECRET_KEY"] == "x" * 40


def test_development_secret_is_generated_once_and_kept(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("APP_ENV", raising=False)
    from flask import Flask

    from academy.config import load_config

    first = Flask("one", instance_path=str(tmp_path / "inst"))
    load_config(first)
    second = Flask("two", instance_path=str(tmp_path / "inst"))
    load_config(second)
    assert first.config["SECRET_KEY"] == second.config["SECRET_KEY"]
    assert len(first.config["SECRET_KEY"]) >= 40
    assert first.config["SESSION_COOKIE_SECURE"] is False


def test_environment_overrides_instance_config(tmp_path, monkeypatch):
    from flask import Flask

    from academy.config import load_config

    instance = tmp_path / "inst"
    instance.mkdir()
    (instance / "config.py").write_text("MIN_GROUP_SIZE = 7\nORG_NAME = 'Stadt A'\n")
    monkeypatch.setenv("ORG_NAME", "Stadt B")
    monkeypatch.setenv("SECRET_KEY", "k" * 40)
    app = Flask("x", instance_path=str(instance), instance_relative_config=True)
    load_config(app)
    assert app.config["MIN_GROUP_SIZE"] == 7
    assert app.config["ORG_NAME"] == "Stadt B"
    monkeypatch.setenv("MIN_GROUP_SIZE", "fünf")
    with pytest.raises(ConfigurationError):
        load_config(Flask("y", instance_path=str(instance), instance_relative_config=True))


def test_default_database_is_sqlite_in_instance_folder(tmp_path, monkeypatch):
    from flask import Flask

    from academy.config import load_config

    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("SECRET_KEY", "k" * 40)
    app = Flask("x", instance_path=str(tmp_path / "inst"))
    load_config(app)
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    assert uri.startswith("sqlite:///") and str(tmp_path / "inst") in uri


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgresql://u:p@h/db", "postgresql+psycopg://u:p@h/db"),
        ("postgres://u:p@h/db", "postgresql+psycopg://u:p@h/db"),
        ("postgresql+psycopg://u@h/db", "postgresql+psycopg://u@h/db"),
        ("sqlite:///x.db", "sqlite:///x.db"),
    ],
)
def test_database_url_uses_psycopg3(given, expected):
    assert normalise_database_url(given) == expected
