"""Programme certificates: issued once on graduation (through the signal), the snapshot's
content, and the PDF ("Zertifikat" with the programme title)."""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from academy.audit.models import AuditLogEntry
from academy.clock import to_berlin, utcnow
from academy.errors import Conflict
from academy.extensions import db
from reports.certificates.certificates import recipient_hash
from reports.certificates.models import Certificate
from reports.certificates.programmes import issue_for_member, on_programme_graduated
from talent.programmes import milestones as ms
from talent.programmes.models import CohortStatus, MemberState, ProgrammeTarget
from talent.programmes.signals import programme_graduated
from tests import factories
from tests.courses import factories as cf
from tests.courses.support import hr, person
from tests.talent import factories as tf
from tests.talent import programme_factories as pf

CODE = re.compile(r"^[2-9A-HJ-NP-Z]{4}(-[2-9A-HJ-NP-Z]{4}){4}$")
PDFTOTEXT = shutil.which("pdftotext")


def graduate(now=None):
    """A member of a running cohort who completes the programme by the last sign-off
    (with the certificate receiver connected). Returns (member, account, mentor account)."""
    now = now or utcnow()
    today = to_berlin(now).date()
    courses = [cf.course(duration_ue=16), cf.course(duration_ue=8)]
    prog = pf.programme(courses=courses, milestones=1, title="Nachwuchsführung Digitale Verwaltung")
    prog.description = "Führen in der digitalen Verwaltung: Projekte, Rotation und Mentoring."
    comps = [tf.competence(), tf.competence()]
    db.session.add_all(
        [
            ProgrammeTarget(programme_id=prog.id, competence_id=comps[1].id, level=3),
            ProgrammeTarget(programme_id=prog.id, competence_id=comps[0].id, level=2),
        ]
    )
    starts = today - timedelta(days=200)
    cohort = pf.cohort(
        prog,
        status=CohortStatus.RUNNING,
        opens=starts - timedelta(days=60),
        closes=starts - timedelta(days=30),
        starts=starts,
        ends=starts + timedelta(days=540),
        criteria=(),
    )
    emp = factories.employee(first_name="Jürgen", last_name="Weiß-Öztürk")
    account = factories.user(emp=emp)
    mentor, mentor_account = person()
    member = pf.member(cohort, emp, mentor=mentor)
    for course in courses:
        cf.completion(emp, course)
    db.session.refresh(prog)
    with programme_graduated.connected_to(on_programme_graduated):
        ms.sign_off(mentor_account, member, prog.milestones[0], today, None, now)
    assert member.state == MemberState.GRADUATED
    return member, account, mentor_account, comps


def test_graduation_issues_the_programme_certificate(db):
    member, _account, mentor_account, comps = graduate()
    [cert] = db.session.scalars(
        select(Certificate).where(Certificate.cohort_member_id == member.id)
    )
    cohort = member.cohort
    assert cert.kind == "programme"
    assert cert.employee_id == member.employee_id
    assert cert.recipient_name == "Jürgen Weiß-Öztürk"
    assert cert.title == "Nachwuchsführung Digitale Verwaltung"
    assert cert.description.startswith("Führen in der digitalen Verwaltung")
    assert cert.ue == 24
    assert cert.started_on == cohort.starts_on
    assert cert.completed_on == member.graduated_on
    assert cert.course_id is None and cert.enrolment_id is None
    assert cert.competences == [
        {"code": c.code, "name_de": c.name_de, "name_en": c.name_en, "level": level}
        for c, level in sorted(zip(comps, (2, 3), strict=True), key=lambda x: x[0].code)
    ]
    assert cert.issued_by_id == mentor_account.id
    assert cert.serial == f"{cert.year}-{cert.number:05d}"
    assert CODE.match(cert.code)
    assert cert.recipient_hash == recipient_hash(member.employee.email, cert.code)
    entry = db.session.scalar(
        select(AuditLogEntry).where(
            AuditLogEntry.action == "certificate.issued",
            AuditLogEntry.object_id == str(cert.id),
        )
    )
    assert entry.details["cohort_member_id"] == member.id and entry.details["kind"] == "programme"


def test_issued_once(db):
    member, *_ = graduate()
    now = utcnow()
    first = issue_for_member(member, now)
    on_programme_graduated(member, now=now, actor=None)
    programme_graduated.send(member, now=now, actor=None)  # not connected here: no effect
    with programme_graduated.connected_to(on_programme_graduated):
        programme_graduated.send(member, now=now, actor=None)
    assert issue_for_member(member, now).id == first.id
    count = db.session.scalar(
        select(func.count())
        .select_from(Certificate)
        .where(Certificate.cohort_member_id == member.id)
    )
    assert count == 1


def test_only_graduates_get_one(db):
    prog = pf.programme(milestones=1)
    member = pf.member(pf.cohort(prog, status=CohortStatus.RUNNING), factories.employee())
    with pytest.raises(Conflict):
        issue_for_member(member, utcnow())
    assert (
        db.session.scalar(select(Certificate.id).where(Certificate.cohort_member_id == member.id))
        is None
    )


def test_description_is_shortened(db):
    member, *_ = graduate()
    cert = issue_for_member(member, utcnow())
    db.session.delete(cert)
    db.session.flush()
    member.cohort.programme.description = "Wort " * 300
    cert = issue_for_member(member, utcnow(), hr())
    assert len(cert.description) <= 402 and cert.description.endswith("…")


@pytest.mark.skipif(PDFTOTEXT is None, reason="poppler-utils missing")
def test_pdf_says_zertifikat_with_the_programme_title(client, db, login_as):
    member, account, *_ = graduate()
    cert = db.session.scalar(select(Certificate).where(Certificate.cohort_member_id == member.id))
    login_as(account=account)

    page = client.get("/talente/mein-programm").get_data(as_text=True)
    assert f"/berichte/zertifikate/{cert.id}.pdf" in page

    response = client.get(f"/berichte/zertifikate/{cert.id}.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = subprocess.run(
        [PDFTOTEXT, "-enc", "UTF-8", "-", "-"], input=response.data, capture_output=True, check=True
    ).stdout.decode()
    flat = " ".join(text.split())
    assert "Zertifikat" in flat and "Teilnahmebescheinigung" not in flat
    assert "Nachwuchsführung Digitale Verwaltung" in flat
    assert "erfolgreich abgeschlossen" in flat
    assert "Jürgen Weiß-Öztürk" in flat
    assert "24 UE" in flat
