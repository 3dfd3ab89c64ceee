"""Whom a notice reaches: a person (their personnel record, with or without an account)
or an account without a personnel record (an administrator's, say).

- The in-app notice belongs to the person (``employee_id``) and waits for their first
  sign-in; the account (``user_id``) is kept too where there is one.
- The e-mail copy goes to the address in the personnel record whether or not the person
  has an account (else to the account's address), while the person is in service; for an
  account without a personnel record, while the account is active.
- The language is the one the account chose, German (the default) without an account.

``recipient_of`` answers for one ``User`` or ``Employee``; ``recipients_for`` for many
employees at once (one query), which is what services that notify a list of people use.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import select

from academy.accounts.models import User
from academy.extensions import db
from academy.org.models import Employee


@dataclass(frozen=True)
class Recipient:
    """The facts ``notify`` needs about whom it writes to."""

    employee_id: int | None
    user_id: int | None
    #: Where the e-mail copy goes; None: no e-mail (no address, left, deactivated).
    address: str | None
    #: The language the account chose (None: the default).
    locale: str | None = None

    @property
    def language(self) -> str:
        languages = current_app.config["LANGUAGES"]
        if self.locale in languages:
            return str(self.locale)
        return str(current_app.config["BABEL_DEFAULT_LOCALE"])


Addressee = User | Employee | Recipient


def usable_address(address: str | None) -> str | None:
    """The address stripped, or None when it cannot take mail."""
    text = (address or "").strip()
    local, at, domain = text.partition("@")
    if not (local and at and domain) or any(c.isspace() for c in text):
        return None
    return text


def _person_address(
    employee_email: str | None, employee_active: bool, account: User | None
) -> str | None:
    if not employee_active:
        return None
    return usable_address(employee_email) or (
        usable_address(account.email) if account is not None and account.active else None
    )


def _from_account(user: User) -> Recipient:
    employee = user.employee if user.employee_id is not None else None
    if employee is None:
        address = usable_address(user.email) if user.active else None
    else:
        address = _person_address(employee.email, employee.active, user)
    return Recipient(user.employee_id, user.id, address, user.locale)


def _from_employee(employee: Employee) -> Recipient:
    account = db.session.scalar(select(User).where(User.employee_id == employee.id))
    return Recipient(
        employee.id,
        account.id if account is not None else None,
        _person_address(employee.email, employee.active, account),
        account.locale if account is not None else None,
    )


def recipient_of(addressee: Addressee) -> Recipient:
    """The recipient behind an account, a personnel record or a recipient."""
    if isinstance(addressee, Recipient):
        return addressee
    if isinstance(addressee, User):
        return _from_account(addressee)
    return _from_employee(addressee)


def recipients_for(employee_ids: Iterable[int | None]) -> dict[int, Recipient]:
    """The people in service among these employees, by employee id, whether or not they
    have an account (one query). People who left are not notified."""
    ids = {i for i in employee_ids if i is not None}
    if not ids:
        return {}
    rows = db.session.execute(
        select(Employee.id, Employee.email, User)
        .outerjoin(User, User.employee_id == Employee.id)
        .where(Employee.id.in_(ids), Employee.active.is_(True))
    )
    return {
        employee_id: Recipient(
            employee_id,
            account.id if account is not None else None,
            _person_address(email, True, account),
            account.locale if account is not None else None,
        )
        for employee_id, email, account in rows
    }
