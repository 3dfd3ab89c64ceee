"""The filter form of the evaluation results (GET): course, trainer (HR only), provider,
period (the session's last day)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date

from flask_babel import lazy_gettext as _l
from wtforms import DateField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional, ValidationError

from academy.web.forms import FilterForm
from courses.catalogue.models import PROVIDER_LABELS, Provider
from courses.evaluations.results import RoundFilters

FIELDS = ("course", "trainer", "provider", "period_from", "period_to")


def _id(value: object) -> int | None:
    try:
        number = int(str(value))
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 2**31 else None


class ResultsFilterForm(FilterForm):
    course = SelectField(_l("Course"), validators=[Optional()], coerce=str)
    trainer = SelectField(_l("Trainer"), validators=[Optional()], coerce=str)
    provider = SelectField(_l("Provider"), validators=[Optional()], coerce=str)
    period_from = DateField(_l("Sessions ended from"), validators=[Optional()])
    period_to = DateField(_l("until"), validators=[Optional()])

    @staticmethod
    def submitted(args: Mapping[str, str]) -> bool:
        return any(name in args for name in FIELDS)

    def set_choices(
        self,
        courses: Iterable[tuple[int, str]],
        trainers: Iterable[tuple[int, str]],
        *,
        with_trainer: bool,
    ) -> None:
        everything = SelectChoice("", _l("all"))
        self.course.choices = [everything, *[SelectChoice(str(i), label) for i, label in courses]]
        self.trainer.choices = [everything, *[SelectChoice(str(i), name) for i, name in trainers]]
        self.provider.choices = [
            everything,
            *[SelectChoice(p.value, _l(PROVIDER_LABELS[p])) for p in Provider],
        ]
        if not with_trainer:
            del self.trainer

    def validate_period_to(self, field: DateField) -> None:
        if field.data and self.period_from.data and field.data < self.period_from.data:
            raise ValidationError(_l("The end date must not be before the start date."))

    def round_filters(self, *, trainer_id: int | None = None) -> RoundFilters:
        provider = self.provider.data if self.provider.data in {p.value for p in Provider} else None
        trainer = getattr(self, "trainer", None)
        return RoundFilters(
            course_id=_id(self.course.data),
            trainer_id=trainer_id
            if trainer_id is not None
            else _id(trainer.data)
            if trainer
            else None,
            provider=provider,
            period_from=self.period_from.data if isinstance(self.period_from.data, date) else None,
            period_to=self.period_to.data if isinstance(self.period_to.data, date) else None,
        )
