"""People whom the staff import deactivates lose their login sessions at once: their
accounts are closed in the same transaction as the import, every session of them ends."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from academy.accounts.models import User, UserSession
from academy.audit.models import AuditLogEntry
from academy.org.staff_import.importer import apply_staff_import, preview_staff_file
from tests import factories
from tests.conftest import log_in

NOW = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
HEADER = "Personalnummer;Vorname;Nachname;E-Mail;Organisationseinheit;Aktiv"


def row(user: User, active: str = "ja") -> str:
    emp = user.employee
    cells = [emp.personnel_no, emp.first_name, emp.last_name, emp.email, emp.department.code]
    return ";".join([*cells, active])


def test_the_import_ends_the_sessions_of_people_who_left(app, client, db):
    staying, marked, missing = factories.user(), factories.user(), factories.user()
    log_in(client, marked)
    other = app.test_client()
    log_in(other, missing)
    assert client.get("/konto").status_code == 200
    content = "\r\n".join([HEADER, row(staying), row(marked, "nein")]).encode() + b"\r\n"
    preview = preview_staff_file(content, "personal.csv", now=NOW)
    assert preview.problems == []
    hr = factories.user()
    apply_staff_import(hr, preview, deactivate_missing=True, now=NOW)
    db.session.commit()
    for person in (marked, missing):
        db.session.refresh(person)
        assert not person.active
        assert not db.session.scalars(
            select(UserSession).where(UserSession.user_id == person.id)
        ).all()
    db.session.refresh(staying)
    assert staying.active
    entries = db.session.scalars(
        select(AuditLogEntry).where(AuditLogEntry.action == "account.deactivated")
    ).all()
    assert {e.object_id for e in entries} == {str(marked.id), str(missing.id)}
    assert {e.actor_id for e in entries} == {hr.id}
    # Their browsers are signed out at their next request.
    assert client.get("/konto").status_code == 302
    assert other.get("/konto").status_code == 302
