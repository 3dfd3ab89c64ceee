"""``flask academy evaluation-defaults``: create the shipped German standard questionnaire
(and make it the default unless there is one). Safe to run again."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from academy.clock import utcnow
from academy.extensions import db
from courses.evaluations.defaults import load_default_questionnaire


@click.command("evaluation-defaults")
@with_appcontext
def evaluation_defaults_command() -> None:
    """Create the shipped standard questionnaire of course evaluations (idempotent)."""
    questionnaire, created = load_default_questionnaire(None, utcnow())
    db.session.commit()
    count = len(questionnaire.questions)
    if not created:
        click.echo(f"Standardfragebogen „{questionnaire.title}“ ist schon vorhanden.")
        return
    default = " und als Standard festgelegt" if questionnaire.is_default else ""
    click.echo(f"Standardfragebogen „{questionnaire.title}“ mit {count} Fragen angelegt{default}.")
