"""Forms of the catalogue pages (search) and of HR's catalogue management (categories,
courses with outcome rows and prerequisites, archiving, deleting). They shape and check
input only; the rules are in the services.

Choices that come from the database (categories, competences, courses, trainers) are set
by the view with the ``set_…`` methods.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from flask_babel import format_decimal
from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    Field,
    FieldList,
    FormField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from academy.frameworks.models import Competence, Framework
from academy.web.forms import FilterForm, Form, SubForm
from courses.catalogue.models import (
    FORMAT_LABELS,
    LEVEL_LABELS,
    PROVIDER_LABELS,
    Category,
    Course,
    CourseFormat,
    CourseLevel,
    Provider,
)

#: Empty outcome rows offered below the course's existing outcomes.
SPARE_OUTCOME_ROWS = 3


def _labelled(labels: Mapping[Any, str], values: Iterable[Any]) -> list[Any]:
    # Labels are the English source strings of courses.catalogue.models, translated when shown.
    return [SelectChoice(v.value, _l(labels[v])) for v in values]


def _localized(obj: Any, attr: str, locale: str) -> str:
    return getattr(obj, f"{attr}_{locale}", None) or getattr(obj, f"{attr}_de")


def competence_choices(competences: Iterable[Competence], locale: str, *, first: Any) -> list[Any]:
    """Competence options grouped by framework (``<optgroup>``), ``first`` on top."""
    choices = [first]
    for c in competences:
        framework: Framework = c.framework
        group = _localized(framework, "name", locale)
        label = f"{c.code} {_localized(c, 'name', locale)}"
        choices.append(SelectChoice(str(c.id), label, optgroup=group))
    return choices


# ---------------------------------------------------------------------------
# Employees: search
# ---------------------------------------------------------------------------


class CatalogueFilterForm(FilterForm):
    q = StringField(_l("Search words"), validators=[Optional(), Length(max=200)])
    category = SelectField(_l("Category"), validators=[Optional()])
    format = SelectField(
        _l("Format"),
        choices=[SelectChoice("", _l("All formats")), *_labelled(FORMAT_LABELS, CourseFormat)],
        validators=[Optional()],
    )
    level = SelectField(
        _l("Level"),
        choices=[SelectChoice("", _l("All levels")), *_labelled(LEVEL_LABELS, CourseLevel)],
        validators=[Optional()],
    )
    competence = SelectField(_l("Competence"), validators=[Optional()])
    date_from = DateField(_l("Sessions from"), validators=[Optional()])
    date_to = DateField(_l("Sessions until"), validators=[Optional()])
    free_seats = BooleanField(_l("Only courses with free seats"))

    def set_choices(
        self, categories: Iterable[Category], competences: Iterable[Competence], locale: str
    ) -> None:
        self.category.choices = [
            SelectChoice("", _l("All categories")),
            *[SelectChoice(str(c.id), c.name) for c in categories],
        ]
        self.competence.choices = competence_choices(
            competences, locale, first=SelectChoice("", _l("All competences"))
        )

    def validate_date_to(self, field: DateField) -> None:
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError(_l("The end date must not be before the start date."))


class ManageFilterForm(FilterForm):
    q = StringField(_l("Code or title"), validators=[Optional(), Length(max=200)])
    category = SelectField(_l("Category"), validators=[Optional()])
    status = SelectField(
        _l("Status"),
        choices=[
            SelectChoice("", _l("All")),
            SelectChoice("active", _l("In the catalogue")),
            SelectChoice("archived", _l("Archived")),
        ],
        validators=[Optional()],
    )

    def set_categories(self, categories: Iterable[Category]) -> None:
        self.category.choices = [
            SelectChoice("", _l("All categories")),
            *[SelectChoice(str(c.id), c.name) for c in categories],
        ]


# ---------------------------------------------------------------------------
# HR: categories and courses
# ---------------------------------------------------------------------------


class CategoryForm(Form):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=2000)])
    position = IntegerField(
        _l("Position in lists"),
        default=0,
        validators=[Optional(), NumberRange(min=0, max=9999)],
    )


class AmountField(Field):
    """A euro amount typed the German way ("1.250,50") or the English way ("1250.50")."""

    widget = StringField.widget

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        if self.data is None:
            return ""
        return format_decimal(self.data, format="#,##0.00")

    def process_formdata(self, valuelist: list[Any]) -> None:
        if not valuelist:
            return
        text = str(valuelist[0]).strip().replace(" ", "").replace("€", "")
        if not text:
            self.data = None
            return
        if "," in text and "." in text:  # the last sign separates the cents
            grouping = "." if text.rindex(",") > text.rindex(".") else ","
            text = text.replace(grouping, "").replace(",", ".")
        elif "," in text:  # German decimal comma
            text = text.replace(",", ".")
        try:
            self.data = Decimal(text)
        except InvalidOperation as exc:
            self.data = None
            raise ValueError(_l("Please enter an amount such as 120,50.")) from exc


class OutcomeRowForm(SubForm):
    """One outcome row: a competence (grouped by framework) and the level reached."""

    competence = SelectField(_l("Competence"), validators=[Optional()])
    level = IntegerField(_l("Level"), validators=[Optional(), NumberRange(min=0, max=99)])

    def validate_level(self, field: IntegerField) -> None:
        if self.competence.data and field.data is None:
            raise ValidationError(_l("Please enter the level reached."))


class CourseForm(Form):
    code = StringField(_l("Code"), validators=[DataRequired(), Length(max=32)])
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=20000)])
    category = SelectField(_l("Category"), validators=[DataRequired()])
    format = SelectField(_l("Format"), choices=_labelled(FORMAT_LABELS, CourseFormat))
    duration_ue = IntegerField(
        _l("Length in UE (45 minutes each)"),
        validators=[InputRequired(), NumberRange(min=1, max=1000)],
    )
    level = SelectField(_l("Level"), choices=_labelled(LEVEL_LABELS, CourseLevel))
    provider = SelectField(_l("Provider"), choices=_labelled(PROVIDER_LABELS, Provider))
    provider_name = StringField(_l("Name of the provider"), validators=[Length(max=200)])
    cost = AmountField(_l("Cost per participant in euros"), default=Decimal("0"))
    requires_approval = BooleanField(_l("The department head must approve enrolments"))
    validity_months = IntegerField(
        _l("Valid for (months)"), validators=[Optional(), NumberRange(min=1, max=240)]
    )
    outcomes = FieldList(FormField(OutcomeRowForm), min_entries=SPARE_OUTCOME_ROWS)
    prerequisites = SelectMultipleField(
        _l("Prerequisites"), coerce=int, validate_choice=True, render_kw={"size": 8}
    )

    def set_choices(
        self,
        categories: Iterable[Category],
        competences: list[Competence],
        courses: Iterable[Course],
        locale: str,
    ) -> None:
        self.category.choices = [
            SelectChoice("", _l("Please choose")),
            *[SelectChoice(str(c.id), c.name) for c in categories],
        ]
        options = competence_choices(
            competences, locale, first=SelectChoice("", _l("No competence"))
        )
        for row in self.outcomes:
            row.form.competence.choices = options
        self.prerequisites.choices = [SelectChoice(c.id, f"{c.code} – {c.title}") for c in courses]

    def fill_from(self, course: Course) -> None:
        """Show a course (on GET): its fields, outcome rows plus spare rows."""
        for name in (
            "code",
            "title",
            "description",
            "format",
            "duration_ue",
            "level",
            "provider",
            "provider_name",
            "cost",
            "requires_approval",
            "validity_months",
        ):
            getattr(self, name).data = getattr(course, name)
        self.category.data = str(course.category_id)
        while len(self.outcomes):
            self.outcomes.pop_entry()
        for outcome in sorted(course.outcomes, key=lambda o: o.competence_id):
            self.outcomes.append_entry(
                {"competence": str(outcome.competence_id), "level": outcome.level}
            )
        for _ in range(SPARE_OUTCOME_ROWS):
            self.outcomes.append_entry()
        self.prerequisites.data = [c.id for c in course.prerequisites]

    def outcome_rows(self) -> list[tuple[int, tuple[int, int]]]:
        """``(row index, (competence id, level))`` of the filled-in rows."""
        rows = []
        for index, row in enumerate(self.outcomes):
            if row.form.competence.data:
                rows.append((index, (int(row.form.competence.data), row.form.level.data)))
        return rows


class DeleteCourseForm(Form):
    confirm = BooleanField(
        _l("Yes, delete this course permanently"),
        validators=[DataRequired(message=_l("Please confirm that the course is to be deleted."))],
    )


class ArchiveForm(Form):
    reason = StringField(_l("Reason (optional)"), validators=[Optional(), Length(max=500)])
