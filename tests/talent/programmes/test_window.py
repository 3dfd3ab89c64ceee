"""HR is told when an open cohort's application window is not running today."""

from __future__ import annotations

from datetime import timedelta

from academy.accounts.models import Role
from academy.clock import to_berlin, utcnow
from academy.extensions import db
from talent.programmes.models import CohortStatus
from talent.programmes.window import ENDED, NOT_YET, window_note
from tests.talent import programme_factories as pf
from tests.talent.factories import NOW


def test_note_only_for_an_open_cohort_outside_its_window(db):
    today = NOW.date()
    future = pf.cohort(opens=today + timedelta(days=5), closes=today + timedelta(days=30))
    running = pf.cohort()
    ended = pf.cohort(opens=today - timedelta(days=30), closes=today - timedelta(days=1))
    draft = pf.cohort(status=CohortStatus.DRAFT, opens=today + timedelta(days=5))

    assert window_note(future, today) == (NOT_YET, today + timedelta(days=5))
    assert window_note(running, today) is None
    assert window_note(ended, today) == (ENDED, today - timedelta(days=1))
    assert window_note(draft, today) is None
    assert window_note(future, today + timedelta(days=5)) is None  # opens that day


def test_hr_sees_the_warning_on_the_dashboard_and_the_settings(client, login_as):
    login_as(Role.HR)
    client.set_cookie("da_lang", "de")
    today = to_berlin(utcnow()).date()
    cohort = pf.cohort(opens=today + timedelta(days=14), closes=today + timedelta(days=40))
    db.session.commit()
    opens = (today + timedelta(days=14)).strftime("%d.%m.%Y")
    for url in (f"/talente/kohorten/{cohort.id}", f"/talente/kohorten/{cohort.id}/bearbeiten"):
        html = client.get(url).get_data(as_text=True)
        assert 'id="window-note"' in html, url
        assert f"Das Bewerbungsfenster öffnet am {opens}" in html, url
