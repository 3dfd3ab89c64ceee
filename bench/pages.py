"""Benchmark: requests per second of the main pages against a minimal Flask +
SQLAlchemy list page, measured in the same run on the same database.

    .venv/bin/python -m bench.pages                       # demo data of 5,000 and 50,000
    .venv/bin/python -m bench.pages --sizes 5000 --seconds 2

For each size a fresh SQLite database is migrated and filled with
``flask academy init`` and ``flask academy demo --employees N``. Every page is requested
through Flask's test client (no network, no server: the app's own cost) for a few
seconds after a warm-up; the baseline is a bare Flask app on the same database file that
lists 20 courses with one SELECT and a four-line template compiled once (as an
application's template files are). Printed per page: req/s, the baseline's req/s, their
ratio, and the SQL statements per request. Figures to read, not a test; the targets of
issue 15 are measured over real HTTP by ``bench.http``.

Earlier versions rendered the baseline with ``render_template_string``, which compiles
the template again for every request and made the ratios look three times better; that
baseline is still printed (second line, last column) for comparison with old figures.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from flask import Flask, render_template, render_template_string
from flask_sqlalchemy import SQLAlchemy
from jinja2 import DictLoader
from sqlalchemy import event, text

#: (label, demo account key, URL path)
PAGES: list[tuple[str, str, str]] = [
    ("Kurskatalog", "employee", "/kurse"),
    ("Kurskatalog, Suche + Filter", "employee", "/kurse?q=scrum&free_seats=y"),
    ("Mein Lernen", "employee", "/kurse/meine"),
    ("Genehmigungen (Leitung)", "head", "/kurse/genehmigungen"),
    ("Team-Kompetenzen (Leitung)", "head", "/talente/team"),
    ("Meine Kompetenzen", "employee", "/talente/meine-kompetenzen"),
    ("Kohorten-Dashboard, Auswahl (PE)", "hr", "/talente/kohorten/{selection_cohort}"),
    ("Kohorten-Dashboard, laufend (PE)", "hr", "/talente/kohorten/{running_cohort}"),
    ("Auswahl-Dokumentation (Personalrat)", "council", "/talente/auswahl/{running_cohort}"),
    ("Mein Programm", "employee", "/talente/mein-programm"),
    ("Pflichtschulungen, eigene", "employee", "/kurse/pflichtschulungen/meine"),
    ("Pflichtschulungen im Team (Leitung)", "head", "/kurse/pflichtschulungen/team"),
    ("Pflichtschulungen, Verwaltung (PE)", "hr", "/kurse/pflichtschulungen/uebersicht"),
    (
        "Pflichtschulungen, überfällig S. 2 (PE)",
        "hr",
        "/kurse/pflichtschulungen/uebersicht?status=overdue&page=2",
    ),
    ("Für mein Team buchen (Leitung)", "head", "/kurse/team-buchung"),
    ("Kursbewertungen (PE)", "hr", "/berichte/bewertungen"),
    ("Meine Kursbewertungen", "employee", "/kurse/bewertungen"),
    ("Fortbildungsbudget (Leitung)", "head", "/kurse/budgets"),
    ("Fortbildungsbudgets mit Prognose (PE)", "hr", "/kurse/budgets"),
    ("Anträge auf externe Fortbildung (PE)", "hr", "/kurse/extern/entscheidungen"),
]


def demo_ids(app: Flask) -> dict[str, int]:
    """Ids the page paths need: the demo's cohorts in selection and running."""
    from sqlalchemy import select

    from academy.extensions import db
    from talent.programmes.models import Cohort, CohortStatus

    with app.app_context():
        rows = db.session.execute(select(Cohort.status, Cohort.id)).all()
    ids = {f"{status}_cohort": cohort_id for status, cohort_id in rows}
    return {
        "selection_cohort": ids.get(f"{CohortStatus.SELECTION}_cohort", 0),
        "running_cohort": ids.get(f"{CohortStatus.RUNNING}_cohort", 0),
    }


BASELINE_TEMPLATE = """<!doctype html><title>Kurse</title><ul>
{% for c in courses %}<li>{{ c.code }} – {{ c.title }} ({{ c.duration_ue }} UE)</li>{% endfor %}
</ul>"""


@dataclass
class Figure:
    rps: float
    queries: int


def measure(call: Callable[[], int], seconds: float) -> float:
    for _ in range(5):
        call()
    count = 0
    started = time.perf_counter()
    deadline = started + seconds
    while time.perf_counter() < deadline:
        status = call()
        if status != 200:
            raise RuntimeError(f"page answered {status}")
        count += 1
    return count / (time.perf_counter() - started)


def build_database(folder: Path, employees: int) -> tuple[Flask, str]:
    from flask_migrate import upgrade

    from academy import create_app

    url = f"sqlite:///{folder / 'bench.sqlite'}"
    app = create_app({"SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade()
    runner = app.test_cli_runner()
    for args in (["academy", "init"], ["academy", "demo", "--employees", str(employees)]):
        result = runner.invoke(args=args)
        if result.exit_code != 0:
            raise RuntimeError(result.output)
    return app, url


def baseline_app(url: str) -> Flask:
    app = Flask("baseline")
    app.config["SQLALCHEMY_DATABASE_URI"] = url
    app.jinja_loader = DictLoader({"courses.html": BASELINE_TEMPLATE})
    db = SQLAlchemy(app)

    def rows() -> list[Any]:
        return list(
            db.session.execute(
                text("SELECT code, title, duration_ue FROM courses ORDER BY title LIMIT 20")
            ).all()
        )

    @app.get("/")
    def courses() -> str:
        return render_template_string(BASELINE_TEMPLATE, courses=rows())

    @app.get("/compiled-once")
    def courses_compiled_once() -> str:
        return render_template("courses.html", courses=rows())

    return app


def logged_in_client(app: Flask, account_key: str):
    from sqlalchemy import select

    from academy.accounts.models import User
    from academy.auth.sessions import start_session
    from academy.clock import utcnow
    from academy.demo.accounts import DEMO_ACCOUNTS
    from academy.extensions import db

    email = next(a.email for a in DEMO_ACCOUNTS if a.key == account_key)
    client = app.test_client()
    with app.app_context():
        user = db.session.scalars(select(User).where(User.email == email)).one()
        token = start_session(
            user,
            now=utcnow(),
            lifetime=timedelta(hours=2),
            remote_addr="bench",
            user_agent="bench",
        )
        db.session.commit()
    with client.session_transaction() as session:
        session["_user_id"] = token
        session["_fresh"] = True
    return client


def count_queries(app: Flask, call: Callable[[], int]) -> int:
    from academy.extensions import db

    with app.app_context():
        engine = db.engine
    counter = {"n": 0}

    def before(*_args: object) -> None:
        counter["n"] += 1

    event.listen(engine, "before_cursor_execute", before)
    try:
        call()
    finally:
        event.remove(engine, "before_cursor_execute", before)
    return counter["n"]


def run_size(employees: int, seconds: float) -> dict[str, Figure]:
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        app, url = build_database(Path(tmp), employees)
        print(
            f"\n== {employees:,} Beschäftigte (Demodaten in {time.perf_counter() - started:.1f} s)"
        )
        base = baseline_app(url).test_client()
        base_rps = measure(lambda: base.get("/compiled-once").status_code, seconds)
        recompiled_rps = measure(lambda: base.get("/").status_code, seconds)
        figures = {"Basis: Flask + SQLAlchemy, 20 Kurse": Figure(base_rps, 1)}
        print(f"{'Basis: Flask + SQLAlchemy, 20 Kurse':40} {base_rps:8.1f} req/s")
        print(f"{'(alt: Vorlage je Anfrage kompiliert)':40} {recompiled_rps:8.1f} req/s")
        ids = demo_ids(app)
        for label, account, template in PAGES:
            path = template.format(**ids)
            client = logged_in_client(app, account)

            def call(client=client, path=path) -> int:
                return client.get(path).status_code

            queries = count_queries(app, call)
            rps = measure(call, seconds)
            figures[label] = Figure(rps, queries)
            print(
                f"{label:40} {rps:8.1f} req/s  {rps / base_rps:6.0%} der Basis  "
                f"{queries:3d} SQL-Anweisungen  "
                f"({rps / recompiled_rps:.0%} der alten Basis)"
            )
        return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[5000, 50000])
    parser.add_argument("--seconds", type=float, default=3.0)
    args = parser.parse_args()
    results = {size: run_size(size, args.seconds) for size in args.sizes}
    if len(args.sizes) >= 2:
        small, large = args.sizes[0], args.sizes[-1]
        print(f"\n== Verhältnis {large:,} zu {small:,} Beschäftigten (relativ zur Basis)")
        for label in results[small]:
            if label.startswith("Basis"):
                continue
            base_s = next(f.rps for k, f in results[small].items() if k.startswith("Basis"))
            base_l = next(f.rps for k, f in results[large].items() if k.startswith("Basis"))
            rel_s = results[small][label].rps / base_s
            rel_l = results[large][label].rps / base_l
            print(f"{label:40} {rel_l / rel_s:6.0%}")


if __name__ == "__main__":
    main()
