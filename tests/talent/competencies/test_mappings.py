"""Competence mappings: adding and deleting one (two different frameworks, no
duplicates), the CSV import (separators, encodings, a preview with line-numbered
errors, all or nothing, the stored upload between preview and apply) and the pages."""

from __future__ import annotations

import io
import re

import pytest
from sqlalchemy import func, select

from academy.accounts.models import Role
from academy.audit.models import AuditLogEntry
from academy.clock import utcnow
from academy.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from academy.extensions import db
from academy.frameworks.models import Competence, Framework
from academy.imports.models import Upload
from talent.competencies.mapping_csv import parse_mapping_csv
from talent.competencies.mappings import (
    apply_mapping_import,
    apply_mapping_upload,
    create_mapping,
    delete_mapping,
    mapping_upload_for,
    store_mapping_upload,
)
from talent.competencies.models import CompetenceMapping
from tests import factories
from tests.talent import factories as tf

NOW = tf.NOW


def fw(code: str) -> Framework:
    item = tf.framework()
    item.code = code
    db.session.flush()
    return item


def comp(framework: Framework, code: str) -> Competence:
    item = tf.competence(tf.area(framework))
    item.code = code
    db.session.flush()
    return item


@pytest.fixture()
def world(db):
    """Two frameworks, DC22 (1.1, 1.2) and DC30 (1.1, 2.1), and an HR account."""
    old, new = fw("DC22"), fw("DC30")
    return {
        "old": old,
        "new": new,
        "o11": comp(old, "1.1"),
        "o12": comp(old, "1.2"),
        "n11": comp(new, "1.1"),
        "n21": comp(new, "2.1"),
        "hr": factories.user(Role.HR),
    }


def count(model: type = CompetenceMapping) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def pairs() -> set[tuple[int, int, str]]:
    return {
        (m.source_id, m.target_id, m.relation)
        for m in db.session.scalars(select(CompetenceMapping))
    }


def csv_bytes(text: str, encoding: str = "utf-8") -> bytes:
    return text.replace("\n", "\r\n").encode(encoding)


def issue_lines(preview) -> list[tuple[int | None, str]]:
    return [(e.line, e.message % e.params) for e in preview.errors]


# ---------------------------------------------------------------------------
# One mapping
# ---------------------------------------------------------------------------


def test_create_mapping_with_audit(world):
    w = world
    mapping = create_mapping(w["hr"], w["o11"], w["n11"], "narrower", NOW)
    assert (mapping.source_id, mapping.target_id, mapping.relation) == (
        w["o11"].id,
        w["n11"].id,
        "narrower",
    )
    assert mapping.created_by_id == w["hr"].id and mapping.created_at == NOW
    entry = db.session.scalar(
        select(AuditLogEntry).where(AuditLogEntry.action == "competence_mapping.created")
    )
    assert entry.object_id == str(mapping.id)
    assert entry.details == {"source": "DC22 1.1", "target": "DC30 1.1"}


def test_relation_defaults_to_equivalent_and_must_be_known(world):
    w = world
    assert create_mapping(w["hr"], w["o11"], w["n11"], "", NOW).relation == "equivalent"
    with pytest.raises(ValidationFailed) as caught:
        create_mapping(w["hr"], w["o12"], w["n11"], "similar", NOW)
    assert caught.value.field == "relation" and count() == 1


def test_no_mapping_within_one_framework_or_to_itself(world):
    w = world
    for target in (w["o12"], w["o11"]):
        with pytest.raises(ValidationFailed) as caught:
            create_mapping(w["hr"], w["o11"], target, "equivalent", NOW)
        assert caught.value.field == "target" and caught.value.params == {"framework": "DC22"}
    assert count() == 0


def test_no_duplicate_mapping(world):
    w = world
    create_mapping(w["hr"], w["o11"], w["n11"], "equivalent", NOW)
    with pytest.raises(Conflict) as caught:
        create_mapping(w["hr"], w["o11"], w["n11"], "related", NOW)
    assert caught.value.field == "target"
    # the other direction is another statement and allowed
    create_mapping(w["hr"], w["n11"], w["o11"], "equivalent", NOW)
    assert count() == 2


def test_a_duplicate_added_at_the_same_moment_is_a_conflict(world, monkeypatch):
    w = world
    tf.mapping(w["o11"], w["n11"])
    # as if the other request inserted after this one checked
    monkeypatch.setattr("talent.competencies.mappings.db.session.scalar", lambda *a, **k: None)
    with pytest.raises(Conflict):
        create_mapping(w["hr"], w["o11"], w["n11"], "equivalent", NOW)
    monkeypatch.undo()
    assert count() == 1


def test_delete_mapping_with_audit(world):
    w = world
    mapping = create_mapping(w["hr"], w["o11"], w["n11"], "equivalent", NOW)
    delete_mapping(w["hr"], mapping, NOW)
    assert count() == 0
    entry = db.session.scalar(
        select(AuditLogEntry).where(AuditLogEntry.action == "competence_mapping.deleted")
    )
    assert entry.from_state == "equivalent" and entry.details["source"] == "DC22 1.1"


@pytest.mark.parametrize("role", [Role.EMPLOYEE, Role.HEAD, Role.TRAINER, Role.COUNCIL])
def test_only_hr_and_admin_manage_mappings(world, role):
    w = world
    with pytest.raises(PermissionDenied):
        create_mapping(factories.user(role), w["o11"], w["n11"], "equivalent", NOW)
    mapping = tf.mapping(w["o11"], w["n11"])
    with pytest.raises(PermissionDenied):
        delete_mapping(factories.user(role), mapping, NOW)
    admin = factories.user(Role.ADMIN, with_employee=False)
    create_mapping(admin, w["o12"], w["n21"], "related", NOW)
    assert count() == 2


# ---------------------------------------------------------------------------
# CSV: reading and checking
# ---------------------------------------------------------------------------

GOOD = """source_framework;source_code;target_framework;target_code;relation
DC22;1.1;DC30;1.1;equivalent
DC22;1.2;DC30;2.1;
"""


def test_preview_of_a_good_file(world):
    w = world
    preview = parse_mapping_csv(csv_bytes(GOOD), "map.csv")
    assert preview.ok and preview.delimiter == ";" and preview.encoding == "utf-8"
    assert [(r.line, r.source.id, r.target.id, r.relation, r.status) for r in preview.rows] == [
        (2, w["o11"].id, w["n11"].id, "equivalent", "new"),
        (3, w["o12"].id, w["n21"].id, "equivalent", "new"),
    ]
    assert count() == 0  # a preview changes nothing


def test_comma_bom_cp1252_and_case_insensitive_codes(world):
    w = world
    umlaut = fw("FK-ÜBER")
    special = comp(umlaut, "Ä.1")
    text = (
        "Source_Framework,source_code,target_framework,target_code,relation\n"
        "dc22,1.1,fk-über,ä.1,verwandt\n"
    )
    for data in (csv_bytes(text, "cp1252"), b"\xef\xbb\xbf" + csv_bytes(text)):
        preview = parse_mapping_csv(data, "map.csv")
        assert preview.ok, issue_lines(preview)
        assert preview.delimiter == ","
        [row] = preview.rows
        assert (row.source.id, row.target.id, row.relation) == (w["o11"].id, special.id, "related")
    assert parse_mapping_csv(csv_bytes(text, "cp1252"), "m.csv").encoding == "windows-1252"


def test_every_error_has_its_line_number(world):
    text = """source_framework;source_code;target_framework;target_code;relation
DC22;1.1;DC30;1.1;equivalent

DC99;1.1;DC30;1.1;
DC22;9.9;DC30;1.1;
DC22;1.1;DC22;1.2;
DC22;1.2;DC30;2.1;similar
DC22;1.1;DC30;1.1;related
;1.2;DC30;;
"""
    preview = parse_mapping_csv(csv_bytes(text), "map.csv")
    assert not preview.ok
    assert issue_lines(preview) == [
        (4, "The framework DC99 does not exist."),
        (5, "The competence 9.9 does not exist in the framework DC22."),
        (
            6,
            "Source and target belong to the same framework DC22; a mapping connects two "
            "different frameworks.",
        ),
        (7, "The relation similar is unknown; use equivalent, broader, narrower or related."),
        (8, "The mapping 1.1 → 1.1 appears twice (first in line 2)."),
        (9, "The column source_framework is empty."),
        (9, "The column target_code is empty."),
    ]


@pytest.mark.parametrize(
    ("data", "line", "message"),
    [
        (b"", 1, "The file is empty."),
        (b"\r\n  \r\n", 1, "The file is empty."),
        (b"source_framework;source_code\r\nDC22;1.1\r\n", 1, "Required columns are missing"),
        (b"PK\x03\x04\x00\x00binary", 1, "not a text file"),
        (csv_bytes(GOOD.splitlines()[0] + "\n"), 1, "contains no mappings"),
    ],
)
def test_unusable_files(world, data, line, message):
    preview = parse_mapping_csv(data, "map.csv")
    assert not preview.ok
    assert preview.errors[0].line == line
    assert message in preview.errors[0].message % preview.errors[0].params


def test_unknown_columns_are_a_warning(world):
    text = GOOD.replace("relation\n", "relation;Bemerkung\n", 1)
    preview = parse_mapping_csv(csv_bytes(text), "map.csv")
    assert preview.ok
    assert [(w.line, w.params) for w in preview.warnings] == [(1, {"column": "bemerkung"})]


def test_existing_mappings_are_unchanged_or_changed(world):
    w = world
    tf.mapping(w["o11"], w["n11"], "equivalent")
    tf.mapping(w["o12"], w["n21"], "broader")
    preview = parse_mapping_csv(csv_bytes(GOOD), "map.csv")
    assert [(r.status, r.old_relation) for r in preview.rows] == [
        ("unchanged", None),
        ("changed", "broader"),
    ]
    assert preview.counts == {"new": 0, "changed": 1, "unchanged": 1}


# ---------------------------------------------------------------------------
# CSV: applying
# ---------------------------------------------------------------------------


def test_apply_creates_and_updates_all_with_one_audit_entry(world):
    w = world
    tf.mapping(w["o12"], w["n21"], "broader")
    preview = parse_mapping_csv(csv_bytes(GOOD), "map.csv")
    counts = apply_mapping_import(w["hr"], preview, NOW)
    assert counts == {"new": 1, "changed": 1, "unchanged": 0}
    assert pairs() == {
        (w["o11"].id, w["n11"].id, "equivalent"),
        (w["o12"].id, w["n21"].id, "equivalent"),
    }
    [entry] = db.session.scalars(
        select(AuditLogEntry).where(AuditLogEntry.action == "competence_mappings.imported")
    ).all()
    assert entry.details == {"source": "map.csv", "new": 1, "changed": 1, "unchanged": 0}
    again = apply_mapping_import(w["hr"], parse_mapping_csv(csv_bytes(GOOD), "map.csv"), NOW)
    assert again == {"new": 0, "changed": 0, "unchanged": 2}


def test_nothing_is_applied_from_a_file_with_an_error(world):
    w = world
    text = GOOD + "DC22;7.7;DC30;1.1;\n"
    preview = parse_mapping_csv(csv_bytes(text), "map.csv")
    assert len(preview.rows) == 2 and preview.errors[0].line == 4
    with pytest.raises(ValidationFailed):
        apply_mapping_import(w["hr"], preview, NOW)
    with pytest.raises(ValidationFailed):
        store_mapping_upload(w["hr"], csv_bytes(text), "map.csv", preview, NOW)
    assert count() == 0 and count(Upload) == 0


def test_stored_upload_is_applied_once_by_its_owner(world):
    w = world
    data = csv_bytes(GOOD)
    upload = store_mapping_upload(w["hr"], data, "map.csv", parse_mapping_csv(data, "m"), NOW)
    assert (upload.kind, upload.status, upload.content) == ("mapping", "previewed", data)
    with pytest.raises(PermissionDenied):
        mapping_upload_for(factories.user(Role.HR), upload.token)
    with pytest.raises(NotFound):
        mapping_upload_for(w["hr"], "no-such-token")
    counts, _preview = apply_mapping_upload(w["hr"], mapping_upload_for(w["hr"], upload.token), NOW)
    assert counts == {"new": 2, "changed": 0, "unchanged": 0} and count() == 2
    assert upload.status == "applied" and upload.applied_at == NOW
    with pytest.raises(Conflict):
        mapping_upload_for(w["hr"], upload.token)


def test_a_stored_file_that_became_invalid_applies_nothing(world):
    w = world
    data = csv_bytes(GOOD)
    upload = store_mapping_upload(w["hr"], data, "map.csv", parse_mapping_csv(data, "m"), NOW)
    db.session.delete(w["n21"])  # the framework changed between preview and apply
    db.session.flush()
    counts, preview = apply_mapping_upload(w["hr"], upload, NOW)
    assert counts is None and preview.errors[0].line == 3
    assert count() == 0 and upload.status == "previewed"


# ---------------------------------------------------------------------------
# Pages
# ---------------------------------------------------------------------------


@pytest.fixture()
def english(client):
    client.set_cookie("da_lang", "en")


def error_text(html: str, field_id: str) -> str:
    match = re.search(rf'id="{re.escape(field_id)}-error"[^>]*>([^<]*)<', html)
    assert match, f"no error shown for {field_id}"
    return match.group(1)


def upload(client, text: str | bytes, name: str = "zuordnung.csv"):
    data = text if isinstance(text, bytes) else csv_bytes(text)
    return client.post(
        "/talente/zuordnungen/import",
        data={"file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


URLS = ["/talente/zuordnungen", "/talente/zuordnungen/import"]


@pytest.mark.parametrize("url", URLS)
def test_anonymous_is_sent_to_login(client, url):
    response = client.get(url)
    assert response.status_code == 302 and "/anmelden" in response.headers["Location"]


@pytest.mark.parametrize("probe", [Role.EMPLOYEE, Role.HEAD, Role.TRAINER, Role.COUNCIL])
def test_others_get_403_and_change_nothing(client, login_as, world, probe):
    w = world
    login_as(probe)
    mapping = tf.mapping(w["o11"], w["n11"])
    for url in URLS:
        assert client.get(url).status_code == 403, url
    assert (
        client.post(
            "/talente/zuordnungen",
            data={"source": str(w["o12"].id), "relation": "equivalent", "target": str(w["n21"].id)},
        ).status_code
        == 403
    )
    assert client.post(f"/talente/zuordnungen/{mapping.id}/loeschen").status_code == 403
    assert upload(client, GOOD).status_code == 403
    assert count() == 1 and count(Upload) == 0


@pytest.mark.parametrize("role", [Role.HR, Role.ADMIN])
def test_hr_and_admin_see_the_pages(client, login_as, world, english, role):
    w = world
    login_as(role)
    tf.mapping(w["o11"], w["n11"], "narrower")
    for url in URLS:
        assert client.get(url).status_code == 200, url
    html = client.get("/talente/zuordnungen").get_data(as_text=True)
    table = html[html.index('id="mappings"') :]
    assert "DC22: 1.1" in table and "DC30: 1.1" in table and "narrower" in table
    assert "data-confirm=" in table
    assert 'href="/talente/zuordnungen"' in client.get("/").get_data(as_text=True)


def test_add_and_delete_a_mapping_through_the_page(client, login_as, world, english):
    w = world
    login_as(Role.HR)
    response = client.post(
        "/talente/zuordnungen",
        data={"source": str(w["o11"].id), "relation": "broader", "target": str(w["n21"].id)},
    )
    assert response.status_code == 302
    [mapping] = db.session.scalars(select(CompetenceMapping)).all()
    assert mapping.relation == "broader"
    deleted = client.post(f"/talente/zuordnungen/{mapping.id}/loeschen")
    assert deleted.status_code == 302 and count() == 0
    assert client.post("/talente/zuordnungen/999999/loeschen").status_code == 404


def test_invalid_mapping_input_shows_the_message_at_the_field(client, login_as, world, english):
    w = world
    login_as(Role.HR)
    tf.mapping(w["o11"], w["n11"])
    db.session.commit()  # the views roll back on an error: keep the set-up
    same = client.post(
        "/talente/zuordnungen",
        data={"source": str(w["o11"].id), "relation": "equivalent", "target": str(w["o12"].id)},
    )
    assert same.status_code == 422
    assert "same framework" in error_text(same.get_data(as_text=True), "target")
    duplicate = client.post(
        "/talente/zuordnungen",
        data={"source": str(w["o11"].id), "relation": "equivalent", "target": str(w["n11"].id)},
    )
    assert duplicate.status_code == 409
    assert "already mapped" in error_text(duplicate.get_data(as_text=True), "target")
    missing = client.post("/talente/zuordnungen", data={"source": "", "relation": "x"})
    assert missing.status_code == 422
    html = missing.get_data(as_text=True)
    error_text(html, "source")
    error_text(html, "relation")
    error_text(html, "target")
    assert count() == 1


def test_import_preview_apply(client, login_as, world, english):
    w = world
    login_as(Role.HR)
    response = upload(client, GOOD)
    assert response.status_code == 302
    preview_url = response.headers["Location"]
    page = client.get(preview_url)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    rows = html[html.index('id="import-rows"') :]
    assert "DC22: 1.1" in rows and "DC30: 2.1" in rows and count() == 0
    token = preview_url.rsplit("/", 1)[-1]
    applied = client.post("/talente/zuordnungen/import/anwenden", data={"token": token})
    assert applied.status_code == 302
    assert pairs() == {
        (w["o11"].id, w["n11"].id, "equivalent"),
        (w["o12"].id, w["n21"].id, "equivalent"),
    }
    again = client.post("/talente/zuordnungen/import/anwenden", data={"token": token})
    assert again.status_code == 409 and count() == 2


def test_import_with_errors_shows_lines_and_stores_nothing(client, login_as, world, english):
    login_as(Role.HR)
    db.session.commit()
    response = upload(client, GOOD + "DC22;1.1;DC22;1.2;\nXX;1;DC30;1.1;\n")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "2 errors" in error_text(html, "file")
    errors = html[html.index('id="import-errors"') :]
    assert re.search(r"<td>4</td><td>Source and target belong to the same framework", errors)
    assert re.search(r"<td>5</td><td>The framework XX does not exist", errors)
    assert count() == 0 and count(Upload) == 0


def test_import_rejects_other_files(client, login_as, world, english):
    login_as(Role.HR)
    wrong = upload(client, b"%PDF-1.4", name="liste.pdf")
    assert wrong.status_code == 422
    assert "CSV" in error_text(wrong.get_data(as_text=True), "file")
    none = client.post("/talente/zuordnungen/import", data={}, content_type="multipart/form-data")
    assert none.status_code == 422
    assert count(Upload) == 0


def test_discard_an_import(client, login_as, world, english):
    login_as(Role.HR)
    token = upload(client, GOOD).headers["Location"].rsplit("/", 1)[-1]
    response = client.post("/talente/zuordnungen/import/verwerfen", data={"token": token})
    assert response.status_code == 302
    assert db.session.scalar(select(Upload.status).where(Upload.token == token)) == "discarded"
    assert client.get(f"/talente/zuordnungen/import/{token}").status_code == 409
    assert (
        client.post("/talente/zuordnungen/import/anwenden", data={"token": token}).status_code
        == 409
    )
    assert count() == 0


def test_someone_elses_import_is_403(client, login_as, world, english):
    w = world
    data = csv_bytes(GOOD)
    stored = store_mapping_upload(w["hr"], data, "m.csv", parse_mapping_csv(data, "m"), utcnow())
    login_as(Role.HR)
    assert client.get(f"/talente/zuordnungen/import/{stored.token}").status_code == 403
    response = client.post("/talente/zuordnungen/import/anwenden", data={"token": stored.token})
    assert response.status_code == 403 and count() == 0
