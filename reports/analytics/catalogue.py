"""The HR reports: a registry of what exists and ``build`` for a reader.

``REPORTS`` maps a key to its ``ReportDef`` (title and description as ``N_`` source
strings, the builder ``(scope, filters, today) -> Report`` and which filters it uses).
``build(key, user, filters, today)`` derives the reader's ``ReportScope`` (HR: everything; a
department head: their subtree; the staff council: everything, aggregates only),
refuses individual reports to the staff council and leaves out individual parts for it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from academy.accounts.models import User
from academy.errors import NotFound, PermissionDenied
from academy.i18n import N_
from reports.analytics.cohorts import cohorts_report
from reports.analytics.compliance import compliance_report
from reports.analytics.demand import demand_report
from reports.analytics.gaps import gaps_report
from reports.analytics.matrix import matrix_report
from reports.analytics.participation import participation_report
from reports.analytics.report_model import Filters, Report, ReportScope
from reports.analytics.trends import trends_report

Builder = Callable[[ReportScope, Filters, date], Report]


@dataclass(frozen=True)
class ReportDef:
    key: str
    title: str  # N_ source string
    description: str  # N_ source string
    build: Builder
    #: The whole report is about single people (never for the staff council).
    individual: bool
    uses_area: bool
    uses_period: bool


REPORTS: dict[str, ReportDef] = {
    definition.key: definition
    for definition in (
        ReportDef(
            "matrix",
            N_("Competency matrix"),
            N_("Current level, target and gap of every person for each target competence."),
            matrix_report,
            individual=True,
            uses_area=True,
            uses_period=False,
        ),
        ReportDef(
            "gaps",
            N_("Competency gaps"),
            N_(
                "People below target, share and total gap by department, by job role "
                "and by competence."
            ),
            gaps_report,
            individual=False,
            uses_area=True,
            uses_period=False,
        ),
        ReportDef(
            "participation",
            N_("Participation"),
            N_(
                "UE per person and year; UE per person, completion, no-show and "
                "late-cancellation rates by department."
            ),
            participation_report,
            individual=False,
            uses_area=False,
            uses_period=True,
        ),
        ReportDef(
            "demand",
            N_("Unmet demand"),
            N_(
                "Waiting lists, declined and expired requests per course, open seats and "
                "suggested extra sessions."
            ),
            demand_report,
            individual=False,
            uses_area=False,
            uses_period=True,
        ),
        ReportDef(
            "cohorts",
            N_("Fast-track cohorts"),
            N_("Members, graduations, drop-outs and progress of each fast-track cohort."),
            cohorts_report,
            individual=False,
            uses_area=False,
            uses_period=True,
        ),
        ReportDef(
            "compliance",
            N_("Mandatory training"),
            N_(
                "Who has done their mandatory training: people done and overdue by "
                "department and by training."
            ),
            compliance_report,
            individual=False,
            uses_area=False,
            uses_period=False,
        ),
        ReportDef(
            "trends",
            N_("Trends by quarter"),
            N_("Enrolment requests, completions, UE, no-shows and completion rate per quarter."),
            trends_report,
            individual=False,
            uses_area=False,
            uses_period=True,
        ),
    )
}


def may_open(scope: ReportScope, definition: ReportDef) -> bool:
    """The staff council (aggregates only) never opens a report about single people."""
    return not (scope.aggregates_only and definition.individual)


def available_reports(user: User) -> list[ReportDef]:
    """The reports ``user`` may open (the staff council: none that are individual)."""
    scope = ReportScope.for_user(user)
    return [r for r in REPORTS.values() if may_open(scope, r)]


def definition_for(key: str, scope: ReportScope) -> ReportDef:
    """The report ``key`` if the reader may open it. ``NotFound`` for an unknown key,
    ``PermissionDenied`` for an individual report and the staff council."""
    definition = REPORTS.get(key)
    if definition is None:
        raise NotFound(N_("There is no such report."))
    if not may_open(scope, definition):
        raise PermissionDenied(
            N_("This report shows single people; the staff council sees aggregated reports only.")
        )
    return definition


def build(key: str, user: User, filters: Filters, today: date) -> Report:
    """The report ``key`` for ``user`` (see ``definition_for``); individual parts are left
    out for the staff council."""
    scope = ReportScope.for_user(user)
    report = definition_for(key, scope).build(scope, filters, today)
    if scope.aggregates_only:
        report.parts = [part for part in report.parts if not part.individual]
    return report
