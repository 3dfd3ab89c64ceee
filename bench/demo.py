"""Benchmark: ``flask academy demo --employees 50000`` into a fresh, migrated database.

    .venv/bin/python -m bench.demo                     # SQLite in a temporary folder
    .venv/bin/python -m bench.demo --postgres          # also PostgreSQL: <test db>_bench
    .venv/bin/python -m bench.demo --employees 5000 --database-url postgresql://…

Prints the seconds and employees per second of the whole command (including its six
argon2 password hashes and the commit), and the ratio against a baseline measured in
the same run on the same engine: a bare ``executemany`` of the same number of minimal
rows into a plain table (sqlite3 for SQLite, psycopg into a temporary table for
PostgreSQL). The ratio says how much the ORM, the data generation and the indexes cost
over the cheapest possible insert; it is a figure to read, not a pass/fail test.
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

from sqlalchemy import make_url, text

REPO = Path(__file__).resolve().parent.parent


def baseline_rows(count: int) -> list[tuple[Any, ...]]:
    rng = random.Random(1)
    return [
        (f"{100000 + i:06d}", f"Vorname{rng.randint(1, 500)}", f"Nachname{i}", i % 40 + 1)
        for i in range(count)
    ]


def sqlite_baseline(folder: Path, count: int) -> float:
    rows = baseline_rows(count)
    conn = sqlite3.connect(folder / "baseline.sqlite")
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute(
        "CREATE TABLE staff (id INTEGER PRIMARY KEY, personnel_no TEXT NOT NULL UNIQUE,"
        " first_name TEXT NOT NULL, last_name TEXT NOT NULL, department_id INTEGER NOT NULL)"
    )
    started = time.perf_counter()
    conn.executemany(
        "INSERT INTO staff (personnel_no, first_name, last_name, department_id)"
        " VALUES (?, ?, ?, ?)",
        rows,
    )
    conn.commit()
    elapsed = time.perf_counter() - started
    conn.close()
    return elapsed


def postgres_baseline(url: str, count: int) -> float:
    import psycopg

    rows = baseline_rows(count)
    parsed = make_url(url)
    with psycopg.connect(
        host=parsed.host,
        port=parsed.port or 5432,
        user=parsed.username,
        password=parsed.password,
        dbname=parsed.database,
    ) as conn:
        conn.execute(
            "CREATE TEMPORARY TABLE staff (id SERIAL PRIMARY KEY, personnel_no TEXT NOT NULL"
            " UNIQUE, first_name TEXT NOT NULL, last_name TEXT NOT NULL,"
            " department_id INTEGER NOT NULL)"
        )
        conn.commit()
        started = time.perf_counter()
        with conn.cursor() as cur:
            cur.executemany(
                "INSERT INTO staff (personnel_no, first_name, last_name, department_id)"
                " VALUES (%s, %s, %s, %s)",
                rows,
            )
        conn.commit()
        return time.perf_counter() - started


def run_demo(url: str, instance: Path, count: int) -> float:
    from flask_migrate import upgrade

    from academy import create_app
    from academy.extensions import db

    app = create_app(
        {
            "SECRET_KEY": "bench-secret-key",
            "SQLALCHEMY_DATABASE_URI": url,
            "INSTANCE_FOR_TESTS": str(instance),
        }
    )
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE"))
                conn.execute(text("CREATE SCHEMA public"))
        upgrade()
        db.engine.dispose()
    runner = app.test_cli_runner()
    started = time.perf_counter()
    result = runner.invoke(args=["academy", "demo", "--employees", str(count), "--seed", "1"])
    elapsed = time.perf_counter() - started
    print(result.output.rstrip())
    if result.exit_code != 0:
        raise SystemExit(f"demo failed (exit code {result.exit_code}): {result.exception!r}")
    with app.app_context():
        db.engine.dispose()
    return elapsed


def report(engine: str, count: int, demo: float, baseline: float) -> None:
    print(
        f"== {engine}: demo {count:,} employees in {demo:.2f} s "
        f"({count / demo:,.0f} employees/s); baseline executemany {baseline:.3f} s "
        f"({count / baseline:,.0f} rows/s); ratio demo/baseline {demo / baseline:.1f}x"
    )


def services_bench_url() -> str:
    url = subprocess.run(
        ["bash", str(REPO / "scripts" / "test-services.sh"), "--url"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    # scripts/test-services.sh creates "<test db>_bench" beside "<test db>_e2e".
    parsed = make_url(url)
    bench = parsed.set(database=f"{parsed.database}_bench")
    ensure_postgres_database(parsed, bench.database or "")
    return bench.render_as_string(hide_password=False)


def ensure_postgres_database(server_url: Any, name: str) -> None:
    """Create ``name`` through ``server_url``'s database when it is missing."""
    from sqlalchemy import create_engine
    from sqlalchemy.exc import OperationalError

    probe = create_engine(server_url.set(database=name))
    try:
        with probe.connect():
            return
    except OperationalError:
        pass
    finally:
        probe.dispose()
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        admin.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--employees", type=int, default=50_000)
    parser.add_argument(
        "--postgres", action="store_true", help="also <test db>_bench of scripts/test-services.sh"
    )
    parser.add_argument("--database-url", help="also this PostgreSQL database (dropped!)")
    parser.add_argument("--no-sqlite", action="store_true")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-demo-") as tmp:
        folder = Path(tmp)
        if not args.no_sqlite:
            demo = run_demo(f"sqlite:///{folder / 'demo.sqlite'}", folder, args.employees)
            report("SQLite", args.employees, demo, sqlite_baseline(folder, args.employees))
        pg_url = args.database_url or (services_bench_url() if args.postgres else None)
        if pg_url:
            demo = run_demo(pg_url, folder, args.employees)
            report("PostgreSQL", args.employees, demo, postgres_baseline(pg_url, args.employees))


if __name__ == "__main__":
    main()
