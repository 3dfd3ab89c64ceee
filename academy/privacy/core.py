"""The core's sections of the Art. 15 export: personnel record, account, roles, login
sessions and attempts, notices and e-mails, the access log (who viewed the person's
data, what the person viewed) and the audit log (entries about the person, the person's
own actions). Every collector runs a fixed number of statements."""

from __future__ import annotations

from flask_babel import gettext
from sqlalchemy import ColumnElement, String, cast, or_, select
from sqlalchemy.orm import aliased

from academy.accounts.models import (
    ROLE_LABELS,
    LoginAttempt,
    Role,
    RoleAssignment,
    User,
    UserSession,
)
from academy.audit.log import ACCESS_LABELS
from academy.audit.models import AccessLogEntry, AuditLogEntry
from academy.auth.throttle import login_key
from academy.extensions import db
from academy.notifications.models import Notification, OutboxAttachment, OutboxMessage
from academy.org.models import Department, Employee, JobRole
from academy.privacy.collect import audit_entries, audit_records
from academy.privacy.registry import Record, declare_not_exported, register_personal_data


def _role_label(role: str) -> str:
    try:
        return gettext(ROLE_LABELS[Role(role)])
    except ValueError:
        return role


def personnel_record(employee_id: int | None, user_id: int | None) -> list[Record]:
    if employee_id is None:
        return []
    row = db.session.execute(
        select(Employee, Department, JobRole)
        .join(Department, Department.id == Employee.department_id)
        .outerjoin(JobRole, JobRole.id == Employee.job_role_id)
        .where(Employee.id == employee_id)
    ).first()
    if row is None:
        return []
    emp, dept, job = row
    headed = db.session.scalars(
        select(Department.name).where(Department.head_id == employee_id).order_by(Department.name)
    ).all()
    return [
        {
            "Personalnummer": emp.personnel_no,
            "Vorname": emp.first_name,
            "Nachname": emp.last_name,
            "E-Mail": emp.email,
            "Organisationseinheit": dept.name,
            "Kürzel der Organisationseinheit": dept.code,
            "Stelle": job.title if job else None,
            "Eintrittsdatum": emp.entry_date,
            "Entgeltgruppe": emp.pay_group,
            "Beschäftigungsumfang (%)": emp.employment_percent,
            "Aktiv": emp.active,
            "Ausgeschieden am": emp.left_on,
            "Leitung von": ", ".join(headed) or None,
            "Angelegt am": emp.created_at,
            "Geändert am": emp.updated_at,
        }
    ]


def account(employee_id: int | None, user_id: int | None) -> list[Record]:
    if user_id is None:
        return []
    user = db.session.get(User, user_id)
    if user is None:
        return []
    return [
        {
            "E-Mail": user.email,
            "Anzeigename": user.display_name,
            "Aktiv": user.active,
            "Sprache": user.locale,
            "Lokales Passwort gesetzt": user.password_hash is not None,
            "Verknüpftes Dienstkonto": user.identity_provider,
            "Kennung im Verzeichnis": user.external_subject,
            "Angelegt am": user.created_at,
            "Letzte Anmeldung": user.last_login_at,
        }
    ]


def roles(employee_id: int | None, user_id: int | None) -> list[Record]:
    records: list[Record] = []
    if employee_id is not None:
        records.append(
            {
                "Rolle": _role_label(Role.EMPLOYEE),
                "Art": "abgeleitet (Personalstammsatz)",
                "Seit": None,
                "Vergeben von": None,
            }
        )
        heads = db.session.scalar(
            select(Department.id).where(Department.head_id == employee_id).limit(1)
        )
        if heads is not None:
            records.append(
                {
                    "Rolle": _role_label(Role.HEAD),
                    "Art": "abgeleitet (Leitung einer Einheit)",
                    "Seit": None,
                    "Vergeben von": None,
                }
            )
    if user_id is not None:
        granter = aliased(User)
        rows = db.session.execute(
            select(RoleAssignment, granter.display_name)
            .outerjoin(granter, granter.id == RoleAssignment.granted_by_id)
            .where(RoleAssignment.user_id == user_id)
            .order_by(RoleAssignment.role)
        ).all()
        records += [
            {
                "Rolle": _role_label(a.role),
                "Art": _role_source(a),
                "Seit": a.granted_at,
                "Vergeben von": name,
            }
            for a, name in rows
        ]
    return records


def _role_source(assignment: RoleAssignment) -> str:
    if assignment.local and assignment.directory:
        return "zugewiesen und aus Verzeichnisgruppe"
    return "aus Verzeichnisgruppe" if assignment.directory else "zugewiesen"


def login_sessions(employee_id: int | None, user_id: int | None) -> list[Record]:
    if user_id is None:
        return []
    rows = db.session.scalars(
        select(UserSession).where(UserSession.user_id == user_id).order_by(UserSession.created_at)
    ).all()
    return [
        {
            "Angemeldet am": s.created_at,
            "Gültig bis": s.expires_at,
            "Adresse": s.remote_addr,
            "Browser": s.user_agent,
        }
        for s in rows
    ]


def login_attempts(employee_id: int | None, user_id: int | None) -> list[Record]:
    if user_id is None:
        return []
    email = db.session.scalar(select(User.email).where(User.id == user_id))
    if email is None:
        return []
    rows = db.session.scalars(
        select(LoginAttempt).where(LoginAttempt.key == login_key(email)).order_by(LoginAttempt.at)
    ).all()
    return [{"Zeitpunkt": a.at, "Adresse": a.address} for a in rows]


def _own_notices(employee_id: int | None, user_id: int | None) -> list[ColumnElement[bool]]:
    """Notices to the person (also before they had an account) and to the account."""
    conditions = []
    if employee_id is not None:
        conditions.append(Notification.employee_id == employee_id)
    if user_id is not None:
        conditions.append(Notification.user_id == user_id)
    return conditions


def notifications(employee_id: int | None, user_id: int | None) -> list[Record]:
    conditions = _own_notices(employee_id, user_id)
    if not conditions:
        return []
    rows = db.session.scalars(
        select(Notification)
        .where(or_(*conditions))
        .order_by(Notification.created_at, Notification.id)
    ).all()
    return [
        {
            "Erstellt am": n.created_at,
            "Art": n.kind,
            "Betreff": n.subject,
            "Text": n.body,
            "Link": n.link,
            "Gelesen am": n.read_at,
        }
        for n in rows
    ]


def emails(employee_id: int | None, user_id: int | None) -> list[Record]:
    """E-mails to the person: linked to one of their notices, or sent to their address."""
    addresses = select(User.email).where(User.id == user_id)
    conditions = [OutboxMessage.to_address.in_(addresses)]
    notices = _own_notices(employee_id, user_id)
    if notices:
        conditions.append(
            OutboxMessage.notification_id.in_(select(Notification.id).where(or_(*notices)))
        )
    if employee_id is not None:
        conditions.append(
            OutboxMessage.to_address.in_(
                select(Employee.email).where(
                    Employee.id == employee_id, Employee.email.is_not(None)
                )
            )
        )
    rows = db.session.scalars(
        select(OutboxMessage)
        .where(or_(*conditions))
        .order_by(OutboxMessage.created_at, OutboxMessage.id)
    ).all()
    files: dict[int, list[str]] = {}
    if rows:
        for outbox_id, filename in db.session.execute(
            select(OutboxAttachment.outbox_id, OutboxAttachment.filename)
            .where(OutboxAttachment.outbox_id.in_([m.id for m in rows]))
            .order_by(OutboxAttachment.id)
        ):
            files.setdefault(outbox_id, []).append(filename)
    return [
        {
            "Erstellt am": m.created_at,
            "An": m.to_address,
            "Betreff": m.subject,
            "Text": m.body,
            "Anhänge": ", ".join(files.get(m.id, [])) or None,
            "Versendet am": m.sent_at,
            "Zustellversuche": m.attempts,
        }
        for m in rows
    ]


def _access_label(code: str) -> str:
    label = ACCESS_LABELS.get(code)
    return gettext(label) if label else code


def viewed_by_others(employee_id: int | None, user_id: int | None) -> list[Record]:
    if employee_id is None:
        return []
    viewer = aliased(User)
    rows = db.session.execute(
        select(AccessLogEntry, viewer.display_name)
        .outerjoin(viewer, viewer.id == AccessLogEntry.actor_id)
        .where(AccessLogEntry.subject_id == employee_id)
        .order_by(AccessLogEntry.at, AccessLogEntry.id)
    ).all()
    return [
        {
            "Zeitpunkt": e.at,
            "Eingesehen von": name,
            "Was": _access_label(e.what),
            "Zweck": e.purpose,
        }
        for e, name in rows
    ]


def own_views(employee_id: int | None, user_id: int | None) -> list[Record]:
    """What the person looked at of other people's data (without naming those people)."""
    if user_id is None:
        return []
    rows = db.session.scalars(
        select(AccessLogEntry)
        .where(AccessLogEntry.actor_id == user_id)
        .order_by(AccessLogEntry.at, AccessLogEntry.id)
    ).all()
    return [{"Zeitpunkt": e.at, "Was": _access_label(e.what), "Zweck": e.purpose} for e in rows]


def audit_about(employee_id: int | None, user_id: int | None) -> list[Record]:
    """Audit entries whose object is the person's account or personnel record."""
    conditions = []
    if user_id is not None:
        conditions.append(
            (AuditLogEntry.object_type == "user")
            & (AuditLogEntry.object_id == cast(user_id, String))
        )
    if employee_id is not None:
        conditions.append(
            (AuditLogEntry.object_type == "employee")
            & (AuditLogEntry.object_id == cast(employee_id, String))
        )
    if not conditions:
        return []
    return audit_records(audit_entries(or_(*conditions)))


def own_actions(employee_id: int | None, user_id: int | None) -> list[Record]:
    """What the person did (audit entries they are the actor of), without the reasons
    and details, which describe other people."""
    if user_id is None:
        return []
    return audit_records(audit_entries(AuditLogEntry.actor_id == user_id), with_details=False)


def register_core_sections() -> None:
    register_personal_data(
        "personalstammdaten",
        "Personalstammdaten",
        personnel_record,
        tables=("employees", "departments"),
        order=10,
    )
    register_personal_data("konto", "Benutzerkonto", account, tables=("users",), order=20)
    register_personal_data(
        "rollen",
        "Rollen",
        roles,
        tables=("role_assignments",),
        order=30,
        description="Zugewiesene Rollen und die aus Personalstammsatz und Leitung abgeleiteten.",
    )
    register_personal_data(
        "anmeldesitzungen",
        "Anmeldesitzungen",
        login_sessions,
        tables=("user_sessions",),
        order=40,
        description="Angemeldete Sitzungen (das Sitzungsgeheimnis wird nur als Hash "
        "gespeichert und nicht ausgegeben).",
    )
    register_personal_data(
        "anmeldeversuche",
        "Anmeldeversuche",
        login_attempts,
        tables=("login_attempts",),
        order=45,
        description="Fehlgeschlagene Anmeldeversuche mit Ihrer E-Mail-Adresse.",
    )
    register_personal_data(
        "benachrichtigungen",
        "Benachrichtigungen",
        notifications,
        tables=("notifications",),
        order=600,
    )
    register_personal_data(
        "emails", "E-Mails an Sie", emails, tables=("outbox", "outbox_attachments"), order=610
    )
    register_personal_data(
        "einsichtnahmen",
        "Einsichtnahmen in Ihre Daten",
        viewed_by_others,
        tables=("access_log",),
        order=900,
        description="Wer wann welche Ihrer Daten zu welchem Zweck eingesehen hat.",
    )
    register_personal_data(
        "eigene_einsichtnahmen",
        "Ihre Einsichtnahmen in Daten anderer",
        own_views,
        tables=("access_log",),
        order=910,
        description="Protokollierte Einsichtnahmen durch Sie (ohne die Namen der Betroffenen).",
    )
    register_personal_data(
        "protokoll",
        "Protokolleinträge zu Ihrem Konto und Personalstammsatz",
        audit_about,
        tables=("audit_log",),
        order=920,
    )
    register_personal_data(
        "eigene_handlungen",
        "Ihre Handlungen im Prüfprotokoll",
        own_actions,
        tables=("audit_log",),
        order=930,
        description="Änderungen, die Sie vorgenommen haben (ohne Begründungen und Details, "
        "die andere Personen betreffen).",
    )
    declare_not_exported(
        "uploads",
        "Hochgeladene Importdateien werden nur zwischen Vorschau und Übernahme gehalten; "
        "ihr Inhalt (Personalstammdaten) ist im Abschnitt Personalstammdaten enthalten, "
        "das Hochladen im Abschnitt eigene Handlungen (upload.*).",
    )
