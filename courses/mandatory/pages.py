"""What the mandatory training pages show, put together outside the views: the
assignment form with its choices, the list of assignments with their figures, the
compliance pages (per unit and a page of people) for HR, heads and one assignment, and
a person's page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from flask import abort, request
from sqlalchemy import func, select

from academy.accounts.models import User
from academy.auth.scope import Scope, scope_of
from academy.extensions import db
from academy.org.heads import order_as_tree
from academy.org.models import Department, Employee, JobRole
from academy.web.kit import page_number, per_page
from courses.catalogue.models import Course
from courses.mandatory.assignments import AssignmentData
from courses.mandatory.compliance import (
    department_names,
    display_units,
    people_page,
    top_roots,
    unit_rows,
)
from courses.mandatory.forms import AssignmentForm, ComplianceFilter
from courses.mandatory.models import Assignee, Assignment, Evidence, Status, TargetKind
from courses.mandatory.status import Who, active_assignments, counts_by, pairs


def get_assignment(assignment_id: int) -> Assignment:
    assignment = db.session.get(Assignment, assignment_id)
    if assignment is None:
        abort(404)
    return assignment


def get_employee(employee_id: int) -> Employee:
    employee = db.session.get(Employee, employee_id)
    if employee is None:
        abort(404)
    return employee


def get_evidence(evidence_id: int) -> Evidence:
    evidence = db.session.get(Evidence, evidence_id)
    if evidence is None:
        abort(404)
    return evidence


# ---------------------------------------------------------------------------
# The assignment form
# ---------------------------------------------------------------------------


def assignment_form(
    assignment: Assignment | None = None, *, submitted: bool = False
) -> AssignmentForm:
    """The form (filled from ``assignment`` for a GET) with its choices: courses on
    offer (and those already chosen), job roles, active departments in tree order."""
    if submitted:
        form = AssignmentForm()
    elif assignment is not None:
        form = AssignmentForm(formdata=None, obj=None, data=_form_values(assignment))
    else:
        form = AssignmentForm(formdata=None)
    chosen = [c.id for c in assignment.courses] if assignment is not None else []
    courses = db.session.scalars(
        select(Course)
        .where((Course.archived.is_(False) & Course.external.is_(False)) | Course.id.in_(chosen))
        .order_by(Course.code)
    )
    roles = db.session.scalars(select(JobRole).order_by(func.lower(JobRole.title), JobRole.code))
    departments = order_as_tree(
        db.session.scalars(select(Department).where(Department.active.is_(True)))
    )
    form.set_choices(courses, roles, departments)
    return form


def _form_values(assignment: Assignment) -> dict[str, Any]:
    numbers: list[str] = []
    if assignment.target_kind == TargetKind.PEOPLE:
        numbers = list(
            db.session.scalars(
                select(Employee.personnel_no)
                .join(Assignee, Assignee.employee_id == Employee.id)
                .where(Assignee.assignment_id == assignment.id, Assignee.named.is_(True))
                .order_by(Employee.personnel_no)
            )
        )
    return {
        "title": assignment.title,
        "description": assignment.description,
        "courses": [c.id for c in assignment.courses],
        "target_kind": assignment.target_kind,
        "job_role": assignment.job_role_id,
        "department": assignment.department_id,
        "people": "\n".join(numbers),
        "due_days": assignment.due_days,
        "first_due_on": assignment.first_due_on,
        "recurrence_months": assignment.recurrence_months,
    }


def assignment_data(form: AssignmentForm) -> AssignmentData:
    kind = form.target_kind.data or ""
    return AssignmentData(
        title=form.title.data or "",
        description=form.description.data,
        course_ids=list(form.courses.data or []),
        target_kind=kind,
        job_role_id=form.job_role.data if kind == TargetKind.JOB_ROLE else None,
        department_id=form.department.data if kind == TargetKind.DEPARTMENT else None,
        people=form.personnel_numbers() if kind == TargetKind.PEOPLE else [],
        due_days=form.due_days.data if form.due_days.data is not None else 0,
        first_due_on=form.first_due_on.data,
        recurrence_months=form.recurrence_months.data,
    )


# ---------------------------------------------------------------------------
# The list of assignments
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class AssignmentFigures:
    assignment: Assignment
    counts: dict[Status, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def assignments_overview(today: date) -> list[AssignmentFigures]:
    """Active assignments with pairs per status over the whole organisation (three
    statements)."""
    assignments = active_assignments()
    figures = counts_by(pairs(assignments, Who.everyone(), today), "assignment_id")
    empty = dict.fromkeys(Status, 0)
    return [AssignmentFigures(a, figures.get(a.id, dict(empty))) for a in assignments]


def ended_assignments() -> list[Assignment]:
    return list(
        db.session.scalars(
            select(Assignment)
            .where(Assignment.ended_at.is_not(None))
            .order_by(Assignment.ended_at.desc(), Assignment.id.desc())
            .limit(50)
        )
    )


# ---------------------------------------------------------------------------
# Compliance pages: HR (organisation, one assignment) and heads (their subtree)
# ---------------------------------------------------------------------------


def units_in(scope: Scope) -> list[tuple[Department, int]]:
    query = select(Department).where(Department.active.is_(True))
    if not scope.everything:
        query = query.where(scope.where(Department.id))
    return order_as_tree(db.session.scalars(query))


@dataclass
class Selection:
    """What a compliance page (or its export) looks at, from its GET filters."""

    form: ComplianceFilter
    scope: Scope
    chosen: list[Assignment]
    root: Department | None
    roots: list[Department]
    who: Who
    statuses: list[Status]
    text: str | None


def selection(scope: Scope, assignment: Assignment | None = None) -> Selection:
    """The filters of the request (invalid ones: the form shows why, nothing is
    filtered); a head without a unit chosen looks at the subtree they head."""
    everything = active_assignments() if assignment is None else [assignment]
    units = units_in(scope)
    form = ComplianceFilter(request.args)
    form.set_choices([(a.id, a.title) for a in everything], units)
    chosen, root, statuses, text = everything, None, [], None
    if not request.args or form.validate():
        if assignment is None and form.assignment.data is not None:
            chosen = [a for a in everything if a.id == form.assignment.data]
        by_id = {d.id: d for d, _depth in units}
        root = by_id.get(form.unit.data) if form.unit.data is not None else None
        statuses = [Status(form.status.data)] if form.status.data else []
        text = form.q.data
    roots: list[Department] = []
    if root is None and not scope.everything:
        roots = top_roots(d for d, _depth in units if d.id in scope.headed_ids)
        if len(roots) == 1:
            root, roots = roots[0], []
    who = Who.in_scope(scope).below(root)
    if not scope.everything and not units:
        chosen = []
    return Selection(form, scope, chosen, root, roots, who, statuses, text)


def scope_for(user: User, audience: str) -> Scope:
    return Scope.whole_organisation() if audience == "hr" else scope_of(user)


def compliance_context(
    user: User, audience: str, today: date, assignment: Assignment | None = None
) -> dict[str, Any]:
    """Figures per unit and a page of people for ``audience`` ("hr": the organisation;
    "head": the user's subtree), for every active assignment or just ``assignment``."""
    chosen = selection(scope_for(user, audience), assignment)
    subquery = pairs(chosen.chosen, chosen.who, today)
    units, total = unit_rows(subquery, display_units(chosen.root, chosen.roots), chosen.root)
    listed, known = subquery, None
    if chosen.text and subquery is not None:
        listed = pairs(chosen.chosen, chosen.who.named(chosen.text), today)
    else:  # the figures already count the rows of the list
        known = sum(
            n for s, n in total.counts.items() if not chosen.statuses or s in chosen.statuses
        )
    people = people_page(listed, chosen.statuses, page_number(), per_page(), today, total=known)
    return {
        "form": chosen.form,
        "audience": audience,
        "assignment": assignment,
        "chosen": chosen.chosen,
        "root": chosen.root,
        "unit_chosen": chosen.form.unit.data is not None,
        "units": units,
        "total": total,
        "people": people,
        "departments": department_names(r.department_id for r in people.items),
        "today": today,
    }


def export_selection(user: User, today: date) -> tuple[Any, list[Status]]:
    """The pairs an export of the organisation overview writes, and the statuses."""
    chosen = selection(scope_for(user, "hr"))
    who = chosen.who.named(chosen.text) if chosen.text else chosen.who
    return pairs(chosen.chosen, who, today), chosen.statuses


def people_on(context: dict[str, Any]) -> list[int]:
    """The people a compliance page shows by name (for the access log)."""
    return [row.employee_id for row in context["people"].items]
