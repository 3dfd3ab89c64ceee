"""Filters of the audit log and of the staff council's access log."""

from __future__ import annotations

from collections.abc import Iterable

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SelectField, StringField
from wtforms.validators import Length, Optional

from academy.web.forms import DateRangeFilter


class AuditFilterForm(DateRangeFilter):
    action = StringField(_l("Action (beginning)"), validators=[Optional(), Length(max=80)])
    actor = StringField(_l("E-mail of the actor"), validators=[Optional(), Length(max=254)])
    object_type = SelectField(_l("Object type"), validators=[Optional()])

    def set_object_types(self, types: Iterable[str]) -> None:
        self.object_type.choices = [("", _l("All")), *[(t, t) for t in types]]


class AccessLogFilterForm(DateRangeFilter):
    viewer = StringField(_l("Viewed by (e-mail)"), validators=[Optional(), Length(max=254)])
    subject = StringField(
        _l("Whose data (name or personnel number)"), validators=[Optional(), Length(max=100)]
    )


class AccessOverviewForm(DateRangeFilter):
    """Filters of the council's overview (the dates default to the last periods)."""

    period = SelectField(
        _l("Period"),
        choices=[("week", _l("Calendar week")), ("month", _l("Month"))],
        default="week",
    )
    viewer = StringField(_l("Viewed by (e-mail)"), validators=[Optional(), Length(max=254)])
    purpose = SelectField(_l("Purpose"), validate_choice=False, validators=[Optional()])
    flagged = BooleanField(_l("Flagged rows only"))

    def set_purposes(self, purposes: Iterable[str]) -> None:
        self.purpose.choices = [("", _l("All")), *[(p, p) for p in purposes]]
