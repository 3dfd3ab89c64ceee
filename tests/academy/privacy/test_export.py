"""The Art. 15 export as a service: every section filled for a person who has data
everywhere, nothing of another person, a constant number of statements, the PDF."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from academy.clock import utcnow
from academy.extensions import db
from academy.privacy.disclosure import export_file
from academy.privacy.export import SCHEMA, build_export, export_json, subject_of_user
from academy.privacy.registry import sections
from tests.querycount import count_queries


def _json(person) -> dict:
    content, mimetype, filename = export_file(subject_of_user(person.user), "json", now=utcnow())
    assert mimetype == "application/json"
    assert filename == f"auskunft-art15-{person.employee.personnel_no}.json"
    return json.loads(content)


def test_every_section_holds_the_persons_data(person):
    a = person("A")
    data = _json(a)
    assert data["schema"] == SCHEMA
    assert data["person"]["Personalnummer"] == a.employee.personnel_no
    keys = [s.key for s in sections()]
    assert list(data["abschnitte"]) == keys
    for key in keys:
        assert data[key], f"section {key} is empty"
        assert a.values[key] in json.dumps(data[key], ensure_ascii=False), key
    assert set(a.values) == set(keys)  # the fixture fills every registered section


def test_secrets_are_not_exported(person):
    a = person("A")
    text = json.dumps(_json(a), ensure_ascii=False)
    assert f"hash-A-{a.employee.id}" not in text  # login session token hash
    assert "feed-A-0" not in text  # calendar feed token hash
    assert f"invitation-A-{a.employee.id}" not in text  # invitation link token hash
    assert a.user.password_hash not in text


def test_ratings_say_who_rated_and_states_are_german(person):
    a = person("A")
    data = _json(a)
    (rating,) = data["einschaetzungen"]
    assert rating["Bewertet von"]
    assert rating["Stufe"] == 2
    assert data["anmeldungen"][0]["Status"] == "Bestätigt"
    assert {r["Art"] for r in data["rollen"]} >= {"zugewiesen"}
    assert data["einsichtnahmen"][0]["Eingesehen von"]


def test_another_persons_data_never_appears(person):
    a, b = person("Aaa"), person("Bbb")
    text = json.dumps(_json(a), ensure_ascii=False)
    for value in b.values.values():
        if "Bbb" in value:
            assert value not in text
    assert "Bbb" not in text
    assert b.employee.personnel_no not in text
    assert b.user.email not in text


def test_constant_number_of_statements(person):
    one, three = person("Eins"), person("Drei", items=3)
    db.session.expire_all()
    with count_queries(db.engine) as small:
        build_export(subject_of_user(one.user), now=utcnow())
    db.session.expire_all()
    with count_queries(db.engine) as large:
        build_export(subject_of_user(three.user), now=utcnow())
    assert large.count == small.count, str(large)
    # about two per section, whatever the number of rows
    assert small.count <= 2 * len(sections()) + 10, str(small)


def test_json_is_iso_dated_and_plain(person):
    a = person("A")
    data = json.loads(export_json(build_export(subject_of_user(a.user), now=utcnow())))
    stamp = data["anmeldungen"][0]["Angefragt am"]
    assert stamp[:4].isdigit() and stamp[10] == "T" and stamp[-6] in "+-"


def test_pdf_has_every_heading_and_values(person, tmp_path: Path):
    a = person("A")
    content, mimetype, _ = export_file(subject_of_user(a.user), "pdf", now=utcnow())
    assert mimetype == "application/pdf" and content.startswith(b"%PDF")
    path = tmp_path / "export.pdf"
    path.write_bytes(content)
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, text=True
    ).stdout
    flat = " ".join(text.split())
    assert "Auskunft nach Art. 15 DSGVO" in flat
    for section in sections():
        assert section.title in flat, section.title
    for value in ("Kommentar Führungskraft A", "Motivation A", "Bescheinigung A 0", "Zweck A 0"):
        assert value in flat, value
    assert "Seite 1 von" in flat


def test_every_field_is_documented(person, repo_root: Path):
    doc = (repo_root / "docs" / "art15-export.md").read_text(encoding="utf-8")
    data = _json(person("A"))
    for section in sections():
        part = doc.split(f"### `{section.key}`", 1)[1].split("\n### ", 1)[0]
        fields_line = next(line for line in part.splitlines() if line.startswith("Fields: "))
        for record in data[section.key]:
            for label in record:
                assert f"`{label}`" in fields_line, (section.key, label)
