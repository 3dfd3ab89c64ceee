"""Staff import: compare a checked file with the database and plan every change.

The database is read once (departments, job roles, employees as plain tuples); the
result is a ``StaffImportPreview`` for display with an ``ImportPlan`` inside that
``academy.org.staff_import.importer.apply_staff_import`` carries out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import select

from academy.clock import to_berlin
from academy.extensions import db
from academy.i18n import N_
from academy.org.models import Department, Employee, JobRole
from academy.org.staff_import.checks import StaffFile, StaffRow, check_departments
from academy.org.staff_import.columns import COLUMNS, Problem

#: How many changed rows a preview keeps for display (the counts cover all rows).
CHANGES_SHOWN = 200

_EMPLOYEE_FIELDS = (
    "first_name",
    "last_name",
    "email",
    "department_id",
    "job_role_id",
    "entry_date",
    "pay_group",
    "employment_percent",
    "active",
    "left_on",
)
FIELD_LABELS: dict[str, str] = {
    "first_name": N_("First name"),
    "last_name": N_("Last name"),
    "email": N_("E-mail"),
    "department_id": N_("Department"),
    "job_role_id": N_("Job role"),
    "entry_date": N_("Entry date"),
    "pay_group": N_("Pay group"),
    "employment_percent": N_("Share of full-time in percent"),
    "active": N_("Active"),
    "left_on": N_("Left on"),
}


@dataclass
class RowChange:
    """One new or changed person, for display: ``fields`` is (label, old, new)."""

    line: int
    personnel_no: str
    name: str
    kind: str  # "new" or "changed"
    fields: list[tuple[str, Any, Any]]


@dataclass
class DepartmentChange:
    code: str
    name: str
    kind: str  # "new" or "changed"
    fields: list[tuple[str, Any, Any]]


@dataclass
class ImportPlan:
    """Everything ``apply`` needs, with references by code where ids do not exist yet."""

    role_ids: dict[str, int] = field(default_factory=dict)  # key → id of a known role
    new_roles: dict[str, tuple[str, str]] = field(default_factory=dict)  # key → code, title
    departments: dict[str, dict[str, Any]] = field(default_factory=dict)  # code → loaded
    new_departments: dict[str, str] = field(default_factory=dict)  # code → name
    file_departments: set[str] = field(default_factory=set)
    department_names: dict[str, str] = field(default_factory=dict)
    department_parents: dict[str, str | None] = field(default_factory=dict)
    heads: dict[str, str] = field(default_factory=dict)  # department code → personnel no
    new_employees: list[dict[str, Any]] = field(default_factory=list)
    changed_employees: list[dict[str, Any]] = field(default_factory=list)
    employee_ids: dict[str, int] = field(default_factory=dict)
    missing: list[tuple[int, str]] = field(default_factory=list)  # active, not in file


@dataclass
class StaffImportPreview:
    """What applying the file would do. ``deactivated`` counts the active people not in
    the file (deactivated only when the import is applied with ``deactivate_missing``)."""

    filename: str
    rows: int = 0
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    deactivated: int = 0
    departments_new: int = 0
    departments_changed: int = 0
    job_roles_new: int = 0
    columns: list[str] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    changes: list[RowChange] = field(default_factory=list)
    department_changes: list[DepartmentChange] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    plan: ImportPlan = field(default_factory=ImportPlan, repr=False)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def changes_total(self) -> int:
        return self.new + self.changed

    def summary(self) -> dict[str, Any]:
        """The counts (for ``Upload.summary``)."""
        keys = (
            "rows",
            "new",
            "changed",
            "unchanged",
            "deactivated",
            "departments_new",
            "departments_changed",
            "job_roles_new",
        )
        return {k: getattr(self, k) for k in keys} | {"problems": len(self.problems)}


def build_preview(staff: StaffFile, *, now: datetime) -> StaffImportPreview:
    """Compare checked rows with the database (reads only, a few queries in all)."""
    preview = StaffImportPreview(
        filename=staff.filename,
        rows=len(staff.rows),
        problems=list(staff.problems),
        columns=[staff.labels[c.field] for c in COLUMNS if c.field in staff.columns],
        ignored_columns=staff.ignored_columns,
    )
    if staff.fatal:
        return preview
    plan = preview.plan
    today = to_berlin(now).date()
    _load_departments(plan)
    id_to_code = {d["id"]: code for code, d in plan.departments.items()}
    known_parents = {c: id_to_code.get(d["parent_id"]) for c, d in plan.departments.items()}
    preview.problems += check_departments(staff, known_parents)
    _plan_job_roles(staff, plan)
    preview.job_roles_new = len(plan.new_roles)
    _plan_departments(staff, plan, preview)
    _plan_employees(staff, plan, preview, today)
    preview.problems.sort(key=lambda p: p.line or 0)
    return preview


def _load_departments(plan: ImportPlan) -> None:
    rows = db.session.execute(
        select(
            Department.id,
            Department.code,
            Department.name,
            Department.parent_id,
            Department.path,
            Department.head_id,
            Department.active,
        )
    )
    keys = list(rows.keys())
    for row in rows:
        plan.departments[row.code] = dict(zip(keys, row, strict=True))


def _plan_job_roles(staff: StaffFile, plan: ImportPlan) -> None:
    if "job_role" not in staff.columns:
        return
    by_code: dict[str, int] = {}
    by_title: dict[str, int] = {}
    codes: set[str] = set()
    for role_id, code, title in db.session.execute(
        select(JobRole.id, JobRole.code, JobRole.title).order_by(JobRole.id)
    ):
        by_code.setdefault(code.casefold(), role_id)
        by_title.setdefault(title.casefold(), role_id)
        codes.add(code.casefold())
    for row in staff.rows:
        if not row.job_role:
            continue
        key = row.job_role.casefold()
        if key in plan.role_ids or key in plan.new_roles:
            continue
        known = by_code.get(key) or by_title.get(key)
        if known is not None:
            plan.role_ids[key] = known
        else:
            plan.new_roles[key] = (_role_code(row.job_role, codes), row.job_role)


def _role_code(title: str, taken: set[str]) -> str:
    """A short unique code for a new job role made from its title."""
    text = title.upper()
    for umlaut, plain in (("Ä", "AE"), ("Ö", "OE"), ("Ü", "UE"), ("ß", "SS"), ("ẞ", "SS")):
        text = text.replace(umlaut, plain)
    base = re.sub(r"[^A-Z0-9]+", "-", text).strip("-")[:32] or "STELLE"
    code, n = base, 1
    while code.casefold() in taken:
        n += 1
        code = f"{base[: 32 - len(str(n)) - 1]}-{n}"
    taken.add(code.casefold())
    return code


def _plan_departments(staff: StaffFile, plan: ImportPlan, preview: StaffImportPreview) -> None:
    has_parent = "parent_department_code" in staff.columns
    for row in staff.rows:
        code = row.department_code
        if not code:
            continue
        if row.department_name and code not in plan.department_names:
            plan.department_names[code] = row.department_name
        if has_parent and (code not in plan.department_parents or row.parent_code):
            plan.department_parents[code] = row.parent_code or None
        if row.head and row.personnel_no:
            plan.heads.setdefault(code, row.personnel_no)
    codes = plan.file_departments = {r.department_code for r in staff.rows if r.department_code}
    id_to_code = {d["id"]: c for c, d in plan.departments.items()}
    for code in sorted(codes):
        known = plan.departments.get(code)
        name = plan.department_names.get(code)
        if known is None:
            plan.new_departments[code] = name or code
            fields = [(N_("Name"), None, name)]
            if plan.department_parents.get(code):
                fields.append((N_("Parent department"), None, plan.department_parents[code]))
            preview.department_changes.append(DepartmentChange(code, name or code, "new", fields))
            continue
        fields = []
        if name and name != known["name"]:
            fields.append((N_("Name"), known["name"], name))
        if code in plan.department_parents:
            old_parent = id_to_code.get(known["parent_id"])
            if plan.department_parents[code] != old_parent:
                fields.append((N_("Parent department"), old_parent, plan.department_parents[code]))
        if not known["active"]:
            fields.append((N_("Active"), False, True))
        if fields:
            preview.department_changes.append(
                DepartmentChange(code, name or known["name"], "changed", fields)
            )
    preview.departments_new = len(plan.new_departments)
    preview.departments_changed = len(preview.department_changes) - preview.departments_new


def _plan_employees(
    staff: StaffFile, plan: ImportPlan, preview: StaffImportPreview, today: date
) -> None:
    columns = staff.columns
    existing: dict[str, dict[str, Any]] = {}
    names = ("id", "personnel_no", *_EMPLOYEE_FIELDS)
    for values in db.session.execute(select(*[getattr(Employee, n) for n in names])):
        record = dict(zip(names, values, strict=True))
        existing[record["personnel_no"]] = record
        plan.employee_ids[record["personnel_no"]] = record["id"]
    dept_ids = {code: d["id"] for code, d in plan.departments.items()}
    dept_codes = {d["id"]: code for code, d in plan.departments.items()}
    role_titles = dict(db.session.execute(select(JobRole.id, JobRole.title)).all())
    seen: set[str] = set()
    for row in staff.rows:
        if not row.personnel_no or row.personnel_no in seen:
            continue
        seen.add(row.personnel_no)
        wanted = _wanted(row, columns, plan, dept_ids)
        old = existing.get(row.personnel_no)
        if old is None:
            wanted["left_on"] = None if wanted["active"] else today
            plan.new_employees.append({"personnel_no": row.personnel_no} | wanted)
            preview.new += 1
            if len(preview.changes) < CHANGES_SHOWN:
                preview.changes.append(
                    RowChange(
                        row.line,
                        row.personnel_no,
                        f"{row.first_name} {row.last_name}",
                        "new",
                        [
                            (FIELD_LABELS[k], None, _show(k, v, dept_codes, role_titles, plan))
                            for k, v in wanted.items()
                            if v is not None and k != "active"
                        ],
                    )
                )
            continue
        if wanted["active"]:
            wanted["left_on"] = None
        else:
            wanted["left_on"] = old["left_on"] if not old["active"] and old["left_on"] else today
        diff = [k for k, v in wanted.items() if v != old[k]]
        if not diff:
            preview.unchanged += 1
            continue
        preview.changed += 1
        values = {f: old[f] for f in _EMPLOYEE_FIELDS} | wanted
        plan.changed_employees.append({"id": old["id"]} | values)
        if len(preview.changes) < CHANGES_SHOWN:
            preview.changes.append(
                RowChange(
                    row.line,
                    row.personnel_no,
                    f"{row.first_name} {row.last_name}",
                    "changed",
                    [
                        (
                            FIELD_LABELS[k],
                            _show(k, old[k], dept_codes, role_titles, plan),
                            _show(k, wanted[k], dept_codes, role_titles, plan),
                        )
                        for k in diff
                    ],
                )
            )
    plan.missing = [
        (old["id"], pn) for pn, old in existing.items() if old["active"] and pn not in seen
    ]
    preview.deactivated = len(plan.missing)
    _count_head_changes(plan, preview)


def _wanted(
    row: StaffRow, columns: frozenset[str], plan: ImportPlan, dept_ids: dict[str, int]
) -> dict[str, Any]:
    """The values the file asks for (department and new roles still by code/key)."""
    wanted: dict[str, Any] = {
        "first_name": row.first_name,
        "last_name": row.last_name,
        "department_id": dept_ids.get(row.department_code, ("new", row.department_code)),
        "active": row.active is not False,
    }
    if "email" in columns:
        wanted["email"] = row.email
    if "job_role" in columns:
        key = row.job_role.casefold() if row.job_role else None
        wanted["job_role_id"] = None if key is None else plan.role_ids.get(key, ("new", key))
    if "entry_date" in columns:
        wanted["entry_date"] = row.entry_date
    if "pay_group" in columns:
        wanted["pay_group"] = row.pay_group
    if "employment_percent" in columns:
        wanted["employment_percent"] = row.employment_percent
    return wanted


def _show(
    key: str, value: Any, dept_codes: dict[int, str], role_titles: dict[int, str], plan: ImportPlan
) -> Any:
    if isinstance(value, tuple):  # ("new", code or key)
        return plan.new_roles[value[1]][1] if key == "job_role_id" else value[1]
    if key == "department_id":
        return dept_codes.get(value, value)
    if key == "job_role_id":
        return role_titles.get(value, value)
    return value


def _count_head_changes(plan: ImportPlan, preview: StaffImportPreview) -> None:
    changed = {c.code for c in preview.department_changes}
    head_ids = {d["head_id"] for d in plan.departments.values() if d["head_id"] is not None}
    head_numbers = {i: pn for pn, i in plan.employee_ids.items() if i in head_ids}
    for code, personnel_no in plan.heads.items():
        known = plan.departments.get(code)
        if known is None:
            continue
        employee_id = plan.employee_ids.get(personnel_no)
        if employee_id is None or known["head_id"] != employee_id:
            entry = next((c for c in preview.department_changes if c.code == code), None)
            if entry is None:
                entry = DepartmentChange(code, known["name"], "changed", [])
                preview.department_changes.append(entry)
            entry.fields.append((N_("Head"), head_numbers.get(known["head_id"]), personnel_no))
            if code not in changed:
                preview.departments_changed += 1
                changed.add(code)
