"""Directory login against a real slapd (started by the test session on loopback): bind
with a DN template and through a search over StartTLS, wrong passwords, throttling, groups
to roles, linking by personnel number and e-mail, unknown people refused."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from academy.accounts.models import Role, User
from academy.auth.signon.ldap import DirectoryLoginFailed, DirectoryUnavailable, bind_identity
from academy.auth.signon.settings import ldap_settings
from tests import factories

DORA = {"directory-username": "dora.berger", "directory-password": "Dora-Passwort-2024"}


def login(client, username: str, password: str, **extra: str):
    data = {"directory-username": username, "directory-password": password, **extra}
    return client.post("/anmelden/verzeichnis", data=data)


def accounts(db) -> int:
    return db.session.scalar(select(func.count(User.id))) or 0


def test_the_login_page_shows_the_directory_form_only_when_configured(client, configure, slapd):
    assert "directory-username" not in client.get("/anmelden").get_data(as_text=True)
    assert login(client, "dora.berger", "x").status_code == 404
    configure(
        LDAP_URL=slapd.url, LDAP_BIND_DN_TEMPLATE="uid={username},ou=people,dc=stadt,dc=example"
    )
    page = client.get("/anmelden?next=/konto").get_data(as_text=True)
    assert 'name="directory-username"' in page and "Mit Dienstkonto anmelden" in page
    assert 'name="directory-next" type="hidden" value="/konto"' in page


@pytest.mark.parametrize("mode", ["ldap_template", "ldap_search"])
def test_bind_reads_the_person_from_the_directory(app, mode, request):
    request.getfixturevalue(mode)
    with app.app_context():
        person = bind_identity(ldap_settings(), "dora.berger", "Dora-Passwort-2024")
        assert person.provider == "ldap"
        assert person.personnel_no == "P1002"
        assert person.email == "dora.berger@stadt.example"
        assert person.display_name == "Dora Berger"
        assert len(person.subject) == 36  # entryUUID
        assert "cn=pe,ou=groups,dc=stadt,dc=example" in person.groups
        for user, password in [
            ("dora.berger", "falsch"),
            ("niemand", "Dora-Passwort-2024"),
            ("dora.berger", ""),  # would be an unauthenticated bind
            ("*", "Dora-Passwort-2024"),  # filter characters are escaped
            ("dora.berger,ou=people", "Dora-Passwort-2024"),
            ("dora\x00berger", "Dora-Passwort-2024"),
        ]:
            with pytest.raises(DirectoryLoginFailed):
                bind_identity(ldap_settings(), user, password)


def test_starttls_needs_a_certificate_it_can_verify(app, ldap_search, configure):
    configure(LDAP_CA_FILE="")  # the test CA is not in the system's store
    with app.app_context(), pytest.raises(DirectoryUnavailable):
        bind_identity(ldap_settings(), "dora.berger", "Dora-Passwort-2024")


def test_a_directory_that_is_down_is_explained(client, configure, slapd):
    configure(LDAP_URL="ldap://127.0.0.1:9", LDAP_BIND_DN_TEMPLATE="uid={username},dc=x")
    answer = login(client, "dora.berger", "Dora-Passwort-2024")
    assert answer.status_code == 503
    assert "Verzeichnisdienst ist gerade nicht erreichbar" in answer.get_data(as_text=True)


def test_a_wrong_service_account_is_explained_not_blamed_on_the_person(
    client, ldap_search, configure
):
    configure(LDAP_BIND_PASSWORD="falsch")
    assert login(client, **{k.split("-")[1]: v for k, v in DORA.items()}).status_code == 503


def test_an_employee_signs_in_with_the_directory_password(client, db, ldap_search):
    emp = factories.employee(personnel_no="P1002", email="dora.berger@stadt.example")
    answer = login(client, "dora.berger", "Dora-Passwort-2024", **{"directory-next": "/konto"})
    assert answer.status_code == 302 and answer.headers["Location"] == "/konto"
    user = db.session.scalar(select(User).where(User.employee_id == emp.id))
    assert user.identity_provider == "ldap"
    assert user.assigned_roles == {Role.HR}  # cn=pe → hr
    page = client.get("/konto").get_data(as_text=True)
    assert "Personalentwicklung" in page


def test_wrong_password_gives_a_german_message_at_the_field(client, db, ldap_template):
    factories.employee(personnel_no="P1002")
    before = accounts(db)
    answer = login(client, "dora.berger", "falsch")
    assert answer.status_code == 401
    page = answer.get_data(as_text=True)
    assert "Benutzername oder Passwort ist falsch." in page
    assert 'id="directory-password-error"' in page
    assert accounts(db) == before
    empty = login(client, "", "")
    assert empty.status_code == 422 and "directory-username-error" in empty.get_data(as_text=True)


def test_directory_logins_are_throttled_before_the_bind(client, db, ldap_template, configure):
    configure(LOGIN_FREE_FAILURES=3, LOGIN_DELAY_SECONDS=600)
    factories.employee(personnel_no="P1002")
    for _ in range(3):
        assert login(client, "dora.berger", "falsch").status_code == 401
    refused = login(client, "dora.berger", "Dora-Passwort-2024")  # right, but throttled
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) >= 600
    assert "Zu viele" in refused.get_data(as_text=True)
    assert client.get("/konto").status_code == 302
    # Another user name from the same address is not affected.
    factories.employee(personnel_no="P1003")
    assert login(client, "emil.vogt", "Emil-Passwort-2024").status_code == 302


def test_linking_by_e_mail_and_refusing_strangers(client, db, ldap_template):
    bernd = factories.employee(email="bernd.klein@stadt.example")  # no employeeNumber
    assert login(client, "bernd.klein", "Bernd-Passwort-2024").status_code == 302
    assert (
        db.session.scalar(select(User.employee_id).where(User.external_subject.is_not(None)))
        == bernd.id
    )
    client.post("/abmelden")
    before = accounts(db)
    refused = login(client, "carla.fremd", "Carla-Passwort-2024")  # P9999: not in the data
    assert refused.status_code == 403
    page = refused.get_data(as_text=True)
    assert "Die Personalnummer P9999 aus Ihrem Dienstkonto" in page
    assert accounts(db) == before


def test_group_changes_reach_the_roles_at_the_next_sign_in(client, db, ldap_template, slapd):
    factories.employee(personnel_no="P1003")
    try:
        assert login(client, "emil.vogt", "Emil-Passwort-2024").status_code == 302
        user = db.session.scalar(select(User).where(User.external_subject.is_not(None)))
        assert user.assigned_roles == {Role.ADMIN}
        client.post("/abmelden")
        slapd.set_members("it-admins", ())
        slapd.set_members("pe", ("dora.berger", "emil.vogt"))
        assert login(client, "emil.vogt", "Emil-Passwort-2024").status_code == 302
        db.session.expire_all()
        assert user.assigned_roles == {Role.HR}
    finally:
        slapd.set_members("it-admins", ("emil.vogt",))
        slapd.set_members("pe", ("dora.berger",))
