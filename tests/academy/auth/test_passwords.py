"""The password rule (OWASP ASVS 2.1, NIST SP 800-63B): length ≥ 12, no composition
rules, refused when common (the shipped list, also with digits around or for letters),
repetitive, or the person's own name / e-mail address; German messages; the services
that set passwords apply it; the demo passwords pass."""

from __future__ import annotations

import gzip

import pytest

from academy.accounts.management import create_account, reset_password
from academy.auth.passwords import (
    COMMON_PASSWORDS_FILE,
    MIN_LENGTH,
    common_passwords,
    password_problem,
)
from academy.auth.sessions import change_password
from academy.demo.accounts import DEMO_ACCOUNTS
from academy.errors import ValidationFailed
from academy.i18n import translate
from tests import factories


def test_the_list_is_shipped_with_its_source_and_licence():
    with gzip.open(COMMON_PASSWORDS_FILE, "rt", encoding="utf-8") as file:
        header = "".join(line for line in file if line.startswith("#"))
    assert "Royce Williams" in header and "BSD" in header
    words = common_passwords()
    assert len(words) > 19000
    assert {"password", "123456", "passwort", "sommer"} <= words
    assert all(w == w.lower() for w in words)


@pytest.mark.parametrize(
    "password",
    [
        "Passwort12",  # short
        "Aaaaaaaaaa",
        "Aaaaaaaaaaaa",  # one letter
        "abababababab",
        "sommersommer",  # a word repeated
        "123456789012",  # a sequence
        "qwertzuiopas",  # a keyboard row
        "Passwort2024!",  # a common word with digits
        "!!Sommer2026!!",
        "P4ssw0rt2024!",  # digits for letters
        "passwordpassword",
        "iloveyou1234",
    ],
)
def test_weak_passwords_are_refused(password):
    assert password_problem(password) is not None


@pytest.mark.parametrize(
    "password",
    ["korrekt Pferd Batterie", "Dienstreise-Antrag-7", "nurkleinbuchstaben", "ZWEI GROSSE WÖRTER"],
)
def test_long_unusual_passwords_pass_without_composition_rules(password):
    assert password_problem(password) is None


@pytest.mark.parametrize(
    "password", ["Koehler-Sabine-7", "Köhler-Garten-99", "kohler und garten", "SABINE-im-Garten"]
)
def test_the_persons_name_is_refused_with_umlauts_folded(password):
    problem = password_problem(password, names=["Sabine Köhler"])
    assert problem == "The password must not contain your name."


def test_the_email_local_part_is_refused_when_little_else_is_left():
    email = "sabine.koehler@stadt.example"
    assert password_problem("sabine.koehler1", email=email) is not None
    assert password_problem("Sabine.Koehler!!", email=email) is not None
    assert password_problem("personal-2026!", email="personal@x.example") is not None
    assert password_problem("Demo-Personal-2026", email="personal@x.example") is None


@pytest.mark.parametrize("account", DEMO_ACCOUNTS, ids=lambda a: a.key)
def test_the_demo_passwords_still_pass(account):
    names = [account.person.first_name, account.person.last_name] if account.person else []
    assert len(account.password) >= MIN_LENGTH
    problem = password_problem(
        account.password, email=account.email, names=["Administration", *names]
    )
    assert problem is None


def test_messages_are_german(app):
    with app.test_request_context("/"):
        for password in ("kurz", "Passwort2024!", "Aaaaaaaaaaaa"):
            text = translate(password_problem(password), n=MIN_LENGTH)
            assert "Passwort" in text, text


def test_services_apply_the_rule(db):
    with pytest.raises(ValidationFailed) as refused:
        create_account(
            None,
            email="jana.schulz@test.example",
            display_name="Jana Schulz",
            password="Schulz-2026-07",
        )
    assert refused.value.field == "password"
    user = factories.user(password=None)
    with pytest.raises(ValidationFailed):
        reset_password(None, user, "Passwort2024!")
    user = factories.user()
    with pytest.raises(ValidationFailed) as refused:
        change_password(user, factories.PASSWORD, "Aaaaaaaaaaaa")
    assert refused.value.field == "new"
    change_password(user, factories.PASSWORD, "Ruhige Amsel am Fluss")
