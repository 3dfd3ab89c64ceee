"""Fast-track programmes in the Art. 15 export: applications (with the head's statement,
HR's scores and comments and who gave them), memberships, milestone sign-offs, the
mentor role and the audit history of applications and memberships. Programme and
cohort definitions describe no person: left out with a reason."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask_babel import gettext
from sqlalchemy import String, cast, select
from sqlalchemy.orm import aliased

from academy.accounts.models import User
from academy.extensions import db
from academy.org.models import Employee
from academy.privacy.collect import audit_history
from academy.privacy.registry import Record, declare_not_exported, register_personal_data
from talent.programmes.cohort_models import Application, CohortMember, MilestoneSignoff, Score
from talent.programmes.models import (
    APPLICATION_STATE_LABELS,
    ENDORSEMENT_LABELS,
    MEMBER_STATE_LABELS,
    Cohort,
    Milestone,
    Programme,
    SelectionCriterion,
)


def _label(labels: Mapping[Any, str], value: str) -> str:
    label = labels.get(value)
    return gettext(label) if label else value


def applications(employee_id: int | None, user_id: int | None) -> list[Record]:
    if employee_id is None:
        return []
    nominator, endorser = aliased(User), aliased(User)
    rows = db.session.execute(
        select(
            Application, Cohort.name, Programme.title, nominator.display_name, endorser.display_name
        )
        .join(Cohort, Cohort.id == Application.cohort_id)
        .join(Programme, Programme.id == Cohort.programme_id)
        .outerjoin(nominator, nominator.id == Application.nominated_by_id)
        .outerjoin(endorser, endorser.id == Application.endorsed_by_id)
        .where(Application.employee_id == employee_id)
        .order_by(Application.created_at, Application.id)
    ).all()
    return [
        {
            "Nr.": a.id,
            "Programm": programme,
            "Jahrgang": cohort,
            "Status": _label(APPLICATION_STATE_LABELS, a.state),
            "Motivation": a.motivation,
            "Eingereicht am": a.submitted_at,
            "Zurückgezogen am": a.withdrawn_at,
            "Nominiert von": nominated,
            "Begründung der Nominierung": a.nomination_note,
            "Votum der Führungskraft": _label(ENDORSEMENT_LABELS, a.endorsement),
            "Votum abgegeben von": endorsed,
            "Kommentar zum Votum": a.endorsement_comment,
            "Votum am": a.endorsed_at,
            "Zur Auswahl vorgeschlagen": a.proposed,
            "Entschieden am": a.decided_at,
            "Angelegt am": a.created_at,
        }
        for a, cohort, programme, nominated, endorsed in rows
    ]


def scores(employee_id: int | None, user_id: int | None) -> list[Record]:
    if employee_id is None:
        return []
    scorer = aliased(User)
    rows = db.session.execute(
        select(Score, SelectionCriterion, Cohort.name, scorer.display_name)
        .join(Application, Application.id == Score.application_id)
        .join(SelectionCriterion, SelectionCriterion.id == Score.criterion_id)
        .join(Cohort, Cohort.id == Application.cohort_id)
        .outerjoin(scorer, scorer.id == Score.scored_by_id)
        .where(Application.employee_id == employee_id)
        .order_by(Application.id, SelectionCriterion.position, Score.id)
    ).all()
    return [
        {
            "Bewerbung Nr.": s.application_id,
            "Jahrgang": cohort,
            "Kriterium": criterion.name,
            "Gewicht": criterion.weight,
            "Punkte (0–5)": s.score,
            "Kommentar": s.comment,
            "Bewertet am": s.scored_at,
            "Bewertet von": by,
        }
        for s, criterion, cohort, by in rows
    ]


def application_history(employee_id: int | None, user_id: int | None) -> list[Record]:
    if employee_id is None:
        return []
    ids = select(cast(Application.id, String)).where(Application.employee_id == employee_id)
    return audit_history("application", ids)


def memberships(employee_id: int | None, user_id: int | None) -> list[Record]:
    if employee_id is None:
        return []
    mentor = aliased(Employee)
    rows = db.session.execute(
        select(CohortMember, Cohort.name, Programme.title, mentor.first_name, mentor.last_name)
        .join(Cohort, Cohort.id == CohortMember.cohort_id)
        .join(Programme, Programme.id == Cohort.programme_id)
        .outerjoin(mentor, mentor.id == CohortMember.mentor_id)
        .where(CohortMember.employee_id == employee_id)
        .order_by(CohortMember.joined_at, CohortMember.id)
    ).all()
    return [
        {
            "Nr.": m.id,
            "Programm": programme,
            "Jahrgang": cohort,
            "Status": _label(MEMBER_STATE_LABELS, m.state),
            "Aufgenommen am": m.joined_at,
            "Abgeschlossen am": m.graduated_on,
            "Ausgeschieden am": m.dropped_out_on,
            "Grund des Ausscheidens": m.drop_out_reason,
            "Mentorin oder Mentor": f"{first} {last}" if last else None,
        }
        for m, cohort, programme, first, last in rows
    ]


def signoffs(employee_id: int | None, user_id: int | None) -> list[Record]:
    if employee_id is None:
        return []
    signer = aliased(User)
    rows = db.session.execute(
        select(MilestoneSignoff, Milestone.title, Cohort.name, signer.display_name)
        .join(CohortMember, CohortMember.id == MilestoneSignoff.member_id)
        .join(Milestone, Milestone.id == MilestoneSignoff.milestone_id)
        .join(Cohort, Cohort.id == CohortMember.cohort_id)
        .outerjoin(signer, signer.id == MilestoneSignoff.signed_off_by_id)
        .where(CohortMember.employee_id == employee_id)
        .order_by(MilestoneSignoff.met_on, MilestoneSignoff.id)
    ).all()
    return [
        {
            "Jahrgang": cohort,
            "Meilenstein": milestone,
            "Erreicht am": s.met_on,
            "Notiz": s.note,
            "Abgezeichnet am": s.signed_off_at,
            "Abgezeichnet von": by,
        }
        for s, milestone, cohort, by in rows
    ]


def membership_history(employee_id: int | None, user_id: int | None) -> list[Record]:
    if employee_id is None:
        return []
    ids = select(cast(CohortMember.id, String)).where(CohortMember.employee_id == employee_id)
    return audit_history("cohort_member", ids)


def mentoring(employee_id: int | None, user_id: int | None) -> list[Record]:
    """Where the person is a mentor (without the mentees' names: their data)."""
    if employee_id is None:
        return []
    rows = db.session.execute(
        select(Cohort.name, Programme.title, CohortMember.joined_at)
        .join(Cohort, Cohort.id == CohortMember.cohort_id)
        .join(Programme, Programme.id == Cohort.programme_id)
        .where(CohortMember.mentor_id == employee_id)
        .order_by(CohortMember.joined_at, CohortMember.id)
    ).all()
    return [{"Programm": p, "Jahrgang": c, "Seit": at} for c, p, at in rows]


_NOT_EXPORTED = {
    "programmes": "Programmbeschreibungen betreffen keine Person; wer sie angelegt hat, "
    "steht im Abschnitt eigene Handlungen (programme.*).",
    "cohorts": "Jahrgänge (Zeitraum, Plätze, Kriterien) betreffen keine Person; ihr Name "
    "steht bei Ihren Bewerbungen und Teilnahmen.",
    "council_reviews": "Vorlagen an den Personalrat und seine Beschlüsse sind Akten des "
    "Gremiums; Ihre Bewertungen daraus stehen im Abschnitt Bewertungen Ihrer Bewerbungen.",
    "cohort_job_roles": "Zulassung eines Jahrgangs nach Stellen, ohne Personenbezug.",
    "programme_courses": "Pflichtkurse eines Programms, ohne Personenbezug.",
    "programme_milestones": "Meilensteine eines Programms, ohne Personenbezug; Ihre "
    "abgezeichneten Meilensteine stehen im Abschnitt Meilensteine.",
    "programme_targets": "Kompetenzziele eines Programms, ohne Personenbezug.",
    "selection_criteria": "Auswahlkriterien eines Jahrgangs, ohne Personenbezug; Ihre "
    "Punkte je Kriterium stehen im Abschnitt Bewertungen Ihrer Bewerbungen.",
}


def register_sections() -> None:
    for key, title, collector, tables, order in (
        ("bewerbungen", "Bewerbungen für Förderprogramme", applications, ("applications",), 500),
        (
            "bewerbungen_bewertungen",
            "Bewertungen Ihrer Bewerbungen",
            scores,
            ("application_scores", "applications"),
            510,
        ),
        (
            "bewerbungen_verlauf",
            "Verlauf Ihrer Bewerbungen",
            application_history,
            ("applications", "audit_log"),
            520,
        ),
        (
            "programmteilnahmen",
            "Teilnahme an Förderprogrammen",
            memberships,
            ("cohort_members",),
            530,
        ),
        ("meilensteine", "Abgezeichnete Meilensteine", signoffs, ("milestone_signoffs",), 540),
        (
            "programmteilnahmen_verlauf",
            "Verlauf Ihrer Programmteilnahmen",
            membership_history,
            ("cohort_members", "audit_log"),
            550,
        ),
        ("mentoring", "Ihre Rolle als Mentorin oder Mentor", mentoring, ("cohort_members",), 560),
    ):
        register_personal_data(key, title, collector, tables=tables, order=order)
    for table, reason in _NOT_EXPORTED.items():
        declare_not_exported(table, reason)
