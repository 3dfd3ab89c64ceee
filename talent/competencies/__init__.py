"""Competencies: role profiles (targets), ratings, evidence, the current-level rule, gaps,
recommendations, mappings between frameworks and the team view."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from talent.competencies import (  # noqa: F401
        audit_sentences,
        models,  # tables for Alembic
        panels,  # start-page panels: my gaps, team gaps
        policy,  # registers the permission rules
    )
    from talent.competencies.demo import step  # noqa: F401 - demo step
    from talent.competencies.personal_data import register_sections
    from talent.competencies.views import (  # noqa: F401
        evidence,  # HR: external certificates
        mandatory,  # HR: mandatory training named by a role profile
        mappings,  # HR: competence mappings and their CSV import
        own,  # own competencies, a team member's profile
        profiles,  # HR: role profiles
        proposals,  # heads: the training plan as suggestions to the team
        team,  # team matrix, its exports, the training plan
    )

    register_sections()  # ratings, self-assessments, evidence in the Art. 15 export
    from talent.competencies.retention import register_retention_rules

    register_retention_rules()  # retention: leavers' ratings

    audit_sentences.register()  # the audit log in sentences
    from talent.competencies.labels import level_text
    from talent.competencies.pages import exports as team_exports

    app.jinja_env.globals["level_text"] = level_text  # level labels of the profile tables

    team_exports.register()  # large team exports as background jobs (academy.jobs)
    from academy.web.hooks import add_template_hook
    from talent.competencies.role_mandatory import section

    add_template_hook("role-profile-sections", section)  # mandatory training of a profile
