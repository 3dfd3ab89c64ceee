"""One person's data by personnel number: completions, certificates, competency targets
and current levels. Every call is written to the access log under the caller's name
(its technical account) with the caller's purpose."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import joinedload

from academy.audit.log import access_purpose, record_accesses
from academy.extensions import db
from academy.frameworks.models import Competence, CompetenceArea, Framework
from academy.i18n import N_
from academy.org.models import Employee
from academy.web.urls import public_url
from api.auth.bearer import current_caller
from api.errors import problem
from courses.enrolment.models import Enrolment, EnrolmentState
from reports.certificates.models import Certificate
from talent.competencies.levels import expires_on, levels_for

#: Access-log codes (what was read) and purposes (why; ``{purpose}``: the caller's).
ACCESS_LEARNING = "api.learning"
ACCESS_COMPETENCIES = "api.competencies"
PURPOSES = {
    "api.completions": "Abschlüsse über die Schnittstelle abgerufen: {purpose}",
    "api.certificates": "Zertifikate über die Schnittstelle abgerufen: {purpose}",
    "api.competencies": "Kompetenzprofil über die Schnittstelle abgerufen: {purpose}",
}


def person(personnel_no: str) -> Employee:
    """The person with this personnel number, else 404."""
    found = db.session.scalar(select(Employee).where(Employee.personnel_no == personnel_no))
    if found is None:
        problem(404, N_("There is no person with this personnel number."))
    return found  # type: ignore[return-value]


def person_item(employee: Employee) -> dict[str, Any]:
    return {"personnel_no": employee.personnel_no, "active": employee.active}


def log_access(employee: Employee, what: str, purpose_key: str, now: Any) -> None:
    caller = current_caller()
    purpose = access_purpose(purpose_key, purpose=caller.purpose or "-")
    record_accesses(caller.account(), [employee.id], what, purpose, now=now)


def completions_statement(employee: Employee) -> Select[tuple[Enrolment]]:
    return (
        select(Enrolment)
        .where(
            Enrolment.employee_id == employee.id,
            Enrolment.state == EnrolmentState.COMPLETED.value,
            Enrolment.completed_on.is_not(None),
        )
        .order_by(Enrolment.completed_on.desc(), Enrolment.id.desc())
    )


COMPLETION_OPTIONS = (joinedload(Enrolment.course),)


def completion_item(enrolment: Enrolment, today: date) -> dict[str, Any]:
    course = enrolment.course
    assert enrolment.completed_on is not None
    until = expires_on(enrolment.completed_on, course.validity_months)
    return {
        "enrolment_id": enrolment.id,
        "course": {"id": course.id, "code": course.code, "title": course.title},
        "session_id": enrolment.session_id,
        "completed_on": enrolment.completed_on,
        "ue": course.duration_ue,
        "valid_until": until,
        "valid": until is None or until >= today,
    }


def certificates_statement(employee: Employee) -> Select[tuple[Certificate]]:
    return (
        select(Certificate)
        .where(Certificate.employee_id == employee.id)
        .order_by(Certificate.issued_at.desc(), Certificate.id.desc())
    )


def certificate_item(cert: Certificate, today: date) -> dict[str, Any]:
    return {
        "serial": cert.serial,
        "kind": cert.kind,
        "title": cert.title,
        "ue": cert.ue,
        "started_on": cert.started_on,
        "completed_on": cert.completed_on,
        "issued_at": cert.issued_at,
        "valid_until": cert.valid_until,
        "status": cert.status(today),
        "revoked_at": cert.revoked_at,
        "course_id": cert.course_id,
        "verification_url": public_url("reports.verify", code=cert.code),
    }


def competencies(employee: Employee, today: date) -> list[dict[str, Any]]:
    """Every competence with a target or evidence: target, current level and gap by the
    academy's rule (``talent.competencies.levels``), in framework order."""
    levels = {
        key: level
        for key, level in levels_for([employee.id], None, today).items()
        if level.target is not None or level.current is not None  # not self-assessments
    }
    ids = sorted({competence_id for _e, competence_id in levels})
    if not ids:
        return []
    rows = db.session.execute(
        select(Competence, Framework.code)
        .join(Framework, Framework.id == Competence.framework_id)
        .join(CompetenceArea, CompetenceArea.id == Competence.area_id)
        .where(Competence.id.in_(ids))
        .order_by(Framework.code, CompetenceArea.position, Competence.position, Competence.code)
    ).all()
    result = []
    for competence, framework in rows:
        level = levels[(employee.id, competence.id)]
        result.append(
            {
                "competence": {
                    "id": competence.id,
                    "code": competence.code,
                    "name": competence.name_de,
                    "name_en": competence.name_en,
                    "framework": framework,
                },
                "target": level.target,
                "current": level.current,
                "gap": level.gap,
                "source": level.source,
                "since": level.since,
                "via_competence_id": level.via_competence_id,
            }
        )
    return result
