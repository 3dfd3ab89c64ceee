"""``LOCAL_LOGIN=0`` switches the password login off (the login page adapts, the form and the
own password change are refused), and the administration's view of directory links and
directory roles."""

from __future__ import annotations

import re

from sqlalchemy import select

from academy.accounts.models import Role
from academy.audit.models import AuditLogEntry
from academy.auth.signon.provisioning import sync_directory_roles
from academy.clock import utcnow
from tests import factories
from tests.factories import PASSWORD


def test_local_login_off_hides_and_refuses_the_password_form(client, configure, oidc_on):
    account = factories.user(Role.ADMIN)
    configure(LOCAL_LOGIN=False)
    page = client.get("/anmelden").get_data(as_text=True)
    assert "Mit Dienstkonto anmelden" in page
    assert 'name="password"' not in page and "Lokales Konto" not in page
    answer = client.post("/anmelden", data={"email": account.email, "password": PASSWORD})
    assert answer.status_code == 403
    assert "Anmeldung mit Passwort ist hier abgeschaltet" in answer.get_data(as_text=True)
    assert client.get("/konto").status_code == 302  # not signed in, admins included


def test_without_any_way_in_the_page_says_so(client, configure):
    configure(LOCAL_LOGIN=False)
    page = client.get("/anmelden").get_data(as_text=True)
    assert "keine Anmeldemöglichkeit eingerichtet" in page


def test_local_login_on_keeps_the_password_login(client, configure):
    account = factories.user()
    configure(LOCAL_LOGIN=True)
    answer = client.post("/anmelden", data={"email": account.email, "password": PASSWORD})
    assert answer.status_code == 302


def test_own_password_change_only_with_a_local_password(client, login_as, configure):
    account = login_as(Role.EMPLOYEE)
    assert "Passwort ändern" in client.get("/konto").get_data(as_text=True)
    configure(LOCAL_LOGIN=False)
    page = client.get("/konto").get_data(as_text=True)
    assert "Passwort ändern" not in page and "Dienstkonto" in page
    data = {
        "current": PASSWORD,
        "new": "Ein-neues-Passwort-2026",
        "repeat": "Ein-neues-Passwort-2026",
    }
    assert client.post("/konto", data=data).status_code == 403
    assert account.password_hash is not None


def test_the_account_page_shows_directory_roles_and_keeps_them_on_save(client, db, login_as):
    admin = login_as(Role.ADMIN)
    person = factories.user(Role.TRAINER)
    person.identity_provider, person.external_subject = "ldap", "uuid-1"
    sync_directory_roles(person, {Role.HR}, now=utcnow())
    db.session.commit()
    page = client.get(f"/verwaltung/konten/{person.id}").get_data(as_text=True)
    assert "Verknüpft (ldap)" in page and 'id="directory-roles"' in page
    # The form holds the local roles only.
    assert re.search(r'<input(?=[^>]*checked)(?=[^>]*value="trainer")[^>]*>', page)
    assert not re.search(r'<input(?=[^>]*checked)(?=[^>]*value="hr")[^>]*>', page)
    form = {
        "display_name": person.display_name,
        "personnel_no": person.employee.personnel_no,
        "active": "y",
    }
    assert client.post(f"/verwaltung/konten/{person.id}", data=form).status_code == 302
    db.session.refresh(person)
    assert person.assigned_roles == {Role.HR} and person.local_roles == set()
    assert admin.active


def test_admins_unlink_a_directory_account(client, db, login_as):
    person = factories.user()
    person.identity_provider, person.external_subject = "ldap", "uuid-2"
    db.session.commit()
    login_as(Role.HR)
    assert client.post(f"/verwaltung/konten/{person.id}/dienstkonto-trennen").status_code == 403
    login_as(Role.ADMIN)
    assert client.post("/verwaltung/konten/999999/dienstkonto-trennen").status_code == 404
    answer = client.post(f"/verwaltung/konten/{person.id}/dienstkonto-trennen")
    assert answer.status_code == 302
    db.session.refresh(person)
    assert person.identity_provider is None and person.external_subject is None
    entry = db.session.scalars(
        select(AuditLogEntry).where(AuditLogEntry.action == "account.identity_unlinked")
    ).one()
    assert entry.details == {"provider": "ldap"}
