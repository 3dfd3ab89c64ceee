"""A fresh app per test (not the session's): observability is configured at start-up."""

from __future__ import annotations

import io
import logging
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from flask import Flask

from academy import create_app
from academy.translations_build import compile_catalogues


@pytest.fixture()
def make_app(tmp_path, monkeypatch) -> Iterator[Callable[..., Flask]]:
    """``make_app(**config)``: an app on its own SQLite file, not in testing mode (so the
    500 handler is active), whose log lines go to ``app.extensions['log_stream']``."""
    compile_catalogues()
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path / "instance"))
    root = logging.getLogger()
    level = root.level

    def make(**config: Any) -> Flask:
        app = create_app(
            {
                "SECRET_KEY": "observability-test",
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/app.sqlite",
                **config,
            }
        )
        stream = io.StringIO()
        for handler in root.handlers:
            if getattr(handler, "academy_handler", False):
                handler.setStream(stream)
        app.extensions["log_stream"] = stream
        return app

    yield make
    for handler in [h for h in root.handlers if getattr(h, "academy_handler", False)]:
        root.removeHandler(handler)
    root.setLevel(level)
