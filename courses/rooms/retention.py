"""Retention rules of rooms and trainers (``academy.retention``): who recorded a
leaver's attendance per meeting is removed as from their enrolments (the attendance
itself stays for the figures); the trainer record of a person who left loses HR's notes
and fee and is deactivated (the sessions they trained keep naming them until their
account is anonymised)."""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, or_, select

from academy.retention.rules import Cutoff, register_retention_rule, table_rule
from courses.enrolment.models import Enrolment, MeetingAttendance
from courses.rooms.models import Trainer


def _attendance(cutoff: Cutoff) -> ColumnElement[bool]:
    leavers = select(Enrolment.id).where(Enrolment.employee_id.in_(cutoff.leavers()))
    return and_(
        MeetingAttendance.enrolment_id.in_(leavers), MeetingAttendance.marked_by_id.is_not(None)
    )


def _trainers(cutoff: Cutoff) -> ColumnElement[bool]:
    return and_(
        Trainer.user_id.in_(cutoff.accounts()),
        or_(Trainer.notes.is_not(None), Trainer.fee_per_day.is_not(None), Trainer.active.is_(True)),
    )


def register_retention_rules() -> None:
    register_retention_rule(
        table_rule(
            "learning_record",
            "meeting_attendance",
            "Anwesenheit je Termin: wer sie erfasst hat, entfernt; anwesend oder nicht "
            "bleibt für die Auswertungen",
            MeetingAttendance,
            _attendance,
            {"marked_by_id": None},
            key=MeetingAttendance.enrolment_id,
        )
    )
    register_retention_rule(
        table_rule(
            "personnel_record",
            "trainers",
            "Trainerangaben ausgeschiedener Beschäftigter: Notizen und Honorar gelöscht, "
            "nicht mehr buchbar",
            Trainer,
            _trainers,
            {"notes": None, "fee_per_day": None, "active": False},
        )
    )
