"""Retention rules of the courses (``academy.retention``): a leaver's enrolments keep
course, session, state and dates — participation, completion and no-show figures still
count them — but lose reasons and the accounts that acted on them; calendar feeds go with
the personnel record."""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, or_

from academy.retention.rules import Cutoff, register_retention_rule, table_rule
from courses.enrolment.models import Enrolment
from courses.sessions.models import CalendarFeed

#: Columns of an enrolment that say more about the person than the figures need.
PERSONAL_COLUMNS = (
    "decline_reason",
    "cancel_reason",
    "override_reason",
    "requested_by_id",
    "decided_by_id",
    "cancelled_by_id",
    "result_marked_by_id",
)


def _enrolments(cutoff: Cutoff) -> ColumnElement[bool]:
    return and_(
        Enrolment.employee_id.in_(cutoff.leavers()),
        or_(*(getattr(Enrolment, c).is_not(None) for c in PERSONAL_COLUMNS)),
    )


def register_retention_rules() -> None:
    register_retention_rule(
        table_rule(
            "learning_record",
            "enrolments",
            "Anmeldungen: Begründungen und beteiligte Konten entfernt; Kurs, Termin, "
            "Status und Daten bleiben für die Auswertungen",
            Enrolment,
            _enrolments,
            dict.fromkeys(PERSONAL_COLUMNS),
        )
    )
    register_retention_rule(
        table_rule(
            "personnel_record",
            "calendar_feeds",
            "Persönliche Kalender-Abos gelöscht",
            CalendarFeed,
            lambda c: CalendarFeed.user_id.in_(c.accounts()),
            order=20,
        )
    )
