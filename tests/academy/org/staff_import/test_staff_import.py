"""Staff import: file formats, upsert, departments, deactivation, problems, CLI and HTTP."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime

import pytest
from openpyxl import Workbook
from sqlalchemy import event, func, select

from academy.accounts.models import Role
from academy.audit.models import AuditLogEntry
from academy.errors import ValidationFailed
from academy.imports.models import Upload
from academy.imports.textfiles import sniff_separator
from academy.org.models import Department, Employee, JobRole
from academy.org.staff_import import views as views_staff
from academy.org.staff_import.files import clean_text, parse_date, read_table
from academy.org.staff_import.importer import apply_staff_import, preview_staff_file

NOW = datetime(2024, 3, 15, 23, 30, tzinfo=UTC)  # already 16 March in Berlin
TODAY = date(2024, 3, 16)

HEADER = [
    "Personalnummer",
    "Vorname",
    "Nachname",
    "E-Mail",
    "Organisationseinheit",
    "Bereich",
    "Übergeordneter Bereich",
    "Stelle",
    "Eintrittsdatum",
    "Entgeltgruppe",
    "Führungskraft",
]
ROWS = [
    [
        "00123",
        "Jürgen",
        "Müller",
        "juergen.mueller@stadt.example",
        "36",
        "Straßenverkehrsamt",
        "3",
        "Sachbearbeitung",
        "01.04.2015",
        "E 9b",
        "ja",
    ],
    [
        "00124",
        "Anna",
        "Schäfer",
        "anna.schaefer@stadt.example",
        "36.1",
        "Zulassungsstelle",
        "36",
        "Sachbearbeitung",
        "2019-12-31",
        "E 6",
        "",
    ],
    [
        "00125",
        "Özge",
        "Öztürk",
        "oezge.oeztuerk@stadt.example",
        "3",
        "Dezernat III – Ordnung",
        "",
        "Dezernentin",
        "1.10.2010",
        "B 3",
        "x",
    ],
]


@pytest.fixture(autouse=True, scope="module")
def _staff_blueprint(app):
    """Until ``academy.web.app`` registers the blueprint, register it for these tests."""
    if "staff" not in app.blueprints:
        started = app._got_first_request
        app._got_first_request = False
        app.register_blueprint(views_staff.bp)
        app._got_first_request = started


def csv_file(rows, header=HEADER, sep=";", encoding="cp1252", bom=False) -> bytes:
    text = "\r\n".join(sep.join(row) for row in [header, *rows]) + "\r\n"
    data = text.encode(encoding)
    return (b"\xef\xbb\xbf" + data) if bom else data


def counts(db):
    return tuple(
        db.session.scalar(select(func.count()).select_from(model))
        for model in (Employee, Department, JobRole)
    )


def employee(db, personnel_no) -> Employee:
    return db.session.scalars(select(Employee).where(Employee.personnel_no == personnel_no)).one()


def department(db, code) -> Department:
    return db.session.scalars(select(Department).where(Department.code == code)).one()


def run(db, content, filename="personal.csv", deactivate_missing=False):
    preview = preview_staff_file(content, filename, now=NOW)
    assert preview.problems == [], [(p.line, p.column, p.text()) for p in preview.problems]
    result = apply_staff_import(None, preview, deactivate_missing=deactivate_missing, now=NOW)
    db.session.flush()
    return preview, result


# ---------------------------------------------------------------------------
# Reading files
# ---------------------------------------------------------------------------


def test_cp1252_semicolon_csv_with_umlauts_creates_everything(db):
    before = counts(db)
    preview, _ = run(db, csv_file(ROWS))
    assert (preview.new, preview.changed, preview.unchanged) == (3, 0, 0)
    assert (preview.departments_new, preview.job_roles_new) == (3, 2)
    assert counts(db) == (before[0] + 3, before[1] + 3, before[2] + 2)

    mueller = employee(db, "00123")
    assert (mueller.first_name, mueller.last_name) == ("Jürgen", "Müller")
    assert mueller.entry_date == date(2015, 4, 1) and mueller.pay_group == "E 9b"
    assert mueller.job_role.title == "Sachbearbeitung"
    assert employee(db, "00124").entry_date == date(2019, 12, 31)
    assert employee(db, "00125").entry_date == date(2010, 10, 1)

    d3, d36, d361 = department(db, "3"), department(db, "36"), department(db, "36.1")
    assert d36.name == "Straßenverkehrsamt" and d3.name == "Dezernat III – Ordnung"
    assert d3.parent_id is None and d3.path == f"/{d3.id}/"
    assert d36.parent_id == d3.id and d36.path == f"/{d3.id}/{d36.id}/"
    assert d361.parent_id == d36.id and d361.path == f"/{d3.id}/{d36.id}/{d361.id}/"
    assert d36.head_id == mueller.id
    assert d3.head_id == employee(db, "00125").id
    assert d361.head_id is None
    assert mueller.department_id == d36.id

    entries = db.session.scalars(
        select(AuditLogEntry).where(AuditLogEntry.action == "staff.import")
    ).all()
    assert len(entries) == 1 and entries[0].details["new"] == 3


def test_utf8_bom_comma_csv_with_english_headers(db):
    header = [
        "personnel_no",
        "First_Name",
        "LAST NAME",
        "email",
        "department_code",
        "department_name",
    ]
    rows = [["P-77", "Jürgen", "Weiß", "j.weiss@stadt.example", "10", "Hauptamt"]]
    content = csv_file(rows, header=header, sep=",", encoding="utf-8", bom=True)
    run(db, content)
    person = employee(db, "P-77")
    assert (person.first_name, person.last_name) == ("Jürgen", "Weiß")
    assert person.department.name == "Hauptamt"


def test_tab_separated_utf8_without_bom(db):
    content = csv_file([ROWS[2]], sep="\t", encoding="utf-8")
    run(db, content, filename="personal.txt")
    assert employee(db, "00125").last_name == "Öztürk"


def test_xlsx_with_date_cells_and_numeric_personnel_numbers(db):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Pers.-Nr.", "Vorname", "Name", "OE", "Bereich", "Eintritt", "EG"])
    sheet.append([123.0, "Jürgen", "Müller", 32, "Ordnungsamt", date(2019, 12, 31), "E 9b"])
    sheet.append(["00124", "Anna", "Schäfer", "32", "Ordnungsamt", "31.12.2018", "E 6"])
    sheet.append([])  # empty rows are skipped but keep the numbering
    sheet.append([7, "Max", "Groß", "32", "Ordnungsamt", datetime(2020, 1, 2), None])
    sheet.cell(row=5, column=1).number_format = "00000"
    buffer = io.BytesIO()
    workbook.save(buffer)

    preview, _ = run(db, buffer.getvalue(), filename="Personal.xlsx")
    assert preview.new == 3
    assert employee(db, "123").entry_date == date(2019, 12, 31)
    assert employee(db, "00124").entry_date == date(2018, 12, 31)
    assert employee(db, "00007").entry_date == date(2020, 1, 2)
    assert employee(db, "00007").pay_group is None
    assert department(db, "32").name == "Ordnungsamt"
    assert [c.line for c in preview.changes] == [2, 3, 5]


def test_cell_values():
    assert clean_text(123.0) == "123"
    assert clean_text(123.5) == "123.5"
    assert clean_text(" 00123\xa0") == "00123"
    assert clean_text("Mu\u0308ller") == "Müller"  # decomposed umlaut (macOS) → NFC
    assert parse_date("31.12.2019") == date(2019, 12, 31)
    assert parse_date("2019-12-31") == date(2019, 12, 31)
    assert parse_date("2019-12-31 00:00:00") == date(2019, 12, 31)
    assert parse_date("") is None
    for bad in ("31.02.2019", "12/31/2019", "2019-13-01", 43830):
        with pytest.raises(ValueError):
            parse_date(bad)
    assert sniff_separator("a;b;c") == ";"
    assert sniff_separator("a,b,c") == ","
    assert sniff_separator("a\tb\tc") == "\t"


def test_excel_separator_hint_and_line_numbers():
    content = b"sep=,\r\nPersonalnummer,Vorname\r\n1,A\r\n"
    table = read_table(content, "x.csv")
    assert table.header_line == 2 and table.rows == [(3, ["1", "A"])]


def test_unreadable_files_are_problems_not_crashes(db):
    for content, name in (
        (b"\xd0\xcf\x11\xe0rest", "alt.xls"),
        (b"PK\x03\x04broken", "x.xlsx"),
        (b"", "leer.csv"),
    ):
        preview = preview_staff_file(content, name, now=NOW)
        assert len(preview.problems) == 1 and preview.problems[0].line is None


def test_working_time_column(db, make):
    """„Beschäftigungsumfang“: whole per cents, „Vollzeit“, a share of one (an Excel
    percentage cell); the preview shows a change; a bad value is a German problem at the
    cell and nothing is imported; without the column the value stays."""
    make.department(code="36")
    header = ["Personalnummer", "Vorname", "Nachname", "Organisationseinheit"]
    rows = [
        ["1", "Ada", "Eins", "36", "75 %"],
        ["2", "Bea", "Zwei", "36", "Vollzeit"],
        ["3", "Cem", "Drei", "36", "0,5"],
        ["4", "Dana", "Vier", "36", ""],
    ]
    preview, _ = run(db, csv_file(rows, header=[*header, "Beschäftigungsumfang"]))
    assert preview.new == 4
    assert [employee(db, n).employment_percent for n in "1234"] == [75, 100, 50, None]

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Personalnummer", "Vorname", "Nachname", "OE", "Stellenanteil"])
    sheet.append(["1", "Ada", "Eins", "36", 0.8])
    sheet.append(["2", "Bea", "Zwei", "36", 1])  # 100 % as Excel keeps it
    sheet.append(["3", "Cem", "Drei", "36", 50])
    for row in (2, 3):
        sheet.cell(row=row, column=5).number_format = "0%"
    buffer = io.BytesIO()
    workbook.save(buffer)
    preview, _ = run(db, buffer.getvalue(), filename="Personal.xlsx")
    assert (preview.changed, preview.unchanged) == (1, 2)
    assert ("Share of full-time in percent", 75, 80) in preview.changes[0].fields
    assert [employee(db, n).employment_percent for n in "123"] == [80, 100, 50]

    before = [employee(db, n).employment_percent for n in "1234"]
    bad = [
        [str(n), "Ada", "Eins", "36", value]
        for n, value in enumerate(("0", "101", "75,5", "viel"), start=1)
    ]
    preview = preview_staff_file(
        csv_file(bad, header=[*header, "Beschäftigungsumfang"]), "p.csv", now=NOW
    )
    assert [(p.line, p.column) for p in preview.problems] == [
        (n, "Beschäftigungsumfang") for n in (2, 3, 4, 5)
    ]
    assert "ist kein Beschäftigungsumfang" in preview.problems[0].text()
    with pytest.raises(ValidationFailed):
        apply_staff_import(None, preview, deactivate_missing=False, now=NOW)
    assert [employee(db, n).employment_percent for n in "1234"] == before

    run(db, csv_file([["1", "Ada", "Eins", "36"]], header=header))
    assert employee(db, "1").employment_percent == 80


# ---------------------------------------------------------------------------
# Upsert
# ---------------------------------------------------------------------------


def test_same_file_twice_changes_nothing(db):
    content = csv_file(ROWS)
    run(db, content)
    updated = {e.personnel_no: e.updated_at for e in db.session.scalars(select(Employee))}
    before = counts(db)
    preview, result = run(db, content)
    assert (preview.new, preview.changed, preview.unchanged) == (0, 0, 3)
    assert (preview.departments_new, preview.departments_changed, preview.job_roles_new) == (
        0,
        0,
        0,
    )
    assert preview.changes == [] and preview.department_changes == []
    assert (result.new, result.changed, result.deactivated) == (0, 0, 0)
    assert counts(db) == before
    assert {e.personnel_no: e.updated_at for e in db.session.scalars(select(Employee))} == updated
    audit = db.session.scalars(
        select(AuditLogEntry)
        .where(AuditLogEntry.action == "staff.import")
        .order_by(AuditLogEntry.id)
    ).all()
    assert len(audit) == 2 and audit[1].details["changed"] == 0


def test_changed_name_department_and_role_are_updated(db, make):
    old_dept = make.department("Altes Amt", code="OLD")
    role = make.job_role("Sachbearbeitung", code="SB")
    person = make.employee(
        old_dept, personnel_no="4711", first_name="Eva", last_name="Meier", job_role=role
    )
    rows = [
        [
            "4711",
            "Eva",
            "Meier-Schulz",
            "eva@stadt.example",
            "NEW",
            "Neues Amt",
            "",
            "sb",
            "01.04.2015",
            "E 9b",
            "",
        ],
        ["4712", "Tom", "Bauer", "", "OLD", "Umbenanntes Amt", "NEW", "SB", "", "", ""],
    ]
    preview, _ = run(db, csv_file(rows))
    assert (preview.new, preview.changed, preview.departments_new) == (1, 1, 1)
    assert preview.departments_changed == 1  # OLD: renamed and moved below NEW
    assert preview.job_roles_new == 0  # "sb" matches the code SB
    changed = next(c for c in preview.changes if c.kind == "changed")
    assert changed.line == 2 and ("Last name", "Meier", "Meier-Schulz") in changed.fields

    db.session.refresh(person)
    new_dept = department(db, "NEW")
    assert person.last_name == "Meier-Schulz" and person.department_id == new_dept.id
    assert person.job_role_id == role.id
    db.session.refresh(old_dept)
    assert old_dept.name == "Umbenanntes Amt"
    assert old_dept.parent_id == new_dept.id
    assert old_dept.path == f"/{new_dept.id}/{old_dept.id}/"
    assert employee(db, "4712").email is None


def test_moving_a_department_fixes_the_paths_of_its_subtree(db, make):
    top = make.department("Dezernat", code="D1")
    other = make.department("Dezernat 2", code="D2")
    mid = make.department("Amt", code="A1", parent=top)
    leaf = make.department("Abteilung", code="A11", parent=mid)  # not in the file
    rows = [["1", "A", "B", "", "A1", "Amt", "D2", "", "", "", ""]]
    run(db, csv_file(rows))
    for dept in (mid, leaf):
        db.session.refresh(dept)
    assert mid.path == f"/{other.id}/{mid.id}/"
    assert leaf.path == f"/{other.id}/{mid.id}/{leaf.id}/"
    assert top.id  # untouched


def test_deactivation_of_missing_people_only_with_the_option(db, make):
    dept = make.department(code="36")
    stays = make.employee(dept, personnel_no="00123")
    missing = make.employee(dept, personnel_no="9999")
    gone_before = make.employee(dept, personnel_no="8888", active=False, left_on=date(2020, 1, 1))
    content = csv_file(ROWS)

    preview, result = run(db, content)
    assert preview.deactivated == 1 and result.deactivated == 0
    db.session.refresh(missing)
    assert missing.active and missing.left_on is None

    preview, result = run(db, content, deactivate_missing=True)
    assert result.deactivated == 1 and result.deactivated_personnel_nos == ["9999"]
    for person in (stays, missing, gone_before):
        db.session.refresh(person)
    assert not missing.active and missing.left_on == TODAY
    assert stays.active
    assert gone_before.left_on == date(2020, 1, 1)
    audit = db.session.scalars(
        select(AuditLogEntry)
        .where(AuditLogEntry.action == "staff.import")
        .order_by(AuditLogEntry.id.desc())
    ).first()
    assert audit.details["deactivated_personnel_nos"] == ["9999"]


def test_inactive_person_in_file_returns_and_active_column_deactivates(db, make):
    dept = make.department(code="36")
    back = make.employee(dept, personnel_no="1", active=False, left_on=date(2020, 1, 1))
    header = ["Personalnummer", "Vorname", "Nachname", "Organisationseinheit", "Aktiv"]
    rows = [["1", back.first_name, back.last_name, "36", ""], ["2", "Lea", "Fuchs", "36", "nein"]]
    run(db, csv_file(rows, header=header))
    db.session.refresh(back)
    assert back.active and back.left_on is None
    leaver = employee(db, "2")
    assert not leaver.active and leaver.left_on == TODAY


def test_missing_optional_columns_leave_fields_alone(db, make):
    dept = make.department(code="36")
    person = make.employee(dept, personnel_no="5", email="keep@stadt.example", pay_group="A 9")
    header = ["Personalnummer", "Vorname", "Nachname", "Organisationseinheit"]
    preview, _ = run(
        db, csv_file([["5", person.first_name, person.last_name, "36"]], header=header)
    )
    assert preview.unchanged == 1
    db.session.refresh(person)
    assert person.email == "keep@stadt.example" and person.pay_group == "A 9"


def test_no_per_row_queries(db, app):
    rows = [
        [
            f"{n:05d}",
            "Vor",
            f"Name{n}",
            f"p{n}@stadt.example",
            f"D{n % 20}",
            f"Amt {n % 20}",
            "",
            f"Rolle {n % 5}",
            "01.01.2020",
            "E 9",
            "",
        ]
        for n in range(2000)
    ]
    content = csv_file(rows)
    statements = []

    def count(*args):
        statements.append(args[2])

    engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        run(db, content)
        first = len(statements)
        run(db, content.replace(b";Vor;", b";Vorn;"))  # every row changed
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert employee(db, "01999").first_name == "Vorn"
    assert first < 40 and len(statements) - first < 40, len(statements)


# ---------------------------------------------------------------------------
# Problems: every one with its line; nothing applied
# ---------------------------------------------------------------------------


def problems_of(preview):
    return [
        (p.line, p.column, p.message % p.params if p.params else p.message)
        for p in preview.problems
    ]


def test_every_error_is_reported_with_its_line_and_nothing_is_applied(db, make):
    make.department("Bekannt", code="K")
    before = counts(db)
    rows = [
        [
            "1",
            "Jürgen",
            "Müller",
            "jm@stadt.example",
            "36",
            "Straßenverkehrsamt",
            "",
            "",
            "01.04.2015",
            "",
            "",
        ],  # 2 ok
        ["", "Ohne", "Nummer", "", "36", "", "", "", "", "", ""],  # 3
        ["1", "Doppelt", "Müller", "", "36", "", "", "", "", "", ""],  # 4
        ["3", "Falsches", "Datum", "", "36", "", "", "", "31.02.2019", "", ""],  # 5
        ["4", "Falsche", "Mail", "kein-at-zeichen", "36", "", "", "", "", "", ""],  # 6
        ["5", "Unbekannter", "Elternbereich", "", "50", "Neu", "99", "", "", "", ""],  # 7
        ["6", "Anderer", "Name", "", "36", "Ordnungsamt", "", "", "", "", ""],  # 8
        ["7", "Zyklus", "Eins", "", "Z1", "Zyklus 1", "Z2", "", "", "", ""],  # 9
        ["8", "Zyklus", "Zwei", "", "Z2", "Zyklus 2", "Z1", "", "", "", ""],  # 10
        ["9", "Ohne", "Bereichsname", "", "NEU", "", "", "", "", "", ""],  # 11
        ["10", "Erster", "Kopf", "", "K", "", "", "", "", "", "ja"],  # 12
        ["11", "Zweiter", "Kopf", "", "K", "", "", "", "", "", "vielleicht"],  # 13
        ["12", "", "Vorname fehlt", "", "K", "", "", "", "", "", ""],  # 14
        ["13", "Dritter", "Kopf", "", "K", "", "", "", "", "", "x"],  # 15
        ["X" * 40, "Zu", "Lang", "", "K", "", "", "", "", "", ""],  # 16
    ]
    preview = preview_staff_file(csv_file(rows), "fehler.csv", now=NOW)
    found = problems_of(preview)
    expected = [
        (3, "Personalnummer", "This required cell is empty."),
        (4, "Personalnummer", "The personnel number 1 appears twice: in line 2 and in line 4."),
        (5, "Eintrittsdatum", "31.02.2019 is not a valid date (use 31.12.2019 or 2019-12-31)."),
        (6, "E-Mail", "kein-at-zeichen is not a valid e-mail address."),
        (7, "Übergeordneter Bereich", "The parent department 99 is neither in the file nor known."),
        (8, "Bereich", "Department 36 has two names: Straßenverkehrsamt (line 2) and Ordnungsamt."),
        (9, "Übergeordneter Bereich", "Departments would form a cycle: Z1 → Z2 → Z1."),
        (11, "Bereich", "Department NEU is new and needs a name."),
        (13, "Führungskraft", "vielleicht is not a yes/no value (use ja or nein)."),
        (14, "Vorname", "This required cell is empty."),
        (15, "Führungskraft", "Department K has two heads: line 12 and line 15."),
        (16, "Personalnummer", "The value is too long (at most 32 characters)."),
    ]
    assert sorted(found) == sorted(expected)
    assert [p.line for p in preview.problems] == sorted(p.line for p in preview.problems)
    with pytest.raises(ValidationFailed):
        apply_staff_import(None, preview, deactivate_missing=True, now=NOW)
    assert counts(db) == before
    assert (
        db.session.scalar(
            select(func.count())
            .select_from(AuditLogEntry)
            .where(AuditLogEntry.action == "staff.import")
        )
        == 0
    )


def test_missing_required_column_is_reported_on_line_one(db):
    header = ["Personalnummer", "Vorname", "Organisationseinheit", "Vorname"]
    preview = preview_staff_file(csv_file([["1", "A", "36", "B"]], header=header), "x.csv", now=NOW)
    messages = problems_of(preview)
    assert (1, "Vorname", "The column Vorname means the same as the column Vorname.") in messages
    assert any(
        line == 1 and column == "Nachname" and "required column Nachname is missing" in m
        for line, column, m in messages
    )


def test_cycle_through_a_department_in_the_database(db, make):
    top = make.department("Oben", code="TOP")
    make.department("Unten", code="LOW", parent=top)
    rows = [["1", "A", "B", "", "TOP", "Oben", "LOW", "", "", "", ""]]
    preview = preview_staff_file(csv_file(rows), "x.csv", now=NOW)
    assert problems_of(preview) == [
        (2, "Übergeordneter Bereich", "Departments would form a cycle: TOP → LOW → TOP.")
    ]


def test_conflicting_parents_are_reported(db):
    rows = [
        ["1", "A", "B", "", "36", "Amt", "3", "", "", "", ""],
        ["2", "C", "D", "", "36", "Amt", "4", "", "", "", ""],
        ["3", "E", "F", "", "3", "Dez 3", "", "", "", "", ""],
        ["4", "G", "H", "", "4", "Dez 4", "", "", "", "", ""],
    ]
    preview = preview_staff_file(csv_file(rows), "x.csv", now=NOW)
    assert problems_of(preview) == [
        (
            3,
            "Übergeordneter Bereich",
            "Department 36 has two parent departments: 3 (line 2) and 4.",
        ),
    ]


# ---------------------------------------------------------------------------
# Command line
# ---------------------------------------------------------------------------


def test_cli_reports_problems_and_exits_1(app, db, tmp_path):
    path = tmp_path / "fehler.csv"
    path.write_bytes(csv_file([ROWS[0], ["", "X", "Y", "", "36", "", "", "", "", "", ""]]))
    before = counts(db)
    result = app.test_cli_runner().invoke(args=["academy", "import-staff", str(path)])
    assert result.exit_code == 1
    assert "Zeile 3, Spalte Personalnummer" in result.output
    assert counts(db) == before


def test_cli_dry_run_then_apply(app, db, tmp_path):
    path = tmp_path / "personal.csv"
    path.write_bytes(csv_file(ROWS))
    before = counts(db)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["academy", "import-staff", str(path), "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "3 neu" in result.output and "Probelauf" in result.output
    assert counts(db) == before
    result = runner.invoke(args=["academy", "import-staff", str(path), "--deactivate-missing"])
    assert result.exit_code == 0, result.output
    assert counts(db)[0] == before[0] + 3
    result = runner.invoke(args=["academy", "import-staff", str(path)])
    assert "0 neu, 0 geändert, 3 unverändert" in result.output


# ---------------------------------------------------------------------------
# HTTP
# ---------------------------------------------------------------------------


def upload(client, content, filename="personal.csv", deactivate=False):
    data = {"file": (io.BytesIO(content), filename)}
    if deactivate:
        data["deactivate_missing"] = "y"
    return client.post("/personal/import", data=data, content_type="multipart/form-data")


def test_anonymous_is_sent_to_login(client, db):
    response = client.get("/personal/import")
    assert response.status_code == 302 and "/anmelden" in response.headers["Location"]


def test_employee_is_refused(client, login_as):
    # (a separate test: requests in one test share flask.g, which caches the user)
    login_as(Role.EMPLOYEE)
    assert client.get("/personal/import").status_code == 403
    assert upload(client, csv_file(ROWS)).status_code == 403


def test_hr_gets_page_and_template(client, login_as):
    login_as(Role.HR)
    page = client.get("/personal/import")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'enctype="multipart/form-data"' in html and "data-busy=" in html
    assert "Übergeordneter Bereich" in html  # the column documentation
    template = client.get("/personal/import/vorlage.csv")
    assert template.status_code == 200 and template.mimetype == "text/csv"
    text = template.data.decode("utf-8-sig")
    assert text.startswith("Personalnummer;Vorname;Nachname;")
    table = read_table(template.data, "vorlage.csv")
    assert table.problems == [] and len(table.fields) == 13


def test_preview_then_apply_over_http(client, login_as, db, make):
    # An HR account without a personnel record: with "deactivate missing", an importer
    # whose own record is not in the file leaves too and loses the session at once.
    hr = login_as(account=make.user(Role.HR, with_employee=False))
    dept = make.department(code="36")
    leaver = make.employee(dept, personnel_no="9999")
    db.session.commit()
    before = counts(db)
    response = upload(client, csv_file(ROWS), deactivate=True)
    assert response.status_code == 302
    item = db.session.scalars(select(Upload).where(Upload.uploaded_by_id == hr.id)).one()
    assert item.kind == "staff" and item.status == "previewed"
    assert item.options == {"deactivate_missing": True}
    assert response.headers["Location"].endswith(f"/personal/import/{item.token}")
    assert counts(db) == before  # uploading changes nothing yet

    page = client.get(f"/personal/import/{item.token}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Jürgen" in html and "Straßenverkehrsamt" in html
    assert f"/personal/import/{item.token}/anwenden" in html and "data-confirm" in html

    response = client.post(f"/personal/import/{item.token}/anwenden")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/personal/import/{item.token}/ergebnis")
    db.session.expire_all()
    assert counts(db)[0] == before[0] + 3
    assert employee(db, "00123").last_name == "Müller"
    db.session.refresh(leaver)
    assert not leaver.active
    db.session.refresh(item)
    assert item.status == "applied" and item.summary["new"] == 3 and item.content == b""
    result = client.get(response.headers["Location"])
    assert result.status_code == 200 and "9999" in result.get_data(as_text=True)
    # applying twice is refused
    assert client.post(f"/personal/import/{item.token}/anwenden").status_code == 409


def test_someone_elses_upload_is_refused(client, login_as, db, make):
    owner = make.user(Role.HR)
    item = Upload(
        token="fremd-token",
        kind="staff",
        filename="p.csv",
        content=csv_file(ROWS),
        options={},
        status="previewed",
        uploaded_by_id=owner.id,
    )
    db.session.add(item)
    db.session.commit()
    login_as(Role.HR)
    before = counts(db)
    assert client.get("/personal/import/fremd-token").status_code == 403
    assert client.post("/personal/import/fremd-token/anwenden").status_code == 403
    assert client.get("/personal/import/unbekannt").status_code == 404
    assert counts(db) == before
    db.session.refresh(item)
    assert item.status == "previewed"


def test_file_with_problems_shows_them_and_cannot_be_applied(client, login_as, db):
    login_as(Role.HR)
    bad = csv_file([ROWS[0], ["", "X", "Y", "", "36", "", "", "", "", "", ""]])
    response = upload(client, bad)
    token = response.headers["Location"].rsplit("/", 1)[1]
    html = client.get(f"/personal/import/{token}").get_data(as_text=True)
    assert "Diese Pflichtzelle ist leer." in html and "anwenden" not in html
    before = counts(db)
    assert client.post(f"/personal/import/{token}/anwenden").status_code == 422
    assert counts(db) == before
    listing = client.get(f"/personal/import/{token}/probleme.csv")
    assert listing.status_code == 200
    assert "3;Personalnummer;Diese Pflichtzelle ist leer." in listing.data.decode("utf-8-sig")


def test_bad_file_type_shows_message_at_the_field(client, login_as, db):
    login_as(Role.HR)
    response = upload(client, b"%PDF-1.4", filename="personal.pdf")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="file-error"' in html and "Excel-Arbeitsmappe (.xlsx)" in html
    assert db.session.scalar(select(func.count()).select_from(Upload)) == 0


def test_discard_empties_the_upload(client, login_as, db):
    login_as(Role.HR)
    token = upload(client, csv_file(ROWS)).headers["Location"].rsplit("/", 1)[1]
    assert client.post(f"/personal/import/{token}/verwerfen").status_code == 302
    item = db.session.scalars(select(Upload).where(Upload.token == token)).one()
    assert item.status == "discarded" and item.content == b""
    assert client.post(f"/personal/import/{token}/anwenden").status_code == 409


def test_problem_list_cannot_smuggle_excel_formulas(client, login_as, db):
    login_as(Role.HR)
    bad = csv_file([["1", "A", "B", "=HYPERLINK(1)", "36", "Amt", "", "", "", "", ""]])
    token = upload(client, bad).headers["Location"].rsplit("/", 1)[1]
    text = client.get(f"/personal/import/{token}/probleme.csv").data.decode("utf-8-sig")
    assert "2;E-Mail;'=HYPERLINK(1) ist keine gültige E-Mail-Adresse." in text
