"""Who takes part in the demo's courses: the people of the core step and the demo
accounts."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from academy.accounts.models import User
from academy.demo import data as demo_data
from academy.demo.accounts import DEMO_ACCOUNTS
from academy.demo.steps import DemoContext
from academy.extensions import db


@dataclass(frozen=True)
class DemoPeople:
    """The employees the step draws from, and the demo accounts it needs."""

    employee_ids: list[int]
    head_ids: list[int]  #: department heads
    it_ids: list[int]  #: members of the demo head's office (digitalisation and IT)
    team_ids: list[int]  #: the demo head's subtree without himself
    accounts: dict[int, int]  #: employee id → user id (the demo people with an account)
    employee: int | None  #: the demo employee
    head: int | None  #: the demo head
    head_user: int | None
    hr_user: int | None
    trainer_user: int | None

    @property
    def demo_ids(self) -> set[int]:
        return set(self.accounts)


def _subtree_codes(root: str) -> set[str]:
    children: dict[str | None, list[str]] = {}
    for spec in demo_data.DEPARTMENTS:
        children.setdefault(spec.parent, []).append(spec.code)
    found, todo = set(), [root]
    while todo:
        code = todo.pop()
        found.add(code)
        todo.extend(children.get(code, []))
    return found


def people_from_context(ctx: DemoContext) -> DemoPeople:
    """What the step needs from the core step; reads the demo accounts' employee ids
    (the context only has their user ids) with one query."""
    user_ids = dict(ctx.user_ids)
    employee_of: dict[int, int] = {}
    if user_ids:
        employee_of = {
            user_id: employee_id
            for user_id, employee_id in db.session.execute(
                select(User.id, User.employee_id).where(User.id.in_(list(user_ids.values())))
            )
            if employee_id is not None
        }
    head_account = next(a for a in DEMO_ACCOUNTS if a.key == "head")
    head_dept = head_account.person.department if head_account.person else "12"
    team_depts = [
        ctx.department_ids[c] for c in sorted(_subtree_codes(head_dept)) if c in ctx.department_ids
    ]
    team = [e for d in team_depts for e in ctx.employees_by_department.get(d, [])]
    head = employee_of.get(user_ids.get("head", -1))
    return DemoPeople(
        employee_ids=list(ctx.employee_ids),
        head_ids=sorted(set(ctx.head_ids.values())),
        it_ids=team,
        team_ids=[e for e in team if e != head],
        accounts={employee_of[u]: u for u in user_ids.values() if u in employee_of},
        employee=employee_of.get(user_ids.get("employee", -1)),
        head=head,
        head_user=user_ids.get("head"),
        hr_user=user_ids.get("hr"),
        trainer_user=user_ids.get("trainer"),
    )
