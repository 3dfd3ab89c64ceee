"""Staff import: upsert employees, departments and job roles from an HR file.

``preview_staff_file(content, filename, now=…)`` reads a CSV or XLSX file (see
``academy.org.staff_import.files`` for formats, ``academy.org.staff_import.columns`` for the
columns), checks it (``academy.org.staff_import.checks``) and compares it with the database
(``academy.org.staff_import.plan``); ``apply_staff_import(actor, preview,
deactivate_missing=…, now=…)`` carries it out in the current transaction (the caller
commits once).

Rules
- The personnel number is the key: a known number updates that person, an unknown one
  creates them. Importing the same file twice changes nothing the second time.
- Optional columns that are missing leave their fields alone; an empty cell in a
  present column clears the field (e-mail, job role, entry date, pay group).
- Everyone in the file is active unless the column ``Aktiv`` says ``nein``; a person
  becoming inactive gets ``left_on`` = today (Berlin), a returning person loses it.
- ``deactivate_missing``: active people not in the file become inactive (left today).
- Departments are matched by code: unknown codes are created (they need a name), names,
  parents and the head flag update known ones. The tree paths are recomputed in bulk.
- Job roles are matched by code, then by title (case ignored); unknown ones are created.
- Any problem in the file: nothing is applied (``apply_staff_import`` refuses).
- Audit: one entry ``staff.import`` per applied import, with the counts and the
  deactivated personnel numbers — also when nothing changed, so each run is on record.
- Fast: the database is read once into dicts and written with bulk statements; no
  per-row queries.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import Any

from blinker import Namespace
from sqlalchemy import insert, select, text, update

from academy.accounts.models import User
from academy.audit.log import record
from academy.auth.signon.provisioning import close_accounts_of
from academy.clock import to_berlin
from academy.errors import ValidationFailed
from academy.extensions import db
from academy.i18n import N_
from academy.imports.limits import ImportLimits
from academy.org.models import Department, Employee, JobRole
from academy.org.names import name_key
from academy.org.staff_import.checks import StaffFile, parse_staff_file
from academy.org.staff_import.plan import (
    CHANGES_SHOWN,
    DepartmentChange,
    ImportPlan,
    RowChange,
    StaffImportPreview,
    build_preview,
)

__all__ = [
    "CHANGES_SHOWN",
    "DepartmentChange",
    "ImportResult",
    "RowChange",
    "StaffImportPreview",
    "apply_staff_import",
    "employees_deactivated",
    "lock_staff_import",
    "preview_staff_file",
    "preview_staff_import",
]

signals = Namespace()
#: Sent after an import deactivated people: ``employee_ids`` (list of int), ``now``.
employees_deactivated = signals.signal("staff-import-employees-deactivated")


@dataclass
class ImportResult:
    new: int
    changed: int
    unchanged: int
    deactivated: int
    departments_new: int
    departments_changed: int
    job_roles_new: int
    deactivated_personnel_nos: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["deactivated_personnel_nos"] = self.deactivated_personnel_nos[:1000]
        return data


#: Key of the PostgreSQL advisory lock that serialises imports.
_LOCK_KEY = 0x5354_4146  # "STAF"


def lock_staff_import() -> None:
    """Serialise imports until the transaction ends: call it before the preview that
    will be applied. PostgreSQL: an advisory lock; SQLite has a single writer anyway
    (a concurrent second import fails as a whole and changes nothing)."""
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _LOCK_KEY})


def preview_staff_file(
    content: bytes, filename: str, *, now: datetime, limits: ImportLimits | None = None
) -> StaffImportPreview:
    """Read ``content`` (CSV or XLSX) and compare it with the database (reads only). A
    file over ``limits`` (default: the web's) raises ``ImportRefused`` (nothing read)."""
    return build_preview(parse_staff_file(content, filename, limits), now=now)


def preview_staff_import(staff: StaffFile, *, now: datetime) -> StaffImportPreview:
    """Compare already parsed rows with the database (reads only)."""
    return build_preview(staff, now=now)


def apply_staff_import(
    actor: User | None,
    preview_or_rows: StaffImportPreview | StaffFile,
    *,
    deactivate_missing: bool,
    now: datetime,
) -> ImportResult:
    """Carry out the import in the current transaction; refuses a file with problems.

    The preview must have been made in the same transaction (after
    ``lock_staff_import``), so that it still describes the database."""
    preview = (
        preview_or_rows
        if isinstance(preview_or_rows, StaffImportPreview)
        else preview_staff_import(preview_or_rows, now=now)
    )
    if preview.problems:
        raise ValidationFailed(
            N_("Problems in the file: %(count)s; nothing was imported."),
            count=len(preview.problems),
        )
    plan = preview.plan
    today = to_berlin(now).date()
    db.session.flush()
    role_ids = dict(plan.role_ids) | _insert_job_roles(plan)
    dept_ids = _upsert_departments(plan)
    deactivated: list[tuple[int, str]] = plan.missing if deactivate_missing else []
    ids = [emp_id for emp_id, _ in deactivated]
    _write_employees(plan, role_ids, dept_ids, ids, today=today, now=now)
    _set_heads(plan)
    # People who left lose their accounts' login sessions at once (and cannot sign in).
    left = ids + [e["id"] for e in plan.changed_employees if not e["active"]]
    close_accounts_of(actor, left, now=now)
    result = ImportResult(
        new=preview.new,
        changed=preview.changed,
        unchanged=preview.unchanged,
        deactivated=len(deactivated),
        departments_new=preview.departments_new,
        departments_changed=preview.departments_changed,
        job_roles_new=preview.job_roles_new,
        deactivated_personnel_nos=sorted(pn for _, pn in deactivated),
    )
    record(
        actor,
        "staff.import",
        "staff_import",
        None,
        to_state="applied",
        now=now,
        details={
            "filename": preview.filename,
            "rows": preview.rows,
            "deactivate_missing": deactivate_missing,
        }
        | result.as_dict(),
    )
    db.session.flush()
    db.session.expire_all()  # bulk statements bypass the identity map
    if ids:
        employees_deactivated.send(None, employee_ids=ids, now=now)
    return result


# ---------------------------------------------------------------------------
# Bulk writes
# ---------------------------------------------------------------------------


def _write_employees(
    plan: ImportPlan,
    role_ids: dict[str, int],
    dept_ids: dict[str, int],
    deactivate: list[int],
    *,
    today: date,
    now: datetime,
) -> None:
    """Insert new and update changed employees; deactivate ``deactivate`` (ids)."""

    def resolve(values: dict[str, Any]) -> dict[str, Any]:
        out = dict(values)
        if isinstance(out["department_id"], tuple):  # ("new", code)
            out["department_id"] = dept_ids[out["department_id"][1]]
        if isinstance(out.get("job_role_id"), tuple):  # ("new", key)
            out["job_role_id"] = role_ids[out["job_role_id"][1]]
        out["updated_at"] = now
        if "last_name" in out or "first_name" in out:  # German name order (org.names)
            out["name_key"] = name_key(out.get("last_name"), out.get("first_name"))
        return out

    if plan.new_employees:
        db.session.execute(
            insert(Employee),
            [resolve(e) | {"created_at": now} for e in plan.new_employees],
        )
    if plan.changed_employees:
        db.session.execute(update(Employee), [resolve(e) for e in plan.changed_employees])
    for start in range(0, len(deactivate), 500):
        db.session.execute(
            update(Employee)
            .where(Employee.id.in_(deactivate[start : start + 500]))
            .values(active=False, left_on=today, updated_at=now)
            .execution_options(synchronize_session=False)
        )


def _insert_job_roles(plan: ImportPlan) -> dict[str, int]:
    if not plan.new_roles:
        return {}
    keys = list(plan.new_roles)
    ids = db.session.scalars(
        insert(JobRole).returning(JobRole.id, sort_by_parameter_order=True),
        [{"code": plan.new_roles[k][0], "title": plan.new_roles[k][1]} for k in keys],
    ).all()
    return dict(zip(keys, ids, strict=True))


def _upsert_departments(plan: ImportPlan) -> dict[str, int]:
    """Create new departments, set names and parents, recompute every path in bulk."""
    state = {code: dict(d) for code, d in plan.departments.items()}
    if plan.new_departments:
        codes = list(plan.new_departments)
        ids = db.session.scalars(
            insert(Department).returning(Department.id, sort_by_parameter_order=True),
            [
                {"code": c, "name": plan.new_departments[c], "path": "/", "active": True}
                for c in codes
            ],
        ).all()
        for code, dept_id in zip(codes, ids, strict=True):
            state[code] = {
                "id": dept_id,
                "code": code,
                "name": plan.new_departments[code],
                "parent_id": None,
                "path": "/",
                "head_id": None,
                "active": True,
            }
    wanted = {code: dict(d) for code, d in state.items()}
    for code, name in plan.department_names.items():
        wanted[code]["name"] = name
    for code in plan.file_departments:
        wanted[code]["active"] = True
    for code, parent in plan.department_parents.items():
        wanted[code]["parent_id"] = state[parent]["id"] if parent else None
    by_id = {d["id"]: d for d in wanted.values()}
    paths: dict[int, str] = {}

    def path_of(dept_id: int) -> str:
        chain = []
        current: int | None = dept_id
        while current is not None and current not in paths:
            chain.append(current)
            current = by_id[current]["parent_id"]
        base = paths[current] if current is not None else "/"
        for node in reversed(chain):
            base = paths[node] = f"{base}{node}/"
        return paths[dept_id]

    updates = []
    for code, dept in wanted.items():
        dept["path"] = path_of(dept["id"])
        old = state[code]
        if any(dept[k] != old[k] for k in ("name", "parent_id", "path", "active")):
            updates.append({k: dept[k] for k in ("id", "name", "parent_id", "path", "active")})
    if updates:
        db.session.execute(update(Department), updates)
    return {code: d["id"] for code, d in wanted.items()}


def _set_heads(plan: ImportPlan) -> None:
    if not plan.heads:
        return
    missing = [pn for pn in plan.heads.values() if pn not in plan.employee_ids]
    if missing:
        plan.employee_ids.update(
            dict(
                db.session.execute(
                    select(Employee.personnel_no, Employee.id).where(
                        Employee.personnel_no.in_(missing)
                    )
                ).all()
            )
        )
    dept_ids = dict(
        db.session.execute(
            select(Department.code, Department.id).where(Department.code.in_(list(plan.heads)))
        ).all()
    )
    current = dict(
        db.session.execute(
            select(Department.id, Department.head_id).where(Department.id.in_(dept_ids.values()))
        ).all()
    )
    updates = [
        {"id": dept_ids[code], "head_id": plan.employee_ids[pn]}
        for code, pn in plan.heads.items()
        if current.get(dept_ids[code]) != plan.employee_ids[pn]
    ]
    if updates:
        db.session.execute(update(Department), updates)
