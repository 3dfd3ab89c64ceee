"""The permission policy: roles, derived head role and the head's subtree scope."""

from __future__ import annotations

import pytest

from academy.accounts.models import Role
from academy.auth.policy import can, register_rule, requires, roles_of
from academy.auth.scope import scope_of
from academy.org.tree import place_department


def test_employee_and_head_roles_are_derived(db, make):
    emp = make.employee()
    account = make.user(emp=emp)
    assert roles_of(account) == {Role.EMPLOYEE}
    emp.department.head = emp
    db.session.flush()
    fresh = make.user(Role.HR, with_employee=False)
    assert roles_of(fresh) == {Role.HR}
    account._headed_department_ids = None
    account._scope = None
    assert roles_of(account) == {Role.EMPLOYEE, Role.HEAD}


def test_head_scope_is_the_subtree(db, make):
    top = make.department("Dezernat II")
    amt = make.department("Amt für Digitalisierung", parent=top)
    abt = make.department("Abteilung IT-Betrieb", parent=amt)
    other = make.department("Jugendamt", parent=top)
    head_emp = make.employee(amt)
    amt.head = head_emp
    head = make.user(emp=head_emp)
    assert scope_of(head).department_ids == {amt.id, abt.id}
    inside = make.employee(abt)
    outside = make.employee(other)
    assert can(head, "employee.view", inside)
    assert not can(head, "employee.view", outside)
    assert can(head, "employee.view", head_emp)


def test_moving_a_department_moves_its_subtree(db, make):
    a = make.department("A")
    b = make.department("B")
    child = make.department("Kind", parent=a)
    grandchild = make.department("Enkel", parent=child)
    place_department(child, b)
    db.session.refresh(grandchild)
    assert child.path == f"{b.path}{child.id}/"
    assert grandchild.path == f"{child.path}{grandchild.id}/"
    from academy.errors import ValidationFailed

    with pytest.raises(ValidationFailed):
        place_department(b, grandchild)


def test_employee_sees_only_self(db, make):
    me = make.user()
    other = make.employee()
    assert can(me, "employee.view", me.employee)
    assert not can(me, "employee.view", other)


def test_hr_sees_everyone_council_nobody(db, make):
    other = make.employee()
    assert can(make.user(Role.HR), "employee.view", other)
    assert not can(make.user(Role.COUNCIL), "employee.view", other)
    assert not can(make.user(Role.ADMIN), "employee.view", other)


def test_unknown_action_and_inactive_user_are_denied(db, make):
    hr = make.user(Role.HR)
    assert not can(hr, "no.such.action")
    assert can(hr, "staff.import")
    hr.active = False
    assert not can(hr, "staff.import")
    assert not can(None, "home.view")


def test_declaring_an_unknown_permission_fails_early():
    with pytest.raises(ValueError):
        requires("typo.permission")
    with pytest.raises(ValueError):
        register_rule("home.view", lambda u, t: True)
