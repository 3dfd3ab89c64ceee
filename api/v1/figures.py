"""Aggregate figures: the departments (to name a subtree) and the gaps report exactly as
the report pages compute it — ``reports.analytics.gaps.gaps_report`` with the staff
council's reach (the whole organisation, aggregates only) and ``MIN_GROUP_SIZE``, so the
minimum group size and the secondary suppression of ``reports.analytics.suppression``
withhold the same figures here as on the pages and in their exports."""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd
from flask import current_app
from flask_babel import gettext
from sqlalchemy import Select, select

from academy.extensions import db
from academy.frameworks.models import CompetenceArea
from academy.i18n import N_
from academy.org.models import Department, JobRole
from api.errors import problem
from reports.analytics.gaps import GAP_FIGURES, gaps_report
from reports.analytics.report_model import WITHHELD, Filters, Part, ReportScope

INTEGER_FIGURES = {"with_target", "below_target", "total_gap"}


def departments_statement(args: dict[str, Any]) -> Select[tuple[Department]]:
    statement = select(Department).order_by(Department.path, Department.id)
    if not args.get("include_inactive"):
        statement = statement.where(Department.active.is_(True))
    return statement


def department_item(department: Department) -> dict[str, Any]:
    return {
        "id": department.id,
        "code": department.code,
        "name": department.name,
        "parent_id": department.parent_id,
        "active": department.active,
    }


def _check_exists(model: Any, value: int | None, message: str) -> None:
    if value is not None and db.session.get(model, value) is None:
        problem(404, message)


def _figure(name: str, value: Any) -> Any:
    if value is None or pd.isna(value):
        return None
    return int(value) if name in INTEGER_FIGURES else round(float(value), 4)


def _rows(part: Part) -> list[dict[str, Any]]:
    frame = part.frame
    rows = []
    for index, key in enumerate(part.row_keys):
        record = frame.iloc[index]
        kind, ident = (key[0], None) if len(key) == 1 else (key[0], int(key[1]))
        rows.append(
            {
                "kind": kind,
                "id": ident,
                "label": str(record["group"]),
                **{name: _figure(name, record[name]) for name in GAP_FIGURES},
                "withheld": bool(record[WITHHELD]),
            }
        )
    return rows


def gaps(args: dict[str, Any], today: date) -> dict[str, Any]:
    _check_exists(Department, args.get("department_id"), N_("There is no such department."))
    _check_exists(JobRole, args.get("job_role_id"), N_("There is no such job role."))
    _check_exists(CompetenceArea, args.get("area_id"), N_("There is no such competence area."))
    minimum = int(current_app.config.get("MIN_GROUP_SIZE", 5))
    scope = ReportScope.whole_organisation(minimum, aggregates_only=True)
    filters = Filters(
        department_id=args.get("department_id"),
        job_role_id=args.get("job_role_id"),
        area_id=args.get("area_id"),
    )
    report = gaps_report(scope, filters, today)
    return {
        "department_id": filters.department_id,
        "job_role_id": filters.job_role_id,
        "area_id": filters.area_id,
        "min_group_size": minimum,
        "parts": [
            {
                "key": part.key,
                "title": gettext(part.title),
                "rows": _rows(part),
                "notes": [gettext(note) for note in part.notes],
            }
            for part in report.parts
        ],
    }
