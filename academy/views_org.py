"""Organisation pages: the department tree, a department, the staff list and an
employee's personnel record. A department head sees only their subtree(s); HR (and, for
the tree and lists, administrators) see everything."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload
from werkzeug.wrappers import Response

from academy.audit import record_access
from academy.auth.policy import (
    authorize,
    can,
    has_role,
    register_rule,
    requires,
    roles_rule,
    scope_department_ids,
)
from academy.clock import to_berlin, utcnow, years_between
from academy.errors import DomainError
from academy.extensions import db
from academy.forms_org import DepartmentHeadForm, EmployeeFilterForm
from academy.i18n import N_, translate
from academy.models import Department, Employee, Role, User
from academy.navigation import NavItem, add_nav
from academy.org import employees_query
from academy.org_admin import (
    account_of,
    active_member_counts,
    children_of,
    department_path,
    department_tree,
    departments_headed_by,
    order_as_tree,
    set_department_head,
)

bp = Blueprint("org", __name__)


def _view_department(user: User, target: Any) -> bool:
    """HR and administrators: every department; a head: the departments of their subtrees."""
    if has_role(user, Role.HR, Role.ADMIN):
        return True
    if not has_role(user, Role.HEAD):
        return False
    return target is None or target.id in scope_department_ids(user)


def _any_account(user: User, target: Any) -> bool:
    """Opening a personnel record page; whose record is checked with ``employee.view``."""
    return True


register_rule("department.view", _view_department)
register_rule("department.set_head", roles_rule(Role.HR))
register_rule("employee.open", _any_account)

add_nav(NavItem("org.employees", N_("Staff"), "org.view", "main", order=30))
add_nav(NavItem("org.index", N_("Organisation"), "org.view", "main", order=31))


def _scope(user: User) -> set[int] | None:
    """The departments this user may list: None means all."""
    if has_role(user, Role.HR, Role.ADMIN):
        return None
    return scope_department_ids(user)


def _page_number() -> int:
    return max(request.args.get("page", 1, type=int) or 1, 1)


@bp.get("/organisation")
@requires("org.view")
def index() -> str:
    rows = department_tree(_scope(current_user))
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
    members = db.paginate(
        select(Employee)
        .options(joinedload(Employee.job_role))
        .where(Employee.department_id == dept.id, Employee.active.is_(True))
        .order_by(Employee.last_name, Employee.first_name, Employee.id),
        page=_page_number(),
        per_page=current_app.config["PAGE_SIZE"],
        error_out=False,
    )
    subtree_total = db.session.scalar(
        select(func.count())
        .select_from(Employee)
        .join(Department, Employee.department_id == Department.id)
        .where(Employee.active.is_(True), Department.path.startswith(dept.path))
    )
    path = department_path(dept)
    html = render_template(
        "academy/org/department.html",
        dept=dept,
        path=[(d, can(current_user, "department.view", d)) for d in path],
        children=children,
        counts=counts,
        members=members,
        subtree_total=subtree_total or 0,
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
        set_department_head(current_user._get_current_object(), dept, employee, now=utcnow())
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
    scope = _scope(current_user)
    query = select(Department).order_by(Department.path)
    if scope is not None:
        query = query.where(Department.id.in_(scope))
    ordered = order_as_tree(db.session.scalars(query))
    form = EmployeeFilterForm(formdata=request.args)
    form.set_departments(ordered)
    form.validate()
    department_ids = scope
    chosen = None
    if form.department.data and not form.department.errors:
        chosen = next(d for d, _depth in ordered if str(d.id) == form.department.data)
        if form.sub.data:
            department_ids = {d.id for d, _depth in ordered if d.path.startswith(chosen.path)}
        else:
            department_ids = {chosen.id}
    search = form.q.data.strip() if form.q.data and not form.q.errors else None
    page = db.paginate(
        employees_query(department_ids, search, include_inactive=bool(form.inactive.data)).options(
            joinedload(Employee.department), joinedload(Employee.job_role)
        ),
        page=_page_number(),
        per_page=current_app.config["PAGE_SIZE"],
        error_out=False,
    )
    return render_template("academy/org/employees.html", form=form, page=page, chosen=chosen)


@bp.get("/organisation/beschaeftigte/<int:employee_id>")
@requires("employee.open")
def employee(employee_id: int) -> str:
    emp = db.session.scalar(
        select(Employee)
        .options(joinedload(Employee.department), joinedload(Employee.job_role))
        .where(Employee.id == employee_id)
    )
    if emp is None:
        abort(404)
    authorize("employee.view", emp)
    account = account_of(emp)
    headed = departments_headed_by(emp.id)
    account_roles: list[Role] = []
    if account is not None:
        held = account.assigned_roles | {Role.EMPLOYEE} | ({Role.HEAD} if headed else set())
        account_roles = [r for r in Role if r in held]
    today = to_berlin(utcnow()).date()
    html = render_template(
        "academy/org/employee.html",
        emp=emp,
        own=emp.id == current_user.employee_id,
        path=department_path(emp.department),
        can_open_department=can(current_user, "department.view", emp.department),
        years=years_between(emp.entry_date, emp.left_on or today) if emp.entry_date else None,
        account=account,
        account_roles=account_roles,
        headed=headed,
    )
    # Rendered first, then the view of someone else's record is logged and committed
    # before the page is sent (one's own record is not logged).
    record_access(current_user._get_current_object(), emp.id, "employee.record")
    db.session.commit()
    return html
