"""Benchmark: the HR reports on the demo data of 50,000 employees, against bare pandas
in the same run on the same database.

    .venv/bin/python -m bench.reports                        # 50,000 employees
    .venv/bin/python -m bench.reports --sizes 5000 50000
    .venv/bin/python -m bench.reports --keep /tmp/bench-db    # build once, reuse later

For each size a fresh SQLite database is migrated and filled (``bench.pages``:
``flask academy init`` and ``flask academy demo --employees N``); with ``--keep`` the
database is kept in that folder and reused by the next run.

(a) The organisation-wide ``gaps`` report (``reports.analytics.catalogue``, as HR sees it)
against a naive pandas pipeline: read every rating, every completed enrolment with its
course outcomes, every current target and every employee with ``pd.read_sql``, then
work out the current levels (latest head rating, valid course and external evidence,
equivalent mappings) and the three groupings in pandas. Both give the same figures
(checked). Target: the report is faster.

(b) The full competency matrix as XLSX: ``reports.exports.xlsx.write_xlsx(report,
buffer)`` against the bare ``DataFrame.to_excel(buffer, engine="xlsxwriter")`` of the
same frame. Target: ≤ 1.2 × the bare export.

Each timing is the best of ``--repeat`` runs. Figures to read, not a test.
"""

from __future__ import annotations

import argparse
import io
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
from flask import Flask

from bench.pages import build_database


def best_of(repeat: int, call: Callable[[], Any]) -> tuple[float, Any]:
    best, result = float("inf"), None
    for _ in range(repeat):
        started = time.perf_counter()
        result = call()
        best = min(best, time.perf_counter() - started)
    return best, result


def database(folder: Path, employees: int) -> Flask:
    """The demo database in ``folder`` (built when missing)."""
    from academy import create_app

    target = folder / str(employees)
    if (target / "bench.sqlite").exists():
        url = f"sqlite:///{target / 'bench.sqlite'}"
        return create_app({"SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": url})
    target.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    app, _url = build_database(target, employees)
    print(f"   (Demodaten aufgebaut in {time.perf_counter() - started:.1f} s)")
    return app


# ---------------------------------------------------------------------------
# (a) the naive pipeline
# ---------------------------------------------------------------------------


def add_months(days: pd.Series, months: pd.Series) -> pd.Series:
    """``days + months`` month by month, the day clamped to the month's end (like
    ``talent.competencies.levels.expires_on``); NaT where ``months`` is missing."""
    stamps = pd.to_datetime(days)
    out = pd.Series(pd.NaT, index=days.index, dtype="datetime64[ns]")
    for value in months.dropna().unique():
        rows = months == value
        out[rows] = stamps[rows] + pd.DateOffset(months=int(value))
    return out


def naive_gaps(connection: Any, today: date) -> dict[str, pd.DataFrame]:
    """Everything read, then pandas: levels, gaps and the three groupings."""
    ratings = pd.read_sql(
        "SELECT id, employee_id, competence_id, level, source, rated_at, valid_until FROM ratings",
        connection,
    )
    completions = pd.read_sql(
        "SELECT e.employee_id, e.completed_on, c.validity_months, o.competence_id, o.level "
        "FROM enrolments e JOIN courses c ON c.id = e.course_id "
        "JOIN course_outcomes o ON o.course_id = e.course_id WHERE e.state = 'completed'",
        connection,
    )
    targets = pd.read_sql(
        "SELECT job_role_id, competence_id, level AS target FROM role_targets "
        "WHERE ended_at IS NULL",
        connection,
    )
    employees = pd.read_sql(
        "SELECT id AS employee_id, department_id, job_role_id, active FROM employees",
        connection,
    )
    mappings = pd.read_sql(
        "SELECT source_id, target_id FROM competence_mappings "
        "WHERE relation = 'equivalent' AND source_id <> target_id",
        connection,
    )
    cols = ["employee_id", "competence_id", "level"]
    head = (
        ratings[ratings["source"] == "head"]
        .sort_values(["rated_at", "id"])
        .drop_duplicates(["employee_id", "competence_id"], keep="last")[cols]
    )
    until = pd.to_datetime(ratings["valid_until"])
    external = ratings[
        (ratings["source"] == "external") & (until.isna() | (until >= pd.Timestamp(today)))
    ][cols]
    completions = completions[completions["completed_on"].notna()]
    expires = add_months(completions["completed_on"], completions["validity_months"])
    course = completions[expires.isna() | (expires >= pd.Timestamp(today))][cols]
    own = pd.concat([head, course, external], ignore_index=True)
    mapped = own.merge(mappings, left_on="competence_id", right_on="source_id")
    mapped = mapped.assign(competence_id=mapped["target_id"])[cols]
    best = (
        pd.concat([own, mapped], ignore_index=True)
        .groupby(["employee_id", "competence_id"])["level"]
        .max()
        .rename("current")
        .reset_index()
    )
    people = employees[employees["active"].astype(bool)]
    pairs = people.merge(targets, on="job_role_id").merge(
        best, on=["employee_id", "competence_id"], how="left"
    )
    pairs["gap"] = (pairs["target"] - pairs["current"].fillna(0)).clip(lower=0)
    pairs["below"] = pairs["employee_id"].where(pairs["gap"] > 0)
    result = {}
    for key in ("department_id", "job_role_id", "competence_id"):
        table = pairs.groupby(key).agg(
            with_target=("employee_id", "nunique"),
            below_target=("below", "nunique"),
            total_gap=("gap", "sum"),
        )
        table["below_share"] = table["below_target"] / table["with_target"]
        table["mean_gap"] = table["total_gap"] / table["with_target"]
        result[key] = table
    return result


def check_same(report: Any, naive: dict[str, pd.DataFrame]) -> str:
    """The report's rows (without the total row) against the naive tables: the same
    figures, compared as sorted lists (withheld rows have none, so any part with such
    rows is compared by its row count only)."""
    problems = []
    keys = ("department_id", "job_role_id", "competence_id")
    figures = ["with_target", "below_target", "total_gap"]
    for part, key in zip(report.parts, keys, strict=True):
        rows = part.frame.iloc[:-1]
        theirs = naive[key]
        if rows["withheld"].any():
            same = len(rows) == len(theirs)
        else:
            ours_rows = sorted(tuple(int(v) for v in row) for row in rows[figures].to_numpy())
            their_rows = sorted(tuple(int(v) for v in row) for row in theirs[figures].to_numpy())
            same = ours_rows == their_rows
        if not same:
            problems.append(part.key)
    return "gleich" if not problems else "ABWEICHUNG in " + ", ".join(problems)


def hr_user() -> Any:
    from academy.accounts.models import User
    from academy.demo.accounts import DEMO_ACCOUNTS
    from academy.extensions import db

    email = next(a.email for a in DEMO_ACCOUNTS if a.key == "hr")
    return db.session.scalars(db.select(User).where(User.email == email)).one()


def bench_gaps(app: Flask, today: date, repeat: int) -> None:
    from academy.extensions import db
    from reports.analytics.catalogue import build
    from reports.analytics.report_model import Filters

    with app.app_context():
        hr = hr_user()
        ours, report = best_of(repeat, lambda: build("gaps", hr, Filters(), today))
        with db.engine.connect() as connection:
            naive, tables = best_of(repeat, lambda: naive_gaps(connection, today))
        print(
            f"{'gaps, ganze Organisation (Bericht)':44} {ours:8.3f} s\n"
            f"{'gaps, naive pandas-Pipeline':44} {naive:8.3f} s\n"
            f"{'Verhältnis Bericht / naiv':44} {ours / naive:8.2f}   "
            f"({naive / ours:.1f}× so schnell; Ziel < 1)   Ergebnisse: {check_same(report, tables)}"
        )


# ---------------------------------------------------------------------------
# (b) the matrix as XLSX
# ---------------------------------------------------------------------------


def bench_xlsx(app: Flask, today: date, repeat: int) -> None:
    from reports.analytics.catalogue import build
    from reports.analytics.report_model import Filters

    try:
        from reports.exports.xlsx import write_xlsx
    except ModuleNotFoundError:
        print("XLSX: reports/export_xlsx.py gibt es noch nicht – übersprungen")
        return
    with app.app_context():
        hr = hr_user()
        built, report = best_of(1, lambda: build("matrix", hr, Filters(), today))
        frame = report.parts[0].frame
        print(
            f"{'Matrix aufbauen (Bericht)':44} {built:8.3f} s   "
            f"{len(frame):,} Zeilen × {len(frame.columns)} Spalten"
        )

        def ours() -> int:
            buffer = io.BytesIO()
            write_xlsx(report, buffer)
            return buffer.tell()

        def bare() -> int:
            buffer = io.BytesIO()
            frame.to_excel(buffer, engine="xlsxwriter")
            return buffer.tell()

        ours_s, ours_size = best_of(repeat, ours)
        bare_s, bare_size = best_of(repeat, bare)
        print(
            f"{'XLSX write_xlsx':44} {ours_s:8.3f} s   {ours_size / 1e6:.1f} MB\n"
            f"{'XLSX DataFrame.to_excel (xlsxwriter)':44} {bare_s:8.3f} s   "
            f"{bare_size / 1e6:.1f} MB\n"
            f"{'Verhältnis write_xlsx / to_excel':44} {ours_s / bare_s:8.2f}   (Ziel ≤ 1,2)"
        )


def run_size(folder: Path, employees: int, repeat: int, xlsx: bool) -> None:
    print(f"\n== {employees:,} Beschäftigte")
    app = database(folder, employees)
    today = date.today()
    bench_gaps(app, today, repeat)
    if xlsx:
        bench_xlsx(app, today, max(1, repeat // 2))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[50000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="keep (and reuse) the databases here")
    parser.add_argument("--no-xlsx", action="store_true")
    args = parser.parse_args()
    if args.keep:
        for size in args.sizes:
            run_size(args.keep, size, args.repeat, not args.no_xlsx)
        return
    with tempfile.TemporaryDirectory(prefix="bench-reports-") as tmp:
        for size in args.sizes:
            run_size(Path(tmp), size, args.repeat, not args.no_xlsx)


if __name__ == "__main__":
    main()
