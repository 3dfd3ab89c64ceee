"""What the invitations register with the core: the Art. 15 section (the person's
invitations, without the secret link), the retention rule (invitations of people who
left go with their personnel record) and the audit sentences."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import aliased

from academy.accounts.invitations.models import AccountInvitation
from academy.accounts.models import User
from academy.audit.sentences import register_audit_sentences
from academy.clock import utcnow
from academy.extensions import db
from academy.i18n import N_
from academy.privacy.registry import Record, register_personal_data
from academy.retention.rules import register_retention_rule, table_rule

SENTENCES = {
    "invitation.sent": N_("%(actor)s invited %(object)s to set a password (e-mail to %(email)s)."),
    "invitation.accepted": N_(
        "%(object)s set a password with the invitation link; the account was created."
    ),
}

STATUS_TEXT = {
    "open": "offen",
    "expired": "abgelaufen",
    "used": "verwendet",
    "replaced": "durch eine neuere Einladung ersetzt",
}


def invitations(employee_id: int | None, user_id: int | None) -> list[Record]:
    """The person's invitations (one query; the link itself is never stored)."""
    if employee_id is None:
        return []
    inviter = aliased(User)
    rows = db.session.execute(
        select(AccountInvitation, inviter.display_name)
        .outerjoin(inviter, inviter.id == AccountInvitation.created_by_id)
        .where(AccountInvitation.employee_id == employee_id)
        .order_by(AccountInvitation.created_at, AccountInvitation.id)
    ).all()
    now = utcnow()
    records: list[Record] = []
    for invitation, name in rows:
        status = invitation.status(now)
        records.append(
            {
                "Eingeladen am": invitation.created_at,
                "Eingeladen von": name,
                "Gesendet an": invitation.email,
                "Gültig bis": invitation.expires_at,
                "Stand": STATUS_TEXT[status],
                "Verwendet am": invitation.used_at,
                "Ersetzt am": invitation.replaced_at,
            }
        )
    return records


def register() -> None:
    register_audit_sentences(SENTENCES)
    register_personal_data(
        "einladungen",
        "Einladungen zum Festlegen eines Passworts",
        invitations,
        tables=("account_invitations",),
        order=25,
        description="Einladungen, ein Passwort festzulegen (der Link selbst wird nur als "
        "Hash gespeichert und nicht ausgegeben).",
    )
    register_retention_rule(
        table_rule(
            "personnel_record",
            "invitations",
            "Einladungen gelöscht",
            AccountInvitation,
            lambda cutoff: AccountInvitation.employee_id.in_(cutoff.leavers()),
            order=20,
        )
    )
