"""The selection pages over HTTP: HR's cohort dashboard (ranking, counts, proposal,
sending the decisions), the scoring page (validation, nothing saved on error), the staff
council's review pages and decision, the access log, and who may open what (403/404)."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from academy.accounts.models import Role, User
from academy.audit.models import AccessLogEntry
from academy.extensions import db
from talent.programmes.cohort_models import Application, CohortMember, CouncilReview, Score
from talent.programmes.council import council_decide, propose
from talent.programmes.models import ApplicationState, Cohort, CohortStatus, Endorsement
from tests import factories
from tests.talent import programme_factories as pf
from tests.talent.factories import NOW

# ---------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------


def english(user: User) -> User:
    user.locale = "en"
    db.session.commit()
    return user


def applicant(cohort: Cohort, **kw) -> Application:
    emp = factories.employee()
    factories.user(emp=emp)
    return pf.application(cohort, emp, **kw)


def scored_cohort(
    n: int = 3, seats: int = 2, status: CohortStatus = CohortStatus.SELECTION
) -> tuple[Cohort, list[Application]]:
    """A cohort with criteria Motivation (weight 2) and Erfahrung (1) and ``n`` fully
    scored applications, best first: weighted 4.00, 3.00, 2.00 …"""
    cohort = pf.cohort(status=status, seats=seats)
    apps = []
    for i in range(n):
        app = applicant(cohort, endorsement=Endorsement.ENDORSED if i == 0 else Endorsement.PENDING)
        for criterion in cohort.criteria:
            pf.score(app, criterion, 4 - i, "Kommentar")
        apps.append(app)
    db.session.commit()
    return cohort, apps


def in_review(n: int = 3, seats: int = 2) -> tuple[Cohort, list[Application]]:
    cohort, apps = scored_cohort(n, seats)
    propose(factories.user(Role.HR), cohort, [a.id for a in apps[:seats]], "Bitte prüfen", NOW)
    db.session.commit()
    return cohort, apps


def row_ids(html: str) -> list[int]:
    return [int(i) for i in re.findall(r'<tr id="application-(\d+)"', html)]


def access_rows(user: User) -> list[int]:
    return sorted(
        db.session.scalars(
            select(AccessLogEntry.subject_id).where(
                AccessLogEntry.actor_id == user.id,
                AccessLogEntry.what == "programme_application",
            )
        )
    )


# ---------------------------------------------------------------------------
# Permissions
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.EMPLOYEE, Role.HEAD, Role.TRAINER, Role.COUNCIL])
def test_only_hr_opens_the_dashboard_and_the_scoring_page(client, login_as, role):
    cohort, apps = scored_cohort(1)
    login_as(role)
    score_url = f"/talente/bewerbungen/{apps[0].id}/bewertung"
    assert client.get(f"/talente/kohorten/{cohort.id}").status_code == 403
    assert client.get(score_url).status_code == 403
    assert client.post(score_url, data={f"score_{cohort.criteria[0].id}": "1"}).status_code == 403
    assert client.post(f"/talente/kohorten/{cohort.id}/auswahlvorschlag").status_code == 403
    assert client.post(f"/talente/kohorten/{cohort.id}/bescheide").status_code == 403
    scores = db.session.scalars(select(Score.score).where(Score.application_id == apps[0].id))
    assert list(scores) == [4, 4]  # unchanged
    assert db.session.get(Cohort, cohort.id).status == CohortStatus.SELECTION


def test_the_council_cannot_score(client, login_as):
    cohort, apps = scored_cohort(1)
    login_as(Role.COUNCIL)
    first, second = cohort.criteria
    data = {
        f"score_{first.id}": "1",
        f"comment_{first.id}": "",
        f"score_{second.id}": "1",
        f"comment_{second.id}": "",
    }
    response = client.post(f"/talente/bewerbungen/{apps[0].id}/bewertung", data=data)
    assert response.status_code == 403
    scores = db.session.scalars(select(Score.score).where(Score.application_id == apps[0].id))
    assert list(scores) == [4, 4]  # unchanged


@pytest.mark.parametrize("role", [Role.EMPLOYEE, Role.HEAD, Role.TRAINER, Role.HR])
def test_only_the_council_opens_its_pages_and_decides(client, login_as, role):
    cohort, _apps = in_review()
    login_as(role)
    assert client.get("/talente/auswahl").status_code == 403
    assert client.get(f"/talente/auswahl/{cohort.id}").status_code == 403
    response = client.post(
        f"/talente/auswahl/{cohort.id}/entscheidung", data={"decision": "consent"}
    )
    assert response.status_code == 403
    review = db.session.scalar(select(CouncilReview).where(CouncilReview.cohort_id == cohort.id))
    assert review.decision is None


def test_unknown_ids_are_404(client, login_as):
    login_as(Role.HR)
    assert client.get("/talente/kohorten/999999").status_code == 404
    assert client.get("/talente/bewerbungen/999999/bewertung").status_code == 404
    assert client.post("/talente/bewerbungen/999999/bewertung").status_code == 404
    assert client.post("/talente/kohorten/999999/auswahlvorschlag").status_code == 404
    assert client.post("/talente/kohorten/999999/bescheide").status_code == 404
    login_as(Role.COUNCIL)
    assert client.get("/talente/auswahl/999999").status_code == 404
    data = {"decision": "consent"}
    assert client.post("/talente/auswahl/999999/entscheidung", data=data).status_code == 404
    never_submitted, _apps = scored_cohort(1)
    assert client.get(f"/talente/auswahl/{never_submitted.id}").status_code == 404


def test_anonymous_visitors_are_sent_to_the_login(client, db):
    cohort, _apps = scored_cohort(1)
    response = client.get(f"/talente/kohorten/{cohort.id}")
    assert response.status_code == 302 and "/anmelden" in response.headers["Location"]


# ---------------------------------------------------------------------------
# HR: the dashboard
# ---------------------------------------------------------------------------


def test_dashboard_shows_the_ranking_counts_and_the_proposal_form(client, login_as):
    viewer = english(login_as(Role.HR))
    cohort, apps = scored_cohort(3, seats=2)
    unscored = applicant(cohort)
    applicant(cohort, state=ApplicationState.WITHDRAWN)
    applicant(cohort, state=ApplicationState.NOMINATED)
    db.session.commit()

    response = client.get(f"/talente/kohorten/{cohort.id}")

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert cohort.programme.title in html and "Selection" in html
    assert row_ids(html) == [a.id for a in apps] + [unscored.id]
    assert "4.00" in html and "3.00" in html and "not fully scored" in html
    assert re.search(r'data-state="submitted">4<', html)
    assert re.search(r'data-state="withdrawn">1<', html)
    assert re.search(r'data-state="nominated">1<', html)
    assert re.search(r'id="count-endorsed">1<', html)
    assert "3 of 4" in html
    assert f"/talente/bewerbungen/{apps[0].id}/bewertung" in html
    # the proposal: the best two preselected, the unscored one not offered
    form = html[html.index('id="proposal-form"') :]
    assert f'value="{apps[0].id}" id="propose-{apps[0].id}" checked' in form
    assert f'value="{apps[1].id}" id="propose-{apps[1].id}" checked' in form
    assert f'value="{apps[2].id}" id="propose-{apps[2].id}">' in form
    assert f'id="propose-{unscored.id}"' not in form
    assert "1 submitted application is not fully scored yet" in html
    # one access-log entry per applicant shown
    assert access_rows(viewer) == sorted([a.employee_id for a in apps] + [unscored.employee_id])


def test_dashboard_is_paginated_by_fifty(client, login_as):
    english(login_as(Role.HR))
    cohort = pf.cohort(status=CohortStatus.SELECTION, criteria=[("Motivation", 1)])
    for _ in range(52):
        pf.application(cohort, factories.employee())
    db.session.commit()
    first = client.get(f"/talente/kohorten/{cohort.id}").get_data(as_text=True)
    second = client.get(f"/talente/kohorten/{cohort.id}?page=2").get_data(as_text=True)
    assert len(row_ids(first)) == 50 and len(row_ids(second)) == 2
    assert not set(row_ids(first)) & set(row_ids(second))


def test_proposing_over_http(client, login_as):
    english(login_as(Role.HR))
    council = factories.user(Role.COUNCIL)
    cohort, apps = scored_cohort(3, seats=2)
    url = f"/talente/kohorten/{cohort.id}/auswahlvorschlag"

    too_many = client.post(url, data={"application": [a.id for a in apps], "note": ""})
    assert too_many.status_code == 422
    assert "At most 2 applications can be proposed" in too_many.get_data(as_text=True)
    assert db.session.get(Cohort, cohort.id).status == CohortStatus.SELECTION

    response = client.post(url, data={"application": [apps[0].id, apps[2].id], "note": "Bitte"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/talente/kohorten/{cohort.id}")
    db.session.expire_all()
    assert db.session.get(Cohort, cohort.id).status == CohortStatus.COUNCIL_REVIEW
    assert [db.session.get(Application, a.id).proposed for a in apps] == [True, False, True]
    review = db.session.scalar(select(CouncilReview).where(CouncilReview.cohort_id == cohort.id))
    assert review.note == "Bitte" and len(review.proposal) == 2
    assert council.id  # the council was told (see the service tests)

    html = client.get(f"/talente/kohorten/{cohort.id}").get_data(as_text=True)
    assert 'id="proposal-form"' not in html  # no second proposal while in review
    assert f'id="review-{review.id}"' in html and "awaiting the staff council" in html
    again = client.post(url, data={"application": [apps[0].id]})
    assert again.status_code == 409


def test_proposing_with_unscored_applications_is_refused(client, login_as):
    english(login_as(Role.HR))
    cohort, apps = scored_cohort(2)
    applicant(cohort)
    db.session.commit()
    response = client.post(
        f"/talente/kohorten/{cohort.id}/auswahlvorschlag", data={"application": [apps[0].id]}
    )
    assert response.status_code == 422
    assert "not fully scored yet" in response.get_data(as_text=True)
    assert db.session.get(Cohort, cohort.id).status == CohortStatus.SELECTION


def test_sending_the_decisions_after_the_councils_consent(client, login_as):
    english(login_as(Role.HR))
    cohort, _apps = in_review(3, seats=2)
    url = f"/talente/kohorten/{cohort.id}/bescheide"

    html = client.get(f"/talente/kohorten/{cohort.id}").get_data(as_text=True)
    assert url not in html  # no consent yet
    assert client.post(url).status_code == 409

    council_decide(factories.user(Role.COUNCIL), cohort, "consent", "ok", NOW)
    db.session.commit()
    html = client.get(f"/talente/kohorten/{cohort.id}").get_data(as_text=True)
    assert url in html and "Send acceptances and rejections" in html
    assert "data-confirm=" in html[html.index(url) : html.index(url) + 200]

    response = client.post(url)
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Cohort, cohort.id).status == CohortStatus.RUNNING
    members = db.session.scalar(
        select(func.count()).select_from(CohortMember).where(CohortMember.cohort_id == cohort.id)
    )
    assert members == 2
    running = client.get(f"/talente/kohorten/{cohort.id}")
    assert running.status_code == 200
    assert "Running" in running.get_data(as_text=True)


# ---------------------------------------------------------------------------
# HR: scoring
# ---------------------------------------------------------------------------


def score_data(cohort: Cohort, *rows: tuple[str, str]) -> dict[str, str]:
    data = {}
    for criterion, (score, comment) in zip(cohort.criteria, rows, strict=True):
        data[f"score_{criterion.id}"] = score
        data[f"comment_{criterion.id}"] = comment
    return data


def test_scoring_page_shows_the_application(client, login_as):
    viewer = english(login_as(Role.HR))
    cohort = pf.cohort(status=CohortStatus.SELECTION)
    head = factories.user(Role.HEAD)
    app = applicant(cohort, endorsement=Endorsement.ENDORSED, motivation="Zeile eins\nZeile zwei")
    app.endorsed_by_id = head.id
    app.endorsement_comment = "Sehr engagiert"
    app.nominated_by_id = head.id
    app.nomination_note = "Große Eigeninitiative"
    db.session.commit()

    html = client.get(f"/talente/bewerbungen/{app.id}/bewertung").get_data(as_text=True)

    assert "Zeile eins<br>Zeile zwei" in html
    assert "Sehr engagiert" in html and head.display_name in html
    assert "Große Eigeninitiative" in html
    for criterion in cohort.criteria:
        assert f'name="score_{criterion.id}"' in html and f'name="comment_{criterion.id}"' in html
    assert access_rows(viewer) == [app.employee_id]


def test_saving_scores(client, login_as):
    english(login_as(Role.HR))
    cohort = pf.cohort(status=CohortStatus.SELECTION)
    app = applicant(cohort)
    db.session.commit()
    url = f"/talente/bewerbungen/{app.id}/bewertung"

    response = client.post(url, data=score_data(cohort, ("5", "Hervorragend"), ("2", "")))

    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/talente/kohorten/{cohort.id}")
    rows = db.session.execute(
        select(Score.criterion_id, Score.score, Score.comment).where(Score.application_id == app.id)
    ).all()
    first, second = cohort.criteria
    assert sorted(rows) == sorted([(first.id, 5, "Hervorragend"), (second.id, 2, None)])
    # the form shows the saved values again
    html = client.get(url).get_data(as_text=True)
    assert '<option selected value="5">' in html or 'value="5" selected' in html
    assert "Hervorragend" in html


@pytest.mark.parametrize(
    "rows, field",
    [
        ((("", ""), ("3", "")), "score_0"),
        ((("3", ""), ("0", " ")), "comment_1"),
        ((("3", ""), ("9", "")), "score_1"),
        ((("5", ""), ("3", "x" * 2001)), "comment_0"),
    ],
)
def test_invalid_scores_save_nothing(client, login_as, rows, field):
    english(login_as(Role.HR))
    cohort = pf.cohort(status=CohortStatus.SELECTION)
    app = applicant(cohort)
    pf.score(app, cohort.criteria[1], 1)
    db.session.commit()
    kind, index = field.split("_")
    field_id = f"{kind}_{cohort.criteria[int(index)].id}"

    response = client.post(
        f"/talente/bewerbungen/{app.id}/bewertung", data=score_data(cohort, *rows)
    )

    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert f'id="{field_id}-error"' in html
    assert re.search(
        rf'id="{field_id}"[^>]*aria-invalid="true"|aria-invalid="true"[^>]*id="{field_id}"', html
    )
    saved = db.session.execute(
        select(Score.criterion_id, Score.score).where(Score.application_id == app.id)
    ).all()
    assert saved == [(cohort.criteria[1].id, 1)]


def test_scores_are_read_only_outside_selection(client, login_as):
    english(login_as(Role.HR))
    cohort, apps = in_review(2, seats=1)
    url = f"/talente/bewerbungen/{apps[0].id}/bewertung"
    html = client.get(url).get_data(as_text=True)
    assert 'id="scores-locked"' in html and 'id="score-form"' not in html
    response = client.post(url, data=score_data(cohort, ("1", ""), ("1", "")))
    assert response.status_code == 409
    scores = db.session.scalars(select(Score.score).where(Score.application_id == apps[0].id))
    assert list(scores) == [4, 4]


# ---------------------------------------------------------------------------
# The staff council
# ---------------------------------------------------------------------------


def test_council_overview_lists_proposals_and_decisions(client, login_as):
    english(login_as(Role.COUNCIL))
    waiting, _apps = in_review()
    decided, _other = in_review()
    council_decide(factories.user(Role.COUNCIL), decided, "objection", "Zu wenig Vielfalt", NOW)
    db.session.commit()

    response = client.get("/talente/auswahl")

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f'id="cohort-{waiting.id}"' in html and f'id="cohort-{decided.id}"' not in html
    assert "Zu wenig Vielfalt" in html and "Objection" in html
    assert "/talente/auswahl" in client.get("/").get_data(as_text=True)  # in the navigation


def test_council_review_page_shows_the_proposal_and_records_access(client, login_as):
    member = english(login_as(Role.COUNCIL))
    cohort, apps = in_review(3, seats=2)
    apps[0].motivation = "Ich will gestalten"
    apps[0].endorsement_comment = "Klare Empfehlung"
    db.session.commit()

    html = client.get(f"/talente/auswahl/{cohort.id}").get_data(as_text=True)

    assert row_ids(html) == [a.id for a in apps]
    rows = html.split('<tr id="application-')[1:]
    assert ">proposed<" in rows[0] and ">proposed<" in rows[1] and "not proposed" in rows[2]
    assert "Ich will gestalten" in html and "Klare Empfehlung" in html and "Kommentar" in html
    assert "4.00" in html
    assert 'id="decision-form"' in html and "data-confirm=" in html
    assert '/bewertung"' not in html  # the council reads, it does not score
    assert access_rows(member) == sorted(a.employee_id for a in apps)


def test_council_objection_over_http(client, login_as):
    english(login_as(Role.COUNCIL))
    cohort, _apps = in_review()
    url = f"/talente/auswahl/{cohort.id}/entscheidung"

    missing = client.post(url, data={"decision": "objection", "comment": " "})
    assert missing.status_code == 422
    assert 'id="comment-error"' in missing.get_data(as_text=True)
    assert db.session.get(Cohort, cohort.id).status == CohortStatus.COUNCIL_REVIEW

    response = client.post(url, data={"decision": "objection", "comment": "Bitte begründen"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Cohort, cohort.id).status == CohortStatus.SELECTION
    review = db.session.scalar(select(CouncilReview).where(CouncilReview.cohort_id == cohort.id))
    assert (review.decision, review.decision_comment) == ("objection", "Bitte begründen")

    after = client.get(f"/talente/auswahl/{cohort.id}").get_data(as_text=True)
    assert 'id="decision-form"' not in after  # nothing to decide now
    assert client.post(url, data={"decision": "consent"}).status_code == 409


def test_council_consent_over_http(client, login_as):
    english(login_as(Role.COUNCIL))
    cohort, _apps = in_review()
    response = client.post(
        f"/talente/auswahl/{cohort.id}/entscheidung", data={"decision": "consent", "comment": ""}
    )
    assert response.status_code == 302
    db.session.expire_all()
    review = db.session.scalar(select(CouncilReview).where(CouncilReview.cohort_id == cohort.id))
    assert review.decision == "consent"
    assert db.session.get(Cohort, cohort.id).status == CohortStatus.COUNCIL_REVIEW
