"""Who the talent demo step works with: the demo accounts, the demo head's team,
everyone's job role and entry date; and the role targets it writes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import aliased

from academy.accounts.models import User
from academy.demo.steps import DemoContext
from academy.extensions import db
from academy.org.models import Department, Employee
from talent.competencies.demo.content import (
    CHANGED_DAYS_AGO,
    PROFILE_CHANGES,
    PROFILES,
    PROFILES_SINCE_DAYS,
)

# ---------------------------------------------------------------------------
# Who: the demo accounts, the demo head's team, everyone's job role and entry date
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Person:
    id: int
    role: str | None  #: job role code
    entry: date | None


@dataclass
class TalentPeople:
    people: dict[int, Person]  #: every employee of the demo, by id
    team: list[int]  #: the demo head's subtree, without him, by id
    others: list[int]  #: everyone else (not the demo head), in personnel-number order
    user_of: dict[int, int]  #: employee id → user id (the demo accounts)
    head: int | None
    employee: int | None
    head_user: int | None
    hr_user: int | None


def people_from_context(ctx: DemoContext) -> TalentPeople:
    """Three statements: the demo accounts' employees, the demo head's subtree (by
    department path), every employee's job role and entry date."""
    employee_of: dict[int, int] = {}
    if ctx.user_ids:
        employee_of = {
            user_id: employee_id
            for user_id, employee_id in db.session.execute(
                select(User.id, User.employee_id).where(User.id.in_(list(ctx.user_ids.values())))
            )
            if employee_id is not None
        }
    head = employee_of.get(ctx.user_ids.get("head", -1))
    departments: list[int] = []
    if head is not None:
        root = aliased(Department)
        departments = sorted(
            db.session.scalars(
                select(Department.id)
                .join(root, Department.path.startswith(root.path))
                .where(root.head_id == head)
            )
        )
    codes = {id_: code for code, id_ in ctx.job_role_ids.items()}
    people = {
        id_: Person(id_, codes.get(role_id) if role_id is not None else None, entry)
        for id_, role_id, entry in db.session.execute(
            select(Employee.id, Employee.job_role_id, Employee.entry_date).where(
                Employee.active.is_(True)
            )
        )
    }
    in_team = {
        e for d in departments for e in ctx.employees_by_department.get(d, []) if e in people
    }
    if head is not None:
        in_team.discard(head)
    return TalentPeople(
        people=people,
        team=sorted(in_team),
        others=[e for e in ctx.employee_ids if e in people and e not in in_team and e != head],
        user_of={e: u for u, e in employee_of.items()},
        head=head,
        employee=employee_of.get(ctx.user_ids.get("employee", -1)),
        head_user=ctx.user_ids.get("head"),
        hr_user=ctx.user_ids.get("hr"),
    )


# ---------------------------------------------------------------------------
# Role targets
# ---------------------------------------------------------------------------


def target_rows(
    now: datetime, role_ids: dict[str, int], competences: dict[str, int], hr_user: int | None
) -> list[dict[str, Any]]:
    """Current and ended ``RoleTarget`` rows of every demo job role."""
    introduced = now - timedelta(days=PROFILES_SINCE_DAYS)
    changed_at = now - timedelta(days=CHANGED_DAYS_AGO)
    changes = {(c.role, c.competence): c for c in PROFILE_CHANGES}
    rows: list[dict[str, Any]] = []

    def row(role_id: int, code: str, level: int, **fields: Any) -> dict[str, Any]:
        item = {
            "job_role_id": role_id,
            "competence_id": competences[code],
            "level": level,
            "set_at": introduced,
            "set_by_id": hr_user,
            "ended_at": None,
            "ended_by_id": None,
            "note": None,
        }
        item.update(fields)
        return item

    for role, targets in PROFILES.items():
        role_id = role_ids.get(role)
        if role_id is None:
            continue
        for code, level in targets:
            change = changes.get((role, code))
            if change is not None:
                rows.append(
                    row(role_id, code, change.old, ended_at=changed_at, ended_by_id=hr_user)
                )
                rows.append(row(role_id, code, level, set_at=changed_at, note=change.note))
            else:
                rows.append(row(role_id, code, level))
        for change in PROFILE_CHANGES:
            if change.role == role and change.new is None:  # removed: only the ended row
                rows.append(
                    row(
                        role_id,
                        change.competence,
                        change.old,
                        ended_at=changed_at,
                        ended_by_id=hr_user,
                        note=change.note,
                    )
                )
    return rows
