"""Read side of the audit log and the access log: the filtered lists their pages show."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import joinedload

from academy.accounts.models import User
from academy.audit.models import AccessLogEntry, AuditLogEntry
from academy.clock import berlin_to_utc
from academy.extensions import db
from academy.org.models import Employee


def utc_bounds(start: date | None, end: date | None) -> tuple[datetime | None, datetime | None]:
    """Berlin calendar days [start, end] as UTC instants [from, until)."""
    lower = berlin_to_utc(datetime.combine(start, time.min)) if start else None
    upper = berlin_to_utc(datetime.combine(end + timedelta(days=1), time.min)) if end else None
    return lower, upper


def users_with_email_like(text: str) -> Select[tuple[int]]:
    return select(User.id).where(func.lower(User.email).contains(text.lower(), autoescape=True))


def employees_named_like(text: str) -> Select[tuple[int]]:
    """Employees whose last name, first name or personnel number contains ``text``."""
    text = text.lower()
    return select(Employee.id).where(
        or_(
            func.lower(Employee.last_name).contains(text, autoescape=True),
            func.lower(Employee.first_name).contains(text, autoescape=True),
            func.lower(Employee.personnel_no).contains(text, autoescape=True),
        )
    )


def object_types() -> list[str]:
    """The object types the audit log holds (for the filter's choices)."""
    return list(
        db.session.scalars(
            select(AuditLogEntry.object_type).distinct().order_by(AuditLogEntry.object_type)
        )
    )


def audit_entries(
    *,
    action: str | None = None,
    actor_email: str | None = None,
    object_type: str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
) -> Select[tuple[AuditLogEntry]]:
    """Audit entries, newest first, filtered by what is given."""
    query = (
        select(AuditLogEntry)
        .options(joinedload(AuditLogEntry.actor).lazyload(User.role_assignments))
        .order_by(AuditLogEntry.at.desc(), AuditLogEntry.id.desc())
    )
    if action:
        query = query.where(AuditLogEntry.action.startswith(action, autoescape=True))
    if actor_email:
        query = query.where(AuditLogEntry.actor_id.in_(users_with_email_like(actor_email)))
    if object_type:
        query = query.where(AuditLogEntry.object_type == object_type)
    lower, upper = utc_bounds(date_from, date_to)
    if lower is not None:
        query = query.where(AuditLogEntry.at >= lower)
    if upper is not None:
        query = query.where(AuditLogEntry.at < upper)
    return query


def access_entries(
    *,
    viewer_email: str | None = None,
    subject: str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
) -> Select[tuple[AccessLogEntry]]:
    """Access-log entries, newest first, filtered by who looked and whose data."""
    query = (
        select(AccessLogEntry)
        .options(
            joinedload(AccessLogEntry.actor).lazyload(User.role_assignments),
            joinedload(AccessLogEntry.subject),
        )
        .order_by(AccessLogEntry.at.desc(), AccessLogEntry.id.desc())
    )
    if viewer_email:
        query = query.where(AccessLogEntry.actor_id.in_(users_with_email_like(viewer_email)))
    if subject:
        query = query.where(AccessLogEntry.subject_id.in_(employees_named_like(subject)))
    lower, upper = utc_bounds(date_from, date_to)
    if lower is not None:
        query = query.where(AccessLogEntry.at >= lower)
    if upper is not None:
        query = query.where(AccessLogEntry.at < upper)
    return query
