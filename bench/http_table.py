"""Tables of ``bench.http`` figures: the summary after a run, and a before/after table
from two ``--json`` files.

    .venv/bin/python -m bench.http_table before.json after.json      # Markdown
"""

from __future__ import annotations

import json
import statistics
import sys
from pathlib import Path
from typing import Any

TARGETS = {"floor": 0.60, "list": 0.30, "data": 0.10}


def _median(values: list[float]) -> float:
    return statistics.median(values) if values else 0.0


def _pages(run: Any) -> dict[str, Any]:
    pages = run.pages if hasattr(run, "pages") else run["pages"]
    return {(p.key if hasattr(p, "key") else p["key"]): p for p in pages}


def _get(page: Any, name: str) -> Any:
    return getattr(page, name) if hasattr(page, name) else page[name]


def print_summary(results: list[Any]) -> None:
    """Per engine: the ratio at the largest size against the smallest (target: within
    20 %), and the team view of the largest subtree against the smallest (within 3×)."""
    by_engine: dict[str, list[Any]] = {}
    for run in results:
        by_engine.setdefault(_get(run, "engine"), []).append(run)
    for engine, runs in by_engine.items():
        runs.sort(key=lambda r: _get(r, "employees"))
        small, large = runs[0], runs[-1]
        if small is not large:
            print(
                f"\n== {engine}: Verhältnis zur Basis, {_get(large, 'employees'):,} "
                f"gegen {_get(small, 'employees'):,} Beschäftigte (Ziel: 80–120 %)"
            )
            big = _pages(large)
            for key, page in _pages(small).items():
                if key in big and not key.startswith("team-"):
                    rel = _median(_get(big[key], "ratio")) / (_median(_get(page, "ratio")) or 1)
                    print(f"{_get(page, 'label'):40} {rel:6.0%}")
        teams = [(p, r) for r in runs for k, p in _pages(r).items() if k.startswith("team-")]
        if len(teams) >= 2:

            def members(item: Any) -> int:
                return int(_get(item[0], "key").split("-")[1])

            least, most = min(teams, key=members), max(teams, key=members)
            slower = _median(_get(least[0], "p50")) and (
                _median(_get(most[0], "p50")) / _median(_get(least[0], "p50"))
            )
            print(
                f"== {engine}: Team-Ansicht {members(most):,} gegen {members(least):,} "
                f"Personen: p50 {slower:.1f}× (Ziel ≤ 3×)"
            )


def markdown(before: list[dict[str, Any]], after: list[dict[str, Any]]) -> str:
    """One row per engine, size and page: ratio (req/s, p50) before → after."""
    out = [
        "| Datenbank | Größe | Seite | vorher: Anteil (req/s, p50) | nachher: Anteil "
        "(req/s, p50, p95) | Fehler vorher/nachher | Ziel |",
        "|---|---|---|---|---|---|---|",
    ]
    old = {(r["engine"], r["employees"]): _pages(r) for r in before}
    for run in after:
        earlier = old.get((run["engine"], run["employees"]), {})
        for key, page in _pages(run).items():
            was = earlier.get(key)
            then = "–"
            if was:
                then = (
                    f"{_median(was['ratio']):.1%} ({_median(was['rps']):.0f}/s, "
                    f"{_median(was['p50']):.0f} ms)"
                )
            now = (
                f"{_median(page['ratio']):.1%} ({_median(page['rps']):.0f}/s, "
                f"{_median(page['p50']):.0f} ms, {_median(page['p95']):.0f} ms)"
            )
            errors = f"{was['errors'] if was else '–'}/{page['errors']}"
            target = TARGETS[page["group"]]
            ok = "✓" if _median(page["ratio"]) >= target else "✗"
            out.append(
                f"| {run['engine']} | {run['employees']:,} | {page['label']} | {then} "
                f"| {now} | {errors} | ≥ {target:.0%} {ok} |"
            )
    return "\n".join(out)


def main() -> None:
    before = json.loads(Path(sys.argv[1]).read_text())
    after = json.loads(Path(sys.argv[2]).read_text())
    print(markdown(before, after))
    print_summary(after)


if __name__ == "__main__":
    main()
