"""The meetings of a session as HR enters them: checking each row (dates as Berlin
wall-clock time, place or online link by the course's format, a room that exists), the
order and overlaps between them, a weekly series, and the teaching units (UE) they add
up to.

Field names: errors about the first meeting name its fields plainly (``starts_at``,
``room`` …, as the session form shows the first meeting), errors about the n-th
submitted meeting (n ≥ 1) name ``meetings.<n>.<field>``.

UE: a UE is 45 minutes (``UE_MINUTES``). A meeting's UE are its minutes / 45 (shown to
HR beside the course's UE). A completed enrolment earns the course's UE (the figure its
certificate states), counted in the year of completion; when the session's meetings lie
in more than one calendar year (a series from November to February), those UE are split
over the years by the meetings' lengths (``ue_by_year``: largest remainders, so the
parts add up to the course's UE).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from itertools import pairwise
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import select

from academy.clock import berlin_to_utc, to_berlin
from academy.errors import ValidationFailed
from academy.extensions import db
from academy.i18n import N_
from courses.catalogue.models import Course, CourseFormat
from courses.rooms.models import Room

#: Minutes of one teaching unit (Unterrichtseinheit).
UE_MINUTES = 45
#: Most meetings one session may have (a series of a year's weekly evenings).
MAX_MEETINGS = 60
#: Most weekly repetitions added in one go.
MAX_REPEATS = 52
#: Formats whose meetings need a place (a room or a place entered), and an online link.
PLACE_FORMATS = (CourseFormat.IN_PERSON, CourseFormat.BLENDED)
LINK_FORMATS = (CourseFormat.ONLINE, CourseFormat.BLENDED, CourseFormat.SELF_PACED)


@dataclass
class MeetingData:
    """One meeting as entered: naive datetimes are Berlin wall-clock time, aware ones are
    taken as they are. ``meeting_id``: the stored meeting this row changes (None: new)."""

    starts_at: datetime | None
    ends_at: datetime | None
    location: str | None = None
    online_url: str | None = None
    room_id: int | None = None
    meeting_id: int | None = None


@dataclass(frozen=True)
class PlannedMeeting:
    """A checked meeting: UTC times, cleaned place, the room loaded. ``index`` is the
    row it was entered in (for error messages at the field)."""

    index: int
    starts_at: datetime
    ends_at: datetime
    location: str | None
    online_url: str | None
    room: Room | None
    meeting_id: int | None = None

    @property
    def room_id(self) -> int | None:
        return self.room.id if self.room is not None else None

    @property
    def place(self) -> str | None:
        return self.room.label if self.room is not None else self.location

    @property
    def minutes(self) -> int:
        return int((self.ends_at - self.starts_at).total_seconds() // 60)


def field_name(index: int, name: str) -> str:
    """The field an error about the ``index``-th entered meeting belongs to."""
    return name if index == 0 else f"meetings.{index}.{name}"


def wall_clock_to_utc(value: datetime, field: str) -> datetime:
    """Berlin wall-clock time (naive) → aware UTC. A time the spring clock change skips
    (02:30 on the last Sunday of March) is refused rather than guessed."""
    utc = berlin_to_utc(value)
    if value.tzinfo is None and to_berlin(utc).replace(tzinfo=None) != value:
        raise ValidationFailed(
            N_("This time does not exist in Berlin because of the clock change."), field=field
        )
    return utc


def valid_url(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("https", "http") and bool(parts.netloc) and " " not in url


# ---------------------------------------------------------------------------
# A weekly series
# ---------------------------------------------------------------------------


def _wall_clock(value: datetime) -> datetime:
    return value if value.tzinfo is None else to_berlin(value).replace(tzinfo=None)


def weekly_series(meetings: Sequence[MeetingData], count: int | None) -> list[MeetingData]:
    """The meetings with the latest one repeated ``count`` more times, each a week after
    the one before, at the same Berlin wall-clock times and place (also across a clock
    change)."""
    rows = list(meetings)
    if not count:
        return rows
    if count < 0 or count > MAX_REPEATS:
        raise ValidationFailed(
            N_("A meeting can be repeated at most %(n)s times at once."),
            field="repeat_weekly",
            n=MAX_REPEATS,
        )
    dated = [m for m in rows if m.starts_at is not None and m.ends_at is not None]
    if not dated:
        raise ValidationFailed(
            N_("Please enter the meeting to be repeated first."), field="repeat_weekly"
        )
    last = max(dated, key=lambda m: _wall_clock(m.starts_at))  # type: ignore[arg-type]
    start, end = _wall_clock(last.starts_at), _wall_clock(last.ends_at)  # type: ignore[arg-type]
    for week in range(1, count + 1):
        shift = timedelta(days=7 * week)
        rows.append(replace(last, starts_at=start + shift, ends_at=end + shift, meeting_id=None))
    return rows


# ---------------------------------------------------------------------------
# Checking the meetings
# ---------------------------------------------------------------------------


def _rooms(meetings: Sequence[MeetingData]) -> dict[int, Room]:
    ids = {m.room_id for m in meetings if m.room_id is not None}
    if not ids:
        return {}
    return {r.id: r for r in db.session.scalars(select(Room).where(Room.id.in_(ids)))}


def _checked(
    course: Course, index: int, data: MeetingData, rooms: dict[int, Room], kept: set[int]
) -> PlannedMeeting:
    if data.starts_at is None:
        raise ValidationFailed(N_("Please enter the start."), field=field_name(index, "starts_at"))
    if data.ends_at is None:
        raise ValidationFailed(N_("Please enter the end."), field=field_name(index, "ends_at"))
    starts_at = wall_clock_to_utc(data.starts_at, field_name(index, "starts_at"))
    ends_at = wall_clock_to_utc(data.ends_at, field_name(index, "ends_at"))
    if ends_at <= starts_at:
        raise ValidationFailed(
            N_("The end must be after the start."), field=field_name(index, "ends_at")
        )
    room = None
    if data.room_id is not None:
        room = rooms.get(data.room_id)
        if room is None or not (room.active or room.id in kept):
            raise ValidationFailed(
                N_("Please choose one of the rooms offered."), field=field_name(index, "room")
            )
    location = (data.location or "").strip() or None
    online_url = (data.online_url or "").strip() or None
    if course.format in PLACE_FORMATS and not (location or room):
        raise ValidationFailed(
            N_("Please choose a room or enter the place: this course takes place in person."),
            field=field_name(index, "location"),
        )
    if course.format in LINK_FORMATS and not online_url:
        raise ValidationFailed(
            N_("Please enter the online link: this course takes place online."),
            field=field_name(index, "online_url"),
        )
    if location and len(location) > 200:
        raise ValidationFailed(
            N_("The place may have at most 200 characters."), field=field_name(index, "location")
        )
    if online_url and (len(online_url) > 500 or not valid_url(online_url)):
        raise ValidationFailed(
            N_("Please enter a complete web address starting with https://."),
            field=field_name(index, "online_url"),
        )
    return PlannedMeeting(
        index, starts_at, ends_at, location, online_url, room, meeting_id=data.meeting_id
    )


def plan_meetings(
    course: Course,
    meetings: Sequence[MeetingData],
    *,
    known_ids: Iterable[int] = (),
    kept_rooms: Iterable[int] = (),
) -> list[PlannedMeeting]:
    """Check the meetings entered and return them by start. ``known_ids``: the ids of the
    session's stored meetings (a row may only change one of them, once); ``kept_rooms``:
    rooms the session already books (they stay choosable when deactivated since)."""
    if not meetings:
        raise ValidationFailed(N_("Please enter the start."), field="starts_at")
    if len(meetings) > MAX_MEETINGS:
        raise ValidationFailed(
            N_("A session may have at most %(n)s meetings."), field="repeat_weekly", n=MAX_MEETINGS
        )
    known, seen = set(known_ids), set()
    for data in meetings:
        if data.meeting_id is not None:
            if data.meeting_id not in known or data.meeting_id in seen:
                raise ValidationFailed(
                    N_("The form no longer matches this session's meetings. Please reload it.")
                )
            seen.add(data.meeting_id)
    rooms, kept = _rooms(meetings), set(kept_rooms)
    planned = [_checked(course, i, m, rooms, kept) for i, m in enumerate(meetings)]
    planned.sort(key=lambda m: (m.starts_at, m.index))
    for number, (before, after) in enumerate(pairwise(planned), start=1):
        if after.starts_at < before.ends_at:
            raise ValidationFailed(
                N_("This meeting overlaps meeting %(n)s of the same session."),
                field=field_name(after.index, "starts_at"),
                n=number,
            )
    return planned


# ---------------------------------------------------------------------------
# Teaching units
# ---------------------------------------------------------------------------


def ue_of(minutes: int) -> Decimal:
    """The teaching units of ``minutes`` (45 minutes each), to a tenth."""
    return (Decimal(minutes) / UE_MINUTES).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def ue_by_year(
    course_ue: int, meetings: Iterable[tuple[datetime, datetime]], completed_year: int
) -> dict[int, int]:
    """The course's UE by calendar year: all in ``completed_year`` when the meetings
    (start, end) lie in one Berlin calendar year, else split over their years in
    proportion to their lengths (the parts add up to ``course_ue``)."""
    minutes: dict[int, int] = {}
    for start, end in meetings:
        year = to_berlin(start).year
        minutes[year] = minutes.get(year, 0) + max(int((end - start).total_seconds() // 60), 0)
    total = sum(minutes.values())
    if len(minutes) < 2 or total == 0:
        return {completed_year: course_ue}
    exact = {year: Decimal(course_ue) * m / total for year, m in minutes.items()}
    shares = {year: int(value) for year, value in exact.items()}
    left = course_ue - sum(shares.values())
    by_remainder = sorted(exact, key=lambda y: (-(exact[y] - shares[y]), y))
    for year in by_remainder[:left]:
        shares[year] += 1
    return {year: ue for year, ue in sorted(shares.items()) if ue}


def session_ue_by_year(session: Any, completed_year: int) -> dict[int, int]:
    """The UE a completion of ``session`` earns, by calendar year (see ``ue_by_year``)."""
    meetings = [(m.starts_at, m.ends_at) for m in session.meetings]
    return ue_by_year(session.course.duration_ue, meetings, completed_year)
