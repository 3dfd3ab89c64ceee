"""Template hooks: a higher package adds content to a lower package's page through a
declared place; a page without contributors renders the same without probing."""

from __future__ import annotations

from flask import render_template_string
from markupsafe import Markup

from academy.web import hooks


def test_contributions_are_joined_in_registration_order_and_escaped_arguments(app, monkeypatch):
    monkeypatch.setattr(hooks, "_HOOKS", {})
    hooks.add_template_hook("test-place", lambda item: Markup("<b>%s</b>") % item)
    hooks.add_template_hook("test-place", lambda item: "")
    second = lambda item: Markup("<i>2</i>")  # noqa: E731
    hooks.add_template_hook("test-place", second)
    hooks.add_template_hook("test-place", second)  # registered once only
    with app.test_request_context():
        html = render_template_string("{{ template_hook('test-place', item='<x>') }}")
    assert html == "<b>&lt;x&gt;</b><i>2</i>"


def test_a_place_without_contributors_renders_nothing(app, monkeypatch):
    monkeypatch.setattr(hooks, "_HOOKS", {})
    with app.test_request_context():
        assert render_template_string("[{{ template_hook('nobody-here', x=1) }}]") == "[]"
    assert hooks.hook_names() == []
