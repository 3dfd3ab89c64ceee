"""Forms of HR's fast-track pages: programmes, their curriculum (required courses,
milestones) and target competences, cohorts, selection criteria and the cohort's status
buttons. They shape and check input only; the rules (date order, eligibility, levels,
what may change when) are in ``talent.programmes.programmes``, ``.curriculum``,
``.cohort_settings``, ``.criteria`` and ``.cohorts``. Choices from the database are set
by the view with ``set_choices``.

Due dates of curriculum items are entered in days after the cohort start.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import (
    DateField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from academy.frameworks.models import Competence
from academy.org.models import JobRole
from academy.web.forms import Form
from courses.catalogue.models import Course
from talent.competencies.forms import competence_choices, level_choices
from talent.programmes.cohort_settings import MAX_DESCRIPTION as MAX_CRITERION_TEXT
from talent.programmes.cohort_settings import MAX_NAME, split_pay_groups
from talent.programmes.cohorts import MAX_REASON
from talent.programmes.criteria import WEIGHT_MAX, WEIGHT_MIN
from talent.programmes.models import (
    MILESTONE_KIND_LABELS,
    Cohort,
    MilestoneKind,
    SelectionCriterion,
)
from talent.programmes.programmes import MAX_CODE, MAX_DESCRIPTION, MAX_TITLE

CHOOSE = _l("Please choose")
WHOLE_NUMBER = _l("Please enter a whole number.")
A_DATE = _l("Please enter a date (YYYY-MM-DD).")


class ProgrammeForm(Form):
    """A new programme (with its code) or the changeable fields of an existing one."""

    code = StringField(_l("Code"), validators=[DataRequired(), Length(max=MAX_CODE)])
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=MAX_TITLE)])
    description = TextAreaField(
        _l("Description"), validators=[Optional(), Length(max=MAX_DESCRIPTION)]
    )
    length_months = IntegerField(
        _l("Length in months"), validators=[InputRequired(message=WHOLE_NUMBER)]
    )

    def for_existing(self) -> None:
        """The code of an existing programme cannot change: drop the field."""
        del self.code


class ProgrammeCourseForm(Form):
    course = SelectField(_l("Course"), validators=[DataRequired()])
    course_offset_days = IntegerField(
        _l("Due (days after the cohort start)"), validators=[InputRequired(message=WHOLE_NUMBER)]
    )

    def set_choices(self, courses: Iterable[Course]) -> None:
        self.course.choices = [SelectChoice("", CHOOSE)] + [
            SelectChoice(str(c.id), f"{c.code} – {c.title}") for c in courses
        ]


class MilestoneForm(Form):
    kind = SelectField(
        _l("Kind"),
        choices=[SelectChoice("", CHOOSE)]
        + [SelectChoice(k.value, _l(MILESTONE_KIND_LABELS[k])) for k in MilestoneKind],
        validators=[DataRequired()],
    )
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=MAX_TITLE)])
    description = TextAreaField(
        _l("Description"), validators=[Optional(), Length(max=MAX_DESCRIPTION)]
    )
    due_offset_days = IntegerField(
        _l("Due (days after the cohort start)"), validators=[InputRequired(message=WHOLE_NUMBER)]
    )


class ProgrammeTargetForm(Form):
    """Add a target competence or change its level (removing is a button per target)."""

    competence = SelectField(_l("Competence"), validators=[DataRequired()])
    level = SelectField(_l("Target level"), validators=[InputRequired()])

    def set_choices(self, competences: Iterable[Competence], high: int, locale: str) -> None:
        self.competence.choices = competence_choices(competences, locale)
        self.level.choices = level_choices(high)


class ConfirmForm(Form):
    """A button that changes something after the browser asked for confirmation (CSRF
    only): remove, archive, reactivate, delete, open, close, complete."""


class CohortForm(Form):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=MAX_NAME)])
    applications_open_on = DateField(
        _l("Applications open on"), validators=[InputRequired(message=A_DATE)]
    )
    applications_close_on = DateField(
        _l("Applications close on (last day)"), validators=[InputRequired(message=A_DATE)]
    )
    starts_on = DateField(_l("Cohort starts on"), validators=[InputRequired(message=A_DATE)])
    ends_on = DateField(_l("Cohort ends on"), validators=[InputRequired(message=A_DATE)])
    seats = IntegerField(_l("Seats"), validators=[InputRequired(message=WHOLE_NUMBER)])
    min_service_years = IntegerField(_l("Minimum years of service"), validators=[Optional()])
    max_service_years = IntegerField(_l("Maximum years of service"), validators=[Optional()])
    pay_groups = TextAreaField(_l("Eligible pay groups"), validators=[Optional()])
    job_roles = SelectMultipleField(_l("Eligible job roles"), coerce=int, validators=[Optional()])

    def set_choices(self, roles: Iterable[JobRole]) -> None:
        self.job_roles.choices = [SelectChoice(r.id, f"{r.code} – {r.title}") for r in roles]

    def fill_from(self, cohort: Cohort) -> None:
        for name in (
            "name",
            "applications_open_on",
            "applications_close_on",
            "starts_on",
            "ends_on",
            "seats",
            "min_service_years",
            "max_service_years",
        ):
            getattr(self, name).data = getattr(cohort, name)
        self.pay_groups.data = ", ".join(cohort.pay_groups or [])
        self.job_roles.data = [r.id for r in cohort.job_roles]

    def prefill(self, opens: date, closes: date, starts: date, ends: date) -> None:
        self.applications_open_on.data = opens
        self.applications_close_on.data = closes
        self.starts_on.data = starts
        self.ends_on.data = ends

    def values(self) -> dict[str, Any]:
        """The service's keyword arguments (without ``now``)."""
        return {
            "name": self.name.data or "",
            "applications_open_on": self.applications_open_on.data,
            "applications_close_on": self.applications_close_on.data,
            "starts_on": self.starts_on.data,
            "ends_on": self.ends_on.data,
            "seats": self.seats.data,
            "min_service_years": self.min_service_years.data,
            "max_service_years": self.max_service_years.data,
            "pay_groups": split_pay_groups(self.pay_groups.data),
            "job_role_ids": list(self.job_roles.data or []),
        }


class CriterionForm(Form):
    """A selection criterion (field names differ from the cohort form's on the same page)."""

    criterion = StringField(_l("Criterion"), validators=[DataRequired(), Length(max=MAX_NAME)])
    criterion_description = TextAreaField(
        _l("What is looked at (optional)"),
        validators=[Optional(), Length(max=MAX_CRITERION_TEXT)],
    )
    weight = SelectField(
        _l("Weight"),
        choices=[SelectChoice(str(n), str(n)) for n in range(WEIGHT_MIN, WEIGHT_MAX + 1)],
        default=str(WEIGHT_MIN),
        validators=[InputRequired()],
    )

    def fill_from(self, criterion: SelectionCriterion) -> None:
        self.criterion.data = criterion.name
        self.criterion_description.data = criterion.description
        self.weight.data = str(criterion.weight)

    def values(self) -> dict[str, Any]:
        return {
            "name": self.criterion.data or "",
            "description": self.criterion_description.data,
            "weight": int(self.weight.data),
        }


class CancelCohortForm(Form):
    reason = TextAreaField(
        _l("Reason for the cancellation"),
        validators=[
            DataRequired(message=_l("Please give a reason for the cancellation.")),
            Length(max=MAX_REASON),
        ],
    )
