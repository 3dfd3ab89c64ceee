"""The Art. 15 export of one person: every registered section, as a dictionary (the
JSON file, ``docs/art15-export.md``) and written as JSON bytes. Always German (the
labels are the schema; values such as states are German too)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from flask_babel import force_locale
from sqlalchemy import select

from academy.accounts.models import User
from academy.clock import to_berlin
from academy.extensions import db
from academy.org.models import Employee
from academy.privacy.registry import sections

SCHEMA = "digitalakademie-art15/1"


@dataclass(frozen=True)
class Subject:
    """The person an export is about: a personnel record, an account, or both."""

    employee_id: int | None
    user_id: int | None
    name: str
    personnel_no: str | None
    email: str | None

    @property
    def file_stem(self) -> str:
        return f"auskunft-art15-{self.personnel_no or f'konto-{self.user_id}'}"


def subject_of_user(user: User) -> Subject:
    """The signed-in person themself (whatever id a request names)."""
    emp = db.session.get(Employee, user.employee_id) if user.employee_id is not None else None
    return Subject(
        employee_id=user.employee_id,
        user_id=user.id,
        name=emp.full_name if emp is not None else user.display_name,
        personnel_no=emp.personnel_no if emp is not None else None,
        email=user.email,
    )


def subject_of_employee(emp: Employee) -> Subject:
    """A person HR answers a request for: the record and the account linked to it."""
    user_id = db.session.scalar(select(User.id).where(User.employee_id == emp.id))
    return Subject(
        employee_id=emp.id,
        user_id=user_id,
        name=emp.full_name,
        personnel_no=emp.personnel_no,
        email=emp.email,
    )


def build_export(subject: Subject, *, now: datetime) -> dict[str, Any]:
    """``{"schema", "generated_at", "person", "abschnitte", <section key>: [records]}``."""
    data: dict[str, Any] = {
        "schema": SCHEMA,
        "generated_at": now,
        "person": {
            "Name": subject.name,
            "Personalnummer": subject.personnel_no,
            "E-Mail": subject.email,
        },
    }
    titles: dict[str, str] = {}
    with force_locale("de"):
        for section in sections():
            data[section.key] = section.collector(subject.employee_id, subject.user_id)
            titles[section.key] = section.title
    data["abschnitte"] = titles
    return data


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return to_berlin(value).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def export_json(data: dict[str, Any]) -> bytes:
    return json.dumps(data, default=_plain, ensure_ascii=False, indent=2).encode("utf-8")
