"""All certificates of a session as a streamed ZIP (HR), and its button on the roster."""

from __future__ import annotations

import io
import zipfile
from datetime import timedelta

import pytest

from academy.accounts.models import Role
from academy.clock import utcnow
from courses.enrolment.models import EnrolmentState
from courses.sessions.models import CourseSession
from reports.certificates import certificates as svc
from reports.certificates.archive import _Chunks, last_name, member_name
from reports.certificates.models import Certificate
from tests import factories
from tests.courses import factories as cf


def _certified(session: CourseSession, first: str, last: str) -> Certificate:
    emp = factories.employee(first_name=first, last_name=last)
    enrolment = cf.enrolment(session, emp, state=EnrolmentState.COMPLETED)
    return svc.issue_for_enrolment(enrolment, utcnow())


def _session() -> CourseSession:
    course = cf.course("Datenschutz im Alltag", duration_ue=4)
    return cf.session(course, starts_at=utcnow() - timedelta(days=2))


def _url(session_id: int) -> str:
    return f"/berichte/termine/{session_id}/zertifikate.zip"


def test_hr_gets_one_pdf_per_certificate(client, db, login_as):
    session = _session()
    first = _certified(session, "Jürgen", "Weiß-Öztürk")
    second = _certified(session, "Ana", "de la Cruz")
    revoked = _certified(session, "Max", "Widerruf")
    svc.revoke(factories.user(Role.HR, with_employee=False), revoked, "Fehler", utcnow())
    _certified(_session(), "Other", "Session")  # another session's certificate
    cf.enrolment(session, factories.employee(), state=EnrolmentState.CONFIRMED)
    login_as(Role.HR)

    res = client.get(_url(session.id))

    assert res.status_code == 200
    assert res.is_streamed
    assert res.mimetype == "application/zip"
    disposition = res.headers["Content-Disposition"]
    assert disposition.startswith("attachment;") and disposition.endswith('.zip"')
    archive = zipfile.ZipFile(io.BytesIO(res.get_data()))
    assert archive.testzip() is None
    assert sorted(archive.namelist()) == sorted(
        [f"{first.serial}_Weiß-Öztürk.pdf", f"{second.serial}_de_la_Cruz.pdf"]
    )
    for name in archive.namelist():
        data = archive.read(name)
        assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")
    assert first.code.encode() not in archive.read(f"{second.serial}_de_la_Cruz.pdf")


def test_roster_shows_the_button_to_hr_only(client, db, login_as):
    trainer = factories.user(Role.TRAINER)
    session = _session()
    session.trainer = trainer
    _certified(session, "Jürgen", "Weiß")
    _certified(session, "Eva", "Roth")
    db.session.flush()
    roster = f"/kurse/termine/{session.id}/teilnehmende"

    login_as(Role.HR)
    page = client.get(roster).get_data(as_text=True)
    assert f'action="{_url(session.id)}"' in page
    assert "data-busy=" in page and "(2)" in page

    login_as(account=trainer)
    res = client.get(roster)
    assert res.status_code == 200
    assert _url(session.id) not in res.get_data(as_text=True)


def test_no_certificates_redirects_back_with_message(client, db, login_as):
    session = _session()
    login_as(Role.HR)
    res = client.get(_url(session.id))
    assert res.status_code == 303
    assert res.headers["Location"].endswith(f"/kurse/termine/{session.id}/teilnehmende")
    page = client.get(res.headers["Location"]).get_data(as_text=True)
    assert "alert" in page and _url(session.id) not in page


def test_unknown_session_is_404(client, db, login_as):
    login_as(Role.HR)
    assert client.get(_url(987654)).status_code == 404


@pytest.mark.parametrize("role", [Role.EMPLOYEE, Role.TRAINER, Role.HEAD])
def test_others_are_refused(client, db, login_as, role):
    session = _session()
    _certified(session, "Jürgen", "Weiß")
    login_as(role)
    assert client.get(_url(session.id)).status_code == 403


def test_anonymous_is_sent_to_login(client, db):
    session = _session()
    _certified(session, "Jürgen", "Weiß")
    res = client.get(_url(session.id))
    assert res.status_code in (302, 303)
    assert "/anmelden" in res.headers["Location"]


def test_names_and_non_seekable_writer():
    assert last_name("Ana de la Cruz", "de la Cruz") == "de la Cruz"
    assert last_name("Ana Alt", "Neu") == "Alt"  # the snapshot wins
    assert member_name("2030-00001", "Ana Alt", None) == "2030-00001_Alt.pdf"
    assert member_name("2030-00002", "Ö/../x", None) == "2030-00002_Ö_.._x.pdf"
    out = _Chunks()
    with zipfile.ZipFile(out, mode="w") as archive:
        archive.writestr("a.txt", b"hello")
    with pytest.raises(AttributeError):
        out.seek(0)  # type: ignore[attr-defined]
    data = out.take()
    assert zipfile.ZipFile(io.BytesIO(data)).read("a.txt") == b"hello"
    assert out.take() == b""


def test_the_zip_link_is_a_declared_roster_hook(app):
    from academy.web.hooks import hook_names
    from reports.certificates.hooks import session_zip_link

    assert "session-roster-actions" in hook_names()
    assert session_zip_link.__name__ == "session_zip_link"
