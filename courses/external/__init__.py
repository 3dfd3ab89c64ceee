"""Requests for training outside the catalogue: the employee asks (with the offer as a
file), the department head and HR development decide (a second HR approval above a set
amount, the budget beside every decision), and an approved request becomes an enrolment
in a session of its own, so attendance, completion, evidence, certificate and budget
follow the usual rules."""

from __future__ import annotations


def register() -> None:
    """Tables, pages, tick step, demo step, registries."""
    from academy.scheduler import register_tick_step
    from courses.external import audit, models, personal_data, retention  # noqa: F401
    from courses.external.attachments import sweep
    from courses.external.demo import register_step
    from courses.external.panels import register_panels
    from courses.external.views import deciders, employee, requests  # noqa: F401

    audit.register()
    personal_data.register_sections()
    retention.register_retention_rules()
    register_tick_step("external-files", sweep, order=55)
    register_panels()
    register_step()
