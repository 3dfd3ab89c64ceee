"""Forms of the budget pages: the year shown, and HR's budget and cost centre of a
department. They shape input only; the rules are in ``courses.budgets.editing``."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional

from academy.web.forms import FilterForm, Form
from courses.catalogue.forms import AmountField


class YearForm(FilterForm):
    jahr = SelectField(_l("Budget year"), validators=[Optional()])

    def set_years(self, years: list[int], current: int) -> None:
        self.jahr.choices = [SelectChoice(str(y), str(y)) for y in years]
        if self.jahr.data not in {str(y) for y in years}:
            self.jahr.data = str(current)

    @property
    def year(self) -> int:
        return int(self.jahr.data)


class BudgetForm(Form):
    amount = AmountField(_l("Training budget in euros"))
    note = TextAreaField(_l("Note (optional)"), validators=[Optional(), Length(max=1000)])
    cost_centre = StringField(_l("Cost centre"), validators=[Optional(), Length(max=20)])
