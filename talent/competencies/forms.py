"""Forms of the competency pages: the own self-assessment, a head's rating of a team
member and the filters of the team view; HR's role profile targets and copying, external
certificates, competence mappings and their CSV import. They shape and check input only;
the rules (level ranges, who may rate whom, who may do what) are in the services. Choices
from the database are set by the view with ``set_choices``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileAllowed, FileField, FileRequired, FileSize
from wtforms import BooleanField, DateField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from academy.frameworks.models import Competence, CompetenceArea
from academy.org.models import Department, JobRole
from academy.web.forms import Form
from talent.competencies.mapping_csv import RELATION_LABELS, RELATIONS
from talent.competencies.ratings import MAX_COMMENT, MAX_TITLE
from talent.competencies.role_profiles import MAX_NOTE

#: Largest mapping file accepted (thousands of lines fit easily).
MAX_MAPPING_BYTES = 2 * 1024 * 1024


def _localized(obj: Any, attr: str, locale: str) -> str:
    return getattr(obj, f"{attr}_{locale}", None) or getattr(obj, f"{attr}_de")


def competence_choices(competences: Iterable[Competence], locale: str) -> list[SelectChoice]:
    """Competence options grouped by framework and area (``<optgroup>``); the caller
    orders them by framework, area and position."""
    choices = [SelectChoice("", _l("Please choose"))]
    for c in competences:
        group = f"{_localized(c.framework, 'name', locale)} – {_localized(c.area, 'name', locale)}"
        label = f"{c.code} {_localized(c, 'name', locale)}"
        choices.append(SelectChoice(str(c.id), label, optgroup=group))
    return choices


def level_choices(high: int) -> list[SelectChoice]:
    return [SelectChoice("", _l("Please choose"))] + [
        SelectChoice(str(n), str(n)) for n in range(1, max(high, 1) + 1)
    ]


def rating_level_choices(high: int) -> list[SelectChoice]:
    """0 ("not yet") up to the highest level of the active frameworks."""
    return [
        SelectChoice("", _l("Please choose")),
        SelectChoice("0", _l("0 – not yet")),
        *(SelectChoice(str(n), str(n)) for n in range(1, max(high, 1) + 1)),
    ]


class SelfAssessmentForm(Form):
    competence = SelectField(_l("Competence"), validators=[DataRequired()])
    level = SelectField(_l("My level"), validators=[InputRequired()])
    comment = TextAreaField(
        _l("Comment (optional)"), validators=[Optional(), Length(max=MAX_COMMENT)]
    )

    def set_choices(self, competences: Iterable[Competence], high: int, locale: str) -> None:
        self.competence.choices = competence_choices(competences, locale)
        self.level.choices = rating_level_choices(high)


class RatingForm(Form):
    """A head's (or HR's) rating of a team member; the comment is required."""

    competence = SelectField(_l("Competence"), validators=[DataRequired()])
    level = SelectField(_l("Level"), validators=[InputRequired()])
    comment = TextAreaField(
        _l("Comment"),
        validators=[
            DataRequired(message=_l("Please explain the rating in a comment.")),
            Length(max=MAX_COMMENT),
        ],
    )

    def set_choices(self, competences: Iterable[Competence], high: int, locale: str) -> None:
        self.competence.choices = competence_choices(competences, locale)
        self.level.choices = rating_level_choices(high)


class TeamFilterForm(Form):
    """Filters of the team view (GET, no CSRF token). Unknown ids are left to the view:
    a department outside the user's scope is refused there (403), not silently ignored."""

    class Meta:
        csrf = False

    department = SelectField(_l("Department"), validate_choice=False)
    area = SelectField(_l("Competence area"), validate_choice=False)
    job_role = SelectField(_l("Job role"), validate_choice=False)
    luecken = BooleanField(_l("Only gaps"), false_values=("", "0", "false"))

    def set_choices(
        self,
        departments: Iterable[tuple[Department, int]],
        areas: Iterable[CompetenceArea],
        job_roles: Iterable[JobRole],
        locale: str,
        *,
        all_departments_label: str,
    ) -> None:
        self.department.choices = [SelectChoice("", all_departments_label)] + [
            SelectChoice(str(dept.id), "\u00a0\u00a0" * depth + dept.name)
            for dept, depth in departments
        ]
        self.area.choices = [SelectChoice("", _l("All areas"))] + [
            SelectChoice(
                str(a.id),
                f"{_localized(a.framework, 'name', locale)} – {_localized(a, 'name', locale)}",
            )
            for a in areas
        ]
        self.job_role.choices = [SelectChoice("", _l("All job roles"))] + [
            SelectChoice(str(r.id), f"{r.title} ({r.code})") for r in job_roles
        ]


# HR: role profiles, external certificates, mappings


class TargetForm(Form):
    """Add a target or change its level (removing is a button per target)."""

    competence = SelectField(_l("Competence"), validators=[DataRequired()])
    level = SelectField(_l("Target level"), validators=[InputRequired()])
    note = StringField(_l("Note (optional)"), validators=[Optional(), Length(max=MAX_NOTE)])

    def set_choices(self, competences: Iterable[Competence], high: int, locale: str) -> None:
        self.competence.choices = competence_choices(competences, locale)
        self.level.choices = level_choices(high)


class CopyProfileForm(Form):
    source = SelectField(_l("Copy the targets of"), validators=[DataRequired()])

    def set_choices(self, roles: Iterable[JobRole]) -> None:
        self.source.choices = [SelectChoice("", _l("Please choose"))] + [
            SelectChoice(str(r.id), f"{r.code} – {r.title}") for r in roles
        ]


class RemoveTargetForm(Form):
    """The confirmation button that removes one target (CSRF only)."""


class EvidenceForm(Form):
    personnel_no = StringField(_l("Personnel number"), validators=[DataRequired(), Length(max=32)])
    competence = SelectField(_l("Competence"), validators=[DataRequired()])
    level = SelectField(_l("Level"), validators=[InputRequired()])
    title = StringField(
        _l("Title of the certificate"), validators=[DataRequired(), Length(max=MAX_TITLE)]
    )
    valid_until = DateField(_l("Valid until (optional)"), validators=[Optional()])

    def set_choices(self, competences: Iterable[Competence], high: int, locale: str) -> None:
        self.competence.choices = competence_choices(competences, locale)
        self.level.choices = level_choices(high)


class MappingForm(Form):
    source = SelectField(_l("Competence (source)"), validators=[DataRequired()])
    relation = SelectField(
        _l("Relation"),
        choices=[SelectChoice(r, _l(RELATION_LABELS[r])) for r in RELATIONS],
        validators=[DataRequired()],
    )
    target = SelectField(_l("Corresponding competence (target)"), validators=[DataRequired()])

    def set_choices(self, competences: list[Competence], locale: str) -> None:
        options = competence_choices(competences, locale)
        self.source.choices = options
        self.target.choices = options


class DeleteMappingForm(Form):
    """The confirmation button that deletes a mapping (CSRF only)."""


class MappingImportForm(Form):
    file = FileField(
        _l("CSV file"),
        validators=[
            FileRequired(message=_l("Please choose a file.")),
            FileAllowed(("csv", "txt"), message=_l("Only CSV files (.csv, .txt) can be imported.")),
            FileSize(
                max_size=MAX_MAPPING_BYTES, message=_l("The file is too large (at most 2 MB).")
            ),
        ],
    )
