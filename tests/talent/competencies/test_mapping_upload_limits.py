"""Mapping import: hostile CSV files answer 422 with a German message at the upload field
and store nothing."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from academy.accounts.models import Role
from academy.imports.models import Upload
from talent.competencies.models import CompetenceMapping
from tests.academy.imports import hostile

HEADER = "source_framework;source_code;target_framework;target_code"
ROW = "A;1;B;2"

HOSTILE = {
    "10k cells": (lambda: hostile.csv_long_cells(HEADER, 4), "mehr als 5000 Zeichen"),
    "150 columns": (lambda: hostile.csv_many_columns(HEADER, ROW, 150), "mehr als 100 Spalten"),
    "too many rows": (lambda: hostile.csv_many_rows(HEADER, ROW, 12), "mehr als 10 Zeilen"),
}


@pytest.mark.parametrize("case", list(HOSTILE))
def test_hostile_uploads_get_a_german_message_and_change_nothing(
    client, login_as, db, app, monkeypatch, case
):
    build, german = HOSTILE[case]
    login_as(Role.HR)
    monkeypatch.setitem(app.config, "IMPORT_MAX_ROWS", 10)
    before = [
        db.session.scalar(select(func.count()).select_from(m)) for m in (Upload, CompetenceMapping)
    ]
    response = client.post(
        "/talente/zuordnungen/import",
        data={"file": (io.BytesIO(build()), "zuordnung.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert german in text
    assert "flask academy" not in text  # the mapping import has no command
    after = [
        db.session.scalar(select(func.count()).select_from(m)) for m in (Upload, CompetenceMapping)
    ]
    assert after == before
