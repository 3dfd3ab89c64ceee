"""The filter form of a report page (GET, no CSRF token): department subtree within the
reader's scope, job role, competence area (competence reports), period (participation,
demand, cohorts, trends). It shapes and checks input only; an id that is not among the
offered choices (e.g. a department outside a head's subtree) is an error next to its
field and the report is not run."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from flask_babel import lazy_gettext as _l
from wtforms import DateField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional, ValidationError

from academy.frameworks.models import CompetenceArea
from academy.org.models import Department, JobRole
from academy.web.forms import Form
from reports.analytics.report_model import Filters

#: The longest period a report may cover (a guard against typos like 0202).
MAX_PERIOD_YEARS = 25


def _id(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


def _offered(field: SelectField) -> None:
    value = field.data or ""
    if value and value not in {str(choice.value) for choice in field.choices or []}:
        raise ValidationError(_l("Please choose one of the offered entries."))


class ReportFilterForm(Form):
    class Meta:
        csrf = False

    department = SelectField(_l("Department (with sub-departments)"), validate_choice=False)
    job_role = SelectField(_l("Job role"), validate_choice=False)
    area = SelectField(_l("Competence area"), validate_choice=False)
    period_from = DateField(_l("Period from"), validators=[Optional()])
    period_to = DateField(_l("Period to"), validators=[Optional()])

    def set_choices(
        self,
        departments: Iterable[tuple[Department, int]],
        job_roles: Iterable[JobRole],
        areas: Iterable[tuple[CompetenceArea, str]],
        *,
        all_departments_label: str,
        job_role_filter: bool = True,
    ) -> None:
        """``departments`` as ``(department, depth)`` in tree order, ``areas`` as
        ``(area, label)``. Without ``job_role_filter`` (readers of aggregates only) the
        reports run for all job roles: the report for one job role against the report
        for all would give the other roles' group, below the minimum size in no row's
        judgement (see docs/suppression.md)."""
        self.offers_job_roles = job_role_filter
        if not job_role_filter:
            job_roles = []
        self.department.choices = [SelectChoice("", all_departments_label)] + [
            SelectChoice(str(dept.id), "\u00a0\u00a0" * depth + dept.name)
            for dept, depth in departments
        ]
        self.job_role.choices = [SelectChoice("", _l("All job roles"))] + [
            SelectChoice(str(role.id), f"{role.title} ({role.code})") for role in job_roles
        ]
        self.area.choices = [SelectChoice("", _l("All areas"))] + [
            SelectChoice(str(area.id), label) for area, label in areas
        ]

    def validate_department(self, field: SelectField) -> None:
        _offered(field)

    def validate_job_role(self, field: SelectField) -> None:
        if field.data and not getattr(self, "offers_job_roles", True):
            raise ValidationError(
                _l(
                    "The staff council's reports cover all job roles: one job role set "
                    "against all of them could reveal a group below the minimum size."
                )
            )
        _offered(field)

    def validate_area(self, field: SelectField) -> None:
        _offered(field)

    def validate_period_to(self, field: DateField) -> None:
        start, end = self.period_from.data, field.data
        if start and end and end < start:
            raise ValidationError(_l("The end of the period must not be before its start."))
        if start and end and (end.year - start.year) > MAX_PERIOD_YEARS:
            raise ValidationError(
                _l("The period may span at most %(n)s years.", n=MAX_PERIOD_YEARS)
            )

    @classmethod
    def submitted(cls, args: Iterable[str]) -> bool:
        """Whether the query string holds the form's fields (else the defaults apply)."""
        names = {"department", "job_role", "area", "period_from", "period_to"}
        return any(name in names for name in args)

    def filters(self, *, uses_area: bool, uses_period: bool) -> Filters:
        """The validated input as report filters (fields the report ignores are None)."""
        return Filters(
            department_id=_id(self.department.data),
            job_role_id=_id(self.job_role.data),
            area_id=_id(self.area.data) if uses_area else None,
            period_from=self.period_from.data if uses_period else None,
            period_to=self.period_to.data if uses_period else None,
        )

    def query_args(self, *, uses_area: bool, uses_period: bool) -> dict[str, str]:
        """The filters as query arguments (export links, pagination)."""
        values: dict[str, str | date | None] = {
            "department": self.department.data,
            "job_role": self.job_role.data,
        }
        if uses_area:
            values["area"] = self.area.data
        if uses_period:
            values["period_from"] = self.period_from.data
            values["period_to"] = self.period_to.data
        out: dict[str, str] = {}
        for key, value in values.items():
            if isinstance(value, date):
                out[key] = value.isoformat()
            elif value:
                out[key] = str(value)
            elif key.startswith("period_"):
                out[key] = ""  # an open period stays open (no default period)
        return out
