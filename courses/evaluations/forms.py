"""Forms of the evaluation pages: HR's questionnaires and questions, which questionnaire a
course or session uses, a round's closing date, and the participant's answer form (built
for the questionnaire's questions). They shape input only; the rules are the services'."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from academy.web.forms import Form
from courses.evaluations.answering import TEXT_MAX, Given
from courses.evaluations.assignment import INHERIT, NONE
from courses.evaluations.models import (
    DIMENSION_LABELS,
    KIND_LABELS,
    LIKERT_ANCHORS,
    LIKERT_VALUES,
    Question,
    QuestionKind,
    Questionnaire,
)
from courses.evaluations.questionnaires import QuestionData, QuestionnaireData


class QuestionnaireForm(Form):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    description = TextAreaField(
        _l("Introduction shown to participants"), validators=[Optional(), Length(max=4000)]
    )

    def data_object(self) -> QuestionnaireData:
        return QuestionnaireData(self.title.data or "", self.description.data or "")


class QuestionForm(Form):
    kind = SelectField(
        _l("Type of question"),
        choices=[SelectChoice(k.value, _l(KIND_LABELS[k])) for k in QuestionKind],
        validators=[InputRequired()],
    )
    text = TextAreaField(_l("Question"), validators=[DataRequired(), Length(max=500)])
    required = BooleanField(_l("An answer is required"))
    dimension = SelectField(
        _l("Topic (rating questions: compared across courses)"),
        choices=[
            SelectChoice("", _l("No topic")),
            *[SelectChoice(d, _l(label)) for d, label in DIMENSION_LABELS.items()],
        ],
        validators=[Optional()],
    )
    options = TextAreaField(
        _l("Options (choice questions: one per line)"), validators=[Optional(), Length(max=3000)]
    )

    def fill(self, question: Question) -> None:
        self.kind.data, self.text.data = question.kind, question.text
        self.required.data, self.dimension.data = question.required, question.dimension or ""
        self.options.data = "\n".join(o.label for o in question.options)

    def data_object(self) -> QuestionData:
        return QuestionData(
            kind=self.kind.data or "",
            text=self.text.data or "",
            required=bool(self.required.data),
            dimension=self.dimension.data or None,
            options=tuple((self.options.data or "").splitlines()),
        )


class AssignmentForm(Form):
    questionnaire = SelectField(_l("Questionnaire"), validators=[InputRequired()])

    def set_choices(
        self, questionnaires: Iterable[Questionnaire], inherit_label: str, current: str
    ) -> None:
        choices = [
            SelectChoice(INHERIT, inherit_label),
            SelectChoice(NONE, gettext("Not evaluated")),
        ]
        choices += [SelectChoice(str(q.id), q.title) for q in questionnaires]
        if current not in {c.value for c in choices}:  # an archived one still assigned
            choices.append(SelectChoice(current, gettext("(archived questionnaire)")))
        self.questionnaire.choices = choices
        if self.questionnaire.data is None:
            self.questionnaire.data = current


class ClosingDateForm(Form):
    closes_on = DateField(_l("Open until (inclusive)"), validators=[InputRequired()])


# ---------------------------------------------------------------------------
# The answer form
# ---------------------------------------------------------------------------


class AnswerForm(Form):
    """Fields ``q<question id>`` are added for the questionnaire (``answer_form``)."""

    questions: Sequence[Question] = ()

    def given(self) -> dict[int, Given]:
        """The answers as the service takes them (question id → value)."""
        answers: dict[int, Given] = {}
        for question in self.questions:
            value: Any = getattr(self, f"q{question.id}").data
            answers[question.id] = value
        return answers


def _number(value: Any) -> int | None:
    """A chosen value as a number; nothing chosen is None (the service decides whether
    the question had to be answered); anything else that is no number is refused."""
    if value in ("", None):
        return None
    return int(value)


def _field(question: Question) -> Any:
    label = question.text
    kind = QuestionKind(question.kind)
    if kind == QuestionKind.LIKERT:
        choices = [SelectChoice(v, f"{v} – {gettext(LIKERT_ANCHORS[v])}") for v in LIKERT_VALUES]
        return RadioField(label, choices=choices, coerce=_number, validate_choice=False)
    if kind == QuestionKind.SINGLE:
        choices = [SelectChoice(o.id, o.label) for o in question.options]
        return RadioField(label, choices=choices, coerce=_number, validate_choice=False)
    if kind == QuestionKind.MULTIPLE:
        return SelectMultipleField(
            label,
            choices=[SelectChoice(o.id, o.label) for o in question.options],
            coerce=_number,
            validate_choice=False,
            widget=ListWidget(prefix_label=False),
            option_widget=CheckboxInput(),
        )
    return TextAreaField(label, validators=[Optional(), Length(max=TEXT_MAX)])


def answer_form(questions: Sequence[Question]) -> AnswerForm:
    """A form class with one field per question, instantiated from the request."""
    attributes: dict[str, Any] = {f"q{q.id}": _field(q) for q in questions}
    attributes["questions"] = list(questions)
    form_class = type("QuestionnaireAnswerForm", (AnswerForm,), attributes)
    return form_class()
