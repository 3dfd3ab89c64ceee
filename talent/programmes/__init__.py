"""Fast-track programmes: programmes, cohorts, eligibility, applications, selection,
milestones, progress and their notices. May use ``talent.competencies``, never the
reverse."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from courses.signals import course_completed
    from talent.programmes import (
        audit_sentences,
        cohort_models,  # noqa: F401 - fast-track tables for Alembic
        models,  # noqa: F401 - fast-track tables for Alembic
        panels,  # noqa: F401 - start-page panels of the fast-track programmes
        policy,  # noqa: F401 - permission rules of the fast-track programmes
    )
    from talent.programmes.cohorts import register_tick_steps
    from talent.programmes.demo import steps  # noqa: F401 - demo step "programmes"
    from talent.programmes.milestones import on_course_completed
    from talent.programmes.personal_data import register_sections
    from talent.programmes.views import (  # noqa: F401 - the pages, by audience
        cohorts,  # HR: cohort settings, criteria, status buttons
        council,  # staff council: review of the selection proposals
        employee,  # employee: open cohorts, own applications, own programme
        head,  # department head: statements, nominations, the team's members
        members,  # HR: one member's mentor, sign-offs, drop-out
        mentoring,  # mentor: mentees and sign-off; read-only progress
        programmes,  # HR: programmes, curriculum, targets
        selection,  # HR: cohort dashboard, scoring, proposal, decisions
    )

    audit_sentences.register()  # the audit log in sentences
    register_tick_steps()  # "cohort-close": applications close when the window ends
    register_sections()  # applications, scores, progress in the Art. 15 export
    from talent.programmes.retention import register_retention_rules

    register_retention_rules()  # retention: leavers' applications, memberships
    # A course completion may finish a fast-track member's curriculum (graduation).
    course_completed.connect(on_course_completed)
