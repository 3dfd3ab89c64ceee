"""The evaluation pages over HTTP: the participant's list and questionnaire (answer once,
German messages at the question, refusals), HR's questionnaires, questions, settings and
rounds (bad input: message at the field, nothing changed), and who may open them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from academy.accounts.models import Role
from academy.extensions import db
from courses.evaluations.models import (
    EvaluationAssignment,
    EvaluationResponse,
    Question,
    QuestionKind,
    Questionnaire,
)
from tests.courses import factories as cf
from tests.courses.evaluations.support import finished, opened, participants, standard


def _responses() -> int:
    return int(db.session.scalar(select(func.count()).select_from(EvaluationResponse)))


@pytest.fixture()
def invited(db):
    """A round of a session that ended yesterday (real time), three participants."""
    from academy.clock import utcnow

    standard()
    session = finished(days_ago=1)
    session.starts_at = utcnow() - timedelta(days=1)
    session.ends_at = session.starts_at + timedelta(hours=7)
    session.enrolment_deadline = session.starts_at - timedelta(days=7)
    session.cancellation_deadline = session.starts_at - timedelta(days=3)
    people = participants(session, 3)
    round_ = opened(session, utcnow())
    return session, people, round_


def _form(questions, **override):
    data = {}
    for q in questions:
        if q.kind == QuestionKind.LIKERT:
            data[f"q{q.id}"] = "4"
        elif q.kind == QuestionKind.SINGLE:
            data[f"q{q.id}"] = str(q.options[1].id)
        elif q.kind == QuestionKind.MULTIPLE:
            data[f"q{q.id}"] = [str(q.options[0].id), str(q.options[2].id)]
        else:
            data[f"q{q.id}"] = "Gut gemacht"
    data.update(override)
    return data


# ---------------------------------------------------------------------------
# The participant
# ---------------------------------------------------------------------------


def test_participant_lists_answers_once_and_is_thanked(client, login_as, invited):
    session, people, round_ = invited
    login_as(account=people[0].user)
    page = client.get("/kurse/bewertungen")
    assert page.status_code == 200
    assert f'href="/kurse/bewertungen/{session.id}"' in page.get_data(as_text=True)
    home = client.get("/").get_data(as_text=True)
    assert 'data-figure="evaluations-open"' in home
    form = client.get(f"/kurse/bewertungen/{session.id}")
    html = form.get_data(as_text=True)
    assert form.status_code == 200 and 'id="anonymity-note"' in html
    assert "trifft voll zu" in html and "<fieldset" in html and "<legend" in html
    questions = list(round_.questionnaire.questions)
    done = client.post(f"/kurse/bewertungen/{session.id}", data=_form(questions))
    assert done.status_code == 302 and done.headers["Location"].endswith("/kurse/bewertungen")
    assert _responses() == 1
    assert "Vielen Dank" in client.get("/kurse/bewertungen").get_data(as_text=True)
    again = client.post(f"/kurse/bewertungen/{session.id}", data=_form(questions))
    assert again.status_code == 409 and "bereits bewertet" in again.get_data(as_text=True)
    assert client.get(f"/kurse/bewertungen/{session.id}").status_code == 409
    assert _responses() == 1


def test_a_missing_answer_is_shown_at_its_question_and_nothing_is_stored(client, login_as, invited):
    session, people, round_ = invited
    login_as(account=people[0].user)
    questions = list(round_.questionnaire.questions)
    first = questions[0]
    answer = client.post(
        f"/kurse/bewertungen/{session.id}", data=_form(questions, **{f"q{first.id}": ""})
    )
    assert answer.status_code == 422
    html = answer.get_data(as_text=True)
    assert f'id="q{first.id}-error"' in html and "Bitte beantworten Sie diese Frage." in html
    assert "Gut gemacht" in html  # what was written is kept
    bad = client.post(
        f"/kurse/bewertungen/{session.id}", data=_form(questions, **{f"q{first.id}": "9"})
    )
    assert bad.status_code == 422 and "1 bis 5" in bad.get_data(as_text=True)
    assert _responses() == 0


def test_people_who_did_not_attend_cannot_answer(client, login_as, invited):
    session, _people, round_ = invited
    login_as(Role.EMPLOYEE)
    assert client.get(f"/kurse/bewertungen/{session.id}").status_code == 403
    questions = list(round_.questionnaire.questions)
    assert client.post(f"/kurse/bewertungen/{session.id}", data=_form(questions)).status_code == 403
    assert client.get(f"/kurse/bewertungen/{cf.session().id}").status_code == 404
    assert client.get("/kurse/bewertungen/999999").status_code == 404
    assert _responses() == 0


# ---------------------------------------------------------------------------
# HR: questionnaires and questions
# ---------------------------------------------------------------------------


def test_hr_creates_a_questionnaire_with_questions(client, login_as, db):
    login_as(Role.HR)
    assert client.get("/kurse/verwaltung/frageboegen").status_code == 200
    empty = client.post("/kurse/verwaltung/frageboegen/neu", data={"title": "  "})
    assert empty.status_code == 422 and 'aria-invalid="true"' in empty.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Questionnaire)) == 0
    made = client.post(
        "/kurse/verwaltung/frageboegen/neu", data={"title": "Kurzbogen", "description": "Danke!"}
    )
    questionnaire = db.session.scalar(select(Questionnaire))
    assert made.status_code == 302 and questionnaire.title == "Kurzbogen"
    base = f"/kurse/verwaltung/frageboegen/{questionnaire.id}"
    assert client.get(f"{base}/fragen/neu").status_code == 200
    no_options = client.post(
        f"{base}/fragen/neu", data={"kind": "single", "text": "Tempo?", "options": "nur eins"}
    )
    assert no_options.status_code == 422
    assert 'id="options-error"' in no_options.get_data(as_text=True)
    client.post(
        f"{base}/fragen/neu",
        data={"kind": "likert", "text": "Klar?", "dimension": "content", "required": "y"},
    )
    client.post(
        f"{base}/fragen/neu",
        data={"kind": "single", "text": "Tempo?", "options": "langsam\nschnell"},
    )
    questions = db.session.scalars(select(Question).order_by(Question.position)).all()
    assert [x.text for x in questions] == ["Klar?", "Tempo?"]
    assert client.get(f"/kurse/verwaltung/fragen/{questions[1].id}").status_code == 200
    client.post(f"/kurse/verwaltung/fragen/{questions[1].id}/verschieben", data={"step": "up"})
    db.session.expire_all()
    assert db.session.get(Question, questions[1].id).position == 1
    assert client.post(f"{base}/standard").status_code == 302
    assert db.session.get(Questionnaire, questionnaire.id).is_default
    assert client.post(f"{base}/loeschen").status_code == 302  # refused: flash, not deleted
    assert db.session.get(Questionnaire, questionnaire.id) is not None
    client.post(f"{base}/kopieren")
    assert db.session.scalar(select(func.count()).select_from(Questionnaire)) == 2
    edit = client.post(base, data={"title": ""})
    assert edit.status_code == 422


def test_hr_creates_the_shipped_questionnaire_once(client, login_as, db):
    login_as(Role.HR)
    page = client.get("/kurse/verwaltung/frageboegen").get_data(as_text=True)
    assert "/kurse/verwaltung/frageboegen/standardfragebogen" in page
    client.post("/kurse/verwaltung/frageboegen/standardfragebogen")
    client.post("/kurse/verwaltung/frageboegen/standardfragebogen")
    assert db.session.scalar(select(func.count()).select_from(Questionnaire)) == 1
    page = client.get("/kurse/verwaltung/frageboegen").get_data(as_text=True)
    assert "/kurse/verwaltung/frageboegen/standardfragebogen" not in page


# ---------------------------------------------------------------------------
# HR: settings and rounds
# ---------------------------------------------------------------------------


def test_hr_sets_the_questionnaire_of_a_course_and_a_session(client, login_as, db):
    questionnaire = standard()
    course = cf.course("Einstellkurs")
    session = cf.session(course)
    login_as(Role.HR)
    assert client.get("/kurse/verwaltung/bewertungen/kurse?q=Einstell").status_code == 200
    assert client.get(f"/kurse/verwaltung/{course.id}/bewertung").status_code == 200
    bad = client.post(f"/kurse/verwaltung/{course.id}/bewertung", data={"questionnaire": "12345"})
    assert bad.status_code == 422
    client.post(f"/kurse/verwaltung/{course.id}/bewertung", data={"questionnaire": "none"})
    row = db.session.scalar(
        select(EvaluationAssignment).where(EvaluationAssignment.course_id == course.id)
    )
    assert row.questionnaire_id is None
    url = f"/kurse/verwaltung/termine/{session.id}/bewertung"
    client.post(url, data={f"s{session.id}-questionnaire": "abc"})
    assert (
        db.session.scalar(
            select(EvaluationAssignment).where(EvaluationAssignment.session_id == session.id)
        )
        is None
    )
    client.post(url, data={f"s{session.id}-questionnaire": str(questionnaire.id)})
    row = db.session.scalar(
        select(EvaluationAssignment).where(EvaluationAssignment.session_id == session.id)
    )
    assert row.questionnaire_id == questionnaire.id


def test_hr_sees_the_rounds_and_moves_a_closing_date(client, login_as, invited):
    session, _people, round_ = invited
    login_as(Role.HR)
    rounds = client.get("/kurse/verwaltung/bewertungen/runden")
    assert rounds.status_code == 200 and f'data-round="{round_.id}"' in rounds.get_data(
        as_text=True
    )
    url = f"/kurse/verwaltung/bewertungen/termine/{session.id}"
    assert client.get(url).status_code == 200
    past = client.post(url, data={"closes_on": "2000-01-01"})
    assert past.status_code == 422 and 'id="closes_on-error"' in past.get_data(as_text=True)
    garbage = client.post(url, data={"closes_on": "31.02.2026"})
    assert garbage.status_code == 422
    later = round_.closes_on + timedelta(days=7)
    assert client.post(url, data={"closes_on": later.isoformat()}).status_code == 302
    db.session.refresh(round_)
    assert round_.closes_on == later
    assert client.get(f"/kurse/verwaltung/bewertungen/termine/{cf.session().id}").status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        "/kurse/verwaltung/frageboegen",
        "/kurse/verwaltung/frageboegen/neu",
        "/kurse/verwaltung/bewertungen/kurse",
        "/kurse/verwaltung/bewertungen/runden",
    ],
)
@pytest.mark.parametrize("role", [Role.EMPLOYEE, Role.TRAINER, Role.COUNCIL])
def test_only_hr_manages_evaluations(client, login_as, url, role):
    login_as(role)
    assert client.get(url).status_code == 403


@pytest.mark.parametrize(
    "url",
    [
        "/kurse/bewertungen/{huge}",
        "/kurse/verwaltung/frageboegen/{huge}",
        "/kurse/verwaltung/fragen/{huge}",
        "/kurse/verwaltung/{huge}/bewertung",
        "/kurse/verwaltung/bewertungen/termine/{huge}",
        "/berichte/bewertungen/termine/{huge}",
        "/berichte/bewertungen/termine/{huge}.pdf",
    ],
)
def test_ids_no_row_can_have_are_not_found(client, login_as, url):
    login_as(Role.HR)
    assert client.get(url.format(huge=10**30)).status_code == 404
