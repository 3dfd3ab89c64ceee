"""Staff import: hostile files answer 422 with a German message at the upload field and
store nothing; the command line takes files over the web's limits, with a progress bar."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from academy.accounts.models import Role
from academy.imports.models import Upload
from academy.org.models import Employee
from tests.academy.imports import hostile

HEADER = "Personalnummer;Vorname;Nachname;Organisationseinheit;Bereich"
ROW = "1;Anna;Muster;10;Amt"

HOSTILE = {
    "lying dimension": (hostile.lying_dimension_xlsx, "p.xlsx", "Tabellenblatt gibt an"),
    "zip bomb": (lambda: hostile.zip_bomb_xlsx(20), "p.xlsx", "ZIP-Bomben"),
    "billion laughs": (hostile.billion_laughs_xlsx, "p.xlsx", "XML-Entity-Deklarationen"),
    "laughs in strings": (lambda: hostile.billion_laughs_xlsx("strings"), "p.xlsx", "DOCTYPE"),
    "10k cells": (lambda: hostile.csv_long_cells(HEADER, 5), "p.csv", "mehr als 5000 Zeichen"),
    "NUL bytes": (lambda: hostile.csv_nul(HEADER, ROW), "p.csv", "NUL-Byte in Zeile 2"),
    "150 columns": (lambda: hostile.csv_many_columns(HEADER, ROW, 150), "p.csv", "Spalten"),
}


def post(client, content: bytes, filename: str):
    data = {"file": (io.BytesIO(content), filename)}
    return client.post("/personal/import", data=data, content_type="multipart/form-data")


def counts(db) -> tuple[int, int]:
    return (
        db.session.scalar(select(func.count()).select_from(Upload)),
        db.session.scalar(select(func.count()).select_from(Employee)),
    )


@pytest.mark.parametrize("case", list(HOSTILE))
def test_hostile_uploads_get_a_german_message_and_change_nothing(client, login_as, db, case):
    build, filename, german = HOSTILE[case]
    login_as(Role.HR)
    before = counts(db)
    response = post(client, build(), filename)
    assert response.status_code == 422
    assert german in response.get_data(as_text=True)
    assert counts(db) == before


def test_too_many_rows_name_the_command_line_which_imports_them(
    client, login_as, db, app, monkeypatch
):
    login_as(Role.HR)
    monkeypatch.setitem(app.config, "IMPORT_MAX_ROWS", 5)
    response = post(client, hostile.csv_many_rows(HEADER, ROW, rows=8), "p.csv")
    text = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "mehr als 5 Zeilen" in text and "flask academy import-staff DATEI" in text


def test_the_command_line_imports_a_file_over_the_web_limit(app, db, tmp_path, monkeypatch):
    path = tmp_path / "personal.csv"
    lines = [f"{n};Anna;Muster{n};10;Amt" for n in range(1, 9)]
    path.write_bytes(("\n".join([HEADER, *lines]) + "\n").encode())
    monkeypatch.setitem(app.config, "IMPORT_MAX_ROWS", 5)  # the command line: 10 times
    result = app.test_cli_runner().invoke(args=["academy", "import-staff", str(path)])
    assert result.exit_code == 0, result.output
    assert "Datei lesen und prüfen" in result.output  # the progress bar's label
    assert "Übernommen: 8 neu" in result.output


def test_the_command_line_refuses_a_hostile_file_with_a_german_message(app, db, tmp_path):
    path = tmp_path / "personal.xlsx"
    path.write_bytes(hostile.lying_dimension_xlsx())
    result = app.test_cli_runner().invoke(args=["academy", "import-staff", str(path)])
    assert result.exit_code == 1
    assert "Tabellenblatt gibt an, 1048576 Zeilen" in result.output
