"""The demo accounts, one per role, read from ``accounts.toml`` beside this module."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from academy.accounts.models import ASSIGNABLE_ROLES, Role
from academy.demo.data import MAIL_DOMAIN


@dataclass(frozen=True)
class DemoPerson:
    """The personnel record behind a demo account (placed in ``department`` by code)."""

    first_name: str
    last_name: str
    department: str
    job_role: str
    pay_group: str
    entry_date: date
    head: bool = False  #: heads ``department``

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


@dataclass(frozen=True)
class DemoAccount:
    key: str
    email: str
    password: str
    roles: tuple[Role, ...]  #: effective roles, including the derived employee/head
    description: str
    person: DemoPerson | None = None

    @property
    def assigned_roles(self) -> tuple[Role, ...]:
        return tuple(r for r in self.roles if r in ASSIGNABLE_ROLES)


def _account(entry: dict[str, Any]) -> DemoAccount:
    person = entry.get("person")
    return DemoAccount(
        key=entry["key"],
        email=f"{entry['email']}@{MAIL_DOMAIN}",
        password=entry["password"],
        roles=tuple(Role(r) for r in entry["roles"]),
        description=entry["description"],
        person=DemoPerson(**person) if person else None,
    )


_FILE = Path(__file__).resolve().parent / "accounts.toml"
DEMO_ACCOUNTS: tuple[DemoAccount, ...] = tuple(
    _account(entry) for entry in tomllib.loads(_FILE.read_text(encoding="utf-8"))["account"]
)
