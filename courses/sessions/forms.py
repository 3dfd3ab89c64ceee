"""Forms of HR's session pages: a session's meetings (the first one in the form's own
fields, the others as repeated rows, one empty row to add another), trainers, capacity
and deadlines, and cancelling it. They shape and check input only; the rules are in
``scheduling``, ``meetings`` and ``booking``."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask_babel import gettext, ngettext
from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    FieldList,
    FormField,
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from academy.accounts.models import User
from academy.web.forms import Form, SubForm
from courses.rooms.models import Room, Trainer
from courses.sessions.meetings import MAX_REPEATS, MeetingData

#: The format of ``<input type="datetime-local">`` (Berlin wall-clock time).
DATETIME_LOCAL = "%Y-%m-%dT%H:%M"
#: The fields of a meeting (the first meeting's are the form's own).
MEETING_FIELDS = ("starts_at", "ends_at", "room", "location", "online_url")


def _id(value: str | None) -> int | None:
    """A submitted id; -1 for anything that is no id (the service refuses it)."""
    if not value:
        return None
    return int(value) if value.isdigit() and len(value) < 12 else -1


class MeetingRowForm(SubForm):
    """A further meeting of the session (the second, third …)."""

    meeting_id = HiddenField()
    starts_at = DateTimeLocalField(_l("Start"), format=DATETIME_LOCAL, validators=[Optional()])
    ends_at = DateTimeLocalField(_l("End"), format=DATETIME_LOCAL, validators=[Optional()])
    room = SelectField(_l("Room"), validators=[Optional()])
    location = StringField(_l("Place"), validators=[Optional(), Length(max=200)])
    online_url = StringField(_l("Online link"), validators=[Optional(), Length(max=500)])
    remove = BooleanField(_l("Remove this meeting"))

    def is_blank(self) -> bool:
        return not (
            self.meeting_id.data
            or self.starts_at.data
            or self.ends_at.data
            or self.room.data
            or (self.location.data or "").strip()
            or (self.online_url.data or "").strip()
        )

    def meeting(self) -> MeetingData:
        return MeetingData(
            self.starts_at.data,
            self.ends_at.data,
            self.location.data,
            self.online_url.data,
            _id(self.room.data),
            _id(self.meeting_id.data),
        )


class SessionForm(Form):
    """Dates and times are Berlin wall-clock time (``datetime-local`` inputs)."""

    meeting_id = HiddenField()
    starts_at = DateTimeLocalField(_l("Start"), format=DATETIME_LOCAL, validators=[InputRequired()])
    ends_at = DateTimeLocalField(_l("End"), format=DATETIME_LOCAL, validators=[InputRequired()])
    room = SelectField(_l("Room"), validators=[Optional()])
    location = StringField(_l("Place"), validators=[Optional(), Length(max=200)])
    online_url = StringField(_l("Online link"), validators=[Optional(), Length(max=500)])
    remove = BooleanField(_l("Remove this meeting"))
    meetings = FieldList(FormField(MeetingRowForm), min_entries=1, max_entries=61)
    repeat_weekly = IntegerField(
        _l("Repeat the last meeting weekly, this many more times"),
        validators=[Optional(), NumberRange(min=0, max=MAX_REPEATS)],
    )
    trainer = SelectField(_l("Lead trainer (account)"), validators=[Optional()])
    co_trainers = SelectMultipleField(
        _l("Further trainers"),
        coerce=int,
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
    )
    capacity = IntegerField(
        _l("Capacity (seats)"), validators=[InputRequired(), NumberRange(min=1, max=10000)]
    )
    min_participants = IntegerField(
        _l("Minimum number of participants"),
        default=0,
        validators=[Optional(), NumberRange(min=0, max=10000)],
    )
    enrolment_deadline = DateTimeLocalField(
        _l("Enrolment deadline"), format=DATETIME_LOCAL, validators=[Optional()]
    )
    cancellation_deadline = DateTimeLocalField(
        _l("Cancellation deadline"), format=DATETIME_LOCAL, validators=[Optional()]
    )
    override_reason = TextAreaField(
        _l("Reason for booking anyway"), validators=[Optional(), Length(max=2000)]
    )

    def set_trainers(self, trainers: Iterable[User]) -> None:
        self.trainer.choices = [
            SelectChoice("", _l("No trainer yet")),
            *[SelectChoice(str(u.id), f"{u.display_name} ({u.email})") for u in trainers],
        ]

    def set_resources(self, rooms: Iterable[Room], trainers: Iterable[Trainer]) -> None:
        """The rooms every meeting row offers and the further trainers to tick."""
        options = [SelectChoice("", _l("No room (enter the place)"))]
        for room in rooms:
            options.append(SelectChoice(str(room.id), room_choice_label(room)))
        self.room.choices = options
        for row in self.meetings:
            row.form.room.choices = options
        self.co_trainers.choices = [SelectChoice(t.id, t.label) for t in trainers]

    def meeting_rows(self) -> tuple[list[MeetingData], list[int | None]]:
        """The meetings entered (blank and removed rows left out) and, for each, the
        form row it came from (None: the form's own fields, else the row's index)."""
        rows: list[MeetingData] = []
        origin: list[int | None] = []
        if not (self.remove.data and any(not r.form.is_blank() for r in self.meetings)):
            rows.append(
                MeetingData(
                    self.starts_at.data,
                    self.ends_at.data,
                    self.location.data,
                    self.online_url.data,
                    _id(self.room.data),
                    _id(self.meeting_id.data),
                )
            )
            origin.append(None)
        for index, row in enumerate(self.meetings):
            if row.form.remove.data or row.form.is_blank():
                continue
            rows.append(row.form.meeting())
            origin.append(index)
        return rows, origin

    def fill_meetings(self, meetings: Iterable[Any], wall_clock: Any) -> None:
        """Show stored meetings: the first in the form's fields, the others as rows,
        plus one empty row."""
        first, *others = list(meetings) or [None]
        if first is not None:
            self.meeting_id.data = str(first.id)
            self.starts_at.data = wall_clock(first.starts_at)
            self.ends_at.data = wall_clock(first.ends_at)
            self.room.data = str(first.room_id) if first.room_id else ""
            self.location.data = first.location or ""
            self.online_url.data = first.online_url or ""
        while len(self.meetings):
            self.meetings.pop_entry()
        for meeting in others:
            self.meetings.append_entry(
                {
                    "meeting_id": str(meeting.id),
                    "starts_at": wall_clock(meeting.starts_at),
                    "ends_at": wall_clock(meeting.ends_at),
                    "room": str(meeting.room_id) if meeting.room_id else "",
                    "location": meeting.location or "",
                    "online_url": meeting.online_url or "",
                }
            )
        self.meetings.append_entry()


def room_choice_label(room: Room) -> str:
    """A room as the session form offers it: "Rathaus, Raum 2.14 (20 seats, step-free)"."""
    parts = [ngettext("%(num)s seat", "%(num)s seats", room.capacity)]
    if room.step_free:
        parts.append(gettext("step-free"))
    if room.hearing_loop:
        parts.append(gettext("hearing loop"))
    if not room.active:
        parts.append(gettext("deactivated"))
    return f"{room.label} ({', '.join(parts)})"


class SessionEditForm(SessionForm):
    """Editing leaves the capacity out: it has its own form (seats move with it)."""

    capacity = None  # type: ignore[assignment]


class CapacityForm(Form):
    capacity = IntegerField(
        _l("New capacity (seats)"), validators=[InputRequired(), NumberRange(min=1, max=10000)]
    )


class CancelSessionForm(Form):
    reason = TextAreaField(
        _l("Reason (sent to everyone enrolled)"), validators=[DataRequired(), Length(max=2000)]
    )
