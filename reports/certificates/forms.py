"""Forms of the certificate pages: revocation (HR) and a certificate for external
training (HR), with up to ``COMPETENCE_ROWS`` competences and their levels."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from wtforms import (
    DateField,
    FieldList,
    FormField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from academy.frameworks.models import Competence
from academy.web.forms import Form

COMPETENCE_ROWS = 3


class RevokeForm(Form):
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=2000)])


class CompetenceRow(Form):
    class Meta:
        csrf = False

    competence = SelectField(_l("Competence"), choices=[], validate_choice=False)
    level = IntegerField(_l("Level"), validators=[Optional(), NumberRange(min=1, max=99)])


class ExternalForm(Form):
    personnel_no = StringField(_l("Personnel number"), validators=[DataRequired(), Length(max=32)])
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=300)])
    ue = IntegerField(_l("Teaching units (UE)"), validators=[Optional(), NumberRange(min=1)])
    completed_on = DateField(_l("Completed on"), validators=[DataRequired()])
    valid_until = DateField(_l("Valid until"), validators=[Optional()])
    competences = FieldList(
        FormField(CompetenceRow), min_entries=COMPETENCE_ROWS, max_entries=COMPETENCE_ROWS
    )

    def offer(self, choices: list[tuple[str, str]]) -> None:
        for row in self.competences:
            row.form.competence.choices = choices

    def competence_snapshots(self, known: dict[int, Competence]) -> list[dict[str, Any]] | None:
        """The filled competence rows as snapshot data; None (with field errors) when a
        row is incomplete or names an unknown competence or a level outside its scale."""
        result: list[dict[str, Any]] = []
        ok = True
        seen: set[int] = set()
        for row in self.competences:
            raw, level = row.form.competence.data, row.form.level.data
            if not raw and level is None:
                continue
            competence = known.get(int(raw)) if raw and str(raw).isdigit() else None
            if competence is None:
                row.form.competence.errors = [gettext("Please choose a competence.")]
                ok = False
                continue
            if competence.id in seen:
                row.form.competence.errors = [gettext("This competence is listed twice.")]
                ok = False
                continue
            seen.add(competence.id)
            framework = competence.framework
            if level is None or not framework.level_min <= level <= framework.level_max:
                row.form.level.errors = [
                    gettext(
                        "Please enter a level from %(min)s to %(max)s.",
                        min=framework.level_min,
                        max=framework.level_max,
                    )
                ]
                ok = False
                continue
            result.append(
                {
                    "code": competence.code,
                    "name_de": competence.name_de,
                    "name_en": competence.name_en,
                    "level": level,
                }
            )
        return result if ok else None
