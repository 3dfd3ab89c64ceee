"""The main bar is rendered once per set of entries, language and page and kept
(``academy.web.menu``): accounts with the same roles share it, and what differs per
request — the current page, the language, the unread badge, another account's entries —
is never taken from another request's bar."""

from __future__ import annotations

import re

from academy.accounts.models import Role
from academy.clock import utcnow
from academy.extensions import db as _db
from academy.notifications.notices import notify
from tests import factories
from tests.conftest import log_in


def bar(html: str) -> str:
    return re.search(
        r'<ul class="navbar-nav me-auto.*?</ul>\s*<ul class="navbar-nav">', html, re.S
    )[0]


def test_the_bar_is_kept_and_shared_by_the_same_roles(app, client, login_as):
    app.extensions.pop("academy_menus", None)
    login_as(Role.EMPLOYEE)
    html = client.get("/kurse").get_data(as_text=True)
    kept = dict(app.extensions["academy_menus"])
    assert len(kept) == 1
    log_in(client, factories.user(Role.EMPLOYEE))
    assert bar(client.get("/kurse").get_data(as_text=True)) == bar(html)
    assert app.extensions["academy_menus"] == kept, "the same roles rendered the bar again"


def test_the_current_page_and_the_language_are_its_own(client, login_as):
    login_as(Role.EMPLOYEE)
    catalogue = bar(client.get("/kurse").get_data(as_text=True))
    assert re.search(r'class="nav-link active"\s+aria-current="page"\s+href="/kurse"', catalogue)
    learning = bar(client.get("/kurse/meine").get_data(as_text=True))
    assert 'aria-current="page" href="/kurse/meine"' in learning
    assert not re.search(r'active"\s+aria-current="page"\s+href="/kurse"', learning)
    assert "Kurskatalog" in catalogue
    client.post("/sprache", data={"lang": "en", "next": "/kurse"})
    english = bar(client.get("/kurse").get_data(as_text=True))
    assert "Course catalogue" in english and "Kurskatalog" not in english


def test_another_roles_entries_are_never_shown(client, login_as):
    login_as(Role.HR)
    assert "/kurse/verwaltung" in bar(client.get("/kurse").get_data(as_text=True))
    log_in(client, factories.user(Role.EMPLOYEE))
    assert "/kurse/verwaltung" not in bar(client.get("/kurse").get_data(as_text=True))


def test_the_unread_badge_is_each_persons_own(client, login_as):
    me = login_as(Role.EMPLOYEE)
    assert "text-bg-danger" not in bar(client.get("/kurse").get_data(as_text=True))
    now = utcnow()
    for _ in range(3):
        notify(me, "test", "Subject", "Body", params={}, link=None, now=now, email=False)
    _db.session.commit()
    html = bar(client.get("/kurse").get_data(as_text=True))
    assert 'aria-hidden="true">3</span>' in html and "(3 ungelesen)" in html
    log_in(client, factories.user(Role.EMPLOYEE))
    assert "text-bg-danger" not in bar(client.get("/kurse").get_data(as_text=True))


def test_the_kept_bars_are_bounded(app, client, login_as, monkeypatch):
    from academy.web import menu

    monkeypatch.setattr(menu, "MENU_CACHE_SIZE", 2)
    app.extensions.pop("academy_menus", None)
    login_as(Role.EMPLOYEE)
    for path in ("/kurse", "/kurse/meine", "/konto", "/"):
        assert client.get(path).status_code == 200
        assert len(app.extensions["academy_menus"]) <= 2
