"""Control characters in submitted text (academy.web.inputs and academy.web.forms.Form):
refused at the field by every form, removed before any view or SQL sees them, a page
notice where no form reported them, a whole JSON body or URL path refused — on SQLite
and PostgreSQL (where a NUL in a text parameter used to answer 500)."""

from __future__ import annotations

import re

import pytest
from flask import Flask, g
from wtforms import StringField

from academy.accounts.models import Role, User
from academy.extensions import db
from academy.web.forms import Form
from academy.web.inputs import CONTROL_CHARACTERS, has_control_characters
from courses.catalogue.models import Category
from courses.enrolment.models import EnrolmentState
from tests.courses.enrolment.test_approvals_views import refreshed, request_of, team
from tests.courses.support import person

FIELD_DE = "Enthält unzulässige Steuerzeichen"
PAGE_DE = "Die Eingabe enthielt unzulässige Steuerzeichen"


def german(account: User) -> User:
    account.locale = "de"
    db.session.commit()
    return account


@pytest.mark.parametrize("char", ["\x00", "\x01", "\x08", "\x0b", "\x0c", "\x1b", "\x7f", "\ud800"])
def test_control_characters_are_recognised(char):
    assert has_control_characters(f"ab{char}cd")


@pytest.mark.parametrize("text", ["Tab\tzeile\r\nneu", "Müller – ‏עברית‎ 😀", "=1+2", ""])
def test_ordinary_text_passes(text):
    assert not has_control_characters(text)
    assert CONTROL_CHARACTERS.sub("", text) == text


class _NameForm(Form):
    class Meta:
        csrf = False

    name = StringField()
    other = StringField()


def test_every_form_reports_the_field(app: Flask):
    with app.test_request_context("/", method="POST", data={"name": "Ab\x00c", "other": "x"}):
        app.preprocess_request()
        g_fields = g.control_character_fields
        form = _NameForm()
        assert form.name.data == "Abc"  # the view never sees the NUL
        assert not form.validate()
        assert form.name.errors and not form.other.errors
        assert g_fields == {"name"}


def test_login_with_nul_in_the_email_is_refused_at_the_field(client):
    response = client.post(
        "/anmelden", data={"email": "a\x00b@example.org", "password": "irgendwas-langes"}
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    match = re.search(r'id="email-error"[^>]*>([^<]*)<', html)
    assert match and FIELD_DE in match.group(1), html[:3000]
    assert "\x00" not in html


def test_search_with_nul_answers_the_page(client, login_as):
    german(login_as(Role.EMPLOYEE))
    response = client.get("/kurse?q=%00Excel%01")
    assert response.status_code in (200, 422)
    assert FIELD_DE in response.get_data(as_text=True)


def test_a_query_value_no_form_reads_is_cleaned_with_a_notice(client, login_as):
    german(login_as(Role.EMPLOYEE))
    response = client.get("/benachrichtigungen?ungelesen=1%00")
    assert response.status_code == 200
    assert PAGE_DE in response.get_data(as_text=True)


def test_a_reason_with_nul_is_refused_and_changes_nothing(client, login_as):
    dept, boss, _sub = team()
    emp, _account = person(dept)
    request = request_of(emp)
    login_as(account=german(boss))
    url = f"/kurse/genehmigungen/{request.id}/ablehnen"
    response = client.post(url, data={"reason": "Kein\x00 Budget"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    match = re.search(r'id="reason-error"[^>]*>([^<]*)<', html)
    assert match and FIELD_DE in match.group(1)
    assert refreshed(request) == [EnrolmentState.PENDING]


def test_a_name_with_nul_is_refused_and_changes_nothing(client, login_as):
    german(login_as(Role.HR))
    before = db.session.query(Category).count()
    response = client.post("/kurse/verwaltung/kategorien/neu", data={"name": "IT\x00"})
    assert response.status_code in (200, 422)
    assert FIELD_DE in response.get_data(as_text=True)
    assert db.session.query(Category).count() == before


def test_a_json_body_with_nul_is_refused(client, login_as):
    german(login_as(Role.EMPLOYEE))
    response = client.post(
        "/sprache", json={"lang": "de\u0000"}, headers={"Accept": "application/json"}
    )
    assert response.status_code == 422
    assert "Steuerzeichen" in response.get_json()["message"]


def test_a_url_path_with_nul_is_refused(client):
    response = client.get("/berichte/pruefen/AB%00CD")
    assert response.status_code in (404, 422)
