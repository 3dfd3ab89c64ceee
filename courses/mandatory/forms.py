"""Forms of mandatory training: an assignment, ending it, external evidence and its
withdrawal, and the GET filters of the compliance pages. They shape and check input
only; the rules (targets, dates, who may) are the services'."""

from __future__ import annotations

import re
from collections.abc import Iterable

from flask_babel import lazy_gettext as _l
from wtforms import (
    DateField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from academy.org.models import Department, JobRole
from academy.web.forms import FilterForm, Form
from courses.catalogue.models import Course
from courses.mandatory.assignments import MAX_DUE_DAYS, MAX_RECURRENCE
from courses.mandatory.models import STATUS_LABELS, STATUS_ORDER, TARGET_LABELS, TargetKind

REASON_MAX = 2000


def _int_or_none(value: object) -> int | None:
    if value in (None, ""):
        return None
    return int(value)  # type: ignore[call-overload, no-any-return]


class AssignmentForm(Form):
    title = StringField(
        _l("Title"),
        validators=[DataRequired(message=_l("Please enter a title.")), Length(max=200)],
    )
    description = TextAreaField(
        _l("Description (optional)"), validators=[Optional(), Length(max=2000)]
    )
    courses = SelectMultipleField(
        _l("Courses that count (any one of them)"),
        coerce=int,
        validators=[DataRequired(message=_l("Please choose at least one course."))],
        render_kw={"size": 8},
    )
    target_kind = RadioField(
        _l("Who must take it"),
        choices=[SelectChoice(k.value, TARGET_LABELS[k]) for k in TargetKind],
        default=TargetKind.EVERYONE.value,
        validators=[InputRequired(message=_l("Please choose who must take the training."))],
    )
    job_role = SelectField(_l("Job role"), coerce=_int_or_none, validators=[Optional()])
    department = SelectField(_l("Department"), coerce=_int_or_none, validators=[Optional()])
    people = TextAreaField(
        _l("Personnel numbers"), validators=[Optional(), Length(max=20000)], render_kw={"rows": 3}
    )
    due_days = IntegerField(
        _l("Due within (days after being assigned)"),
        default=90,
        validators=[InputRequired(), NumberRange(min=0, max=MAX_DUE_DAYS)],
    )
    first_due_on = DateField(_l("First due date for existing staff"), validators=[Optional()])
    recurrence_months = IntegerField(
        _l("Repeat every (months)"),
        validators=[Optional(), NumberRange(min=1, max=MAX_RECURRENCE)],
    )

    def set_choices(
        self,
        courses: Iterable[Course],
        job_roles: Iterable[JobRole],
        departments: Iterable[tuple[Department, int]],
    ) -> None:
        self.courses.choices = [SelectChoice(c.id, f"{c.code} – {c.title}") for c in courses]
        self.job_role.choices = [
            SelectChoice("", _l("Choose a job role")),
            *[SelectChoice(r.id, f"{r.title} ({r.code})") for r in job_roles],
        ]
        self.department.choices = [
            SelectChoice("", _l("Choose a department")),
            *[
                SelectChoice(d.id, "\u2003" * depth + f"{d.code} {d.name}")
                for d, depth in departments
            ],
        ]

    def personnel_numbers(self) -> list[str]:
        return [n for n in re.split(r"[\s,;]+", self.people.data or "") if n]


class ReasonForm(Form):
    reason = TextAreaField(
        _l("Reason"),
        validators=[DataRequired(message=_l("Please give a reason.")), Length(max=REASON_MAX)],
        render_kw={"rows": 2},
    )


class EvidenceForm(Form):
    assignment = SelectField(
        _l("Mandatory training"),
        coerce=_int_or_none,
        validators=[InputRequired(message=_l("Please choose a mandatory training."))],
    )
    title = StringField(
        _l("What was completed"),
        validators=[DataRequired(message=_l("Please enter a title.")), Length(max=300)],
    )
    provider = StringField(_l("Provider (optional)"), validators=[Optional(), Length(max=200)])
    completed_on = DateField(
        _l("Completed on"),
        validators=[InputRequired(message=_l("Please enter the date of completion."))],
    )
    valid_until = DateField(_l("Valid until"), validators=[Optional()])
    note = TextAreaField(
        _l("Note (optional)"), validators=[Optional(), Length(max=2000)], render_kw={"rows": 2}
    )

    def set_assignments(self, choices: Iterable[tuple[int, str]]) -> None:
        self.assignment.choices = [SelectChoice(i, label) for i, label in choices]


class ComplianceFilter(FilterForm):
    status = SelectField(_l("Status"), validators=[Optional()])
    assignment = SelectField(_l("Mandatory training"), coerce=_int_or_none, validators=[Optional()])
    unit = SelectField(_l("Unit"), coerce=_int_or_none, validators=[Optional()])
    q = StringField(_l("Name or personnel number"), validators=[Optional(), Length(max=100)])

    def set_choices(
        self, assignments: Iterable[tuple[int, str]], units: Iterable[tuple[Department, int]]
    ) -> None:
        self.status.choices = [
            SelectChoice("", _l("Any status")),
            *[SelectChoice(s.value, STATUS_LABELS[s]) for s in STATUS_ORDER],
        ]
        self.assignment.choices = [
            SelectChoice("", _l("All mandatory trainings")),
            *[SelectChoice(i, label) for i, label in assignments],
        ]
        self.unit.choices = [
            SelectChoice("", _l("All units")),
            *[SelectChoice(d.id, "\u2003" * depth + f"{d.code} {d.name}") for d, depth in units],
        ]
