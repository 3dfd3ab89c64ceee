"""Small factories for tests: real rows in the real database, no mocks."""

from __future__ import annotations

import itertools
from datetime import date
from typing import Any

from academy.accounts.management import create_account
from academy.accounts.models import Role, User
from academy.extensions import db
from academy.org.models import Department, Employee, JobRole
from academy.org.tree import place_department

_seq = itertools.count(1)

PASSWORD = "Test-Passwort-123"


def department(
    name: str | None = None,
    *,
    parent: Department | None = None,
    head: Employee | None = None,
    code: str | None = None,
) -> Department:
    n = next(_seq)
    dept = Department(code=code or f"T{n:04d}", name=name or f"Testbereich {n}", active=True)
    db.session.add(dept)
    db.session.flush()
    place_department(dept, parent)
    if head is not None:
        dept.head = head
    db.session.flush()
    return dept


def job_role(title: str | None = None, code: str | None = None) -> JobRole:
    n = next(_seq)
    role = JobRole(code=code or f"JR{n:04d}", title=title or f"Sachbearbeitung {n}")
    db.session.add(role)
    db.session.flush()
    return role


def employee(dept: Department | None = None, **fields: Any) -> Employee:
    n = next(_seq)
    values: dict[str, Any] = {
        "personnel_no": f"P{n:06d}",
        "first_name": "Jörg",
        "last_name": f"Müller-{n}",
        "email": f"person{n}@test.example",
        "entry_date": date(2015, 4, 1),
        "pay_group": "E 9b",
        "active": True,
    }
    values.update(fields)
    emp = Employee(department=dept or department(), **values)
    db.session.add(emp)
    db.session.flush()
    return emp


def user(
    *roles: Role,
    emp: Employee | None = None,
    email: str | None = None,
    password: str | None = PASSWORD,
    with_employee: bool = True,
) -> User:
    """An account; an employee record is made unless ``with_employee`` is False."""
    n = next(_seq)
    if emp is None and with_employee:
        emp = employee()
    account = create_account(
        None,
        email=email or (emp.email if emp is not None and emp.email else f"user{n}@test.example"),
        display_name=emp.full_name if emp is not None else f"Konto {n}",
        password=password,
        employee=emp,
        roles=[r for r in roles if r not in (Role.EMPLOYEE, Role.HEAD)],
    )
    if Role.HEAD in roles and emp is not None:
        dept = emp.department
        dept.head = emp
    db.session.flush()
    return account
