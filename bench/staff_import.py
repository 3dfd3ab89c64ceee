"""Benchmark: the staff import of a generated CSV into a fresh, migrated SQLite database.

    .venv/bin/python -m bench.staff_import            # 5,000 rows
    .venv/bin/python -m bench.staff_import --rows 50000

Baseline, measured in the same run: reading the same CSV with the standard library's
``csv`` module alone (decode + split into rows). The ratio is import time / baseline.
Timed: parse + check + compare with the database + bulk writes + commit.
"""

from __future__ import annotations

import argparse
import csv
import io
import random
import statistics
import tempfile
import time
from pathlib import Path

HEADER = (
    "Personalnummer;Vorname;Nachname;E-Mail;Organisationseinheit;Bereich;"
    "Übergeordneter Bereich;Stelle;Eintrittsdatum;Entgeltgruppe;Führungskraft"
)
FIRST = ["Jürgen", "Anna", "Özge", "Max", "Lea", "Björn", "Sören", "Marie", "Tom", "Käthe"]
LAST = ["Müller", "Schäfer", "Weiß", "Groß", "Öztürk", "Becker", "Hoffmann", "Schmitz"]
ROLES = ["Sachbearbeitung", "Teamleitung", "Amtsleitung", "IT-Administration", "Assistenz"]
GROUPS = ["E 6", "E 8", "E 9a", "E 9b", "E 11", "E 13", "A 9", "A 11", "A 13"]


def generate(rows: int, seed: int = 1) -> bytes:
    """A staff file as German Excel saves it: Windows-1252, ``;``, German dates.
    Three levels of departments (Dezernat → Amt → Abteilung), about 25 people each."""
    rnd = random.Random(seed)
    leaves = max(rows // 25, 1)
    lines = [HEADER]
    for n in range(rows):
        leaf = n % leaves
        amt = leaf // 5
        dezernat = amt // 6
        code, parent = f"{dezernat}.{amt}.{leaf}", f"{dezernat}.{amt}"
        head = "ja" if n < leaves else ""
        lines.append(
            ";".join(
                [
                    f"{n + 1:06d}",
                    rnd.choice(FIRST),
                    rnd.choice(LAST),
                    f"person{n + 1}@stadt.example",
                    code,
                    f"Abteilung {code}",
                    parent,
                    rnd.choice(ROLES),
                    f"{rnd.randint(1, 28):02d}.{rnd.randint(1, 12):02d}.{rnd.randint(1980, 2023)}",
                    rnd.choice(GROUPS),
                    head,
                ]
            )
        )
    # The Ämter and Dezernate appear as departments of their heads.
    for amt in range((leaves - 1) // 5 + 1):
        dezernat = amt // 6
        lines.append(
            f"A{amt:05d};Amts;Leitung;amt{amt}@stadt.example;{dezernat}.{amt};Amt {dezernat}.{amt};"
            f"{dezernat};Amtsleitung;01.01.2000;E 15;ja"
        )
    for dezernat in range((leaves - 1) // 30 + 1):
        lines.append(
            f"D{dezernat:05d};Dezernats;Leitung;dez{dezernat}@stadt.example;{dezernat};"
            f"Dezernat {dezernat};;Dezernent;01.01.1995;B 4;ja"
        )
    return ("\r\n".join(lines) + "\r\n").encode("cp1252")


def baseline(content: bytes) -> float:
    """Seconds to decode the file and split it into rows with the csv module alone."""
    start = time.perf_counter()
    text = content.decode("cp1252")
    count = sum(1 for _ in csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    elapsed = time.perf_counter() - start
    assert count > 1
    return elapsed


def timed_import(content: bytes, *, deactivate_missing: bool = False) -> tuple[float, object]:
    from academy.clock import utcnow
    from academy.extensions import db
    from academy.org.staff_import.importer import (
        apply_staff_import,
        lock_staff_import,
        preview_staff_file,
    )

    start = time.perf_counter()
    now = utcnow()
    lock_staff_import()
    preview = preview_staff_file(content, "personal.csv", now=now)
    if preview.problems:
        raise SystemExit(f"unexpected problems: {[(p.line, p.text()) for p in preview.problems]}")
    result = apply_staff_import(None, preview, deactivate_missing=deactivate_missing, now=now)
    db.session.commit()
    return time.perf_counter() - start, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=5000)
    args = parser.parse_args()

    from flask_migrate import upgrade
    from sqlalchemy import func, select

    from academy import create_app
    from academy.extensions import db
    from academy.org.models import Department, Employee

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "personal.csv"
        path.write_bytes(generate(args.rows))
        content = path.read_bytes()
        app = create_app(
            {
                "SECRET_KEY": "bench",
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{Path(tmp) / 'bench.sqlite'}",
            }
        )
        with app.app_context():
            upgrade()
            base = statistics.median(baseline(content) for _ in range(5))
            first, result = timed_import(content)
            employees = db.session.scalar(select(func.count()).select_from(Employee))
            departments = db.session.scalar(select(func.count()).select_from(Department))
            again, again_result = timed_import(content)
            changed = content.replace(b";E 9b;", b";E 10;")
            update_time, update_result = timed_import(changed)
            db.session.remove()
            db.engine.dispose()

    size = len(content) / 1024
    print(f"Staff import benchmark: {args.rows:,} rows ({size:,.0f} KiB CSV, SQLite)")
    print(f"  employees {employees:,}, departments {departments:,} after the first import")
    print(f"  baseline: csv module alone (median of 5)   {base * 1000:8.1f} ms")
    rows = [
        ("first import (all new)", first, f"{result.new:,} new"),
        ("same file again (no change)", again, f"{again_result.unchanged:,} unchanged"),
        ("pay group changed in some rows", update_time, f"{update_result.changed:,} changed"),
    ]
    for label, seconds, what in rows:
        print(f"  {label:<32} {seconds * 1000:10.1f} ms   ratio {seconds / base:6.1f}×   ({what})")


if __name__ == "__main__":
    main()
