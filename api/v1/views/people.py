"""One person's data by personnel number (scopes ``learning:read`` and
``competencies:read``): every call is written to the access log."""

from __future__ import annotations

from typing import Any

from flask import g

from academy.clock import to_berlin
from api.auth.bearer import requires_scope
from api.tokens.scopes import COMPETENCIES, LEARNING
from api.v1 import LIST_HEADERS, bp, documented
from api.v1.paging import listed, page_of, page_of_list
from api.v1.params import PageQuery
from api.v1.people import (
    ACCESS_COMPETENCIES,
    ACCESS_LEARNING,
    COMPLETION_OPTIONS,
    certificate_item,
    certificates_statement,
    competencies,
    completion_item,
    completions_statement,
    log_access,
    person,
    person_item,
)
from api.v1.schemas import CertificatePage, CompetencyPage, CompletionPage

TAGS = ["Personen"]
PERSONAL = " Personenbezogen: jeder Abruf steht im Zugriffsprotokoll."


@bp.route("/people/<personnel_no>/completions", tags=TAGS)
@documented
@requires_scope(LEARNING)
@bp.arguments(PageQuery, location="query", as_kwargs=True)
@bp.response(200, CompletionPage, headers=LIST_HEADERS)
@bp.doc(summary="Abschlüsse einer Person", description="Bereich: learning:read." + PERSONAL)
def completions(personnel_no: str, **args: Any) -> Any:
    employee = person(personnel_no)
    today = to_berlin(g.api_now).date()
    rows, info = page_of(completions_statement(employee), args, COMPLETION_OPTIONS)
    log_access(employee, ACCESS_LEARNING, "api.completions", g.api_now)
    items = [completion_item(e, today) for e in rows]
    return listed(items, info, person=person_item(employee))


@bp.route("/people/<personnel_no>/certificates", tags=TAGS)
@documented
@requires_scope(LEARNING)
@bp.arguments(PageQuery, location="query", as_kwargs=True)
@bp.response(200, CertificatePage, headers=LIST_HEADERS)
@bp.doc(summary="Zertifikate einer Person", description="Bereich: learning:read." + PERSONAL)
def certificates(personnel_no: str, **args: Any) -> Any:
    employee = person(personnel_no)
    today = to_berlin(g.api_now).date()
    rows, info = page_of(certificates_statement(employee), args)
    log_access(employee, ACCESS_LEARNING, "api.certificates", g.api_now)
    items = [certificate_item(c, today) for c in rows]
    return listed(items, info, person=person_item(employee))


@bp.route("/people/<personnel_no>/competencies", tags=TAGS)
@documented
@requires_scope(COMPETENCIES)
@bp.arguments(PageQuery, location="query", as_kwargs=True)
@bp.response(200, CompetencyPage, headers=LIST_HEADERS)
@bp.doc(
    summary="Soll- und Ist-Stufen einer Person",
    description="Jede Kompetenz mit Soll-Stufe oder Nachweis. Bereich: competencies:read."
    + PERSONAL,
)
def person_competencies(personnel_no: str, **args: Any) -> Any:
    employee = person(personnel_no)
    rows, info = page_of_list(competencies(employee, to_berlin(g.api_now).date()), args)
    log_access(employee, ACCESS_COMPETENCIES, "api.competencies", g.api_now)
    return listed(rows, info, person=person_item(employee))
