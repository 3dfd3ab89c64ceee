"""Organisation pages: the department tree, a department, the staff list and an
employee's personnel record. A department head sees only their subtree(s); HR (and, for
the tree and lists, administrators) see everything."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response

from academy.audit.log import access_purpose, record_access
from academy.auth.policy import authorize, can, requires
from academy.clock import to_berlin, utcnow
from academy.errors import DomainError
from academy.extensions import db
from academy.i18n import N_, translate
from academy.org.forms import DepartmentHeadForm, EmployeeFilterForm
from academy.org.heads import (
    active_member_counts,
    children_of,
    department_path,
    department_tree,
    order_as_tree,
    set_department_head,
)
from academy.org.models import Department, Employee
from academy.org.policy import listable_departments
from academy.org.records import (
    department_members,
    employee_with_place,
    record_facts,
    staff_list,
    subtree_headcount,
)
from academy.web.forms import field_value
from academy.web.kit import acting_user, paginate
from academy.web.navigation import NavItem, add_nav

bp = Blueprint("org", __name__)


add_nav(NavItem("org.employees", N_("Staff"), "org.view", "main", order=30))
add_nav(NavItem("org.index", N_("Organisation"), "org.view", "main", order=31))


@bp.get("/organisation")
@requires("org.view")
def index() -> str:
    rows = department_tree(listable_departments(acting_user()))
    return render_template("academy/org/tree.html", rows=rows)


# ---------------------------------------------------------------------------
# A department
# ---------------------------------------------------------------------------


def _head_form(dept: Department, formdata: bool) -> DepartmentHeadForm:
    form = DepartmentHeadForm() if formdata else DepartmentHeadForm(formdata=None)
    members = db.session.execute(
        select(Employee.id, Employee.last_name, Employee.first_name, Employee.personnel_no)
        .where(Employee.department_id == dept.id, Employee.active.is_(True))
        .order_by(Employee.last_name, Employee.first_name, Employee.id)
    )
    form.set_members(members)
    if not formdata:
        form.head.data = str(dept.head_id) if dept.head_id else ""
    return form


def _render_department(
    dept: Department, head_form: DepartmentHeadForm | None, status: int = 200
) -> tuple[str, int]:
    children = children_of(dept)
    counts = active_member_counts({dept.id} | {c.id for c in children})
    members = paginate(department_members(dept))
    path = department_path(dept)
    html = render_template(
        "academy/org/department.html",
        dept=dept,
        path=[(d, can(current_user, "department.view", d)) for d in path],
        children=children,
        counts=counts,
        members=members,
        subtree_total=subtree_headcount(dept),
        head_form=head_form,
    )
    return html, status


@bp.get("/organisation/bereiche/<int:dept_id>")
@requires("department.view")
def department(dept_id: int) -> tuple[str, int]:
    dept = db.get_or_404(Department, dept_id)
    authorize("department.view", dept)
    head_form = _head_form(dept, False) if can(current_user, "department.set_head") else None
    return _render_department(dept, head_form)


@bp.post("/organisation/bereiche/<int:dept_id>/leitung")
@requires("department.set_head")
def set_head(dept_id: int) -> Response | tuple[str, int]:
    dept = db.get_or_404(Department, dept_id)
    form = _head_form(dept, True)
    if not form.validate_on_submit():
        return _render_department(dept, form, 422)
    employee = db.session.get(Employee, int(form.head.data)) if form.head.data else None
    try:
        set_department_head(acting_user(), dept, employee, now=utcnow())
    except DomainError as error:
        db.session.rollback()
        form.head.errors = [*form.head.errors, translate(error.message, **error.params)]
        return _render_department(dept, form, error.status_code)
    db.session.commit()
    flash(gettext("The head of the department has been saved."), "success")
    return redirect(url_for("org.department", dept_id=dept.id))


# ---------------------------------------------------------------------------
# Staff list and personnel record
# ---------------------------------------------------------------------------


@bp.get("/organisation/beschaeftigte")
@requires("org.view")
def employees() -> str:
    listable = listable_departments(acting_user())
    query = select(Department).order_by(Department.path)
    if listable is not None:
        query = query.where(Department.id.in_(sorted(listable)))
    ordered = order_as_tree(db.session.scalars(query))
    form = EmployeeFilterForm(formdata=request.args)
    form.set_departments(ordered)
    form.validate()
    chosen = None
    if form.department.data and not form.department.errors:
        chosen = next(d for d, _depth in ordered if str(d.id) == form.department.data)
    employees = staff_list(
        listable,
        (d for d, _depth in ordered),
        chosen,
        with_subtree=bool(form.sub.data),
        search=field_value(form.q),
        include_inactive=bool(form.inactive.data),
    )
    page = paginate(employees)
    return render_template("academy/org/employees.html", form=form, page=page, chosen=chosen)


@bp.get("/organisation/beschaeftigte/<int:employee_id>")
@requires("employee.open")
def employee(employee_id: int) -> str:
    emp = employee_with_place(employee_id)
    if emp is None:
        abort(404)
    authorize("employee.view", emp)
    viewer = acting_user()
    html = render_template(
        "academy/org/employee.html",
        emp=emp,
        own=emp.id == viewer.employee_id,
        path=department_path(emp.department),
        can_open_department=can(viewer, "department.view", emp.department),
        facts=record_facts(emp, to_berlin(utcnow()).date()),
    )
    # Rendered first, then the view of someone else's record is logged and committed
    # before the page is sent (one's own record is not logged).
    record_access(viewer, emp.id, "employee.record", access_purpose("employee.record"))
    db.session.commit()
    return html
