"""Demo data of the reports package: the ``certificates`` step of ``flask academy demo``.

The courses step bulk-inserts completed enrolments without sending the completion
signal, so no certificates exist yet. This step issues one for every completed
enrolment that has none, as the service would (snapshot of name, course, UE, dates,
competences from the course outcomes, issuer; serials per year; codes from the same
generator; the Open Badges recipient hash), but with a fixed handful of reads and bulk
INSERTs whatever the number of employees. The hand-written settings (the time of day
certificates are dated) are in ``certificates.toml`` beside this module.
"""

from __future__ import annotations

import tomllib
from collections import defaultdict
from datetime import datetime, time
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from academy.clock import BERLIN, to_berlin
from academy.demo.steps import DemoContext, bulk_insert, de_int, register_demo_step
from academy.extensions import db
from academy.frameworks.models import Competence
from academy.org.models import Employee
from courses.catalogue.models import Course, CourseOutcome
from courses.enrolment.models import Enrolment, EnrolmentState
from courses.sessions.models import CourseSession
from reports.certificates.certificates import add_months, issuer_name, new_codes, recipient_hash
from reports.certificates.models import Certificate

STEP_NAME = "certificates"
STEP_ORDER = 40

_SETTINGS = tomllib.loads((Path(__file__).parent / "certificates.toml").read_text("utf-8"))
#: Certificates of the demo are dated at this local time of the day of completion.
ISSUE_TIME = time.fromisoformat(_SETTINGS["issue_time"])


def _outcomes() -> dict[int, list[dict[str, Any]]]:
    """Every course's outcomes as snapshot data (one query), sorted like the service."""
    rows = db.session.execute(
        select(
            CourseOutcome.course_id,
            CourseOutcome.level,
            Competence.id,
            Competence.code,
            Competence.name_de,
            Competence.name_en,
        )
        .join(Competence, Competence.id == CourseOutcome.competence_id)
        .order_by(CourseOutcome.course_id, Competence.code, Competence.id)
    )
    by_course: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for course_id, level, _id, code, name_de, name_en in rows:
        by_course[course_id].append(
            {"code": code, "name_de": name_de, "name_en": name_en, "level": level}
        )
    return by_course


def certificates_demo_step(ctx: DemoContext) -> str:
    """Issue certificates for the demo's completed enrolments."""
    issuer = issuer_name()
    outcomes = _outcomes()
    numbers: dict[int, int] = {
        year: number or 0
        for year, number in db.session.execute(
            select(Certificate.year, func.max(Certificate.number)).group_by(Certificate.year)
        )
    }
    rows = db.session.execute(
        select(
            Enrolment.id,
            Enrolment.employee_id,
            Enrolment.course_id,
            Enrolment.completed_on,
            Enrolment.result_marked_by_id,
            CourseSession.starts_at,
            Employee.first_name,
            Employee.last_name,
            Employee.email,
            Course.title,
            Course.code,
            Course.description,
            Course.duration_ue,
            Course.validity_months,
        )
        .join(CourseSession, CourseSession.id == Enrolment.session_id)
        .join(Employee, Employee.id == Enrolment.employee_id)
        .join(Course, Course.id == Enrolment.course_id)
        .outerjoin(Certificate, Certificate.enrolment_id == Enrolment.id)
        .where(
            Enrolment.state == EnrolmentState.COMPLETED.value,
            Enrolment.completed_on.is_not(None),
            Certificate.id.is_(None),
        )
        .order_by(Enrolment.completed_on, Enrolment.id)
    ).all()

    codes = new_codes(len(rows))

    def certificate_rows() -> Any:
        for row, code in zip(rows, codes, strict=True):
            completed_on = row.completed_on
            issued_at = min(datetime.combine(completed_on, ISSUE_TIME, tzinfo=BERLIN), ctx.now)
            year = to_berlin(issued_at).year
            number = numbers.get(year, 0) + 1
            numbers[year] = number
            yield {
                "year": year,
                "number": number,
                "serial": f"{year}-{number:05d}",
                "code": code,
                "kind": "course",
                "employee_id": row.employee_id,
                "enrolment_id": row.id,
                "course_id": row.course_id,
                "recipient_name": f"{row.first_name} {row.last_name}",
                "recipient_hash": recipient_hash(row.email, code),
                "title": f"{row.title} ({row.code})",
                "description": row.description or None,
                "ue": row.duration_ue,
                "started_on": to_berlin(row.starts_at).date(),
                "completed_on": completed_on,
                "competences": outcomes.get(row.course_id, []),
                "issuer_name": issuer,
                "issued_at": issued_at,
                "issued_by_id": row.result_marked_by_id,
                "valid_until": (
                    add_months(completed_on, row.validity_months) if row.validity_months else None
                ),
                "expiry_reminded_at": None,
                "revoked_at": None,
                "revoked_reason": None,
                "revoked_by_id": None,
                "replaces_id": None,
            }

    count = bulk_insert(Certificate.__table__, certificate_rows())
    return f"Zertifikate ausgestellt: {de_int(count)}"


register_demo_step(STEP_NAME, certificates_demo_step, order=STEP_ORDER)
