"""What HR's invitation page reads: the staff in service without an account (filtered by
department subtree, invitation status and a search), the ids matching a filter (for
"invite everyone in the filter") and the progress of the invitations."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, case, exists, func, or_, select
from sqlalchemy.orm import aliased, joinedload

from academy.accounts.invitations.models import AccountInvitation
from academy.accounts.models import User
from academy.auth.scope import subtree_statement
from academy.extensions import db
from academy.i18n import N_
from academy.notifications.models import OutboxMessage
from academy.org.models import Department, Employee

STATUS_NOT_INVITED = "not_invited"
STATUS_OPEN = "open"
STATUS_EXPIRED = "expired"
STATUS_ALL = "all"
#: Filter choices (English source labels): people without an account by their invitation.
STATUS_LABELS = {
    STATUS_NOT_INVITED: N_("Not invited yet"),
    STATUS_OPEN: N_("Invited, link still valid"),
    STATUS_EXPIRED: N_("Invited, link expired"),
    STATUS_ALL: N_("Everyone without an account"),
}


@dataclass(frozen=True)
class InvitationFilter:
    department: Department | None = None
    status: str = STATUS_NOT_INVITED
    search: str | None = None


@dataclass(frozen=True)
class Row:
    """A person on the page, with their open invitation (if any)."""

    employee: Employee
    invited_at: datetime | None
    expires_at: datetime | None
    sent_at: datetime | None

    def status(self, now: datetime) -> str:
        if self.expires_at is None:
            return STATUS_NOT_INVITED
        return STATUS_OPEN if self.expires_at > now else STATUS_EXPIRED


def _without_account() -> list[ColumnElement[bool]]:
    return [
        Employee.active.is_(True),
        ~exists(select(User.id).where(User.employee_id == Employee.id)),
    ]


def _filtered(
    query: Select[Any], chosen: InvitationFilter, now: datetime, invitation: Any
) -> Select[Any]:
    """``query`` (over ``Employee``) joined to each person's open invitation (at most one:
    a partial unique index; ``invitation`` is the alias), limited to the filter, by name."""
    query = query.outerjoin(
        invitation,
        and_(
            invitation.employee_id == Employee.id,
            invitation.used_at.is_(None),
            invitation.replaced_at.is_(None),
        ),
    ).where(*_without_account())
    if chosen.department is not None:
        query = query.where(Employee.department_id.in_(subtree_statement(chosen.department.path)))
    if chosen.status == STATUS_NOT_INVITED:
        query = query.where(invitation.id.is_(None))
    elif chosen.status == STATUS_OPEN:
        query = query.where(invitation.expires_at > now)
    elif chosen.status == STATUS_EXPIRED:
        query = query.where(invitation.expires_at <= now)
    if chosen.search:
        text = chosen.search.strip().lower()
        query = query.where(
            or_(
                *[
                    func.lower(column).contains(text, autoescape=True)
                    for column in (
                        Employee.last_name,
                        Employee.first_name,
                        Employee.personnel_no,
                        func.coalesce(Employee.email, ""),
                    )
                ]
            )
        )
    return query.order_by(Employee.last_name, Employee.first_name, Employee.id)


def candidates_query(chosen: InvitationFilter, now: datetime) -> Select[Any]:
    """The people without an account that match the filter, by name (for a page)."""
    invitation = aliased(AccountInvitation, name="open_invitation")
    query = select(Employee).select_from(Employee).options(joinedload(Employee.department))
    return _filtered(query, chosen, now, invitation)


def rows_of(employees: Iterable[Employee]) -> list[Row]:
    """The people of a page with their open invitation's dates and when its e-mail went
    out (one query)."""
    people = list(employees)
    found = {
        employee_id: (created_at, expires_at, sent_at)
        for employee_id, created_at, expires_at, sent_at in db.session.execute(
            select(
                AccountInvitation.employee_id,
                AccountInvitation.created_at,
                AccountInvitation.expires_at,
                OutboxMessage.sent_at,
            )
            .outerjoin(OutboxMessage, OutboxMessage.id == AccountInvitation.outbox_id)
            .where(
                AccountInvitation.employee_id.in_([e.id for e in people]),
                AccountInvitation.used_at.is_(None),
                AccountInvitation.replaced_at.is_(None),
            )
        )
    }
    return [Row(e, *found.get(e.id, (None, None, None))) for e in people]


def matching_ids(chosen: InvitationFilter, now: datetime) -> list[int]:
    """Every person the filter matches (for "invite everyone in the filter")."""
    invitation = aliased(AccountInvitation, name="open_invitation")
    query = _filtered(select(Employee.id).select_from(Employee), chosen, now, invitation)
    return list(db.session.scalars(query))


@dataclass(frozen=True)
class Progress:
    """Staff in service by account and invitation; the e-mails of open invitations."""

    in_service: int
    with_account: int
    open: int
    expired: int
    sent: int

    @property
    def without_account(self) -> int:
        return self.in_service - self.with_account

    @property
    def not_invited(self) -> int:
        return self.without_account - self.open - self.expired

    @property
    def waiting(self) -> int:
        """Open invitations whose e-mail has not gone out yet."""
        return self.open - self.sent

    def percent(self, part: int, whole: int) -> int:
        return round(100 * part / whole) if whole else 0


def progress(now: datetime) -> Progress:
    """The figures of the progress panel (two queries)."""
    has_account = exists(select(User.id).where(User.employee_id == Employee.id))
    in_service, with_account = db.session.execute(
        select(func.count(), func.coalesce(func.sum(case((has_account, 1), else_=0)), 0))
        .select_from(Employee)
        .where(Employee.active.is_(True))
    ).one()
    still_open = and_(AccountInvitation.used_at.is_(None), AccountInvitation.replaced_at.is_(None))
    valid = AccountInvitation.expires_at > now
    open_, expired, sent = db.session.execute(
        select(
            func.coalesce(func.sum(case((valid, 1), else_=0)), 0),
            func.coalesce(func.sum(case((valid, 0), else_=1)), 0),
            func.coalesce(
                func.sum(case((and_(valid, OutboxMessage.sent_at.is_not(None)), 1), else_=0)), 0
            ),
        )
        .select_from(AccountInvitation)
        .join(Employee, Employee.id == AccountInvitation.employee_id)
        .outerjoin(OutboxMessage, OutboxMessage.id == AccountInvitation.outbox_id)
        .where(still_open, *_without_account())
    ).one()
    return Progress(int(in_service), int(with_account), int(open_), int(expired), int(sent))
