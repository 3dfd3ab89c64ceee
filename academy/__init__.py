"""Digitalakademie core: application factory, configuration, accounts, organisation,
competency frameworks, audit log and the shared layout."""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

from flask import Flask

#: Feature packages, loaded by name so that the core imports none of them (the layer
#: contract); each has ``init_app(app)`` that registers its blueprint, rules and signals.
FEATURE_PACKAGES = ("courses", "talent", "reports", "api")

#: The core's own features, each with ``init_app(app)`` (blueprints, commands, rules).
CORE_FEATURES = (
    "academy.observability",
    "academy.cli",
    "academy.web",
    "academy.auth",
    "academy.accounts",
    "academy.audit",
    "academy.org",
    "academy.frameworks",
    "academy.notifications",
    "academy.site_texts",
    "academy.privacy",
    "academy.demo",
    "academy.backup",
    "academy.retention",
    "academy.jobs",
)

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the application: config, extensions, blueprints of all four packages."""
    from academy.config import instance_path, load_config
    from academy.database import init_database
    from academy.extensions import babel, bootstrap, csrf, db, login_manager, migrate
    from academy.i18n import select_locale
    from academy.web.templating import feature_loader
    from academy.web.urls import IdConverter

    app = Flask(__name__, instance_path=instance_path(), instance_relative_config=True)
    app.url_map.converters["int"] = IdConverter  # ids beyond the column type: 404
    load_config(app, test_config)

    db.init_app(app)
    migrate.init_app(app, db, directory=str(MIGRATIONS_DIR), render_as_batch=True)
    csrf.init_app(app)
    babel.init_app(
        app,
        locale_selector=select_locale,
        default_translation_directories=str(Path(__file__).resolve().parent / "translations"),
    )
    bootstrap.init_app(app)
    login_manager.init_app(app)
    init_database(app)

    for name in CORE_FEATURES:
        importlib.import_module(name).init_app(app)
    package_dirs = [Path(__file__).resolve().parent]
    for name in FEATURE_PACKAGES:
        module = importlib.import_module(name)
        module.init_app(app)
        package_dirs.append(Path(module.__file__).resolve().parent)
    app.jinja_loader = feature_loader(package_dirs)
    return app
