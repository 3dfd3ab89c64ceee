"""Competencies in the Art. 15 export: ratings by heads (with who rated), the person's
self-assessments and the external certificates HR recorded as evidence. Role profiles
and framework mappings describe jobs and frameworks, not people: left out with a reason."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import aliased

from academy.accounts.models import User
from academy.extensions import db
from academy.frameworks.models import Competence
from academy.privacy.registry import Record, declare_not_exported, register_personal_data
from talent.competencies.models import Rating, RatingSource


def _ratings(employee_id: int | None, source: RatingSource) -> list[tuple[Rating, str, str | None]]:
    if employee_id is None:
        return []
    rater = aliased(User)
    rows = db.session.execute(
        select(Rating, Competence.code, Competence.name_de, rater.display_name)
        .join(Competence, Competence.id == Rating.competence_id)
        .outerjoin(rater, rater.id == Rating.rated_by_id)
        .where(Rating.employee_id == employee_id, Rating.source == source.value)
        .order_by(Rating.rated_at, Rating.id)
    ).all()
    return [(r, f"{code} {name}", by) for r, code, name, by in rows]


def head_ratings(employee_id: int | None, user_id: int | None) -> list[Record]:
    return [
        {
            "Kompetenz": competence,
            "Stufe": r.level,
            "Bewertet am": r.rated_at,
            "Bewertet von": by,
            "Kommentar": r.comment,
        }
        for r, competence, by in _ratings(employee_id, RatingSource.HEAD)
    ]


def self_assessments(employee_id: int | None, user_id: int | None) -> list[Record]:
    return [
        {
            "Kompetenz": competence,
            "Stufe": r.level,
            "Eingeschätzt am": r.rated_at,
            "Kommentar": r.comment,
        }
        for r, competence, _by in _ratings(employee_id, RatingSource.SELF)
    ]


def evidence(employee_id: int | None, user_id: int | None) -> list[Record]:
    return [
        {
            "Kompetenz": competence,
            "Stufe": r.level,
            "Nachweis": r.evidence_title,
            "Gültig bis": r.valid_until,
            "Erfasst am": r.rated_at,
            "Erfasst von": by,
            "Kommentar": r.comment,
        }
        for r, competence, by in _ratings(employee_id, RatingSource.EXTERNAL)
    ]


def register_sections() -> None:
    register_personal_data(
        "einschaetzungen",
        "Einschätzungen durch Führungskräfte",
        head_ratings,
        tables=("ratings",),
        order=400,
        description="Kompetenzstufen, die Ihre Führungskraft eingeschätzt hat, mit Name "
        "und Kommentar.",
    )
    register_personal_data(
        "selbsteinschaetzungen",
        "Selbsteinschätzungen",
        self_assessments,
        tables=("ratings",),
        order=410,
    )
    register_personal_data(
        "nachweise",
        "Externe Nachweise",
        evidence,
        tables=("ratings",),
        order=420,
        description="Externe Zertifikate, die die Personalentwicklung als Nachweis erfasst hat.",
    )
    declare_not_exported(
        "role_targets",
        "Soll-Profile gehören zu Stellen, nicht zu Personen; wer sie gesetzt hat, steht "
        "im Abschnitt eigene Handlungen (role_target.*).",
    )
    declare_not_exported(
        "competence_mappings",
        "Zuordnungen zwischen Kompetenzrahmen betreffen keine Person; wer sie angelegt hat, "
        "steht im Abschnitt eigene Handlungen (competence_mapping.*).",
    )
