"""Mandatory training (Pflichtschulungen): HR assigns a course, or any of a set of
equivalent courses, to a job role, a department subtree or named people, with a due
date and an optional recurrence; everyone sees what is due, heads their team's
compliance, HR the organisation's, and reminders go out from the tick."""

from __future__ import annotations


def register() -> None:
    """Tables, rules, pages, panels, scheduled steps and registries of mandatory training."""
    from courses.mandatory import (  # noqa: F401
        audit_sentences,
        models,  # tables
        panels,
        personal_data,
        policy,  # permission rules
        reminders,
        retention,
    )
    from courses.mandatory.demo import register_step
    from courses.mandatory.views import assignments, overview, person, team  # noqa: F401

    audit_sentences.register()
    panels.register()  # start-page panels, the section of "My learning"
    reminders.register_tick_steps()
    personal_data.register_sections()  # Art. 15
    retention.register_retention_rules()
    register_step()  # demo data
    from academy.cli import academy_cli
    from courses.mandatory.cli import mandatory_cli

    academy_cli.add_command(mandatory_cli)  # flask academy pflichtschulungen stand
