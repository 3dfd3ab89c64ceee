"""The core's retention rules: the personnel record and the account of a person who left,
what hangs on them (roles, login sessions, in-app notices to the person or the account,
e-mails waiting for the old address), and the access and audit logs by age."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import ColumnElement, String, and_, cast, literal, or_, select, union

from academy.accounts.models import RoleAssignment, User, UserSession
from academy.audit.models import AccessLogEntry, AuditLogEntry
from academy.notifications.models import Notification, OutboxMessage
from academy.org.models import Employee
from academy.org.names import SEPARATOR, fold_name
from academy.retention.rules import (
    FORMER_EMPLOYEE,
    Cutoff,
    register_retention_rule,
    table_rule,
)

#: Pseudonymised personnel number and account e-mail (``.invalid`` never delivers).
PERSONNEL_NO_PREFIX = "anon-"
EMAIL_DOMAIN = "@anonymisiert.invalid"


def _number(column: object) -> ColumnElement[str]:
    return cast(column, String)


def anonymous_last_name() -> ColumnElement[str]:
    return literal("#") + _number(Employee.id)


def anonymous_name_key() -> ColumnElement[str]:
    """``Employee.name_key`` of the anonymised name (no trace of the old one)."""
    return anonymous_last_name() + literal(SEPARATOR + fold_name(FORMER_EMPLOYEE))


def anonymous_personnel_no() -> ColumnElement[str]:
    return literal(PERSONNEL_NO_PREFIX) + _number(Employee.id)


def anonymous_account_email() -> ColumnElement[str]:
    return literal("ehemalig-") + _number(User.id) + literal(EMAIL_DOMAIN)


def anonymous_display_name() -> ColumnElement[str]:
    return literal(f"{FORMER_EMPLOYEE} #") + _number(User.employee_id)


def _employee_condition(cutoff: Cutoff) -> ColumnElement[bool]:
    return and_(
        Employee.id.in_(cutoff.leavers()),
        or_(
            Employee.first_name != FORMER_EMPLOYEE,
            Employee.last_name != anonymous_last_name(),
            Employee.name_key != anonymous_name_key(),
            Employee.personnel_no != anonymous_personnel_no(),
            Employee.email.is_not(None),
            Employee.entry_date.is_not(None),
            Employee.pay_group.is_not(None),
            Employee.employment_percent.is_not(None),
        ),
    )


def _account_condition(cutoff: Cutoff) -> ColumnElement[bool]:
    return and_(
        User.employee_id.in_(cutoff.leavers()),
        or_(
            User.active.is_(True),
            User.email != anonymous_account_email(),
            User.display_name != anonymous_display_name(),
            User.password_hash.is_not(None),
            User.locale.is_not(None),
            User.last_login_at.is_not(None),
        ),
    )


def _old_addresses(cutoff: Cutoff) -> ColumnElement[bool]:
    employees = select(Employee.email).where(
        Employee.id.in_(cutoff.leavers()), Employee.email.is_not(None)
    )
    accounts = select(User.email).where(User.id.in_(cutoff.accounts()))
    return OutboxMessage.to_address.in_(union(employees, accounts).subquery().select())


def _notices_of_leavers(cutoff: Cutoff) -> ColumnElement[bool]:
    """Notices to the person (with or without an account) and to their account."""
    return or_(
        Notification.employee_id.in_(cutoff.leavers()),
        Notification.user_id.in_(cutoff.accounts()),
    )


def _of_accounts(column: Any) -> Callable[[Cutoff], ColumnElement[bool]]:
    return lambda cutoff: column.in_(cutoff.accounts())


def register() -> None:
    kind = "personnel_record"
    register_retention_rule(
        table_rule(
            kind,
            "outbox",
            "E-Mails an die alte Adresse gelöscht",
            OutboxMessage,
            _old_addresses,
            order=10,
        )
    )
    register_retention_rule(
        table_rule(
            kind,
            "notifications",
            "Benachrichtigungen gelöscht",
            Notification,
            _notices_of_leavers,
            order=20,
        )
    )
    register_retention_rule(
        table_rule(
            kind,
            "login_sessions",
            "Anmeldesitzungen beendet",
            UserSession,
            _of_accounts(UserSession.user_id),
            order=20,
        )
    )
    register_retention_rule(
        table_rule(
            kind,
            "roles",
            "Rollen des Kontos entzogen (Kontonummern)",
            RoleAssignment,
            lambda c: RoleAssignment.user_id.in_(c.accounts()),
            key=RoleAssignment.user_id,
            order=20,
        )
    )
    register_retention_rule(
        table_rule(
            kind,
            "employees",
            f"Name → „{FORMER_EMPLOYEE} #Nr.“, Personalnummer pseudonymisiert, E-Mail, "
            "Eintrittsdatum, Entgeltgruppe und Beschäftigungsumfang gelöscht; Bereich und Stelle "
            "bleiben",
            Employee,
            _employee_condition,
            lambda: {
                "first_name": FORMER_EMPLOYEE,
                "last_name": anonymous_last_name(),
                "name_key": anonymous_name_key(),
                "personnel_no": anonymous_personnel_no(),
                "email": None,
                "entry_date": None,
                "pay_group": None,
                "employment_percent": None,
            },
        )
    )
    register_retention_rule(
        table_rule(
            kind,
            "accounts",
            "Konto deaktiviert, E-Mail und Anzeigename anonymisiert, Passwort gelöscht",
            User,
            _account_condition,
            lambda: {
                "active": False,
                "email": anonymous_account_email(),
                "display_name": anonymous_display_name(),
                "password_hash": None,
                "locale": None,
                "last_login_at": None,
            },
        )
    )
    register_retention_rule(
        table_rule(
            "access_log",
            "entries",
            "Einträge gelöscht",
            AccessLogEntry,
            lambda c: AccessLogEntry.at < c.written_before,
        )
    )
    register_retention_rule(
        table_rule(
            "audit_log",
            "entries",
            "Einträge gelöscht",
            AuditLogEntry,
            lambda c: AuditLogEntry.at < c.written_before,
        )
    )
