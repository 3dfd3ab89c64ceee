"""Staff import: turn a file's rows into checked ``StaffRow``s and find every problem.

Row checks need no database; ``check_departments`` is given the known departments.
Each problem names its line (header = line 1) and column (as written in the file).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from academy.i18n import N_
from academy.imports.limits import ImportLimits
from academy.org.staff_import.columns import COLUMN_BY_FIELD, Problem
from academy.org.staff_import.files import clean_text, is_email, parse_date, parse_flag, read_table

#: Columns whose cells are parsed as dates or flags rather than text.
_TYPED = frozenset({"entry_date", "employment_percent", "head", "active"})

#: Longest values the database columns take.
MAX_LENGTHS = {
    "personnel_no": 32,
    "first_name": 100,
    "last_name": 100,
    "email": 254,
    "department_code": 32,
    "department_name": 200,
    "parent_department_code": 32,
    "job_role": 200,
    "pay_group": 20,
}


@dataclass
class StaffRow:
    line: int
    personnel_no: str
    first_name: str
    last_name: str
    department_code: str
    email: str | None = None
    department_name: str | None = None
    parent_code: str | None = None
    job_role: str | None = None
    entry_date: date | None = None
    pay_group: str | None = None
    employment_percent: int | None = None
    head: bool | None = None
    active: bool | None = None


@dataclass
class StaffFile:
    """The checked rows of a staff file. ``columns`` are the fields present; ``fatal``
    means the rows could not be read at all (unreadable file, required column missing)."""

    filename: str
    columns: frozenset[str] = frozenset()
    labels: dict[str, str] = field(default_factory=dict)
    rows: list[StaffRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    fatal: bool = False


def parse_staff_file(
    content: bytes, filename: str, limits: ImportLimits | None = None
) -> StaffFile:
    """Read and check a CSV/XLSX staff file (no database access); a file over ``limits``
    (default: the web's) raises ``academy.imports.limits.ImportRefused``."""
    table = read_table(content, filename, limits)
    staff = StaffFile(
        filename=filename,
        columns=frozenset(table.fields),
        labels=dict(table.labels),
        problems=list(table.problems),
        ignored_columns=table.ignored_columns,
    )
    if table.problems:
        staff.fatal = True
        return staff
    texts = [(n, i, MAX_LENGTHS.get(n)) for n, i in table.fields.items() if n not in _TYPED]
    typed = [(n, i) for n, i in table.fields.items() if n in _TYPED]
    first_line: dict[str, int] = {}
    for line, values in table.rows:
        size = len(values)
        cells = {n: clean_text(values[i]) if i < size else "" for n, i, _ in texts}
        for n, i in typed:
            cells[n] = values[i] if i < size else None
        row = _row(line, cells, texts, staff)
        staff.rows.append(row)
        if row.personnel_no:
            if row.personnel_no in first_line:
                staff.problems.append(
                    Problem(
                        line,
                        staff.labels["personnel_no"],
                        N_(
                            "The personnel number %(number)s appears twice: in line %(first)s "
                            "and in line %(line)s."
                        ),
                        {
                            "number": row.personnel_no,
                            "first": first_line[row.personnel_no],
                            "line": line,
                        },
                    )
                )
            else:
                first_line[row.personnel_no] = line
    return staff


def _row(
    line: int,
    cells: dict[str, Any],
    text_columns: list[tuple[str, int, int | None]],
    staff: StaffFile,
) -> StaffRow:
    """Check one row: ``cells`` holds cleaned text, and raw values for typed columns."""
    problems = staff.problems
    labels = staff.labels
    texts: dict[str, str] = cells
    for name, _, limit in text_columns:
        if limit is not None and len(texts[name]) > limit:
            problems.append(
                Problem(
                    line,
                    labels[name],
                    N_("The value is too long (at most %(max)s characters)."),
                    {"max": limit},
                )
            )
    for name in ("personnel_no", "first_name", "last_name", "department_code"):
        if not texts.get(name):
            problems.append(Problem(line, labels[name], N_("This required cell is empty.")))
    email = texts.get("email") or None
    if email is not None and not is_email(email):
        problems.append(
            Problem(
                line,
                labels["email"],
                N_("%(value)s is not a valid e-mail address."),
                {"value": email},
            )
        )
    row = StaffRow(
        line=line,
        personnel_no=texts["personnel_no"],
        first_name=texts["first_name"],
        last_name=texts["last_name"],
        department_code=texts["department_code"],
        email=email,
        department_name=texts.get("department_name") or None,
        parent_code=texts.get("parent_department_code") or None,
        job_role=texts.get("job_role") or None,
        pay_group=texts.get("pay_group") or None,
    )
    if "entry_date" in cells:
        try:
            row.entry_date = parse_date(cells["entry_date"])
        except ValueError:
            problems.append(
                Problem(
                    line,
                    labels["entry_date"],
                    N_("%(value)s is not a valid date (use 31.12.2019 or 2019-12-31)."),
                    {"value": clean_text(cells["entry_date"])},
                )
            )
    raw = cells.get("employment_percent")
    if raw is not None and clean_text(raw):
        try:
            row.employment_percent = parse_percent(raw)
        except ValueError:
            problems.append(
                Problem(
                    line,
                    labels["employment_percent"],
                    N_(
                        "%(value)s is not a share of full-time (use a whole number from 1 "
                        "to 100, e.g. 75, or Vollzeit)."
                    ),
                    {"value": clean_text(raw)[:40]},
                )
            )
    for name in ("head", "active"):
        if name in cells:
            try:
                setattr(row, name, parse_flag(cells[name]))
            except ValueError:
                problems.append(
                    Problem(
                        line,
                        labels[name],
                        N_("%(value)s is not a yes/no value (use ja or nein)."),
                        {"value": clean_text(cells[name])},
                    )
                )
    return row


_PERCENT = re.compile(r"^(\d{1,3}(?:[.,]\d+)?)\s*(%|prozent)?$")


def parse_percent(cell: Any) -> int:
    """A share of full-time in percent: "75", "75 %", "75,0", "100" or "Vollzeit" (100);
    a fraction up to 1 written without a per-cent sign ("0,75") and a number cell up to 1
    (Excel keeps 80 % as 0.8, and 100 % as 1) are a share of one. ValueError for
    anything else, for fractions of a per cent and for 0 or more than 100."""
    if isinstance(cell, int | float) and not isinstance(cell, bool):
        number = float(cell) * 100 if 0 < cell <= 1 else float(cell)
        return _whole_percent(number, cell)
    text = clean_text(cell)
    value = text.casefold()
    if value in ("vollzeit", "full-time", "full time"):
        return 100
    match = _PERCENT.match(value)
    if match is None:
        raise ValueError(text)
    digits, sign = match.groups()
    number = float(digits.replace(",", "."))
    if sign is None and ("," in digits or "." in digits) and number <= 1:
        number *= 100  # a share of one
    return _whole_percent(number, text)


def _whole_percent(number: float, cell: Any) -> int:
    rounded = round(number, 6)
    if not rounded.is_integer() or not 1 <= rounded <= 100:
        raise ValueError(cell)
    return int(rounded)


def check_departments(staff: StaffFile, known: dict[str, str | None]) -> list[Problem]:
    """Problems with the departments of the file. ``known`` maps each department code in
    the database to its parent's code."""
    problems: list[Problem] = []
    name_label = staff.labels.get("department_name", COLUMN_BY_FIELD["department_name"].label)
    parent_label = staff.labels.get(
        "parent_department_code", COLUMN_BY_FIELD["parent_department_code"].label
    )
    names: dict[str, tuple[str, int]] = {}
    parents: dict[str, tuple[str, int]] = {}
    first_seen: dict[str, int] = {}
    heads: dict[str, int] = {}
    for row in staff.rows:
        code = row.department_code
        if not code:
            continue
        first_seen.setdefault(code, row.line)
        if row.department_name:
            first = names.setdefault(code, (row.department_name, row.line))
            if first[0] != row.department_name:
                problems.append(
                    Problem(
                        row.line,
                        name_label,
                        N_(
                            "Department %(code)s has two names: %(first_name)s (line %(first)s) "
                            "and %(name)s."
                        ),
                        {
                            "code": code,
                            "first_name": first[0],
                            "first": first[1],
                            "name": row.department_name,
                        },
                    )
                )
        if row.parent_code:
            first = parents.setdefault(code, (row.parent_code, row.line))
            if first[0] != row.parent_code:
                problems.append(
                    Problem(
                        row.line,
                        parent_label,
                        N_(
                            "Department %(code)s has two parent departments: %(first_parent)s "
                            "(line %(first)s) and %(parent)s."
                        ),
                        {
                            "code": code,
                            "first_parent": first[0],
                            "first": first[1],
                            "parent": row.parent_code,
                        },
                    )
                )
        if row.head:
            if row.active is False:
                problems.append(
                    Problem(
                        row.line,
                        staff.labels["head"],
                        N_("A person marked as inactive cannot head a department."),
                    )
                )
            if code in heads:
                problems.append(
                    Problem(
                        row.line,
                        staff.labels["head"],
                        N_("Department %(code)s has two heads: line %(first)s and line %(line)s."),
                        {"code": code, "first": heads[code], "line": row.line},
                    )
                )
            else:
                heads[code] = row.line
    in_file = set(first_seen)
    for code, line in first_seen.items():
        if code not in known and code not in names:
            problems.append(
                Problem(
                    line,
                    name_label,
                    N_("Department %(code)s is new and needs a name."),
                    {"code": code},
                )
            )
    for parent, line in parents.values():
        if parent not in in_file and parent not in known:
            problems.append(
                Problem(
                    line,
                    parent_label,
                    N_("The parent department %(parent)s is neither in the file nor known."),
                    {"parent": parent},
                )
            )
    problems += _cycles(staff, known, parents, parent_label)
    return problems


def _cycles(
    staff: StaffFile, known: dict[str, str | None], parents: dict[str, tuple[str, int]], label: str
) -> list[Problem]:
    """Departments that would end up below themselves."""
    final: dict[str, str | None] = dict(known)
    if "parent_department_code" in staff.columns:
        for row in staff.rows:
            if row.department_code:
                final.setdefault(row.department_code, None)
                if row.department_code not in parents:
                    final[row.department_code] = None
        final.update({code: parent for code, (parent, _) in parents.items()})
    problems: list[Problem] = []
    reported: set[str] = set()
    for start, (_, line) in sorted(parents.items(), key=lambda item: item[1][1]):
        chain = [start]
        current = final.get(start)
        while current is not None and current not in chain and len(chain) <= len(final):
            chain.append(current)
            current = final.get(current)
        if current == start and not reported.intersection(chain):
            reported.update(chain)
            problems.append(
                Problem(
                    line,
                    label,
                    N_("Departments would form a cycle: %(cycle)s."),
                    {"cycle": " → ".join([*chain, start])},
                )
            )
    return problems
