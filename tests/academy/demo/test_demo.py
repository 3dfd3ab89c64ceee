"""``flask academy demo``: deterministic demo data, the department tree with heads, the demo
accounts (they log in), ``--if-empty`` and the step registry for feature packages."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date
from typing import Any

import pytest
from click.testing import Result
from flask import Flask
from sqlalchemy import func, select

from academy.accounts.models import User
from academy.audit.models import AuditLogEntry
from academy.auth.policy import roles_of
from academy.auth.scope import scope_of
from academy.auth.sessions import ThrottlePolicy, authenticate
from academy.clock import utcnow
from academy.demo import steps as demo
from academy.demo.accounts import DEMO_ACCOUNTS
from academy.demo.data import DEPARTMENTS
from academy.demo.staff import build_plan, mail_local_part
from academy.org.models import Department, Employee, JobRole

SEED = 7
COUNT = 300
TODAY = date(2026, 11, 21)
UMLAUTS = set("äöüÄÖÜß")


def invoke(app: Flask, *args: str) -> Result:
    return app.test_cli_runner().invoke(args=["academy", "demo", *args])


@pytest.fixture()
def loaded(app: Flask, db: Any) -> Result:
    """The demo with a small staff, loaded through the real command."""
    result = invoke(app, "--employees", str(COUNT), "--seed", str(SEED))
    assert result.exit_code == 0, (result.output, result.exception)
    return result


def plan_people(seed: int, count: int = COUNT) -> list[tuple[Any, ...]]:
    return [
        (r["personnel_no"], r["first_name"], r["last_name"], r["email"], r["department"])
        for r in build_plan(seed, count, TODAY).employees
    ]


def by_code(db: Any) -> dict[str, Department]:
    return {d.code: d for d in db.session.scalars(select(Department))}


def account_user(db: Any, key: str) -> User:
    account = next(a for a in DEMO_ACCOUNTS if a.key == key)
    user = db.session.scalar(select(User).where(User.email == account.email))
    assert user is not None, account.email
    return user


# ---------------------------------------------------------------------------
# Determinism (the plan) and the command writing exactly the plan
# ---------------------------------------------------------------------------


def test_same_seed_same_people_other_seed_other_people() -> None:
    first, again, other = plan_people(SEED), plan_people(SEED), plan_people(SEED + 1)
    assert first == again
    assert len(first) == COUNT
    assert [p[0] for p in first] != [p[0] for p in other]  # personnel numbers
    assert [p[1:3] for p in first] != [p[1:3] for p in other]  # names


def test_command_writes_the_plan(db: Any, loaded: Result) -> None:
    stored = db.session.execute(
        select(
            Employee.personnel_no, Employee.first_name, Employee.last_name, Employee.email
        ).order_by(Employee.personnel_no)
    ).all()
    assert [tuple(r) for r in stored] == [p[:4] for p in plan_people(SEED)]
    assert "Beschäftigte angelegt: 300 in " in loaded.output
    assert "Demo-Konten angelegt: 6" in loaded.output
    entry_years = {d.year for d in db.session.scalars(select(Employee.entry_date)) if d is not None}
    assert min(entry_years) <= 1990 and max(entry_years) >= 2024
    pay = set(db.session.scalars(select(Employee.pay_group)))
    assert any(p.startswith("E ") for p in pay) and any(p.startswith("A ") for p in pay)
    assert db.session.scalar(select(func.count()).select_from(JobRole)) >= 15
    assert db.session.scalar(select(func.count()).where(Employee.job_role_id.is_(None))) == 0


# ---------------------------------------------------------------------------
# Departments
# ---------------------------------------------------------------------------


def test_department_tree_with_heads_from_their_own_department(db: Any, loaded: Result) -> None:
    depts = by_code(db)
    assert 35 <= len(depts) <= 50
    assert len(depts) == len(DEPARTMENTS)
    roots = [d for d in depts.values() if d.parent_id is None]
    assert len(roots) == 5 and all(d.name.startswith("Dezernat") for d in roots)
    by_id = {d.id: d for d in depts.values()}
    for dept in depts.values():
        parent_path = by_id[dept.parent_id].path if dept.parent_id else "/"
        assert dept.path == f"{parent_path}{dept.id}/"
        assert dept.head_id is not None, dept.code
        head = db.session.get(Employee, dept.head_id)
        assert head.department_id == dept.id, dept.code
    assert max(d.depth for d in depts.values()) == 2
    members = Counter(db.session.scalars(select(Employee.department_id)))
    assert all(members[d.id] >= 2 for d in depts.values())
    # Bigger offices have more people: the Kitas outnumber the Rechtsamt.
    assert members[depts["51.2"].id] > 3 * members[depts["30"].id]
    names = {d.name for d in depts.values()}
    assert {"Straßenverkehrsamt", "Amt für Digitalisierung und IT", "Grünflächenamt"} <= names


def test_head_scope_covers_sub_departments_with_members(db: Any, loaded: Result) -> None:
    depts = by_code(db)
    head = account_user(db, "head")
    assert depts["12"].head_id == head.employee_id
    office = {depts[c].id for c in ("12", "12.1", "12.2", "12.3")}
    assert scope_of(head).department_ids == office
    members = Counter(db.session.scalars(select(Employee.department_id)))
    assert all(members[dept_id] >= 2 for dept_id in office)
    employee = account_user(db, "employee")
    assert employee.employee.department_id in office - {depts["12"].id}


# ---------------------------------------------------------------------------
# Accounts
# ---------------------------------------------------------------------------


def test_every_demo_account_has_its_roles_and_logs_in(db: Any, loaded: Result) -> None:
    assert {r.value for a in DEMO_ACCOUNTS for r in a.roles} >= {
        "employee", "head", "hr", "trainer", "council", "admin"
    }  # fmt: skip
    depts = by_code(db)
    for account in DEMO_ACCOUNTS:
        user = authenticate(
            account.email, account.password, remote_addr="127.0.0.1", now=utcnow(),
            policy=ThrottlePolicy(),
        )  # fmt: skip
        assert user.email == account.email
        assert roles_of(user) == set(account.roles), account.key
        if account.person is None:
            assert user.employee_id is None
        else:
            emp = user.employee
            assert (emp.first_name, emp.last_name) == (
                account.person.first_name,
                account.person.last_name,
            )
            assert emp.department_id == depts[account.person.department].id
            assert user.display_name == account.person.full_name
        created = db.session.scalar(
            select(func.count()).where(
                AuditLogEntry.action == "account.created", AuditLogEntry.object_id == str(user.id)
            )
        )
        assert created == 1
    for account in DEMO_ACCOUNTS:
        assert len(account.password) >= 10
        assert account.password.lower() != account.password != account.password.upper()


# ---------------------------------------------------------------------------
# Names and e-mail addresses
# ---------------------------------------------------------------------------


def test_names_have_umlauts_and_emails_are_ascii_and_unique(db: Any, loaded: Result) -> None:
    people = db.session.execute(
        select(Employee.first_name, Employee.last_name, Employee.email)
    ).all()
    assert any(UMLAUTS & set(first + last) for first, last, _ in people)
    assert any("ß" in last for _, last, _ in people)
    emails = [email for _, _, email in people]
    assert len(set(emails)) == len(emails) == COUNT
    pattern = re.compile(r"^[a-z0-9-]+\.[a-z0-9-]+[0-9]*@musterstadt\.example$")
    assert all(pattern.match(e) for e in emails), [e for e in emails if not pattern.match(e)]
    assert "juergen.weiss@musterstadt.example" in emails


def test_mail_local_part_folds_german_and_other_letters() -> None:
    assert mail_local_part("Jürgen", "Weiß") == "juergen.weiss"
    assert mail_local_part("Özlem", "Yılmaz-Schäfer") == "oezlem.yilmaz-schaefer"
    assert mail_local_part("Snježana", "Đorđević") == "snjezana.dordevic"
    assert mail_local_part("Joël", "von der Heide") == "joel.vonderheide"
    assert mail_local_part("Łukasz", "D’Angelo") == "lukasz.dangelo"


def test_duplicate_names_get_numbered_addresses() -> None:
    rows = build_plan(SEED, 3000, TODAY).employees
    by_base: dict[str, list[str]] = {}
    for row in rows:
        base = mail_local_part(row["first_name"], row["last_name"])
        by_base.setdefault(base, []).append(row["email"].split("@")[0])
    shared = {base: locals_ for base, locals_ in by_base.items() if len(locals_) > 1}
    assert shared, "3,000 people and no two share a name?"
    for base, local_parts in shared.items():
        assert local_parts[0] == base  # the longest-serving keeps the plain address
        assert local_parts[1:] == [f"{base}{n}" for n in range(2, len(local_parts) + 1)]


# ---------------------------------------------------------------------------
# --if-empty, refusals
# ---------------------------------------------------------------------------


def test_if_empty_does_nothing_when_employees_exist(app: Flask, db: Any, make: Any) -> None:
    make.employee()
    before = db.session.scalar(select(func.count()).select_from(Employee))
    result = invoke(app, "--employees", "300", "--if-empty")
    assert result.exit_code == 0, result.output
    assert "keine Demodaten geladen" in result.output
    assert db.session.scalar(select(func.count()).select_from(Employee)) == before
    emails = [a.email for a in DEMO_ACCOUNTS]
    assert db.session.scalar(select(func.count()).where(User.email.in_(emails))) == 0

    result = invoke(app, "--employees", "300")
    assert result.exit_code == 1
    assert "leere Datenbank" in result.output
    assert db.session.scalar(select(func.count()).select_from(Employee)) == before


def test_if_empty_loads_into_an_empty_database(app: Flask, db: Any) -> None:
    result = invoke(app, "--employees", "150", "--if-empty")
    assert result.exit_code == 0, (result.output, result.exception)
    assert db.session.scalar(select(func.count()).select_from(Employee)) == 150


def test_refuses_in_production(app: Flask, db: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(app.config, "APP_ENV", "production")
    result = invoke(app, "--employees", "150")
    assert result.exit_code == 1
    assert "APP_ENV=production" in result.output
    assert db.session.scalar(select(func.count()).select_from(Employee)) == 0


def test_too_few_employees_is_a_usage_error(app: Flask, db: Any) -> None:
    result = invoke(app, "--employees", "10")
    assert result.exit_code == 2


# ---------------------------------------------------------------------------
# Steps of feature packages
# ---------------------------------------------------------------------------


def test_registered_steps_run_in_order_after_the_core(
    app: Flask, db: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(demo, "demo_steps", [])
    seen: list[tuple[str, Any]] = []

    def later(ctx: demo.DemoContext) -> str:
        seen.append(("later", ctx.rng.random()))
        return "Späterer Schritt fertig: 1"

    def earlier(ctx: demo.DemoContext) -> None:
        head_dept = ctx.department_ids["12"]
        seen.append(
            (
                "earlier",
                (
                    ctx.seed,
                    ctx.employee_count,
                    len(ctx.employee_ids),
                    ctx.head_ids[head_dept] in ctx.employees_by_department[head_dept],
                    sorted(ctx.user_ids) == sorted(a.key for a in DEMO_ACCOUNTS),
                    set(ctx.job_role_ids) >= {"SB", "UX", "AMTL"},
                ),
            )
        )
        # A step writes through db.session; the command commits everything once.
        db.session.execute(
            Employee.__table__.update()
            .where(Employee.id == ctx.employee_ids[0])
            .values(pay_group="E 15Ü")
        )

    demo.register_demo_step("later", later, order=20)
    demo.register_demo_step("earlier", earlier, order=10)
    demo.register_demo_step("later", later, order=20)  # again: replaced, not doubled
    with pytest.raises(ValueError):
        demo.register_demo_step("core", earlier)

    result = invoke(app, "--employees", "200", "--seed", "3")
    assert result.exit_code == 0, (result.output, result.exception)
    assert [name for name, _ in seen] == ["earlier", "later"]
    assert seen[0][1] == (3, 200, 200, True, True, True)
    assert seen[1][1] == demo.step_rng(3, "later").random()
    assert "Schritt „earlier“ erledigt in " in result.output
    assert "Späterer Schritt fertig: 1 in " in result.output
    first = db.session.scalar(select(Employee).order_by(Employee.personnel_no).limit(1))
    assert first.pay_group == "E 15Ü"
