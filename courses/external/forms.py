"""Forms of external training requests: the request, a decision, a file, the result.
They shape input only; the rules are in the services."""

from __future__ import annotations

from collections.abc import Iterable

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    FieldList,
    FormField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from academy.clock import berlin_to_utc
from academy.frameworks.models import Competence
from academy.web.forms import Form
from courses.catalogue.forms import AmountField, OutcomeRowForm, competence_choices
from courses.external.models import ATTACHMENT_LABELS, AttachmentKind
from courses.external.outcome import OUTCOMES
from courses.external.requesting import RequestData

#: Competence rows offered on the request form.
COMPETENCE_ROWS = 3
DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


class RequestForm(Form):
    title = StringField(_l("Title of the training"), validators=[InputRequired(), Length(max=200)])
    provider = StringField(_l("Provider"), validators=[InputRequired(), Length(max=200)])
    starts_at = DateTimeLocalField(
        _l("Starts"), format=DATETIME_FORMAT, validators=[InputRequired()]
    )
    ends_at = DateTimeLocalField(_l("Ends"), format=DATETIME_FORMAT, validators=[InputRequired()])
    mode = RadioField(
        _l("Where"),
        choices=[SelectChoice("in_person", _l("In person")), SelectChoice("online", _l("Online"))],
        default="in_person",
        validators=[InputRequired()],
    )
    location = StringField(_l("Place"), validators=[Optional(), Length(max=200)])
    duration_ue = IntegerField(
        _l("Length in UE (45 minutes each)"),
        validators=[InputRequired(), NumberRange(min=1, max=1000)],
    )
    cost = AmountField(_l("Course fee in euros"))
    travel_cost = AmountField(_l("Travel costs in euros (estimated)"))
    reason = TextAreaField(
        _l("Why do you need this training?"), validators=[InputRequired(), Length(max=5000)]
    )
    competences = FieldList(FormField(OutcomeRowForm), min_entries=COMPETENCE_ROWS)
    offer = FileField(_l("Offer or programme (PDF, PNG or JPEG; optional)"))

    def set_competences(self, competences: Iterable[Competence], locale: str) -> None:
        options = competence_choices(
            competences, locale, first=SelectChoice("", _l("No competence"))
        )
        for row in self.competences:
            row.form.competence.choices = options

    def data_for_service(self) -> tuple[RequestData, list[int]]:
        """The service's input and, for each competence passed, its row in the form."""
        rows = [
            (index, (int(row.form.competence.data), row.form.level.data))
            for index, row in enumerate(self.competences)
            if row.form.competence.data
        ]
        data = RequestData(
            title=self.title.data or "",
            provider=self.provider.data or "",
            starts_at=berlin_to_utc(self.starts_at.data) if self.starts_at.data else None,
            ends_at=berlin_to_utc(self.ends_at.data) if self.ends_at.data else None,
            online=self.mode.data == "online",
            location=self.location.data,
            duration_ue=self.duration_ue.data,
            cost=self.cost.data,
            travel_cost=self.travel_cost.data,
            reason=self.reason.data or "",
            competences=[values for _index, values in rows],
        )
        return data, [index for index, _values in rows]


class DecisionForm(Form):
    comment = TextAreaField(
        _l("Comment or reason (a reason is needed to decline)"),
        validators=[Optional(), Length(max=2000)],
    )
    over_budget = BooleanField(_l("I approve although the budget is exceeded"))


class FileForm(Form):
    kind = SelectField(
        _l("The file is"),
        choices=[SelectChoice(k.value, _l(ATTACHMENT_LABELS[k])) for k in AttachmentKind],
    )
    file = FileField(_l("File (PDF, PNG or JPEG)"))


class OutcomeForm(Form):
    outcome = SelectField(
        _l("Result"),
        choices=[SelectChoice("", _l("Please choose"))]
        + [SelectChoice(k, _l(label)) for k, label in OUTCOMES.items()],
        validators=[InputRequired()],
    )


class WithdrawForm(Form):
    """A button (confirmed in the browser): withdraw the request."""
