"""The scope value: a head's subtrees, built once per loaded account, and the one subtree
query that pages, queries and reports share."""

from __future__ import annotations

from sqlalchemy import select

from academy.auth.scope import (
    Scope,
    forget_scope,
    in_subtree,
    scope_of,
    subtree_ids,
    subtree_statement,
)
from academy.org.models import Employee
from tests.querycount import count_queries


def _org(make):
    top = make.department("Dezernat II")
    amt = make.department("Amt 12", parent=top)
    abt = make.department("Abteilung 12.1", parent=amt)
    other = make.department("Amt 51", parent=top)
    return top, amt, abt, other


def test_head_of_two_subtrees_reaches_both_and_nothing_else(db, make):
    top, amt, abt, other = _org(make)
    lone = make.department("Stabsstelle")
    head_emp = make.employee(amt)
    amt.head = head_emp
    lone.head = head_emp
    db.session.flush()
    scope = scope_of(make.user(emp=head_emp))
    assert scope.department_ids == {amt.id, abt.id, lone.id}
    assert scope.headed_ids == {amt.id, lone.id}
    assert scope.is_head and not scope.everything
    assert scope.includes(make.employee(abt))
    assert not scope.includes(make.employee(other))
    assert not scope.includes_department(top.id)
    assert scope.sorted_ids == sorted(scope.department_ids)


def test_scope_is_worked_out_once_per_loaded_account(db, make):
    _top, amt, _abt, _other = _org(make)
    head_emp = make.employee(amt)
    amt.head = head_emp
    db.session.flush()
    account = make.user(emp=head_emp)
    forget_scope(account)
    db.session.flush()
    with count_queries(db.engine) as first:
        scope_of(account)
    with count_queries(db.engine) as again:
        scope_of(account)
    assert first.count == 2, str(first)  # headed departments, then the subtrees
    assert again.count == 0


def test_employee_without_headship_has_an_empty_scope_and_no_subtree_query(db, make):
    account = make.user(emp=make.employee())
    scope = scope_of(account)
    assert scope == Scope()
    assert not scope.is_head and not scope.includes(make.employee())


def test_where_clause_filters_by_department_and_everything_filters_nothing(db, make):
    _top, amt, abt, other = _org(make)
    inside, below, outside = make.employee(amt), make.employee(abt), make.employee(other)
    scope = Scope(department_ids=frozenset({amt.id, abt.id}))
    query = select(Employee.id).where(Employee.id.in_([inside.id, below.id, outside.id]))
    assert set(db.session.scalars(query.where(scope.where(Employee.department_id)))) == {
        inside.id,
        below.id,
    }
    whole = Scope.whole_organisation()
    assert len(list(db.session.scalars(query.where(whole.where(Employee.department_id))))) == 3
    assert whole.includes(outside)


def test_narrowed_to_keeps_only_what_the_scope_reaches(db, make):
    _top, amt, abt, other = _org(make)
    scope = Scope(department_ids=frozenset({amt.id, abt.id}), headed_ids=frozenset({amt.id}))
    assert scope.narrowed_to({abt.id, other.id}).department_ids == {abt.id}
    assert Scope.whole_organisation().narrowed_to({other.id}).department_ids == {other.id}


def test_the_subtree_query_takes_the_department_and_everything_below(db, make):
    top, amt, abt, other = _org(make)
    assert set(subtree_ids(amt)) == {amt.id, abt.id}
    assert set(db.session.scalars(subtree_statement(top.path))) == {
        top.id,
        amt.id,
        abt.id,
        other.id,
    }
    assert in_subtree(abt, amt) and in_subtree(amt, amt) and not in_subtree(other, amt)


def test_subtree_query_escapes_like_wildcards_in_paths(db, make):
    """A path is digits and slashes; a crafted value with % or _ matches nothing more."""
    _top, amt, _abt, _other = _org(make)
    assert list(db.session.scalars(subtree_statement("/%"))) == []
    assert list(db.session.scalars(subtree_statement(amt.path.replace("/", "_")))) == []
