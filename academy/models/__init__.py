"""All models of the core package, imported here so Alembic sees their tables."""

from academy.models.accounts import LoginAttempt, Role, RoleAssignment, User, UserSession
from academy.models.audit import AccessLogEntry, AuditLogEntry
from academy.models.frameworks import Competence, CompetenceArea, Framework, FrameworkLevel
from academy.models.notifications import Notification, OutboxMessage
from academy.models.org import Department, Employee, JobRole
from academy.models.uploads import Upload

__all__ = [
    "AccessLogEntry",
    "AuditLogEntry",
    "Competence",
    "CompetenceArea",
    "Department",
    "Employee",
    "Framework",
    "FrameworkLevel",
    "JobRole",
    "LoginAttempt",
    "Notification",
    "OutboxMessage",
    "Role",
    "RoleAssignment",
    "Upload",
    "User",
    "UserSession",
]
