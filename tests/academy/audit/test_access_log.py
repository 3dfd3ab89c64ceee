"""The access log written in bulk: one row per person shown, never the viewer's own,
in one INSERT however many people."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from academy.accounts.models import Role
from academy.audit.log import record_access, record_accesses
from academy.audit.models import AccessLogEntry
from tests.querycount import count_queries


def test_one_row_per_person_not_the_own_one(db, make):
    me = make.employee()
    viewer = make.user(Role.HR, emp=me)
    others = [make.employee(me.department) for _ in range(3)]
    ids = [others[0].id, me.id, others[1].id, others[0].id, others[2].id]
    assert record_accesses(viewer, ids, "report", "Bericht angesehen: Lücken") == 3
    rows = db.session.scalars(select(AccessLogEntry).order_by(AccessLogEntry.id)).all()
    assert [r.subject_id for r in rows] == [others[0].id, others[1].id, others[2].id]
    assert {(r.actor_id, r.what, r.purpose) for r in rows} == {
        (viewer.id, "report", "Bericht angesehen: Lücken")
    }
    record_access(viewer, me.id, "report", "Bericht angesehen: Lücken")
    assert db.session.scalar(select(func.count(AccessLogEntry.id))) == 3


def test_a_single_statement_for_many_people(db, make):
    viewer = make.user(Role.HR)
    people = [make.employee().id for _ in range(30)]
    for shown in (people[:3], people):
        with count_queries(db.engine) as queries:
            record_accesses(viewer, shown, "report", "Bericht angesehen: Lücken")
        assert queries.count == 1, queries


def test_a_purpose_is_required(db, make):
    viewer = make.user(Role.HR)
    other = make.employee()
    with pytest.raises(ValueError):
        record_accesses(viewer, [other.id], "report", "  ")
    assert db.session.scalar(select(func.count(AccessLogEntry.id))) == 0


def test_every_access_code_has_a_label_and_purposes_are_german(app):
    from academy.audit.log import ACCESS_LABELS, ACCESS_PURPOSES, access_purpose

    assert access_purpose("employee.record") == "Personalakte angesehen (Personalverwaltung)"
    assert access_purpose("report.exported", report="Lücken", format="CSV") == (
        "Bericht exportiert: Lücken (CSV)"
    )
    assert "talent.external_evidence" in ACCESS_LABELS
    assert {"selection.dashboard", "council.review", "report.viewed"} <= set(ACCESS_PURPOSES)
    with pytest.raises(KeyError):
        access_purpose("no.such.purpose")
