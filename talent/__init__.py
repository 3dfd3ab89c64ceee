"""Role profiles, competency gaps and fast-track programmes."""

from __future__ import annotations

from flask import Blueprint, Flask

bp = Blueprint("talent", __name__, url_prefix="/talente", template_folder="templates")


def init_app(app: Flask) -> None:
    from talent import (
        demo,  # noqa: F401 - demo step
        models,  # noqa: F401 - tables for Alembic
        programme_models,  # noqa: F401 - fast-track tables for Alembic
        panels_competencies,  # noqa: F401 - start-page panels: my gaps, team gaps
        policy,  # noqa: F401 - registers the permission rules
        programme_policy,  # noqa: F401 - permission rules of the fast-track programmes
        views_competencies,  # noqa: F401 - own competencies, a team member's profile
        views_evidence,  # noqa: F401 - HR: external certificates
        views_mappings,  # noqa: F401 - HR: competence mappings and their CSV import
        views_profiles,  # noqa: F401 - HR: role profiles
        views_team,  # noqa: F401 - team matrix, its exports, the training plan
    )

    app.register_blueprint(bp)
