"""The learning history links each completed course's certificate, and the certificate
page offers the Open Badge address for a backpack."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from academy.accounts.models import Role
from academy.extensions import db
from courses.enrolment import attendance
from courses.enrolment.models import EnrolmentState
from reports.certificates.models import Certificate
from tests import factories
from tests.courses import factories as cf
from tests.courses.support import NOW, hr
from tests.querycount import count_queries


def completed(employee, title: str) -> Certificate:
    held = cf.session(cf.course(title), starts_at=NOW - timedelta(days=2))
    enrolment = cf.enrolment(held, employee, state=EnrolmentState.CONFIRMED)
    attendance.mark_attendance(hr(), enrolment, True, NOW)
    attendance.record_result(hr(), enrolment, True, NOW)
    cert = db.session.scalar(select(Certificate).where(Certificate.enrolment_id == enrolment.id))
    assert cert is not None
    return cert


def test_history_links_every_certificate_with_one_query_for_all(client, login_as):
    account = login_as(Role.EMPLOYEE)
    certs = [completed(account.employee, f"Kurs {n}") for n in range(3)]
    other = completed(factories.employee(), "Fremder Kurs")
    db.session.commit()

    html = client.get("/kurse/meine").get_data(as_text=True)
    for cert in certs:
        assert f'href="/berichte/zertifikate/{cert.id}.pdf"' in html
        assert f'href="/berichte/zertifikate/{cert.id}"' in html
    assert f"/berichte/zertifikate/{other.id}" not in html
    with count_queries(db.engine) as one:
        client.get("/kurse/meine")
    completed(account.employee, "Kurs 4")
    db.session.commit()
    with count_queries(db.engine) as more:
        client.get("/kurse/meine")
    assert more.count == one.count


def test_certificate_page_offers_the_badge_address_only_while_valid(client, login_as):
    account = login_as(Role.EMPLOYEE)
    cert = completed(account.employee, "Datenschutz kompakt")
    db.session.commit()
    html = client.get(f"/berichte/zertifikate/{cert.id}").get_data(as_text=True)
    assert 'id="open-badge"' in html
    assert f"/berichte/pruefen/{cert.code}/assertion.json" in html
    assert 'data-copy="#badge-url"' in html

    cert.revoked_at = NOW
    db.session.commit()
    html = client.get(f"/berichte/zertifikate/{cert.id}").get_data(as_text=True)
    assert 'id="open-badge"' not in html
