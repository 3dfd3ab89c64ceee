"""The core demo step: departments, job roles and the staff of the city administration
("Stadtverwaltung Musterstadt", data in ``departments.csv`` and ``city.toml``), the
heads and one account per role. Every employee row is decided in Python before anything
is written (``build_plan``), so the same seed gives the same people."""

from __future__ import annotations

import bisect
import itertools
import random
import re
import unicodedata
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from time import perf_counter
from typing import Any, Generic, TypeVar

from sqlalchemy import select

from academy.accounts.management import create_account
from academy.accounts.models import User
from academy.demo import data
from academy.demo.accounts import DEMO_ACCOUNTS
from academy.demo.steps import CORE_STEP, DemoContext, bulk_insert, de_int, step_rng, timed
from academy.extensions import db
from academy.org.models import Department, Employee, JobRole
from academy.org.tree import place_department

T = TypeVar("T")


class _Weighted(Generic[T]):
    """A weighted choice that costs one random number and one bisection."""

    def __init__(self, items: Sequence[T], weights: Sequence[float]) -> None:
        self.items = list(items)
        self.cum = list(itertools.accumulate(weights))
        self.last = len(self.items) - 1

    @classmethod
    def ranked(cls, items: Sequence[T]) -> _Weighted[T]:
        """The first items are the most common ones (a Zipf-like curve)."""
        return cls(items, [1 / (rank + 12) for rank in range(len(items))])

    def pick(self, rng: random.Random) -> T:
        return self.items[min(bisect.bisect(self.cum, rng.random() * self.cum[-1]), self.last)]


_FOLD = str.maketrans(data.ASCII_FOLDING)
_NOT_MAIL = re.compile(r"[^a-z0-9-]")


def ascii_fold(text: str) -> str:
    """``Jürgen Weiß`` → ``Juergen Weiss``; ``Şahin`` → ``Sahin``."""
    folded = unicodedata.normalize("NFKD", text.translate(_FOLD))
    return folded.encode("ascii", "ignore").decode("ascii")


def mail_local_part(first_name: str, last_name: str) -> str:
    def part(name: str) -> str:
        return _NOT_MAIL.sub("", ascii_fold(name).lower())

    return f"{part(first_name)}.{part(last_name)}"


class _People:
    """Names, job roles, pay groups and entry dates, drawn from ``demo_data``."""

    def __init__(self, latest_entry: date) -> None:
        self.latest = latest_entry
        self.origins = _Weighted(
            [None, *data.ORIGINS],
            [1 - sum(o.share for o in data.ORIGINS.values())]
            + [o.share for o in data.ORIGINS.values()],
        )
        self.german = {
            (True, True): _Weighted.ranked(data.GERMAN_FEMALE_OLDER),
            (True, False): _Weighted.ranked(data.GERMAN_FEMALE_YOUNGER),
            (False, True): _Weighted.ranked(data.GERMAN_MALE_OLDER),
            (False, False): _Weighted.ranked(data.GERMAN_MALE_YOUNGER),
        }
        self.german_surnames = _Weighted.ranked(data.GERMAN_SURNAMES)
        self.foreign = {
            key: (
                _Weighted.ranked(o.female),
                _Weighted.ranked(o.male),
                _Weighted.ranked(o.surnames),
            )
            for key, o in data.ORIGINS.items()
        }
        self.roles = {
            key: _Weighted([r for r, _ in p.roles], [w for _, w in p.roles])
            for key, p in data.PROFILES.items()
        }
        self.pay = {
            role: (_Weighted([g for g, _ in tv], [w for _, w in tv]), share, beamte)
            for role, (tv, share, beamte) in data.PAY.items()
        }
        years = range(data.FIRST_ENTRY_YEAR, latest_entry.year + 1)
        # Slowly growing hiring, with a wave in the last years (retirements, digitalisation).
        weights = [1 + 1.5 * (y - years[0]) / len(years) + (0.6 if y >= 2019 else 0) for y in years]
        self.years = _Weighted(list(years), weights)
        senior = max(len(years) - 10, 1)  # heads joined at least ten years ago
        self.head_years = _Weighted(list(years)[:senior], weights[:senior])
        self.months = _Weighted(range(1, 13), (4, 1, 1.5, 2, 1, 1, 1.5, 4, 2.5, 2, 1, 0.5))

    def name(self, rng: random.Random, female: bool, entry_year: int) -> tuple[str, str]:
        origin = self.origins.pick(rng)
        older = rng.random() < min(max((2012 - entry_year) / 25, 0.1), 0.9)
        if rng.random() < 0.01:
            first = rng.choice(data.NEUTRAL_FIRST_NAMES)
        elif origin is None or rng.random() < 0.25:  # many grew up here with German names
            first = self.german[female, older].pick(rng)
        else:
            first = self.foreign[origin][0 if female else 1].pick(rng)
        if origin is None:
            last = self.german_surname(rng)
        else:
            last = self.foreign[origin][2].pick(rng)
            if female:
                for ending, female_form in data.ORIGINS[origin].female_surname_endings:
                    if last.endswith(ending):
                        last = last[: -len(ending)] + female_form
                        break
        if rng.random() < 0.03:
            last = f"{last}-{self.german_surname(rng)}"
        return first, last

    def german_surname(self, rng: random.Random) -> str:
        if rng.random() < 0.4:
            return rng.choice(data.SURNAME_STEMS) + rng.choice(data.SURNAME_ENDINGS)
        return self.german_surnames.pick(rng)

    def entry_date(self, rng: random.Random, head: bool) -> date:
        while True:
            year = (self.head_years if head else self.years).pick(rng)
            roll = rng.random()
            day = 1 if roll < 0.75 else 15 if roll < 0.85 else rng.randint(2, 28)
            entry = date(year, self.months.pick(rng), day)
            if entry <= self.latest:
                return entry

    def pay_group(self, rng: random.Random, role: str) -> str:
        tvoed, beamte_share, beamte = self.pay[role]
        if beamte_share and rng.random() < beamte_share:
            return rng.choice(beamte)
        return tvoed.pick(rng)


@dataclass(frozen=True)
class DemoPlan:
    #: Employee rows in personnel-number order; ``department``/``job_role`` are codes.
    employees: list[dict[str, Any]]
    heads: dict[str, str]  #: department code → personnel number of its head
    accounts: dict[str, str]  #: DemoAccount.key → personnel number


def _levels() -> dict[str, int]:
    levels: dict[str, int] = {}
    for spec in data.DEPARTMENTS:
        levels[spec.code] = 0 if spec.parent is None else levels[spec.parent] + 1
    return levels


def department_sizes(rng: random.Random, total: int) -> dict[str, int]:
    """Members per department: at least a head and one more (plus demo people), the rest
    in proportion to the (slightly jittered) weights, by largest remainder."""
    minimum = {spec.code: 2 for spec in data.DEPARTMENTS}
    for account in DEMO_ACCOUNTS:
        if account.person is not None and not account.person.head:
            minimum[account.person.department] += 1
    rest = total - sum(minimum.values())
    if rest < 0:
        raise ValueError(f"at least {sum(minimum.values())} employees are needed")
    weights = {s.code: s.weight * rng.uniform(0.85, 1.15) for s in data.DEPARTMENTS}
    weight_sum = sum(weights.values())
    shares = {code: rest * w / weight_sum for code, w in weights.items()}
    sizes = {code: minimum[code] + int(share) for code, share in shares.items()}
    missing = total - sum(sizes.values())
    for code in sorted(shares, key=lambda c: (-(shares[c] % 1), c))[:missing]:
        sizes[code] += 1
    return sizes


def build_plan(seed: int, employee_count: int, today: date) -> DemoPlan:
    """Every employee row of the demo, without touching the database."""
    rng = step_rng(seed, CORE_STEP)
    people = _People(min(data.LATEST_ENTRY, today))
    levels = _levels()
    sizes = department_sizes(rng, employee_count)
    rows: list[dict[str, Any]] = []
    demo_rows: dict[str, dict[str, Any]] = {}
    head_rows: dict[str, dict[str, Any]] = {}
    for spec in data.DEPARTMENTS:
        profile = data.PROFILES[spec.profile]
        demo_here = [a for a in DEMO_ACCOUNTS if a.person and a.person.department == spec.code]
        demo_head = [a for a in demo_here if a.person and a.person.head]
        demo_members = [a for a in demo_here if a.person and not a.person.head]
        for i in range(sizes[spec.code]):
            head = i == 0
            if head:
                account = demo_head[0] if demo_head else None
            else:
                account = demo_members[i - 1] if i <= len(demo_members) else None
            if account is not None and account.person is not None:
                person = account.person
                row = {
                    "first_name": person.first_name,
                    "last_name": person.last_name,
                    "job_role": person.job_role,
                    "entry_date": person.entry_date,
                    "pay_group": person.pay_group,
                }
                demo_rows[account.key] = row
            else:
                if head:
                    role = data.HEAD_ROLES[levels[spec.code]]
                else:
                    role = people.roles[spec.profile].pick(rng)
                entry = people.entry_date(rng, head)
                first, last = people.name(rng, rng.random() < profile.female_share, entry.year)
                row = {
                    "first_name": first,
                    "last_name": last,
                    "job_role": role,
                    "entry_date": entry,
                    "pay_group": people.pay_group(rng, role),
                }
            row["department"] = spec.code
            row["tiebreak"] = rng.random()
            if head:
                head_rows[spec.code] = row
            rows.append(row)
    # Personnel numbers follow the entry date, with gaps (people who left long ago).
    rows.sort(key=lambda r: (r["entry_date"], r["tiebreak"]))
    number = 100000
    for row in rows:
        del row["tiebreak"]
        number += rng.randint(1, 4)
        row["personnel_no"] = f"{number:06d}"
    # E-mail addresses: demo people keep the plain address, the rest by seniority.
    used: dict[str, int] = {}
    for row in [*demo_rows.values(), *rows]:
        if "email" in row:
            continue
        base = mail_local_part(row["first_name"], row["last_name"])
        used[base] = count = used.get(base, 0) + 1
        row["email"] = f"{base if count == 1 else f'{base}{count}'}@{data.MAIL_DOMAIN}"
    return DemoPlan(
        employees=rows,
        heads={code: row["personnel_no"] for code, row in head_rows.items()},
        accounts={key: row["personnel_no"] for key, row in demo_rows.items()},
    )


#: Shares of full-time of the demo's part-timers (about three in ten people).
PART_TIME = (50, 60, 75, 80, 90)


def employment_percent(personnel_no: str) -> int:
    """The demo person's share of full-time, from the personnel number (the same for the
    same seed, and no draw from the random sequence the rest of the demo follows)."""
    bucket = zlib.crc32(personnel_no.encode("ascii")) % 100
    return PART_TIME[bucket % len(PART_TIME)] if bucket < 30 else 100


def core_step(ctx: DemoContext) -> None:
    started = perf_counter()
    plan = build_plan(ctx.seed, ctx.employee_count, ctx.now.date())
    timed(ctx, started, f"Beschäftigte erzeugt: {de_int(len(plan.employees))}")

    started = perf_counter()
    roles = [JobRole(code=code, title=title) for code, title in data.JOB_ROLES]
    db.session.add_all(roles)
    db.session.flush()
    ctx.job_role_ids.update({r.code: r.id for r in roles})
    timed(ctx, started, f"Stellen angelegt: {len(roles)}")

    started = perf_counter()
    departments: dict[str, Department] = {}
    for spec in data.DEPARTMENTS:
        dept = Department(code=spec.code, name=spec.name, active=True)
        db.session.add(dept)
        db.session.flush()
        place_department(dept, departments[spec.parent] if spec.parent else None)
        departments[spec.code] = dept
    ctx.department_ids.update({code: d.id for code, d in departments.items()})
    timed(ctx, started, f"Organisationseinheiten angelegt: {len(departments)}")

    started = perf_counter()
    dept_ids, role_ids, now = ctx.department_ids, ctx.job_role_ids, ctx.now
    rows = (
        {
            "personnel_no": r["personnel_no"],
            "first_name": r["first_name"],
            "last_name": r["last_name"],
            "email": r["email"],
            "department_id": dept_ids[r["department"]],
            "job_role_id": role_ids[r["job_role"]],
            "entry_date": r["entry_date"],
            "pay_group": r["pay_group"],
            "employment_percent": employment_percent(r["personnel_no"]),
            "active": True,
            "left_on": None,
            "created_at": now,
            "updated_at": now,
        }
        for r in plan.employees
    )
    inserted = bulk_insert(Employee, rows)
    ids = {no: id_ for no, id_ in db.session.execute(select(Employee.personnel_no, Employee.id))}
    for r in plan.employees:
        emp_id = ids[r["personnel_no"]]
        ctx.employee_ids.append(emp_id)
        ctx.employees_by_department.setdefault(dept_ids[r["department"]], []).append(emp_id)
    timed(ctx, started, f"Beschäftigte angelegt: {de_int(inserted)}")

    started = perf_counter()
    for code, personnel_no in plan.heads.items():
        departments[code].head_id = ctx.head_ids[departments[code].id] = ids[personnel_no]
    db.session.flush()
    timed(ctx, started, f"Leitungen gesetzt: {len(plan.heads)}")

    started = perf_counter()
    created = 0
    for account in DEMO_ACCOUNTS:
        existing = db.session.scalar(select(User).where(User.email == account.email))
        if existing is not None:
            ctx.echo(f"Konto {account.email} besteht bereits – übersprungen.")
            ctx.user_ids[account.key] = existing.id
            continue
        employee = None
        if account.person is not None:
            employee = db.session.get(Employee, ids[plan.accounts[account.key]])
        user = create_account(
            None,
            email=account.email,
            display_name=account.person.full_name if account.person else "Administration",
            password=account.password,
            employee=employee,
            roles=account.assigned_roles,
        )
        ctx.user_ids[account.key] = user.id
        created += 1
    timed(ctx, started, f"Demo-Konten angelegt: {created}")
