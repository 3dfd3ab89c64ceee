"""The ``mandatory`` step of ``flask academy demo``: the mandatory trainings of
``trainings.toml`` (data protection for everyone every two years, IT security yearly
for the IT office, data protection for heads, accessibility from a role profile), since
when each person is assigned, and the evidence HR has recorded — older briefings have
run out, so some people are overdue. The demo employee has done data protection and
has IT security (due in three weeks, unless the course record has her completion) and
accessibility due; the demo head is overdue with the heads' training.

Rows are written with bulk INSERTs; everything is decided from the step's own random
generator, so the same seed gives the same rows.
"""

from __future__ import annotations

import tomllib
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select

from academy.auth.scope import subtree_statement
from academy.clock import to_berlin
from academy.demo.steps import DemoContext, bulk_insert, de_int, register_demo_step
from academy.extensions import db
from academy.org.models import Department, Employee
from courses.catalogue.models import Course
from courses.demo.people import DemoPeople, people_from_context
from courses.mandatory.dates import assigned_dates, valid_until
from courses.mandatory.models import (
    Assignee,
    Assignment,
    AssignmentCourse,
    Evidence,
    Origin,
    TargetKind,
)

STEP_NAME = "mandatory"
STEP_ORDER = 26
DATA = Path(__file__).with_name("trainings.toml")


def _targets(spec: dict[str, Any], ctx: DemoContext, people: DemoPeople) -> list[int]:
    """Active employees in the training's target, in id order."""
    target = spec["target"]
    if target == "heads":
        return sorted(people.head_ids)
    query = select(Employee.id).where(Employee.active.is_(True)).order_by(Employee.id)
    if target == "department":
        path = db.session.scalar(
            select(Department.path).where(Department.id == ctx.department_ids[spec["department"]])
        )
        query = query.where(Employee.department_id.in_(subtree_statement(path or "/")))
    elif target == "job_role":
        query = query.where(Employee.job_role_id == ctx.job_role_ids[spec["job_role"]])
    return list(db.session.scalars(query))


def _kind(spec: dict[str, Any]) -> TargetKind:
    return {
        "everyone": TargetKind.EVERYONE,
        "department": TargetKind.DEPARTMENT,
        "job_role": TargetKind.JOB_ROLE,
        "heads": TargetKind.PEOPLE,
    }[spec["target"]]


def _assignment(spec: dict[str, Any], ctx: DemoContext, today: date, hr: int | None) -> int:
    kind = _kind(spec)
    created = ctx.now - timedelta(days=-int(spec["starts"]))
    return int(
        db.session.execute(
            insert(Assignment)
            .values(
                title=spec["title"],
                description=spec.get("description"),
                target_kind=kind.value,
                job_role_id=ctx.job_role_ids.get(spec.get("job_role", "")),
                department_id=ctx.department_ids.get(spec.get("department", "")),
                due_days=int(spec["due_days"]),
                first_due_on=today + timedelta(days=int(spec["first_due"])),
                recurrence_months=spec.get("recurrence"),
                starts_on=today + timedelta(days=int(spec["starts"])),
                origin=spec.get("origin", Origin.HR.value),
                created_at=created,
                created_by_id=hr,
                updated_at=created,
            )
            .returning(Assignment.id)
        ).scalar_one()
    )


def _write(
    spec: dict[str, Any], ctx: DemoContext, people: DemoPeople, today: date
) -> tuple[int, int]:
    codes = list(spec["courses"])
    courses = dict(
        db.session.execute(select(Course.code, Course.id).where(Course.code.in_(codes))).all()
    )
    if not courses:
        return 0, 0
    assignment_id = _assignment(spec, ctx, today, people.hr_user)
    db.session.execute(
        insert(AssignmentCourse),
        [{"assignment_id": assignment_id, "course_id": courses[c]} for c in codes if c in courses],
    )
    targets = _targets(spec, ctx, people)
    entries = (
        dict(
            db.session.execute(
                select(Employee.id, Employee.entry_date).where(Employee.id.in_(targets))
            ).all()
        )
        if targets
        else {}
    )
    starts = today + timedelta(days=int(spec["starts"]))
    first_due = today + timedelta(days=int(spec["first_due"]))
    named = _kind(spec) == TargetKind.PEOPLE

    def assignees() -> Any:
        for employee_id in targets:
            since, due = assigned_dates(
                starts_on=starts,
                first_due_on=first_due,
                due_days=int(spec["due_days"]),
                entry_date=entries.get(employee_id),
                found_on=starts,
            )
            yield {
                "assignment_id": assignment_id,
                "employee_id": employee_id,
                "since": since,
                "due_on": due,
                "named": named,
            }

    bulk_insert(Assignee, assignees())
    return assignment_id, _evidence(spec, assignment_id, targets, ctx, people, today)


def _evidence(
    spec: dict[str, Any],
    assignment_id: int,
    targets: list[int],
    ctx: DemoContext,
    people: DemoPeople,
    today: date,
) -> int:
    recurrence = spec.get("recurrence")
    share, span = float(spec["evidence"]), int(spec["evidence_days"])
    recorded = ctx.now - timedelta(days=1)
    rows = []
    for employee_id in targets:
        wanted = ctx.rng.random() < share
        days_ago = ctx.rng.randint(10, span)
        if employee_id == people.employee:  # the demo employee: DP done, IT security due
            wanted, days_ago = spec["target"] == "everyone", 200
        if employee_id == people.head and spec["target"] == "heads":
            wanted = False  # the demo head is overdue with the heads' training
        if not wanted:
            continue
        done = today - timedelta(days=days_ago)
        until = valid_until(done, recurrence) if recurrence else None
        rows.append(
            {
                "assignment_id": assignment_id,
                "employee_id": employee_id,
                "title": spec["evidence_title"],
                "provider": None,
                "completed_on": done,
                "valid_until": until,
                "note": None,
                "recorded_at": recorded,
                "recorded_by_id": people.hr_user,
            }
        )
    return bulk_insert(Evidence, rows)


def mandatory_demo_step(ctx: DemoContext) -> str:
    specs = tomllib.loads(DATA.read_text(encoding="utf-8"))["training"]
    people = people_from_context(ctx)
    today = to_berlin(ctx.now).date()
    written, evidence = 0, 0
    for spec in specs:
        assignment_id, count = _write(spec, ctx, people, today)
        written += 1 if assignment_id else 0
        evidence += count
    return f"Pflichtschulungen angelegt: {written}, externe Nachweise: {de_int(evidence)}"


def register() -> None:
    register_demo_step(STEP_NAME, mandatory_demo_step, order=STEP_ORDER)
