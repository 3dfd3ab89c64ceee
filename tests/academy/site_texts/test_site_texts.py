"""The transparency pages: public (also without login), the shipped text with the
settings filled in (retention periods, contacts), admin-only editing with HTML escaped and
every change in the audit log, and the footer links on every page."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from academy.accounts.models import Role
from academy.audit.models import AuditLogEntry
from academy.clock import utcnow
from academy.errors import ValidationFailed
from academy.extensions import db
from academy.site_texts.texts import current_body, render, reset_text, retention_text, save_text
from tests import factories

PAGES = {"privacy": "/datenschutz", "accessibility": "/barrierefreiheit"}
EDIT = {"privacy": "/verwaltung/datenschutz", "accessibility": "/verwaltung/barrierefreiheit"}


@pytest.mark.parametrize("url", PAGES.values())
def test_pages_are_public(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert "<h1" in response.get_data(as_text=True)


def test_privacy_notice_has_the_required_parts(client, app):
    html = client.get("/datenschutz").get_data(as_text=True)
    for part in ("Zwecke", "Welche Daten", "Speicherdauer", "Art. 15", "Art. 21"):
        assert part in html
    assert app.config["DPO_CONTACT"].split(",")[0] in html
    assert 'href="mailto:datenschutz@musterstadt.example"' in html
    assert (
        "Zugriffsprotokoll: 2 Jahre" in html or "nach den Vorgaben der Dienstvereinbarung" in html
    )
    assert "{retention}" not in html and "{dpo_contact}" not in html


def test_retention_periods_come_from_the_settings(app):
    with app.test_request_context("/"):
        original = dict(app.config)
        try:
            app.config["RETENTION_RATINGS_DAYS"] = 730
            assert "Kompetenzeinschätzungen und Nachweise: 2 Jahre" in retention_text()
            for key in [k for k in app.config if k.startswith("RETENTION_")]:
                del app.config[key]
            assert "nach den Vorgaben der Dienstvereinbarung" in retention_text()
        finally:
            app.config.clear()
            app.config.update(original)


def test_accessibility_statement_has_the_bitv_parts_and_a_feedback_channel(client, app):
    html = client.get("/barrierefreiheit").get_data(as_text=True)
    for part in (
        "Stand der Vereinbarkeit",
        "Nicht barrierefreie Inhalte",
        "Erstellung dieser Erklärung",
        "Feedback",
        "Schlichtungsverfahren",
    ):
        assert part in html
    assert f'href="mailto:{app.config["ACCESSIBILITY_CONTACT"]}?subject=' in html


@pytest.mark.parametrize("role", [Role.EMPLOYEE, Role.HR, Role.HEAD, Role.COUNCIL, Role.TRAINER])
@pytest.mark.parametrize("key", EDIT)
def test_only_admins_may_edit(client, login_as, role, key):
    login_as(role)
    assert client.get(EDIT[key]).status_code == 403
    assert client.post(EDIT[key], data={"body": "x"}).status_code == 403
    assert (
        db.session.scalar(select(AuditLogEntry).where(AuditLogEntry.action == "site_text.updated"))
        is None
    )


def test_anonymous_may_not_edit(client):
    response = client.get(EDIT["privacy"])
    assert response.status_code == 302 and "/anmelden" in response.headers["Location"]


def test_admin_edits_html_is_escaped_and_audited(client, login_as):
    admin = login_as(Role.ADMIN)
    page = client.get(EDIT["accessibility"])
    assert page.status_code == 200 and "Schlichtungsverfahren" in page.get_data(as_text=True)
    body = "## Neu\n\nText mit <script>alert(1)</script> und {org_name}.\n\n- eins\n- zwei"
    response = client.post(EDIT["accessibility"], data={"body": body})
    assert response.status_code == 302
    html = client.get("/barrierefreiheit").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<h2>Neu</h2>" in html and "<li>eins</li>" in html
    assert "Stadtverwaltung Musterstadt" in html
    entry = db.session.scalar(
        select(AuditLogEntry).where(AuditLogEntry.action == "site_text.updated")
    )
    assert entry.actor_id == admin.id and entry.object_id == "accessibility"
    assert "Schlichtungsverfahren" in entry.details["previous"] and entry.details["new"] == body


def test_empty_text_is_refused_at_the_field(client, login_as):
    login_as(Role.ADMIN)
    response = client.post(EDIT["privacy"], data={"body": "   "})
    assert response.status_code == 422
    assert re.search(r'id="body-error"', response.get_data(as_text=True))
    assert "Speicherdauer" in client.get("/datenschutz").get_data(as_text=True)


def test_service_save_and_reset(db):
    admin = factories.user(Role.ADMIN)
    with pytest.raises(ValidationFailed):
        save_text(admin, "privacy", "", now=utcnow())
    save_text(admin, "privacy", "Eigener Text", now=utcnow())
    assert current_body("privacy") == "Eigener Text"
    reset_text(admin, "privacy", now=utcnow())
    assert "Speicherdauer" in current_body("privacy")
    actions = db.session.scalars(
        select(AuditLogEntry.action).where(AuditLogEntry.object_type == "site_text")
    ).all()
    assert sorted(actions) == ["site_text.reset", "site_text.updated"]


def test_render_escapes_and_links(app):
    with app.test_request_context("/"):
        html = str(render('Mail an a@b.example, siehe https://x.example/p?a=1&b=2.\n"<b>"'))
    assert '<a href="mailto:a@b.example">a@b.example</a>' in html
    assert '<a href="https://x.example/p?a=1&amp;b=2">' in html
    assert "&#34;&lt;b&gt;&#34;" in html


@pytest.mark.parametrize("url", ["/anmelden", "/", "/datenschutz"])
def test_footer_links_on_every_page(client, login_as, url):
    if url == "/":
        login_as(Role.EMPLOYEE)
    html = client.get(url).get_data(as_text=True)
    footer = html[html.index("<footer") :]
    assert 'href="/datenschutz"' in footer and 'href="/barrierefreiheit"' in footer
