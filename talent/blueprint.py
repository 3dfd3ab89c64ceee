"""The talent package's one blueprint (/talente): both features register their pages on it,
so endpoint names stay ``talent.<view>``. Kept apart from ``talent/__init__.py`` so that a
feature's views do not import the package root, which loads both features."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("talent", __name__, url_prefix="/talente")
