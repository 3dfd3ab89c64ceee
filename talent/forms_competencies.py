"""Forms of the competency pages: the own self-assessment, a head's rating of a team
member and the filters of the team view. They shape and check input only; the level
range of each framework and who may rate whom are checked by ``talent.ratings``."""

from __future__ import annotations

from collections.abc import Iterable

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from academy.models import Competence, CompetenceArea, Department, JobRole
from talent.forms_profiles import competence_choices
from talent.ratings import MAX_COMMENT


def rating_level_choices(high: int) -> list[SelectChoice]:
    """0 ("not yet") up to the highest level of the active frameworks."""
    return [
        SelectChoice("", _l("Please choose")),
        SelectChoice("0", _l("0 – not yet")),
        *(SelectChoice(str(n), str(n)) for n in range(1, max(high, 1) + 1)),
    ]


class SelfAssessmentForm(FlaskForm):
    competence = SelectField(_l("Competence"), validators=[DataRequired()])
    level = SelectField(_l("My level"), validators=[InputRequired()])
    comment = TextAreaField(
        _l("Comment (optional)"), validators=[Optional(), Length(max=MAX_COMMENT)]
    )

    def set_choices(self, competences: Iterable[Competence], high: int, locale: str) -> None:
        self.competence.choices = competence_choices(competences, locale)
        self.level.choices = rating_level_choices(high)


class RatingForm(FlaskForm):
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


def _localized(obj: object, attr: str, locale: str) -> str:
    return getattr(obj, f"{attr}_{locale}", None) or getattr(obj, f"{attr}_de")


class TeamFilterForm(FlaskForm):
    """Filters of the team view (GET, no CSRF token). Unknown ids are left to the view:
    a department outside the user's scope is refused there (403), not silently ignored."""

    class Meta:
        csrf = False

    department = SelectField(_l("Department"), validate_choice=False)
    area = SelectField(_l("Competence area"), validate_choice=False)
    job_role = SelectField(_l("Job role"), validate_choice=False)

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
