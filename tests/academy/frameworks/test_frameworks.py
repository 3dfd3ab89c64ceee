"""Competency frameworks: seed data, the CSV/JSON importer, the pages and the commands."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from academy.accounts.models import Role
from academy.audit.models import AuditLogEntry
from academy.clock import utcnow
from academy.errors import ValidationFailed
from academy.frameworks.importer import (
    apply_framework_import,
    parse_framework_csv,
    parse_framework_json,
)
from academy.frameworks.models import Competence, CompetenceArea, Framework, FrameworkLevel
from academy.frameworks.registry import (
    DIGCOMP_CODE,
    FACHKOMPETENZEN_CODE,
    framework_to_csv,
    load_default_frameworks,
    store_framework_upload,
)
from academy.imports.models import Upload

DATA = Path(__file__).parent / "data"
SAMPLE = DATA / "digcomp-3.0-sample.csv"
SAMPLE_CODE = "DIGCOMP-3.0-TEST"


def framework(code: str) -> Framework | None:
    from academy.extensions import db

    return db.session.scalar(select(Framework).where(Framework.code == code))


def count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def audit_count(db, prefix: str = "framework.") -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(AuditLogEntry)
        .where(AuditLogEntry.action.like(prefix + "%"))
    )


HEADER = "type;code;area_code;name_de;name_en;level"


def csv_bytes(*lines: str, header: str = HEADER) -> bytes:
    return ("\n".join([header, *lines]) + "\n").encode("utf-8")


GOOD_LINES = (
    "framework;TEST-FW;;Testrahmen;Test framework;",  # line 2
    "level;;;Einstieg;Entry;1",  # 3
    "level;;;Profi;Pro;2",  # 4
    "area;A;;Bereich Ä;Area A;",  # 5
    "competence;A1;A;Kompetenz Ö;Competence A1;",  # 6
    "competence;A2;A;Kompetenz ß;Competence A2;",  # 7
)


# ---------------------------------------------------------------------------
# Seed data
# ---------------------------------------------------------------------------


def test_default_frameworks_are_complete(db):
    loaded = load_default_frameworks()
    assert {fw.code for fw in loaded} == {DIGCOMP_CODE, FACHKOMPETENZEN_CODE}

    digcomp = framework(DIGCOMP_CODE)
    assert len(digcomp.areas) == 5
    assert sum(len(a.competences) for a in digcomp.areas) == 21
    assert [lv.level for lv in digcomp.levels] == list(range(1, 9))
    bands = {lv.level: (lv.band_de, lv.band_en) for lv in digcomp.levels}
    assert bands[1] == bands[2] == ("Grundlagen", "Foundation")
    assert bands[3] == bands[4] == ("Mittelstufe", "Intermediate")
    assert bands[5] == bands[6] == ("Fortgeschritten", "Advanced")
    assert bands[7] == bands[8] == ("Hochspezialisiert", "Highly specialised")
    assert all(lv.description_de and lv.description_en for lv in digcomp.levels)
    assert digcomp.licence == "CC BY 4.0" and "Joint Research Centre" in digcomp.publisher
    comps = {c.code: c for a in digcomp.areas for c in a.competences}
    assert comps["1.1"].name_de == (
        "Browsen, Suchen und Filtern von Daten, Informationen und digitalen Inhalten"
    )
    assert comps["1.1"].name_en == (
        "Browsing, searching and filtering data, information and digital content"
    )
    assert comps["2.5"].name_de == "Netiquette"
    assert comps["4.1"].name_de == "Schützen von Geräten"
    assert {a.code: a.name_de for a in digcomp.areas}["4"] == "Sicherheit"
    assert all(c.description_de and c.description_en for c in comps.values())

    fk = framework(FACHKOMPETENZEN_CODE)
    fk_comps = {c.code: c for a in fk.areas for c in a.competences}
    assert sorted(fk_comps) == [f"F{n:02d}" for n in range(1, 12)]
    assert [(lv.level, lv.name_de, lv.name_en) for lv in fk.levels] == [
        (1, "Grundlagen", "Foundation"),
        (2, "Anwenden", "Applying"),
        (3, "Fortgeschritten", "Advanced"),
        (4, "Expertise", "Expert"),
    ]
    assert fk_comps["F01"].sfia_codes == "METL, DEMG"
    assert fk_comps["F03"].sfia_codes == "HCEV, URCH, USEV"
    assert fk_comps["F09"].sfia_codes is None
    assert all(c.name_en for c in fk_comps.values())
    assert {a.name_de for a in fk.areas} >= {"Methoden", "Technologie", "Führung"}


def test_default_frameworks_are_idempotent(db):
    load_default_frameworks()
    db.session.commit()
    counts = [count(db, m) for m in (Framework, FrameworkLevel, CompetenceArea, Competence)]
    audits = audit_count(db)
    assert counts == [2, 12, 9, 32] and audits == 2

    load_default_frameworks()
    assert not db.session.dirty and not db.session.new
    db.session.commit()
    assert [count(db, m) for m in (Framework, FrameworkLevel, CompetenceArea, Competence)] == counts
    assert audit_count(db) == audits


def test_default_frameworks_repair_a_changed_name(db):
    load_default_frameworks()
    comp = db.session.scalar(select(Competence).where(Competence.code == "2.5"))
    comp.name_de = "Falsch"
    db.session.commit()
    load_default_frameworks()
    db.session.commit()
    assert comp.name_de == "Netiquette"
    entry = db.session.scalars(
        select(AuditLogEntry).where(AuditLogEntry.action == "framework.updated")
    ).one()
    assert entry.details["changed"] == 1


# ---------------------------------------------------------------------------
# CSV import: happy paths
# ---------------------------------------------------------------------------


def test_sample_csv_imports(db):
    preview = parse_framework_csv(SAMPLE.read_bytes(), SAMPLE.name)
    assert preview.ok, preview.errors
    assert (preview.format, preview.delimiter, preview.encoding) == ("csv", ";", "utf-8")
    assert preview.counts == {"new": 21, "changed": 0, "unchanged": 0}
    fw = apply_framework_import(None, preview, utcnow())
    db.session.commit()
    assert fw.code == SAMPLE_CODE and fw.version == "3.0" and fw.licence == "CC BY 4.0"
    assert len(fw.levels) == 8 and len(fw.areas) == 5
    comps = {c.code: c for a in fw.areas for c in a.competences}
    assert len(comps) == 7
    assert (
        comps["5.4"].name_de
        == "Erkennen und Schließen von Lücken in der eigenen digitalen Kompetenz"
    )
    assert comps["3.4"].sfia_codes == "PROG" and comps["3.4"].area.code == "3"
    assert fw.levels[2].band_en == "Intermediate"
    assert audit_count(db, "framework.created") == 1


def test_cp1252_semicolon_csv_with_umlauts(db):
    data = SAMPLE.read_text("utf-8").replace("\n", "\r\n").encode("cp1252")
    preview = parse_framework_csv(data, "export-aus-excel.csv")
    assert preview.ok, preview.errors
    assert preview.encoding == "windows-1252"
    fw = apply_framework_import(None, preview, utcnow())
    names = {c.name_de for a in fw.areas for c in a.competences}
    assert "Schutz personenbezogener Daten und der Privatsphäre" in names
    assert "Erkennen und Schließen von Lücken in der eigenen digitalen Kompetenz" in names
    assert fw.levels[7].description_de == "Höchstes Niveau"


def test_utf8_bom_and_comma_separator(db):
    rows = list(csv.reader(io.StringIO(SAMPLE.read_text("utf-8")), delimiter=";"))
    out = io.StringIO()
    csv.writer(out, delimiter=",").writerows(rows)
    data = b"\xef\xbb\xbf" + out.getvalue().encode("utf-8")
    preview = parse_framework_csv(data, "digcomp.csv")
    assert preview.ok, preview.errors
    assert preview.delimiter == "," and preview.encoding == "utf-8"
    fw = apply_framework_import(None, preview, utcnow())
    assert fw.name_de == "DigComp 3.0 (Testauszug)"
    assert sum(len(a.competences) for a in fw.areas) == 7


def test_excel_sep_line_blank_and_comment_lines(db):
    data = (
        "sep=;\n"
        + HEADER
        + "\n"
        + "\n".join(GOOD_LINES[:3])
        + "\n;;;;;\n# Kommentar;;;;;\n"
        + "\n".join(GOOD_LINES[3:])
        + "\n"
    ).encode("utf-8")
    preview = parse_framework_csv(data, "x.csv")
    assert preview.ok, preview.errors
    assert [r.line for r in preview.competences] == [9, 10]  # as in the file (sep= is line 1)


def test_reimport_updates_never_deletes_and_warns(db):
    apply_framework_import(None, parse_framework_csv(csv_bytes(*GOOD_LINES), "a.csv"), utcnow())
    db.session.commit()
    changed = csv_bytes(
        "framework;TEST-FW;;Testrahmen neu;Test framework;",
        "level;;;Einstieg;Entry;1",
        "level;;;Profi;Pro;2",
        "area;A;;Bereich Ä;Area A;",
        "area;B;;Bereich B;Area B;",
        "competence;A1;B;Kompetenz Ö;Competence A1;",
    )
    preview = parse_framework_csv(changed, "b.csv")
    assert preview.ok, preview.errors
    assert preview.existing_id is not None
    assert preview.counts == {"new": 1, "changed": 2, "unchanged": 3}
    assert preview.missing_competences == ["A2"]
    assert any("A2" in str(w.params.get("codes")) for w in preview.warnings)
    fw = apply_framework_import(None, preview, utcnow())
    db.session.commit()
    assert fw.name_de == "Testrahmen neu"
    comps = {
        c.code: c
        for c in db.session.scalars(select(Competence).where(Competence.framework_id == fw.id))
    }
    assert set(comps) == {"A1", "A2"}  # A2 is kept
    assert comps["A1"].area.code == "B"
    assert count(db, Framework) == 1


# ---------------------------------------------------------------------------
# Validation: every error with its line number, nothing applied
# ---------------------------------------------------------------------------


def lines_with(replacements: dict[int, str | None], extra: tuple[str, ...] = ()) -> tuple[str, ...]:
    """GOOD_LINES with some file lines (2-based) replaced (None: removed)."""
    result = []
    for number, line in enumerate(GOOD_LINES, start=2):
        new = replacements.get(number, line)
        if new is not None:
            result.append(new)
    return (*result, *extra)


ERROR_CASES = {
    "duplicate competence": (
        csv_bytes(*GOOD_LINES, "competence;A1;A;Doppelt;Twice;"),
        8,
        "The code %(code)s appears twice (first in line %(first)s).",
        {"code": "A1", "first": 6},
    ),
    "duplicate area": (
        csv_bytes(*lines_with({}, ("area;A;;Noch mal;Again;",))),
        8,
        "The code %(code)s appears twice (first in line %(first)s).",
        {"code": "A", "first": 5},
    ),
    "duplicate level": (
        csv_bytes(*lines_with({4: "level;;;Profi;Pro;1"})),
        4,
        "Level %(code)s appears twice (first in line %(first)s).",
        {"code": 1, "first": 3},
    ),
    "unknown area": (
        csv_bytes(*lines_with({7: "competence;A2;ZZ;Kompetenz;Competence;"})),
        7,
        None,
        {"area": "ZZ", "code": "A2"},
    ),
    "level not integer": (
        csv_bytes(*lines_with({4: "level;;;Profi;Pro;zwei"})),
        4,
        "The level %(value)s is not a whole number.",
        {"value": "zwei"},
    ),
    "empty German name": (
        csv_bytes(*lines_with({6: "competence;A1;A;;Competence A1;"})),
        6,
        "The name (column %(column)s) is empty.",
        {"column": "name_de"},
    ),
    "empty English name": (
        csv_bytes(*lines_with({5: "area;A;;Bereich Ä; ;"})),
        5,
        "The name (column %(column)s) is empty.",
        {"column": "name_en"},
    ),
    "competence without area": (
        csv_bytes(*lines_with({7: "competence;A2;;Kompetenz;Competence;"})),
        7,
        "The competence %(code)s has no area (column area_code).",
        {"code": "A2"},
    ),
    "framework without levels": (
        csv_bytes(*lines_with({3: None, 4: None})),
        2,
        "The framework has no levels (rows of type level).",
        {},
    ),
    "no framework row": (
        csv_bytes(*lines_with({2: None})),
        1,
        "The file has no framework row (type framework).",
        {},
    ),
    "second framework row": (
        csv_bytes(*GOOD_LINES, "framework;OTHER;;Anderer;Other;"),
        8,
        None,
        {"first": 2},
    ),
    "unknown type": (
        csv_bytes(*lines_with({}, ("kompetenzz;A9;A;X;Y;",))),
        8,
        None,
        {"type": "kompetenzz"},
    ),
    "missing required column": (
        csv_bytes(
            *(line.rsplit(";", 1)[0] for line in GOOD_LINES),
            header="type;code;area_code;name_de;name_en",
        ),
        1,
        None,
        {"columns": "level"},
    ),
    "bad SFIA code": (
        csv_bytes(*lines_with({6: "competence;A1;A;K;C;;PRMG, X1"}), header=HEADER + ";sfia_codes"),
        6,
        None,
        {"value": "X1"},
    ),
    "ESCO not a link": (
        csv_bytes(*lines_with({6: "competence;A1;A;K;C;;esco:123"}), header=HEADER + ";esco_uri"),
        6,
        None,
        {"value": "esco:123"},
    ),
    "code too long": (
        csv_bytes(*lines_with({5: "area;" + "A" * 21 + ";;Bereich;Area;"})),
        5,
        None,
        {"max": 20},
    ),
    "empty file": (b"", 1, "The file is empty.", {}),
    "only a BOM and blank lines": (b"\xef\xbb\xbf\r\n\r\n", 1, "The file is empty.", {}),
    "not decodable": (
        csv_bytes(*GOOD_LINES[:3]) + "area;A;;Bereich \x81;Area;\n".encode("latin-1"),
        5,
        None,
        {},
    ),
    "binary file": (b"PK\x03\x04\x00\x00\n\x00", 1, None, {}),
}


@pytest.mark.parametrize("case", list(ERROR_CASES), ids=list(ERROR_CASES))
def test_validation_errors_have_line_numbers_and_block_apply(db, case):
    data, line, message, params = ERROR_CASES[case]
    before = [count(db, m) for m in (Framework, FrameworkLevel, CompetenceArea, Competence)]
    preview = parse_framework_csv(data, "fehler.csv")
    assert not preview.ok
    matching = [
        e
        for e in preview.errors
        if e.line == line
        and (message is None or e.message == message)
        and all(e.params.get(k) == v for k, v in params.items())
    ]
    assert matching, [(e.line, e.message, e.params) for e in preview.errors]
    assert all(e.line is not None for e in preview.errors)
    with pytest.raises(ValidationFailed):
        apply_framework_import(None, preview, utcnow())
    db.session.commit()
    assert [count(db, m) for m in (Framework, FrameworkLevel, CompetenceArea, Competence)] == before


def test_all_errors_are_reported_at_once(db):
    data = csv_bytes(
        "framework;TEST-FW;;Testrahmen;Test framework;",
        "level;;;Einstieg;Entry;eins",
        "area;A;;;Area A;",
        "competence;A1;Q;K;C;",
        "competence;A1;A;K;C;",
    )
    preview = parse_framework_csv(data, "x.csv")
    assert [e.line for e in preview.errors] == [3, 4, 5, 6]


def test_apply_is_all_or_nothing(db):
    preview = parse_framework_csv(csv_bytes(*GOOD_LINES), "a.csv")
    assert preview.ok
    preview.competences[-1].area_code = "gone"  # an inconsistency only a bug could cause
    with pytest.raises(KeyError):
        apply_framework_import(None, preview, utcnow())
    db.session.commit()
    assert framework("TEST-FW") is None
    assert count(db, CompetenceArea) == 0 and count(db, FrameworkLevel) == 0


# ---------------------------------------------------------------------------
# JSON import and CSV export
# ---------------------------------------------------------------------------


def small_json(**changes) -> dict:
    doc = {
        "code": "JSON-FW",
        "name_de": "JSON-Rahmen",
        "name_en": "JSON framework",
        "levels": [{"level": 1, "name_de": "Eins", "name_en": "One"}],
        "areas": [
            {
                "code": "X",
                "name_de": "Bereich X",
                "name_en": "Area X",
                "competences": [
                    {"code": "X1", "name_de": "Über", "name_en": "Above", "sfia_codes": ["prmg"]}
                ],
            }
        ],
    }
    doc.update(changes)
    return doc


def test_json_import_in_seed_shape(db):
    data = json.dumps(small_json(), indent=2, ensure_ascii=False).encode("utf-8")
    preview = parse_framework_csv(data, "rahmen.json")
    assert preview.ok, preview.errors
    assert preview.format == "json"
    fw = apply_framework_import(None, preview, utcnow())
    comp = fw.areas[0].competences[0]
    assert (comp.code, comp.name_de, comp.sfia_codes) == ("X1", "Über", "PRMG")
    # the same content sniffed without a file ending
    assert parse_framework_csv(data, "upload").format == "json"


def test_json_errors_have_line_numbers(db):
    doc = small_json(
        levels=[
            {"level": 1, "name_de": "Eins", "name_en": "One"},
            {"level": "zwei", "name_de": "Zwei", "name_en": "Two"},
        ]
    )
    text = json.dumps(doc, indent=2)
    preview = parse_framework_json(text.encode(), "rahmen.json")
    expected = text.splitlines().index("    {", text.splitlines().index('  "levels": [') + 2) + 1
    assert [(e.line, e.params) for e in preview.errors] == [(expected, {"value": "zwei"})]

    broken = parse_framework_json(b'{\n  "code": "X",\n  "name_de": \n}', "b.json")
    assert [e.line for e in broken.errors] == [4]


def test_export_round_trips(db):
    load_default_frameworks()
    digcomp = framework(DIGCOMP_CODE)
    data = framework_to_csv(digcomp)
    assert data.startswith(b"\xef\xbb\xbf")
    preview = parse_framework_csv(data, "digcomp.csv")
    assert preview.ok, preview.errors
    assert preview.counts == {"new": 0, "changed": 0, "unchanged": 1 + 8 + 5 + 21}


# ---------------------------------------------------------------------------
# Pages
# ---------------------------------------------------------------------------


def test_anonymous_is_sent_to_login(client):
    for url in ("/kompetenzrahmen", "/kompetenzrahmen/import"):
        response = client.get(url)
        assert response.status_code == 302 and "/anmelden" in response.headers["Location"]


def test_employee_may_browse_but_not_import(client, login_as, db):
    load_default_frameworks()
    login_as()
    assert client.get("/kompetenzrahmen").status_code == 200
    assert client.get("/kompetenzrahmen/import").status_code == 403
    upload = client.post(
        "/kompetenzrahmen/import",
        data={"file": (io.BytesIO(SAMPLE.read_bytes()), "s.csv")},
        content_type="multipart/form-data",
    )
    assert upload.status_code == 403
    assert framework(SAMPLE_CODE) is None
    assert "/kompetenzrahmen/import" not in client.get("/kompetenzrahmen").get_data(as_text=True)


@pytest.mark.parametrize("role", [Role.HR, Role.ADMIN])
def test_hr_and_admin_may_import(client, login_as, role):
    login_as(role)
    page = client.get("/kompetenzrahmen/import")
    assert page.status_code == 200
    assert 'type="file"' in page.get_data(as_text=True)
    assert 'href="/kompetenzrahmen/import"' in client.get("/").get_data(as_text=True)


def test_pages_show_german_names_by_default(client, login_as, db):
    load_default_frameworks()
    login_as()
    listing = client.get("/kompetenzrahmen").get_data(as_text=True)
    assert "DigComp 2.2 – Europäischer Referenzrahmen für digitale Kompetenzen" in listing
    assert "Fachkompetenzen Digitalisierung" in listing
    fw = framework(DIGCOMP_CODE)
    page = client.get(f"/kompetenzrahmen/{fw.id}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Browsen, Suchen und Filtern von Daten, Informationen und digitalen Inhalten" in html
    assert "Sicherheit" in html and "Hochspezialisiert" in html
    assert "Browsing, searching and filtering" not in html


def test_pages_show_english_names_for_english_users(client, login_as, db):
    load_default_frameworks()
    user = login_as()
    user.locale = "en"
    db.session.commit()
    listing = client.get("/kompetenzrahmen").get_data(as_text=True)
    assert "DigComp 2.2 – The Digital Competence Framework for Citizens" in listing
    assert "Specialist competences for digitalisation" in listing
    fk = framework(FACHKOMPETENZEN_CODE)
    html = client.get(f"/kompetenzrahmen/{fk.id}").get_data(as_text=True)
    assert "Agile methods (Scrum, Kanban)" in html and "METL, DEMG" in html
    assert "Expert" in html and "Leadership" in html
    assert "Klassisches und hybrides Projektmanagement" not in html


def test_unknown_framework_is_404(client, login_as):
    login_as()
    assert client.get("/kompetenzrahmen/999999").status_code == 404


def test_export_download(client, login_as, db):
    load_default_frameworks()
    login_as()
    fw = framework(FACHKOMPETENZEN_CODE)
    response = client.get(f"/kompetenzrahmen/{fw.id}/export.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "F11;FUE;Digitale Führung" in response.data.decode("utf-8-sig")


def test_trainer_start_page_panel(client, login_as, db):
    load_default_frameworks()
    login_as(Role.TRAINER)
    html = client.get("/").get_data(as_text=True)
    assert "Competency frameworks" in html or "Kompetenzrahmen" in html
    assert "21 competences in 5 areas" in html or "21 Kompetenzen" in html


# ---------------------------------------------------------------------------
# Import over HTTP: upload → preview → apply
# ---------------------------------------------------------------------------


def post_file(client, data: bytes, name: str):
    return client.post(
        "/kompetenzrahmen/import",
        data={"file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def test_preview_then_apply(client, login_as, db):
    user = login_as(Role.HR)
    response = post_file(client, SAMPLE.read_bytes(), SAMPLE.name)
    assert response.status_code == 302
    location = response.headers["Location"]
    token = location.rsplit("/", 1)[1]
    upload = db.session.scalar(select(Upload).where(Upload.token == token))
    assert (upload.kind, upload.status, upload.uploaded_by_id) == (
        "framework",
        "previewed",
        user.id,
    )
    assert framework(SAMPLE_CODE) is None  # nothing applied yet

    page = client.get(location)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert SAMPLE_CODE in html and "Suchen und Finden von Informationen" in html
    assert f'value="{token}"' in html

    applied = client.post("/kompetenzrahmen/import/anwenden", data={"token": token})
    assert applied.status_code == 302
    fw = framework(SAMPLE_CODE)
    assert fw is not None and applied.headers["Location"].endswith(f"/kompetenzrahmen/{fw.id}")
    db.session.refresh(upload)
    assert upload.status == "applied" and upload.applied_at is not None
    assert audit_count(db, "framework.created") == 1

    again = client.post("/kompetenzrahmen/import/anwenden", data={"token": token})
    assert again.status_code == 409
    assert client.get(location).status_code == 409


def test_bad_file_shows_errors_at_the_field(client, login_as, db):
    login_as(Role.HR)
    uploads = count(db, Upload)
    data = csv_bytes(*lines_with({4: "level;;;Profi;Pro;zwei"}))
    response = post_file(client, data, "fehler.csv")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'aria-invalid="true"' in html and "invalid-feedback" in html
    assert "zwei" in html and "<td>4</td>" in html
    assert count(db, Upload) == uploads and framework("TEST-FW") is None


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (b"", "leer.csv"),
        (b"irrelevant", "tabelle.xlsx"),
        (b"x" * (2 * 1024 * 1024 + 1), "riesig.csv"),
    ],
    ids=["empty", "wrong-ending", "too-large"],
)
def test_unusable_upload_is_rejected(client, login_as, db, data, name):
    login_as(Role.HR)
    response = post_file(client, data, name)
    assert response.status_code == 422
    assert "invalid-feedback" in response.get_data(as_text=True)
    assert count(db, Upload) == 0


def test_missing_file_is_rejected(client, login_as, db):
    login_as(Role.HR)
    response = client.post("/kompetenzrahmen/import", data={}, content_type="multipart/form-data")
    assert response.status_code == 422
    assert "invalid-feedback" in response.get_data(as_text=True)


def test_someone_elses_token_is_refused(client, login_as, make, db):
    owner = make.user(Role.HR)
    data = SAMPLE.read_bytes()
    upload = store_framework_upload(
        owner, data, "s.csv", parse_framework_csv(data, "s.csv"), utcnow()
    )
    db.session.commit()
    login_as(Role.HR)
    assert client.get(f"/kompetenzrahmen/import/{upload.token}").status_code == 403
    response = client.post("/kompetenzrahmen/import/anwenden", data={"token": upload.token})
    assert response.status_code == 403
    assert (
        client.post("/kompetenzrahmen/import/verwerfen", data={"token": upload.token}).status_code
        == 403
    )
    assert framework(SAMPLE_CODE) is None
    db.session.refresh(upload)
    assert upload.status == "previewed"
    assert (
        client.post("/kompetenzrahmen/import/anwenden", data={"token": "nope"}).status_code == 404
    )


def test_discard(client, login_as, db):
    login_as(Role.HR)
    token = post_file(client, SAMPLE.read_bytes(), "s.csv").headers["Location"].rsplit("/", 1)[1]
    response = client.post("/kompetenzrahmen/import/verwerfen", data={"token": token})
    assert response.status_code == 302
    upload = db.session.scalar(select(Upload).where(Upload.token == token))
    assert upload.status == "discarded"
    assert client.post("/kompetenzrahmen/import/anwenden", data={"token": token}).status_code == 409
    assert framework(SAMPLE_CODE) is None


def test_apply_rechecks_the_file(client, login_as, db):
    """If the framework changed since the preview, applying compares afresh."""
    login_as(Role.HR)
    token = post_file(client, SAMPLE.read_bytes(), "s.csv").headers["Location"].rsplit("/", 1)[1]
    apply_framework_import(None, parse_framework_csv(SAMPLE.read_bytes(), "s.csv"), utcnow())
    db.session.commit()
    response = client.post("/kompetenzrahmen/import/anwenden", data={"token": token})
    assert response.status_code == 302
    assert audit_count(db, "framework.") == 1  # the second apply changed nothing


# ---------------------------------------------------------------------------
# Commands
# ---------------------------------------------------------------------------


def test_init_command_is_idempotent(app, db):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["academy", "init"])
    assert first.exit_code == 0, first.output
    assert "angelegt" in first.output and "21 Kompetenzen" in first.output
    second = runner.invoke(args=["academy", "init"])
    assert second.exit_code == 0 and "angelegt" not in second.output
    assert count(db, Competence) == 32 and audit_count(db) == 2


def test_import_command(app, db, tmp_path):
    runner = app.test_cli_runner()
    dry = runner.invoke(args=["academy", "import-framework", str(SAMPLE), "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "21 neu" in dry.output and framework(SAMPLE_CODE) is None
    done = runner.invoke(args=["academy", "import-framework", str(SAMPLE)])
    assert done.exit_code == 0, done.output
    assert framework(SAMPLE_CODE) is not None

    bad = tmp_path / "bad.csv"
    bad.write_bytes(csv_bytes(*lines_with({7: "competence;A2;ZZ;Kompetenz;Competence;"})))
    failed = runner.invoke(args=["academy", "import-framework", str(bad)])
    assert failed.exit_code == 1
    assert "Zeile 7" in failed.output
    assert framework("TEST-FW") is None
