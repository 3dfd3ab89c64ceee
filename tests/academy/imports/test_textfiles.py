"""Shared decoding of uploaded text files (staff and framework imports)."""

from __future__ import annotations

import codecs

import pytest

from academy.imports.textfiles import UndecodableText, decode_text, sniff_separator
from academy.org.staff_import.files import read_table


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        ("Müller;Straße".encode(), "utf-8"),
        (codecs.BOM_UTF8 + "Müller".encode(), "utf-8"),
        ("Müller;Straße".encode("cp1252"), "windows-1252"),
        ("Müller\tStraße".encode("utf-16"), "utf-16"),
    ],
)
def test_decode_text_knows_what_excel_writes(data, encoding):
    text, found = decode_text(data)
    assert found == encoding
    assert "Müller" in text


def test_undecodable_bytes_report_their_line():
    with pytest.raises(UndecodableText) as info:
        decode_text(b"a;b\nc;d\ne\x81;f\n")
    assert info.value.line == 3


def test_staff_import_reports_undecodable_file_with_line():
    table = read_table(b"Personalnummer;Vorname\n1;J\x81rgen\n", "personal.csv")
    assert [(p.line, p.message) for p in table.problems] == [
        (2, "The file could not be read: it is neither UTF-8 nor Windows-1252 text.")
    ]


def test_sniff_separator_defaults_to_semicolon():
    assert sniff_separator("a;b,c;d") == ";"
    assert sniff_separator("abc") == ";"
    assert sniff_separator("a,b,c") == ","


def test_database_lower_folds_umlauts(db):
    from sqlalchemy import func, select

    assert db.session.scalar(select(func.lower("ÜBERSICHT Straße"))) == "übersicht straße"
