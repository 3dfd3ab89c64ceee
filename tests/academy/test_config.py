"""Configuration order, secrets and database URLs."""

from __future__ import annotations

import os

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


def _loaded(tmp_path, monkeypatch, **environment: str):
    from flask import Flask

    from academy.config import load_config

    monkeypatch.setenv("SECRET_KEY", "k" * 40)
    for key, value in environment.items():
        monkeypatch.setenv(key, value)
    app = Flask("env", instance_path=str(tmp_path / "inst"), instance_relative_config=True)
    load_config(app)
    return app.config


def test_every_setting_is_read_from_the_environment_by_its_type(tmp_path, monkeypatch):
    config = _loaded(
        tmp_path,
        monkeypatch,
        VERIFY_THROTTLE_MAX="12",
        MAIL_USE_TLS="ja",
        METRICS="1",
        MAIL_USE_SSL="no",
        CERTIFICATE_SIGNATORIES='[["Dr. A. Muster", "Leitung Personalentwicklung"]]',
        CERTIFICATE_ISSUER="Stadt Musterstadt",
    )
    assert config["VERIFY_THROTTLE_MAX"] == 12
    assert config["MAIL_USE_TLS"] is True and config["METRICS"] is True
    assert config["MAIL_USE_SSL"] is False
    assert config["CERTIFICATE_SIGNATORIES"] == [["Dr. A. Muster", "Leitung Personalentwicklung"]]
    assert config["CERTIFICATE_ISSUER"] == "Stadt Musterstadt"


def test_an_empty_environment_value_keeps_the_default(tmp_path, monkeypatch):
    config = _loaded(tmp_path, monkeypatch, VERIFY_THROTTLE_MINUTES="")
    assert config["VERIFY_THROTTLE_MINUTES"] == 10


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("VERIFY_THROTTLE_MAX", "dreißig", "VERIFY_THROTTLE_MAX muss eine ganze Zahl sein"),
        ("SESSION_HOURS", "1.5", "SESSION_HOURS muss eine ganze Zahl sein"),
        ("CERTIFICATE_SIGNATORIES", "[Dr. Muster", "CERTIFICATE_SIGNATORIES muss JSON sein"),
        ("CERTIFICATE_SIGNATORIES", '{"a": 1}', "CERTIFICATE_SIGNATORIES hat die falsche Form"),
    ],
)
def test_bad_environment_values_stop_with_a_german_message(
    tmp_path, monkeypatch, key, value, message
):
    with pytest.raises(ConfigurationError, match=message):
        _loaded(tmp_path, monkeypatch, **{key: value})


def test_structural_settings_are_not_read_from_the_environment(tmp_path, monkeypatch):
    config = _loaded(tmp_path, monkeypatch, LANGUAGES='["fr"]')
    assert tuple(config["LANGUAGES"]) == ("de", "en")


def test_instance_path_chooses_the_instance_folder(tmp_path, monkeypatch):
    from academy.config import instance_path

    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path / "var" / "lib" / "akademie"))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("APP_ENV", raising=False)
    assert instance_path() == str(tmp_path / "var" / "lib" / "akademie")
    app = create_app()
    assert app.instance_path == str(tmp_path / "var" / "lib" / "akademie")
    assert (tmp_path / "var" / "lib" / "akademie" / "secret_key").exists()
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    assert uri == "sqlite:///" + str(tmp_path / "var/lib/akademie/digitalakademie.sqlite")


def test_instance_path_default_is_never_inside_an_installed_package(monkeypatch):
    from pathlib import Path

    import academy
    from academy.config import instance_path

    monkeypatch.delenv("INSTANCE_PATH", raising=False)
    chosen = Path(instance_path())
    package = Path(academy.__file__).resolve().parent
    assert package not in chosen.parents and chosen != package


def test_create_app_writes_nothing_into_the_package_folder(tmp_path, monkeypatch):
    """No compiling of catalogues (or anything else) at start-up: an installed package may
    be read-only. Every file's size and mtime are compared before and after."""
    from pathlib import Path

    import academy

    package = Path(academy.__file__).resolve().parent

    def snapshot() -> dict[str, tuple[int, int]]:
        return {
            str(p): (p.stat().st_size, p.stat().st_mtime_ns)
            for p in package.rglob("*")
            if p.is_file() and "__pycache__" not in p.parts
        }

    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path / "instance"))
    mo_file = package / "translations/de/LC_MESSAGES/messages.mo"
    if mo_file.exists():  # make the catalogue look outdated: the old start-up compiled it
        po_time = (package / "translations/de/LC_MESSAGES/messages.po").stat().st_mtime
        os.utime(mo_file, (po_time - 60, po_time - 60))
    before = snapshot()
    create_app({"SECRET_KEY": "k" * 40, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/a.db"})
    assert snapshot() == before
