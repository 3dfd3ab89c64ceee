"""The view kit: page numbers, pagination of lists and domain errors at their fields."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import FieldList, FormField, StringField

from academy.errors import ValidationFailed
from academy.web.kit import page_number, paginate_list, show_error, url_if


class _Row(FlaskForm):
    class Meta:
        csrf = False

    level = StringField()


class _Form(FlaskForm):
    class Meta:
        csrf = False

    title = StringField()
    rows = FieldList(FormField(_Row), min_entries=3)


def test_page_number_is_at_least_one(app):
    cases = [
        ("", 1),
        ("?page=3", 3),
        ("?page=0", 1),
        ("?page=-2", 1),
        ("?page=abc", 1),
        ("?page=99999999999999999999", 1_000_000),
    ]
    for query, expected in cases:
        with app.test_request_context("/" + query):
            assert page_number() == expected, query


def test_paginate_list_pages_a_computed_list(app):
    with app.test_request_context("/?page=2"):
        page = paginate_list(list(range(45)), size=20)
        assert list(page.items) == list(range(20, 40))
        assert page.total == 45 and page.pages == 3 and page.has_next


def test_show_error_puts_the_message_at_the_field_or_above_the_form(app):
    with app.test_request_context("/", method="POST"):
        form = _Form()
        status = show_error(form, ValidationFailed("Bad title", field="name"), {"name": "title"})
        assert status == 422 and form.title.errors == ["Bad title"]
        show_error(form, ValidationFailed("Bad level", field="rows.1.level"))
        assert form.rows[1].form.level.errors == ["Bad level"]
        show_error(form, ValidationFailed("Shifted", field="rows.0.level"), rows=[2])
        assert form.rows[2].form.level.errors == ["Shifted"]
        show_error(form, ValidationFailed("Somewhere", field="nope.9.x"))
        show_error(form, ValidationFailed("General"))
        assert form.form_errors == ["Somewhere", "General"]


def test_url_if_answers_none_for_an_unknown_endpoint(app):
    with app.test_request_context("/"):
        assert url_if("academy.home") == "/"
        assert url_if("no.such.endpoint") is None
