"""Proof that no page, no export and no database column links an answer to a person.

1. The schema: the tables of the answers have no column or foreign key that leads to a
   user, an employee or an enrolment, no date or time, and random keys; the "has
   answered" table has no link to them. On SQLite they have no hidden rowid.
2. Sealing: closing a round writes every response anew with new random keys.
3. Every evaluation page and file (URL map), opened by HR, the trainer, the staff
   council and a participant, names no participant; answers of a round below the minimum
   (free texts included) appear nowhere; the access log holds no row about a participant.
4. Below the minimum the results are withheld; trainers see only their own sessions.
"""

from __future__ import annotations

import io
import re
import subprocess
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import Date, DateTime, Integer, Interval, Time, inspect, select, text
from sqlalchemy.exc import OperationalError

from academy.accounts.models import Role
from academy.audit.models import AccessLogEntry
from academy.extensions import db
from courses.evaluations.models import (
    EvaluationAnswer,
    EvaluationParticipant,
    EvaluationResponse,
)
from tests import factories
from tests.conftest import log_in
from tests.courses import factories as cf
from tests.courses.evaluations.support import (
    answer_all,
    closed,
    finished,
    opened,
    participants,
    standard,
)

ANSWER_TABLES = ("evaluation_responses", "evaluation_answers")
PERSON_TABLES = {"users", "employees", "enrolments"}
PERSON_WORDS = re.compile(r"user|employee|enrol|person|author|actor|by_id|email|name")
RELEASED_TEXT = "Freitext-Freigabe"
#: The tests' sessions lie in 2030: the overview's filter must include them.
PERIOD = {"period_from": "2029-01-01", "period_to": "2031-12-31"}
QUERY = "?period_from=2029-01-01&period_to=2031-12-31"
WITHHELD_TEXT = "GEHEIM-WENIGE"


# ---------------------------------------------------------------------------
# 1. The schema
# ---------------------------------------------------------------------------


def _reachable(table_name: str) -> set[str]:
    """Every table reachable from ``table_name`` by foreign keys (transitively), stopping
    at the course session (whose trainer is not a participant)."""
    tables = db.metadata.tables
    seen, todo = set(), [table_name]
    while todo:
        name = todo.pop()
        if name in seen or name == "course_sessions":
            continue
        seen.add(name)
        todo += [fk.column.table.name for fk in tables[name].foreign_keys]
    return seen


@pytest.mark.parametrize("table_name", ANSWER_TABLES)
def test_answer_tables_lead_to_no_person_and_hold_no_time(app, table_name):
    with app.app_context():
        table = db.metadata.tables[table_name]
        assert not _reachable(table_name) & PERSON_TABLES
        assert not _reachable(table_name) & {"evaluation_participants"}
        for column in table.columns:
            assert not PERSON_WORDS.search(column.name), column.name
            kind = getattr(column.type, "impl", column.type)
            assert not isinstance(kind, DateTime | Date | Time | Interval), column.name
        (key,) = table.primary_key.columns
        assert not isinstance(key.type, Integer)  # random keys, no counter


def test_the_has_answered_record_has_no_link_to_the_answers(app):
    with app.app_context():
        table = db.metadata.tables["evaluation_participants"]
        assert {c.name for c in table.columns} == {
            "round_id",
            "employee_id",
            "answered",
            "reminded",
        }
        targets = {fk.column.table.name for fk in table.foreign_keys}
        assert targets == {"evaluation_rounds", "employees"}
        for other in ANSWER_TABLES:
            assert "evaluation_participants" not in {
                fk.column.table.name for fk in db.metadata.tables[other].foreign_keys
            }


def test_the_migrated_database_matches(db):
    inspector = inspect(db.session.connection())
    for name in (*ANSWER_TABLES, "evaluation_participants"):
        for column in inspector.get_columns(name):
            assert not isinstance(column["type"], DateTime | Date | Time | Interval), column
        referred = {fk["referred_table"] for fk in inspector.get_foreign_keys(name)}
        if name in ANSWER_TABLES:
            assert not referred & (PERSON_TABLES | {"evaluation_participants"}), name
        else:
            assert referred == {"evaluation_rounds", "employees"}
    if db.session.connection().dialect.name == "sqlite":
        for name in (*ANSWER_TABLES, "evaluation_participants"):
            with pytest.raises(OperationalError), db.session.begin_nested():
                db.session.execute(text(f"SELECT rowid FROM {name}"))  # WITHOUT ROWID


# ---------------------------------------------------------------------------
# 2. Sealing
# ---------------------------------------------------------------------------


def test_closing_writes_every_response_anew_with_random_keys(db):
    standard()
    session = finished()
    people = participants(session, 8)  # one does not answer: the round stays open
    round_ = opened(session)
    for rating, person in zip([1, 2, 3, 4, 5, 1, 2], people[:7], strict=True):
        answer_all(round_, [person], rating=rating)
    before = {r.id for r in db.session.scalars(select(EvaluationResponse))}
    answers_before = sorted(
        (a.question_id, a.value, a.option_id, a.text)
        for a in db.session.scalars(select(EvaluationAnswer))
    )
    closed(round_)
    after = {r.id for r in db.session.scalars(select(EvaluationResponse))}
    assert len(after) == 7 and not before & after
    assert all(re.fullmatch(r"[0-9a-f]{12}4[0-9a-f]{19}", key) for key in after)
    answers_after = sorted(
        (a.question_id, a.value, a.option_id, a.text)
        for a in db.session.scalars(select(EvaluationAnswer))
    )
    assert answers_after == answers_before  # the same answers, nothing lost
    marks = db.session.scalars(select(EvaluationParticipant.answered)).all()
    assert sorted(marks) == [False] + [True] * 7


# ---------------------------------------------------------------------------
# 3. Every page and file
# ---------------------------------------------------------------------------


def _texts(body: bytes, tmp_path: Path) -> str:
    """The readable text of a page or file (XLSX unpacked, PDF through pdftotext)."""
    if body[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            return " ".join(archive.read(n).decode("utf-8", "replace") for n in archive.namelist())
    if body[:4] == b"%PDF":
        path = tmp_path / "file.pdf"
        path.write_bytes(body)
        result = subprocess.run(
            ["pdftotext", str(path), "-"], capture_output=True, check=True, text=True
        )
        return " ".join(result.stdout.split())
    return body.decode("utf-8", "replace")


@pytest.fixture()
def world(db):
    standard()
    trainer = factories.user(
        Role.TRAINER, emp=factories.employee(first_name="Trude", last_name="Trainerin")
    )
    other_trainer = factories.user(Role.TRAINER)
    course = cf.course("Zitronenkurs")
    released = finished(course, trainer=trainer, days_ago=2)
    few = finished(course, trainer=trainer, days_ago=3)
    others = finished(cf.course("Fremdkurs"), trainer=other_trainer, days_ago=2)
    people = participants(released, 6, name="Zitronenfalter")
    few_people = participants(few, 3, name="Wenigantwort")
    other_people = participants(others, 5, name="Andersfalter")
    for session, group, words in (
        (released, people, RELEASED_TEXT),
        (few, few_people, WITHHELD_TEXT),
        (others, other_people, "Fremdtext"),
    ):
        round_ = opened(session)
        answer_all(round_, group, text=words)
        if round_.closed_on is None:
            closed(round_)
    reader = participants(cf.session(), 1, state="confirmed", name="Leserin")[0]
    return {
        "trainer": trainer,
        "other_trainer": other_trainer,
        "hr": factories.user(Role.HR),
        "council": factories.user(Role.COUNCIL),
        "participant": reader.user,
        "sessions": {"released": released, "few": few, "others": others},
        "people": people + few_people + other_people,
        "course": course,
    }


EVALUATION_ENDPOINTS = re.compile(
    r"^(reports\.evaluation|courses\.(evaluation|questionnaire|question_|my_evaluations))"
)


def _urls(app, world) -> list[str]:
    """Every GET URL of the evaluation pages and files, for every session of the world."""
    questionnaire = standard()
    values = {
        "questionnaire_id": [questionnaire.id],
        "question_id": [questionnaire.questions[0].id],
        "course_id": [world["course"].id],
        "session_id": [s.id for s in world["sessions"].values()],
        "fmt": ["csv", "xlsx", "pdf"],
    }
    urls = []
    for rule in app.url_map.iter_rules():
        if not EVALUATION_ENDPOINTS.match(rule.endpoint) or "GET" not in (rule.methods or ()):
            continue
        combos = [{}]
        for arg in sorted(rule.arguments):
            combos = [{**c, arg: v} for c in combos for v in values[arg]]
        urls += [rule.build(c, append_unknown=False)[1] + QUERY for c in combos]
    return sorted(set(urls))


def test_no_page_or_file_names_anyone_who_answered(app, client, world, tmp_path):
    markers = []
    for person in world["people"]:
        emp = person.employee
        markers += [emp.first_name, emp.last_name, emp.personnel_no, emp.email]
    urls = _urls(app, world)
    assert any(".pdf?" in u for u in urls) and any("/bewertungen/termine/" in u for u in urls)
    seen_released = False
    for role in ("hr", "trainer", "council", "participant"):
        log_in(client, world[role])
        for url in urls:
            response = client.get(url)
            assert response.status_code < 500, (role, url)
            if response.status_code != 200:
                continue
            content = _texts(response.data, tmp_path)
            found = [m for m in markers if m in content]
            assert not found, (role, url, found)
            assert WITHHELD_TEXT not in content, (role, url)
            seen_released |= RELEASED_TEXT in content
    assert seen_released  # the probe works: released free texts are shown
    participant_ids = [p.employee.id for p in world["people"]]
    logged = db.session.scalars(
        select(AccessLogEntry.subject_id).where(AccessLogEntry.subject_id.in_(participant_ids))
    ).all()
    assert logged == []
    subjects = set(db.session.scalars(select(AccessLogEntry.subject_id)))
    trainers = {world["trainer"].employee_id, world["other_trainer"].employee_id}
    assert subjects and subjects <= trainers  # HR looked at the trainers' results


# ---------------------------------------------------------------------------
# 4. Withheld below the minimum; trainers see their own sessions only
# ---------------------------------------------------------------------------


def test_below_the_minimum_nothing_is_shown_not_even_free_text(client, world):
    few = world["sessions"]["few"]
    log_in(client, world["hr"])
    page = client.get(f"/berichte/bewertungen/termine/{few.id}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'id="evaluation-withheld"' in html and WITHHELD_TEXT not in html
    assert 'id="part-ratings"' not in html
    for fmt in ("csv", "xlsx", "pdf"):
        assert client.get(f"/berichte/bewertungen/termine/{few.id}.{fmt}").status_code == 409
    overview = client.get("/berichte/bewertungen", query_string=PERIOD).get_data(as_text=True)
    assert 'id="part-courses"' in overview
    csv = client.get("/berichte/bewertungen.csv", query_string=PERIOD).data.decode("utf-8-sig")
    course_row = next(line for line in csv.splitlines() if line.startswith("Zitronenkurs"))
    assert course_row.split(";")[1:3] == ["1", "6"]  # one session, six answers: the few not counted


def test_open_rounds_show_nothing_before_they_close(db, client):
    standard()
    trainer = factories.user(Role.TRAINER)
    session = finished(trainer=trainer)
    people = participants(session, 7)
    round_ = opened(session)
    answer_all(round_, people[:6], text="Zwischenstand")
    log_in(client, trainer)
    html = client.get(f"/berichte/bewertungen/termine/{session.id}").get_data(as_text=True)
    assert "Zwischenstand" not in html and 'id="evaluation-withheld"' in html
    answer_all(round_, people[6:], text="Zwischenstand")  # the last one: closes early
    html = client.get(f"/berichte/bewertungen/termine/{session.id}").get_data(as_text=True)
    assert "Zwischenstand" in html and 'id="part-ratings"' in html


def test_trainers_see_only_their_own_sessions(client, world):
    log_in(client, world["trainer"])
    own, other = world["sessions"]["released"], world["sessions"]["others"]
    assert client.get(f"/berichte/bewertungen/termine/{own.id}").status_code == 200
    assert client.get(f"/berichte/bewertungen/termine/{other.id}").status_code == 403
    assert client.get(f"/berichte/bewertungen/termine/{other.id}.csv").status_code == 403
    for url in ("/berichte/bewertungen", "/berichte/bewertungen.csv"):
        content = client.get(url, query_string=PERIOD).data.decode("utf-8-sig")
        assert "Zitronenkurs (" in content and "Fremdkurs" not in content, url
    query = {**PERIOD, "trainer": str(world["other_trainer"].id)}  # not the trainer's filter
    xlsx = client.get("/berichte/bewertungen.xlsx", query_string=query).data
    assert b"Fremdkurs" not in b"".join(
        zipfile.ZipFile(io.BytesIO(xlsx)).read(n)
        for n in zipfile.ZipFile(io.BytesIO(xlsx)).namelist()
    )


def test_the_staff_council_sees_aggregates_without_trainers_or_sessions(client, world):
    log_in(client, world["council"])
    html = client.get("/berichte/bewertungen").get_data(as_text=True)
    assert "Zitronenkurs" in html
    assert (
        "Trude" not in html and 'id="part-trainers"' not in html and 'id="part-rounds"' not in html
    )
    released = world["sessions"]["released"]
    assert client.get(f"/berichte/bewertungen/termine/{released.id}").status_code == 403
    csv = client.get("/berichte/bewertungen.csv", query_string=PERIOD).data.decode("utf-8-sig")
    assert "Zitronenkurs (" in csv
    assert "Trude" not in csv and RELEASED_TEXT not in csv
