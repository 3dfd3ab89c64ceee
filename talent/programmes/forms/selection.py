"""Forms of the selection: scoring an application (one score and comment per criterion),
HR's proposal to the staff council and the council's decision. They shape and check
input; the rules themselves (who, when, how many) are in ``talent.programmes.selection``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from wtforms import RadioField, SelectField, SelectMultipleField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from academy.web.forms import Form

try:  # WTForms 3.3+ (tuples are deprecated there)
    from wtforms.fields.choices import SelectChoice as _Choice
except ImportError:  # pragma: no cover - WTForms < 3.3

    def _Choice(value: str, label: Any) -> Any:  # noqa: N802
        return (value, label)


from talent.programmes.models import CouncilDecision, SelectionCriterion
from talent.programmes.selection import COMMENT_MAX, NOTE_MAX, SCORE_MAX, comment_problem

NOT_SCORED = ""


class ScoreForm(Form):
    """One ``score_<criterion id>`` select and ``comment_<criterion id>`` text area per
    criterion (made by ``score_form``)."""

    criteria: Sequence[SelectionCriterion] = ()

    def score_field(self, criterion: SelectionCriterion) -> Any:
        return self[f"score_{criterion.id}"]

    def comment_field(self, criterion: SelectionCriterion) -> Any:
        return self[f"comment_{criterion.id}"]

    def values(self) -> list[tuple[SelectionCriterion, int, str | None]]:
        """The entered (criterion, score, comment) rows; call after a valid submission."""
        return [
            (c, int(self.score_field(c).data), (self.comment_field(c).data or "").strip() or None)
            for c in self.criteria
        ]

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        for criterion in self.criteria:
            score_field, comment_field = self.score_field(criterion), self.comment_field(criterion)
            if score_field.errors or score_field.data in (None, NOT_SCORED):
                continue
            problem = comment_problem(int(score_field.data), comment_field.data)
            if problem:
                comment_field.errors = [*comment_field.errors, gettext(problem)]
                valid = False
        return valid


def score_form(criteria: Sequence[SelectionCriterion], **kwargs: Any) -> ScoreForm:
    """A scoring form for these criteria (``kwargs`` go to the form, e.g. ``data``)."""
    choices = [_Choice(NOT_SCORED, _l("– choose –"))]
    choices += [_Choice(str(n), str(n)) for n in range(SCORE_MAX + 1)]
    fields: dict[str, Any] = {"criteria": tuple(criteria)}
    for criterion in criteria:
        fields[f"score_{criterion.id}"] = SelectField(
            _l("Score for “%(criterion)s”", criterion=criterion.name),
            choices=choices,
            validators=[InputRequired(message=_l("Please choose a score from 0 to 5."))],
        )
        fields[f"comment_{criterion.id}"] = TextAreaField(
            _l("Comment on “%(criterion)s”", criterion=criterion.name),
            validators=[Optional(), Length(max=COMMENT_MAX)],
            render_kw={"rows": 2},
        )
    form_class = type("CohortScoreForm", (ScoreForm,), fields)
    return form_class(**kwargs)


class ProposalForm(Form):
    """HR's proposal: the applications to accept (checkboxes, checked by the service)
    and a note to the staff council."""

    application = SelectMultipleField(_l("Proposed applicants"), coerce=int, validate_choice=False)
    note = TextAreaField(
        _l("Note to the staff council"),
        validators=[Optional(), Length(max=NOTE_MAX)],
        render_kw={"rows": 3},
    )


class CouncilDecisionForm(Form):
    """The staff council's answer: consent, or objection with a comment."""

    decision = RadioField(
        _l("Decision"),
        choices=[
            _Choice(CouncilDecision.CONSENT.value, _l("Consent to the proposal")),
            _Choice(CouncilDecision.OBJECTION.value, _l("Object to the proposal")),
        ],
        validators=[DataRequired(message=_l("Please choose consent or objection."))],
    )
    comment = TextAreaField(
        _l("Comment"),
        validators=[Optional(), Length(max=COMMENT_MAX)],
        render_kw={"rows": 3},
    )

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        objection = self.decision.data == CouncilDecision.OBJECTION.value
        if objection and not (self.comment.data or "").strip():
            self.comment.errors = [
                *self.comment.errors,
                gettext("Please explain the objection in a comment."),
            ]
            valid = False
        return valid
