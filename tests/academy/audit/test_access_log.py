"""The access log written in bulk: one row per person shown, never the viewer's own,
in one INSERT however many people."""

from __future__ import annotations

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
    assert record_accesses(viewer, ids, "report", purpose="gaps") == 3
    rows = db.session.scalars(select(AccessLogEntry).order_by(AccessLogEntry.id)).all()
    assert [r.subject_id for r in rows] == [others[0].id, others[1].id, others[2].id]
    assert {(r.actor_id, r.what, r.purpose) for r in rows} == {(viewer.id, "report", "gaps")}
    record_access(viewer, me.id, "report")
    assert db.session.scalar(select(func.count(AccessLogEntry.id))) == 3


def test_a_single_statement_for_many_people(db, make):
    viewer = make.user(Role.HR)
    people = [make.employee().id for _ in range(30)]
    for shown in (people[:3], people):
        with count_queries(db.engine) as queries:
            record_accesses(viewer, shown, "report")
        assert queries.count == 1, queries
