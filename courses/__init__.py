"""Course catalogue, sessions and the enrolment lifecycle."""

from __future__ import annotations

from flask import Blueprint, Flask

bp = Blueprint(
    "courses",
    __name__,
    url_prefix="/kurse",
    static_folder="static",
    static_url_path="/static/courses",
)


def init_app(app: Flask) -> None:
    from courses import (
        audit_sentences,
        catalogue,
        demo,
        enrolment,
        policy,  # noqa: F401 - registers the permission rules
        rooms,
        sessions,
    )

    audit_sentences.register()  # the audit log in sentences
    catalogue.register()
    sessions.register()
    rooms.register()  # rooms and trainers (after sessions: meetings book rooms)
    enrolment.register()
    from courses.enrolment.retention import register_retention_rules

    register_retention_rules()  # retention of leavers' enrolments, calendar feeds
    demo.register()
    # The Art. 15 export's sections (academy.privacy cannot import courses).
    from courses.enrolment.personal_data import register_sections as enrolment_data
    from courses.sessions.personal_data import register_sections as session_data

    enrolment_data()
    session_data()
    from courses import mandatory, teambooking

    mandatory.register()  # mandatory training: assignments, compliance, reminders
    teambooking.register()  # heads book for their team: bookings, reserved seats, proposals
    from courses import evaluations

    evaluations.register()  # course evaluations: questionnaires, rounds, anonymous answers
    from courses import budgets, external

    budgets.register()  # training budgets and costs: bookings, pages, forecast, export
    external.register()  # requests for external training: decisions, files, enrolment

    app.register_blueprint(bp)
