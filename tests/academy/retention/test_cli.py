"""``flask academy retention [--dry-run]`` and the tick step ``retention``."""

from __future__ import annotations

from sqlalchemy import func, select

from academy.retention.cli import id_ranges
from academy.scheduler import tick_steps
from talent.competencies.models import Rating
from tests.academy.retention.people import Dataset, build


def _built(db) -> Dataset:
    data = build()
    db.session.commit()  # the command rolls back what it did not change
    return data


def _ratings(db):
    return db.session.scalar(select(func.count()).select_from(Rating))


def test_id_ranges():
    assert id_ranges([9, 1, 2, 3, 7, 10]) == "1–3, 7, 9–10"
    assert id_ranges([]) == ""


def test_dry_run_prints_the_plan_and_changes_nothing(app, db):
    data = _built(db)
    ratings = _ratings(db)
    result = app.test_cli_runner().invoke(args=["academy", "retention", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "Probelauf: nichts wurde geändert." in result.output
    assert "Einstufungen / ratings: 8 würden gelöscht" in result.output
    employee_ids = sorted(data.people[k].employee.id for k in ("learning_due", "cert_due"))
    assert f"Nr. {id_ranges(employee_ids)}" in result.output
    assert _ratings(db) == ratings


def test_real_run_and_tick_step(app, db):
    _built(db)
    ratings = _ratings(db)
    result = app.test_cli_runner().invoke(args=["academy", "retention"])
    assert result.exit_code == 0, result.output
    assert "Einstufungen / ratings: 8 wurden gelöscht" in result.output
    assert _ratings(db) == ratings - 8
    assert "retention" in {step.name for step in tick_steps()}
    tick = app.test_cli_runner().invoke(args=["academy", "tick", "--step", "retention"])
    assert tick.exit_code == 0, tick.output
    assert tick.stdout.strip() == "retention: Aufbewahrung: nichts fällig."


def test_a_bad_period_is_refused_in_german_and_changes_nothing(app, db, monkeypatch):
    _built(db)
    ratings = _ratings(db)
    monkeypatch.setitem(app.config, "RETENTION_RATINGS_DAYS", -1)
    result = app.test_cli_runner().invoke(args=["academy", "retention"])
    assert result.exit_code != 0
    assert "RETENTION_RATINGS_DAYS muss eine ganze Zahl von Tagen sein" in result.output
    assert _ratings(db) == ratings


def test_a_period_of_zero_switches_the_kind_off(app, db, monkeypatch):
    _built(db)
    ratings = _ratings(db)
    monkeypatch.setitem(app.config, "RETENTION_RATINGS_DAYS", 0)
    result = app.test_cli_runner().invoke(args=["academy", "retention"])
    assert result.exit_code == 0, result.output
    assert "Einstufungen: ausgeschaltet (RETENTION_RATINGS_DAYS=0)" in result.output
    assert _ratings(db) == ratings
