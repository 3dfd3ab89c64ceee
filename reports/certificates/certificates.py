"""Certificates: issue on completion (an immutable snapshot), issue for external
achievements, revoke and reissue. Services flush only; views and the signal's caller commit.

Serial numbers run per year (``<year>-<number>``); the next number is read inside the
write transaction and the unique ``(year, number)`` constraint backs it up: on a clash
(another worker took the number) the insert is retried in a fresh savepoint. The
verification code has 100 random bits (20 characters of a 32-letter alphabet without
0/O and 1/I), grouped ``XXXX-XXXX-XXXX-XXXX-XXXX``.
"""

from __future__ import annotations

import calendar
import hashlib
import secrets
from collections.abc import Iterator
from datetime import date, datetime
from typing import Any

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from academy.accounts.models import User
from academy.audit.log import record
from academy.auth.policy import can
from academy.clock import to_berlin
from academy.errors import Conflict, PermissionDenied, ValidationFailed
from academy.extensions import db
from academy.frameworks.models import FrameworkLevel
from academy.i18n import N_
from academy.org.models import Employee
from courses.catalogue.models import Course
from courses.enrolment.models import Enrolment, EnrolmentState
from reports.certificates.models import Certificate

#: 32 symbols (5 bits each) without the easily confused 0, O, 1 and I.
ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
CODE_LENGTH = 20  # 100 bits
GROUP = 4
MAX_ATTEMPTS = 8


# ---------------------------------------------------------------------------
# Codes, serials, hashes, dates
# ---------------------------------------------------------------------------


#: Random bytes per code: CODE_LENGTH symbols of 5 bits each (100 bits → 13 bytes).
_CODE_BYTES = (CODE_LENGTH * 5 + 7) // 8


def new_codes(count: int) -> Iterator[str]:
    """``count`` verification codes (100 random bits each, grouped), drawn in one
    ``secrets.token_bytes`` call, so a batch (demo data) costs no more than one code."""
    assert len(ALPHABET) == 32
    pool = secrets.token_bytes(_CODE_BYTES * count)
    surplus = _CODE_BYTES * 8 - CODE_LENGTH * 5
    for i in range(count):
        value = int.from_bytes(pool[i * _CODE_BYTES : (i + 1) * _CODE_BYTES]) >> surplus
        yield format_code("".join(ALPHABET[(value >> (5 * k)) & 31] for k in range(CODE_LENGTH)))


def new_code() -> str:
    return next(new_codes(1))


def format_code(raw: str) -> str:
    return "-".join(raw[i : i + GROUP] for i in range(0, len(raw), GROUP))


def normalise_code(value: str) -> str | None:
    """A typed code in its stored form (case, spaces and dashes do not matter), or None
    when it cannot be a code at all."""
    raw = "".join(ch for ch in value.upper() if ch.isalnum())
    if len(raw) != CODE_LENGTH or any(ch not in ALPHABET for ch in raw):
        return None
    return format_code(raw)


def recipient_salt(code: str) -> str:
    """The Open Badges salt of a certificate, derived from its (public) code so that it
    stays stable when the application's secret changes."""
    return hashlib.sha256(f"recipient-salt:{code}".encode()).hexdigest()[:16]


def recipient_hash(email: str | None, code: str) -> str:
    """Open Badges 2.0 hashed recipient: ``sha256$`` + hex(sha256(email + salt))."""
    identity = (email or "").strip().lower() + recipient_salt(code)
    return "sha256$" + hashlib.sha256(identity.encode()).hexdigest()


def add_months(start: date, months: int) -> date:
    """``start`` plus ``months``, clamped to the end of the month (31 Jan + 1 → 28/29 Feb)."""
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def issuer_name() -> str:
    config = current_app.config
    return str(config.get("CERTIFICATE_ISSUER") or config.get("ORG_NAME") or "")


def _next_number(year: int) -> int:
    current = db.session.scalar(
        select(func.max(Certificate.number)).where(Certificate.year == year)
    )
    return (current or 0) + 1


def _insert(cert: Certificate, now: datetime) -> Certificate:
    """Give ``cert`` the next serial of the year and a fresh code and insert it; retried
    when another transaction took the number (or, astronomically rarely, the code)."""
    year = to_berlin(now).year
    for attempt in range(MAX_ATTEMPTS):
        cert.year = year
        cert.number = _next_number(year)
        cert.serial = f"{year}-{cert.number:05d}"
        cert.code = new_code()
        cert.recipient_hash = recipient_hash(_email_of(cert.employee_id), cert.code)
        try:
            with db.session.begin_nested():
                db.session.add(cert)
                db.session.flush()
        except IntegrityError:
            if cert.enrolment_id is not None and _for_enrolment(cert.enrolment_id) is not None:
                raise
            if attempt == MAX_ATTEMPTS - 1:
                raise
            continue
        return cert
    raise AssertionError("unreachable")  # pragma: no cover


def _email_of(employee_id: int | None) -> str | None:
    if employee_id is None:
        return None
    employee = db.session.get(Employee, employee_id)
    return employee.email if employee is not None else None


def _for_enrolment(enrolment_id: int) -> Certificate | None:
    return db.session.scalar(select(Certificate).where(Certificate.enrolment_id == enrolment_id))


def competences_of(course: Course) -> list[dict[str, Any]]:
    """The course's outcomes as plain data for the snapshot, with the name of the level
    reached in its framework's scale (one query for the level names)."""
    rows = sorted(course.outcomes, key=lambda o: (o.competence.code, o.competence_id))
    names = _level_names({o.competence.framework_id for o in rows})
    out = []
    for o in rows:
        level = names.get((o.competence.framework_id, o.level))
        out.append(
            {
                "code": o.competence.code,
                "name_de": o.competence.name_de,
                "name_en": o.competence.name_en,
                "level": o.level,
                "level_name_de": level.name_de if level is not None else None,
                "level_name_en": level.name_en if level is not None else None,
            }
        )
    return out


def _level_names(framework_ids: set[int]) -> dict[tuple[int, int], FrameworkLevel]:
    if not framework_ids:
        return {}
    levels = db.session.scalars(
        select(FrameworkLevel).where(FrameworkLevel.framework_id.in_(framework_ids))
    )
    return {(lv.framework_id, lv.level): lv for lv in levels}


def _audit(actor: User | None, action: str, cert: Certificate, now: datetime, **kw: Any) -> None:
    record(actor, action, "certificate", cert.id, now=now, **kw)


# ---------------------------------------------------------------------------
# Services
# ---------------------------------------------------------------------------


def issue_for_enrolment(
    enrolment: Enrolment, now: datetime, actor: User | None = None
) -> Certificate:
    """The certificate of a completed enrolment; a second call returns the existing one."""
    existing = _for_enrolment(enrolment.id)
    if existing is not None:
        return existing
    if enrolment.state != EnrolmentState.COMPLETED or enrolment.completed_on is None:
        raise Conflict(N_("Only a completed enrolment earns a certificate."))
    course = enrolment.course
    session = enrolment.session
    employee = enrolment.employee
    # The course ended on the session's last day, whatever day the results were entered.
    completed_on = min(enrolment.completed_on, to_berlin(session.ends_at).date())
    cert = Certificate(
        kind="course",
        employee_id=employee.id,
        enrolment_id=enrolment.id,
        course_id=course.id,
        recipient_name=employee.full_name,
        title=f"{course.title} ({course.code})",
        description=course.description or None,
        ue=course.duration_ue,
        started_on=to_berlin(session.starts_at).date(),
        completed_on=completed_on,
        competences=competences_of(course),
        issuer_name=issuer_name(),
        issued_at=now,
        issued_by_id=actor.id if actor is not None else None,
        valid_until=(
            add_months(completed_on, course.validity_months) if course.validity_months else None
        ),
    )
    try:
        _insert(cert, now)
    except IntegrityError:
        # Another transaction issued it meanwhile: one certificate per enrolment.
        existing = _for_enrolment(enrolment.id)
        if existing is None:
            raise
        return existing
    _audit(
        actor,
        "certificate.issued",
        cert,
        now,
        to_state="valid",
        details={"serial": cert.serial, "enrolment_id": enrolment.id, "kind": cert.kind},
    )
    return cert


def on_course_completed(enrolment: Enrolment, now: datetime, **_: Any) -> None:
    """Receiver of ``courses.signals.course_completed``: issue at once, in the same
    transaction as the completion (the person who recorded the result is the actor)."""
    actor = None
    if enrolment.result_marked_by_id is not None:
        actor = db.session.get(User, enrolment.result_marked_by_id)
    issue_for_enrolment(enrolment, now, actor)


def _require_hr(actor: User) -> None:
    if not can(actor, "certificates.manage"):
        raise PermissionDenied(N_("Only HR development can do this."))


def issue_external(
    actor: User,
    employee: Employee,
    title: str,
    ue: int | None,
    completed_on: date,
    competences: list[dict[str, Any]],
    valid_until: date | None,
    now: datetime,
) -> Certificate:
    """HR records a certificate for something achieved outside a course of the academy."""
    _require_hr(actor)
    title = (title or "").strip()
    if not title:
        raise ValidationFailed(N_("Please enter a title."), field="title")
    if ue is not None and ue <= 0:
        raise ValidationFailed(N_("UE must be a positive number."), field="ue")
    if valid_until is not None and valid_until < completed_on:
        raise ValidationFailed(
            N_("The end of validity cannot be before the date of completion."), field="valid_until"
        )
    cert = Certificate(
        kind="external",
        employee_id=employee.id,
        recipient_name=employee.full_name,
        title=title,
        ue=ue,
        completed_on=completed_on,
        competences=[dict(c) for c in competences],
        issuer_name=issuer_name(),
        issued_at=now,
        issued_by_id=actor.id,
        valid_until=valid_until,
    )
    _insert(cert, now)
    _audit(
        actor,
        "certificate.issued",
        cert,
        now,
        to_state="valid",
        details={"serial": cert.serial, "kind": cert.kind},
    )
    return cert


def revoke(actor: User, cert: Certificate, reason: str, now: datetime) -> Certificate:
    """Revoke: the row, code and URL stay; verification shows "revoked"."""
    _require_hr(actor)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(N_("Please give a reason for the revocation."), field="reason")
    if cert.revoked_at is not None:
        raise Conflict(N_("This certificate has already been revoked."))
    before = cert.status(to_berlin(now).date())
    cert.revoked_at = now
    cert.revoked_reason = reason
    cert.revoked_by_id = actor.id
    db.session.flush()
    _audit(
        actor,
        "certificate.revoked",
        cert,
        now,
        from_state=before,
        to_state="revoked",
        reason=reason,
    )
    return cert


def reissue(actor: User, cert: Certificate, now: datetime) -> Certificate:
    """Recertification: a new certificate (new serial and code, dated today) that points
    to the one it replaces; the old one stays as it was."""
    _require_hr(actor)
    today = to_berlin(now).date()
    valid_until = None
    if cert.valid_until is not None:
        course = db.session.get(Course, cert.course_id) if cert.course_id else None
        if course is not None and course.validity_months:
            valid_until = add_months(today, course.validity_months)
        else:
            valid_until = today + (cert.valid_until - cert.completed_on)
    new = Certificate(
        kind=cert.kind,
        employee_id=cert.employee_id,
        course_id=cert.course_id,
        recipient_name=cert.recipient_name,
        title=cert.title,
        description=cert.description,
        ue=cert.ue,
        started_on=cert.started_on,
        completed_on=today,
        competences=[dict(c) for c in cert.competences or []],
        issuer_name=issuer_name(),
        issued_at=now,
        issued_by_id=actor.id,
        valid_until=valid_until,
        replaces_id=cert.id,
    )
    _insert(new, now)
    _audit(
        actor,
        "certificate.reissued",
        new,
        now,
        to_state="valid",
        details={"serial": new.serial, "replaces": cert.serial},
    )
    return new


def find_by_code(code: str) -> Certificate | None:
    normal = normalise_code(code)
    if normal is None:
        return None
    return db.session.scalar(select(Certificate).where(Certificate.code == normal))
