"""How the courses pages show dates and labels: ``moment`` and ``when`` bound to the
reader's locale and Europe/Berlin, and the label tables every courses template gets."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from babel import dates
from flask_babel import get_locale, get_timezone

from courses import bp
from courses.catalogue.models import FORMAT_LABELS, LEVEL_LABELS, PROVIDER_LABELS
from courses.enrolment.models import STATE_LABELS
from courses.sessions.models import CourseSession


def berlin_formatters() -> tuple[Callable[[datetime | None], str], Callable[[Any], str]]:
    """``moment`` and ``when`` bound to the current locale and time zone (Europe/Berlin):
    made once per rendering, as they are shown in every row of several lists (and the
    same session or time often in several rows: each text is made once per rendering).
    Babel with the locale's patterns gives the same text as Flask-Babel's
    ``format_date`` / ``format_time`` / ``format_datetime``, without looking up the
    locale at every call."""
    locale, tz = get_locale(), get_timezone()
    date_formats, time_formats = locale.date_formats, locale.time_formats
    point = dates.parse_pattern(f"{date_formats['medium'].pattern} {time_formats['short'].pattern}")
    short_time = dates.parse_pattern(time_formats["short"].pattern)
    full_date = dates.parse_pattern(date_formats["full"].pattern)
    seen: dict[Any, str] = {}

    def moment(value: datetime | None) -> str:
        """A point in time in Europe/Berlin, e.g. "05.03.2025 09:00"."""
        if value is None:
            return "–"
        text = seen.get(value)
        if text is None:
            text = seen[value] = point.apply(value.astimezone(tz), locale)
        return text

    def when(session: CourseSession) -> str:
        """A session's dates in Europe/Berlin: one day with its hours, or from – until."""
        key = (session.starts_at, session.ends_at)
        text = seen.get(key)
        if text is None:
            start, end = session.starts_at.astimezone(tz), session.ends_at.astimezone(tz)
            text = seen[key] = _when(start, end)
        return text

    def _when(start: datetime, end: datetime) -> str:
        if start.date() == end.date():
            hours = f"{short_time.apply(start, locale)}–{short_time.apply(end, locale)}"
            return f"{full_date.apply(start, locale)}, {hours}"
        return (
            f"{dates.format_datetime(start, 'short', locale=locale)} – "
            f"{dates.format_datetime(end, 'short', locale=locale)}"
        )

    return moment, when


def moment(value: datetime | None) -> str:
    """A point in time in Europe/Berlin, e.g. "05.03.2025 09:00"."""
    return berlin_formatters()[0](value)


def when(session: CourseSession) -> str:
    """A session's dates in Europe/Berlin: one day with its hours, or from – until."""
    return berlin_formatters()[1](session)


@bp.context_processor
def template_helpers() -> dict[str, Any]:
    """The context of every page of the courses blueprint: labels, ``moment``, ``when``."""
    moment, when = berlin_formatters()
    return {
        "catalogue_labels": {
            "format": FORMAT_LABELS,
            "level": LEVEL_LABELS,
            "provider": PROVIDER_LABELS,
            "state": STATE_LABELS,
        },
        "moment": moment,
        "when": when,
    }
