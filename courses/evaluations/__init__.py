"""Course evaluations: HR's questionnaires (ratings 1–5, choices, free text; a German
standard set shipped as data), which course or session uses which, the round after a
session's last meeting (invitation, reminder, closing), the participant's anonymous
answers and the aggregates that ``reports.evaluations`` shows.

Anonymous by construction: see ``courses.evaluations.models`` (what is stored),
``answering`` (how an answer is stored), ``sealing`` (what closing a round does) and
``results`` (the release rule: closed rounds with at least ``MIN_GROUP_SIZE`` answers).
"""

from __future__ import annotations


def register() -> None:
    """Tables, pages, panel, rules, audit sentences, Art. 15 section, retention rule,
    the tick step, the demo step and the ``evaluation-defaults`` command."""
    from academy.cli import academy_cli
    from courses.evaluations import models, panels, policy, sentences  # noqa: F401
    from courses.evaluations.cli import evaluation_defaults_command
    from courses.evaluations.demo.step import register_step
    from courses.evaluations.personal_data import register_sections
    from courses.evaluations.retention import register_retention_rules
    from courses.evaluations.rounds import register_tick_steps
    from courses.evaluations.views import participant, questionnaires, settings  # noqa: F401

    sentences.register()
    register_sections()
    register_retention_rules()
    register_tick_steps()
    register_step()
    academy_cli.add_command(evaluation_defaults_command)
