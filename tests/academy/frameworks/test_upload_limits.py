"""Framework import: hostile JSON and CSV files answer 422 with a German message at the
upload field and store nothing; the command line refuses them the same way."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from academy.accounts.models import Role
from academy.frameworks.models import Framework
from academy.imports.models import Upload
from tests.academy.imports import hostile

HEADER = "type;code;area_code;name_de;name_en;level"

HOSTILE = {
    "100000 levels": (hostile.deep_json, "f.json", "mehr als 32 Ebenen tief verschachtelt"),
    "10000 digits": (hostile.long_number_json, "f.json", "Zahl mit mehr als 100 Stellen"),
    "1e999": (hostile.infinite_number_json, "f.json", "nicht importiert werden kann: 1e999"),
    "10k cells": (lambda: hostile.csv_long_cells(HEADER, 6), "f.csv", "mehr als 5000 Zeichen"),
    "150 columns": (
        lambda: hostile.csv_many_columns(HEADER, "area;A;;B;A;", 150),
        "f.csv",
        "Zeile 2 hat mehr als 100 Spalten",
    ),
}


def counts(db) -> tuple[int, int]:
    return (
        db.session.scalar(select(func.count()).select_from(Upload)),
        db.session.scalar(select(func.count()).select_from(Framework)),
    )


@pytest.mark.parametrize("case", list(HOSTILE))
def test_hostile_uploads_get_a_german_message_and_change_nothing(client, login_as, db, case):
    build, filename, german = HOSTILE[case]
    login_as(Role.HR)
    before = counts(db)
    response = client.post(
        "/kompetenzrahmen/import",
        data={"file": (io.BytesIO(build()), filename)},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert german in response.get_data(as_text=True)
    assert counts(db) == before


def test_a_file_over_the_page_limit_names_the_command(client, login_as, db):
    login_as(Role.HR)
    response = client.post(
        "/kompetenzrahmen/import",
        data={"file": (io.BytesIO(b" " * (2 * 1024 * 1024 + 1)), "f.json")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert "flask academy import-framework DATEI" in response.get_data(as_text=True)


def test_the_command_line_refuses_deep_json_with_a_german_message(app, db, tmp_path):
    path = tmp_path / "rahmen.json"
    path.write_bytes(hostile.deep_json())
    before = counts(db)
    result = app.test_cli_runner().invoke(args=["academy", "import-framework", str(path)])
    assert result.exit_code == 1
    assert "mehr als 32 Ebenen tief verschachtelt" in result.output
    assert counts(db) == before
