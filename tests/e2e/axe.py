"""Accessibility checks with axe-core (WCAG 2.1 A/AA) in the real browser.

axe.min.js comes from the ``axe_playwright_python`` package. It is injected with
``page.evaluate`` (a DevTools evaluation, not a ``<script>`` element), so the app's strict
Content-Security-Policy stays in force and CSP violations remain visible to the tests.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page

WCAG_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa")


@cache
def axe_source() -> str:
    import axe_playwright_python

    path = Path(axe_playwright_python.__file__).resolve().parent / "axe.min.js"
    return path.read_text(encoding="utf-8")


def run_axe(page: Page) -> dict[str, Any]:
    """Inject axe-core into the current document and return its results."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(axe_source())
    options = {
        "runOnly": {"type": "tag", "values": list(WCAG_TAGS)},
        "resultTypes": ["violations"],
    }
    return page.evaluate(f"() => window.axe.run(document, {json.dumps(options)})")


def format_violations(url: str, violations: list[dict[str, Any]]) -> str:
    lines = [f"{len(violations)} accessibility violation(s) on {url}:"]
    for v in violations:
        lines.append(f"- {v['id']} [{v.get('impact')}]: {v['help']} ({v.get('helpUrl', '')})")
        for node in v.get("nodes", [])[:10]:
            target = ", ".join(" ".join(t) if isinstance(t, list) else t for t in node["target"])
            summary = " ".join((node.get("failureSummary") or "").split())
            lines.append(f"    at {target}: {summary[:300]}")
        if len(v.get("nodes", [])) > 10:
            lines.append(f"    … and {len(v['nodes']) - 10} more element(s)")
    return "\n".join(lines)


def a11y_report(page: Page) -> str | None:
    """Run axe on the current page: ``None`` when clean, else a readable list of violations.

    Raises ``AssertionError`` when axe did not really run (no passing checks at all).
    """
    results = run_axe(page)
    assert results.get("passes"), f"axe-core did not run on {page.url}: no passing checks"
    violations = results.get("violations", [])
    return format_violations(page.url, violations) if violations else None


def check_a11y(page: Page) -> None:
    """Fail the test when axe finds WCAG 2.1 A/AA violations on the current page."""
    report = a11y_report(page)
    if report:
        pytest.fail(report, pytrace=False)
