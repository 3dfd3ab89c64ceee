"""Role profiles, competency gaps and fast-track programmes."""

from __future__ import annotations

from flask import Blueprint, Flask

bp = Blueprint("talent", __name__, url_prefix="/talente", template_folder="templates")


def init_app(app: Flask) -> None:
    from courses.signals import course_completed
    from talent import (
        demo,  # noqa: F401 - demo step
        models,  # noqa: F401 - tables for Alembic
        panels_competencies,  # noqa: F401 - start-page panels: my gaps, team gaps
        panels_programmes,  # noqa: F401 - start-page panels of the fast-track programmes
        policy,  # noqa: F401 - registers the permission rules
        programme_demo,  # noqa: F401 - demo step "programmes"
        programme_models,  # noqa: F401 - fast-track tables for Alembic
        programme_policy,  # noqa: F401 - permission rules of the fast-track programmes
        views_applications,  # noqa: F401 - fast track: employee and head pages
        views_cohorts,  # noqa: F401 - fast track: cohort settings, criteria, status buttons
        views_competencies,  # noqa: F401 - own competencies, a team member's profile
        views_evidence,  # noqa: F401 - HR: external certificates
        views_mappings,  # noqa: F401 - HR: competence mappings and their CSV import
        views_profiles,  # noqa: F401 - HR: role profiles
        views_programmes,  # noqa: F401 - fast track: programmes, curriculum, targets
        views_progress,  # noqa: F401 - fast track: my programme, my mentees, members
        views_selection,  # noqa: F401 - fast track: dashboard, scoring, council review
        views_team,  # noqa: F401 - team matrix, its exports, the training plan
    )
    from talent.cohorts import register_tick_steps
    from talent.milestones import on_course_completed

    register_tick_steps()  # "cohort-close": applications close when the window ends
    # A course completion may finish a fast-track member's curriculum (graduation).
    course_completed.connect(on_course_completed)

    app.register_blueprint(bp)
