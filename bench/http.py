"""Benchmark over real HTTP: the main pages against a bare page, both served by gunicorn.

    .venv/bin/python -m bench.http                          # SQLite + PostgreSQL, 5,000 + 50,000
    .venv/bin/python -m bench.http --engines sqlite --sizes 5000 --seconds 3
    .venv/bin/python -m bench.http --json /tmp/after.json   # the figures for bench.http_table

For each engine and size a fresh database is migrated and filled with ``flask academy
init`` and ``flask academy demo --employees N`` (PostgreSQL: the ``<test db>_bench``
database of ``scripts/test-services.sh``, emptied first). Two gunicorn servers with 2 sync
workers each (gunicorn's default timeout) listen on loopback: the app (``bench.served``:
``create_app()`` plus ``/bench/leer``, an empty logged-in page in the layout, the floor)
and the baseline (``bench.bare``: Flask + Flask-SQLAlchemy listing 20 courses with one
SELECT and a template compiled once). A bounded client — 8 threads, one request at a time
each, a new connection per request as gunicorn's sync workers close them — loads one page
for ``--seconds`` (at least ``--min-requests``) after a warm-up. Per page three
repetitions, the baseline measured before and after each (B P B P B P B); the ratio of a
repetition is the page's req/s over the mean of the baselines around it. Printed: medians
of req/s, p50, p95 and ratio, and all errors (any answer but 200, or none).

The team view is measured for heads of three subtrees (sizes nearest 190, 1,850 and
13,000 people in that database; accounts are created for them). ``--exports`` also times
HR's organisation-wide team CSV and XLSX and the training plan of the largest subtree,
one request each (a background job is followed to its download).

The code served is the checkout this module is run from (``python -m`` puts the current
folder first): to measure an earlier version, unpack it (``git archive HEAD | tar -x -C
/tmp/before``), copy ``bench/http.py``, ``bench/bare.py``, ``bench/served.py`` and
``bench/load.py`` into its ``bench/`` and run ``python -m bench.http`` there.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from contextlib import ExitStack
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from bench.load import Measurement, Server, gunicorn, load, log_in, timed_download

#: (key, label, group, demo account, path). Groups: floor ≥ 60 %, list ≥ 30 %, data ≥ 10 %.
PAGES: list[tuple[str, str, str, str, str]] = [
    ("floor", "Leere Seite im Layout (Boden)", "floor", "employee", "/bench/leer"),
    ("catalogue", "Kurskatalog", "list", "employee", "/kurse"),
    ("search", "Kurskatalog, Suche + Filter", "list", "employee", "/kurse?q=scrum&free_seats=y"),
    ("learning", "Mein Lernen", "list", "employee", "/kurse/meine"),
    ("approvals", "Genehmigungen (Leitung)", "list", "head", "/kurse/genehmigungen"),
    ("programme", "Mein Programm", "list", "employee", "/talente/mein-programm"),
    ("team", "Team-Kompetenzen (Leitung)", "data", "head", "/talente/team"),
    ("own", "Meine Kompetenzen", "data", "employee", "/talente/meine-kompetenzen"),
    ("selection", "Kohorte in Auswahl (PE)", "data", "hr", "/talente/kohorten/{selection}"),
    ("running", "Kohorte laufend (PE)", "data", "hr", "/talente/kohorten/{running}"),
    ("council", "Auswahl-Doku (Personalrat)", "data", "council", "/talente/auswahl/{running}"),
]
#: Subtree sizes the team view is measured for (the nearest department in the database).
TEAM_SIZES = (190, 1850, 13000)
TARGETS = {"floor": 0.60, "list": 0.30, "data": 0.10}
HEAD_PASSWORD = "Bench-Leitung-2026!"


@dataclass
class PageResult:
    key: str
    label: str
    group: str
    rps: list[float] = field(default_factory=list)
    p50: list[float] = field(default_factory=list)
    p95: list[float] = field(default_factory=list)
    ratio: list[float] = field(default_factory=list)
    requests: int = 0
    errors: int = 0
    statuses: dict[str, int] = field(default_factory=dict)

    def median(self, name: str) -> float:
        values = getattr(self, name)
        return statistics.median(values) if values else 0.0


@dataclass
class RunResult:
    engine: str
    employees: int
    pages: list[PageResult] = field(default_factory=list)
    baseline_rps: list[float] = field(default_factory=list)
    exports: dict[str, dict[str, Any]] = field(default_factory=dict)


# ---------------------------------------------------------------------------
# The database
# ---------------------------------------------------------------------------


@dataclass
class Facts:
    accounts: dict[str, tuple[str, str]]
    ids: dict[str, int]
    #: (label, subtree size, e-mail, password) of the heads whose team views are measured
    heads: list[tuple[str, int, str, str]]
    largest_department: int


def build(url: str, employees: int) -> Facts:
    from flask_migrate import upgrade
    from sqlalchemy import text

    from academy import create_app
    from academy.demo.accounts import DEMO_ACCOUNTS
    from academy.extensions import db
    from bench.pages import demo_ids

    app = create_app({"SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE"))
                conn.execute(text("CREATE SCHEMA public"))
        upgrade()
    runner = app.test_cli_runner()
    for args in (["academy", "init"], ["academy", "demo", "--employees", str(employees)]):
        result = runner.invoke(args=args)
        if result.exit_code != 0:
            raise RuntimeError(f"flask {' '.join(args)}: {result.output}")
    ids = demo_ids(app)
    with app.app_context():
        heads, largest = team_heads(employees)
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    accounts = {a.key: (a.email, a.password) for a in DEMO_ACCOUNTS}
    return Facts(
        accounts,
        {"selection": ids["selection_cohort"], "running": ids["running_cohort"]},
        heads,
        largest,
    )


def team_heads(employees: int) -> tuple[list[tuple[str, int, str, str]], int]:
    """Accounts for the heads of the departments whose subtrees come nearest the
    ``TEAM_SIZES`` (a demo account keeps its password, others are created)."""
    from sqlalchemy import func, select
    from sqlalchemy.orm import aliased

    from academy.accounts.models import User
    from academy.auth.passwords import hash_password
    from academy.demo.accounts import DEMO_ACCOUNTS
    from academy.extensions import db
    from academy.org.models import Department, Employee

    inner = aliased(Department)
    size = (
        select(func.count(Employee.id))
        .join(inner, inner.id == Employee.department_id)
        .where(Employee.active.is_(True), inner.path.startswith(Department.path))
        .scalar_subquery()
    )
    rows = db.session.execute(
        select(Department.id, Department.head_id, size).where(Department.head_id.is_not(None))
    ).all()
    largest = max(rows, key=lambda r: r[2])[0]
    chosen: list[tuple[str, int, str, str]] = []
    demo_passwords = {a.email: a.password for a in DEMO_ACCOUNTS}
    password = hash_password(HEAD_PASSWORD)
    for wanted in TEAM_SIZES:
        department_id, head_id, members = min(rows, key=lambda r: abs(r[2] - wanted))
        if any(members == c[1] for c in chosen):
            continue
        user = db.session.scalar(select(User).where(User.employee_id == head_id))
        if user is None:
            head = db.session.get(Employee, head_id)
            user = User(
                email=f"bench-head-{department_id}@bench.example",
                display_name=f"{head.first_name} {head.last_name}",
                employee_id=head_id,
                password_hash=password,
            )
            db.session.add(user)
            db.session.flush()
        label = f"Team-Kompetenzen, Teilbaum {members:,}"
        chosen.append((label, members, user.email, demo_passwords.get(user.email, HEAD_PASSWORD)))
    return chosen, largest


# ---------------------------------------------------------------------------
# Measuring
# ---------------------------------------------------------------------------


def measure_page(
    result: PageResult,
    app: Server,
    bare: Server,
    cookie: str,
    path: str,
    args: argparse.Namespace,
    baselines: list[float],
) -> None:
    """B P B P B P B: the ratio of each repetition against the baselines around it."""
    settings = {
        "concurrency": args.concurrency,
        "seconds": args.seconds,
        "min_requests": args.min_requests,
    }
    load(app, path, cookie, concurrency=args.concurrency, seconds=0, min_requests=16)
    before = load(bare, "/", "", **settings)
    baselines.append(before.rps)
    for _ in range(args.repetitions):
        page = load(app, path, cookie, **settings)
        after = load(bare, "/", "", **settings)
        baselines.append(after.rps)
        record(result, page, (before.rps + after.rps) / 2)
        before = after


def record(result: PageResult, page: Measurement, baseline: float) -> None:
    result.rps.append(page.rps)
    result.p50.append(page.percentile(50))
    result.p95.append(page.percentile(95))
    result.ratio.append(page.rps / baseline if baseline else 0.0)
    result.requests += page.requests
    result.errors += page.errors
    for status, count in page.statuses.items():
        result.statuses[str(status)] = result.statuses.get(str(status), 0) + count


def run(engine: str, employees: int, args: argparse.Namespace) -> RunResult:
    with tempfile.TemporaryDirectory(prefix="bench-http-") as folder:
        instance = Path(folder)
        url = f"sqlite:///{instance / 'bench.sqlite'}" if engine == "sqlite" else pg_url()
        started = time.perf_counter()
        facts = build(url, employees)
        print(
            f"\n== {engine}, {employees:,} Beschäftigte "
            f"(Demodaten in {time.perf_counter() - started:.0f} s)",
            flush=True,
        )
        outcome = RunResult(engine, employees)
        with ExitStack() as stack:
            app = stack.enter_context(gunicorn("bench.served:create()", url, instance, "app"))
            bare = stack.enter_context(gunicorn("bench.bare:create()", url, instance, "bare"))
            cookies = {
                key: log_in(app, *facts.accounts[key])
                for key in ("employee", "head", "hr", "council")
            }
            wanted = [] if args.only_exports else args.pages
            targets = [
                (k, label, g, cookies[a], p.format(**facts.ids))
                for k, label, g, a, p in PAGES
                if wanted is None or k in wanted
            ]
            for label, members, email, password in facts.heads:
                if wanted is None or "team" in wanted:
                    cookie = log_in(app, email, password)
                    targets.append((f"team-{members}", label, "data", cookie, "/talente/team"))
            for key, label, group, cookie, path in targets:
                result = PageResult(key, label, group)
                measure_page(result, app, bare, cookie, path, args, outcome.baseline_rps)
                outcome.pages.append(result)
                print(line(result), flush=True)
            if args.exports or args.only_exports:
                outcome.exports = exports(app, cookies["hr"], facts)
            locked = app.stderr().count("database is locked")
            print(
                f"Basis (Median): {statistics.median(outcome.baseline_rps or [0]):.1f} req/s; "
                f"„database is locked“ im Server-Log: {locked}×",
                flush=True,
            )
        return outcome


def exports(app: Server, hr_cookie: str, facts: Facts) -> dict[str, dict[str, Any]]:
    """One request each (a background job followed to its download), timed."""
    plan = f"/talente/team/plan?department={facts.largest_department}"
    found: dict[str, dict[str, Any]] = {}
    for key, path in (("csv", "/talente/team.csv"), ("xlsx", "/talente/team.xlsx"), ("plan", plan)):
        seconds, status, size = timed_download(app, path, hr_cookie)
        found[key] = {"path": path, "seconds": seconds, "status": status, "bytes": size}
        print(f"{key:5} {path:45} {seconds:7.2f} s  Status {status}  {size:,} Bytes", flush=True)
    return found


def pg_url() -> str:
    from bench.demo import services_bench_url

    return services_bench_url()


def line(r: PageResult) -> str:
    target = TARGETS[r.group]
    mark = "ok" if r.median("ratio") >= target else "UNTER ZIEL"
    return (
        f"{r.label:40} {r.median('rps'):8.1f} req/s  p50 {r.median('p50'):7.1f} ms  "
        f"p95 {r.median('p95'):7.1f} ms  Fehler {r.errors:3d}/{r.requests:<5d} "
        f"{r.median('ratio'):6.1%} der Basis (Ziel {target:.0%}: {mark})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--engines", nargs="+", default=["sqlite", "postgresql"], choices=["sqlite", "postgresql"]
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[5000, 50000])
    parser.add_argument("--seconds", type=float, default=4.0)
    parser.add_argument("--min-requests", type=int, default=24)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--repetitions", type=int, default=3)
    parser.add_argument("--pages", nargs="+", help="only these page keys (see PAGES)")
    parser.add_argument("--exports", action="store_true", help="also time the team exports")
    parser.add_argument(
        "--only-exports", action="store_true", help="time the team exports, no pages"
    )
    parser.add_argument("--json", type=Path, help="write every figure to this file")
    args = parser.parse_args()
    results = [run(engine, size, args) for engine in args.engines for size in args.sizes]
    if args.json:
        args.json.write_text(json.dumps([asdict(r) for r in results], indent=1))
    from bench.http_table import print_summary

    print_summary(results)


if __name__ == "__main__":
    main()
