"""What the results pages show and the files hold, built from the request: who reads
(HR, a trainer, the staff council), the filters, the reports, the parts formatted for
the page (chart, table, ``ROWS_PER_PAGE`` rows per page with their own page argument)
and the trainers whose results were looked at (for the access log — never anyone who
answered: the results name nobody who answered)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from flask import abort, request, url_for
from flask_babel import format_percent, gettext
from markupsafe import Markup
from sqlalchemy import select

from academy.accounts.models import Role, User
from academy.auth.policy import authorize, has_role
from academy.clock import to_berlin
from academy.extensions import db
from academy.i18n import N_
from courses.catalogue.models import PROVIDER_LABELS, Course, Provider
from courses.evaluations.models import EvaluationRound
from courses.evaluations.pages import found, rounds_page
from courses.evaluations.results import (
    OPEN,
    RELEASED,
    WITHHELD,
    answer_count,
    minimum,
    released_stats,
    round_results,
    status_counts,
    status_of,
)
from courses.sessions.models import CourseSession
from reports.analytics.charts import svg_chart
from reports.analytics.formatting import column_label, is_numeric, t, ui_value
from reports.analytics.report_model import Part
from reports.evaluations.forms import ResultsFilterForm
from reports.evaluations.report import EvaluationReport, overview_parts, session_parts

ROWS_PER_PAGE = 50
MIN_NOTE = N_(
    "Results are shown only for evaluations that have closed with at least %(n)s answers; "
    "evaluations with fewer answers count in no figure (data protection)."
)


@dataclass(frozen=True)
class Reader:
    """Who reads: HR (everything), the staff council (aggregates: no trainers, no single
    sessions) or a trainer (their own sessions)."""

    user: User
    audience: str  # "hr", "council" or "trainer"

    @classmethod
    def of(cls, user: User) -> Reader:
        if has_role(user, Role.HR):
            return cls(user, "hr")
        if has_role(user, Role.COUNCIL):
            return cls(user, "council")
        return cls(user, "trainer")

    @property
    def trainer_id(self) -> int | None:
        return self.user.id if self.audience == "trainer" else None


def _today(now: datetime) -> date:
    return to_berlin(now).date()


# ---------------------------------------------------------------------------
# The overview
# ---------------------------------------------------------------------------


def _choices(reader: Reader) -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    rounds = select(EvaluationRound.session_id)
    query = select(Course.id, Course.title, Course.code).join(
        CourseSession, CourseSession.course_id == Course.id
    )
    query = query.where(CourseSession.id.in_(rounds))
    if reader.trainer_id is not None:
        query = query.where(CourseSession.trainer_id == reader.trainer_id)
    courses = [
        (i, f"{title} ({code})")
        for i, title, code in db.session.execute(query.distinct().order_by(Course.title))
    ]
    trainers: list[tuple[int, str]] = []
    if reader.audience == "hr":
        trainers = list(
            db.session.execute(
                select(User.id, User.display_name)
                .join(CourseSession, CourseSession.trainer_id == User.id)
                .where(CourseSession.id.in_(rounds))
                .distinct()
                .order_by(User.display_name)
            )
        )
    return courses, trainers


def filter_form(reader: Reader, now: datetime) -> ResultsFilterForm:
    if ResultsFilterForm.submitted(request.args):
        form = ResultsFilterForm(formdata=request.args)
    else:
        today = _today(now)
        form = ResultsFilterForm(
            formdata=None, period_from=today - timedelta(days=365), period_to=today
        )
    courses, trainers = _choices(reader)
    form.set_choices(courses, trainers, with_trainer=reader.audience == "hr")
    return form


def _filter_facts(form: ResultsFilterForm) -> list[tuple[str, str]]:
    everything = gettext("all")

    def chosen(field: Any) -> str:
        return next(
            (label for value, label, selected, *_ in field.iter_choices() if selected and value),
            everything,
        )

    facts = [(gettext("Course"), chosen(form.course))]
    if getattr(form, "trainer", None) is not None:
        facts.append((gettext("Trainer"), chosen(form.trainer)))
    facts.append((gettext("Provider"), chosen(form.provider)))
    start, end = (
        day.strftime("%d.%m.%Y") if day else "…"
        for day in (form.period_from.data, form.period_to.data)
    )
    period = f"{start} – {end}"
    facts.append((gettext("Sessions ended"), period))
    return facts


def overview_report(reader: Reader, form: ResultsFilterForm, now: datetime) -> EvaluationReport:
    filters = form.round_filters(trainer_id=reader.trainer_id)
    stats = released_stats(filters)
    counts = status_counts(filters)
    facts = [
        *_filter_facts(form),
        (gettext("Sessions with results"), str(counts[RELEASED])),
        (gettext("Closed with too few answers (withheld)"), str(counts[WITHHELD])),
        (gettext("Still open"), str(counts[OPEN])),
    ]
    parts = overview_parts(
        stats, trainers=reader.audience == "hr", sessions=reader.audience != "council"
    )
    notes = [t(MIN_NOTE, n=minimum())]
    title = gettext("Course evaluations")
    return EvaluationReport("kursbewertungen", title, facts, parts, now, notes)


def trainers_shown(
    report: EvaluationReport, reader: Reader, page_rows: dict[str, slice] | None = None
) -> list[int]:
    """Employee ids of the trainers named in the report's trainer table (all rows, or the
    rows of the page), for the access log."""
    part = next((p for p in report.parts if p.key == "trainers"), None)
    if part is None or reader.audience != "hr":
        return []
    keys = part.frame["key"].iloc[(page_rows or {}).get("trainers", slice(None))].tolist()
    ids = [int(k) for k in keys if isinstance(k, int) and k > 0]
    if not ids:
        return []
    rows = db.session.scalars(
        select(User.employee_id).where(User.id.in_(ids), User.employee_id.is_not(None))
    )
    return [int(e) for e in rows]


# ---------------------------------------------------------------------------
# One session
# ---------------------------------------------------------------------------


def session_for(session_id: int) -> tuple[CourseSession, EvaluationRound]:
    session = found(CourseSession, session_id)
    authorize("evaluations.session_results", session)
    round_ = db.session.scalar(
        select(EvaluationRound).where(EvaluationRound.session_id == session.id)
    )
    if round_ is None:
        abort(404)
    return session, round_


def session_facts(
    session: CourseSession, round_: EvaluationRound, answers: int
) -> list[tuple[str, str]]:
    course = session.course
    provider = gettext(PROVIDER_LABELS[Provider(course.provider)])
    rate = (
        format_percent(answers / round_.invited_count, format="#,##0 %")
        if round_.invited_count
        else "–"
    )
    start = to_berlin(session.starts_at)
    return [
        (gettext("Course"), f"{course.title} ({course.code})"),
        (gettext("Session"), start.strftime("%d.%m.%Y %H:%M")),
        (gettext("Trainer"), session.trainer.display_name if session.trainer else "–"),
        (
            gettext("Provider"),
            f"{provider}: {course.provider_name}" if course.provider_name else provider,
        ),
        (gettext("Questionnaire"), round_.questionnaire.title),
        (gettext("Answers / invited"), f"{answers} / {round_.invited_count} ({rate})"),
        (gettext("Open until"), round_.closes_on.strftime("%d.%m.%Y")),
    ]


def session_report(
    session: CourseSession, round_: EvaluationRound, now: datetime
) -> tuple[EvaluationReport, str]:
    """The session's report (parts only when released) and the round's status."""
    answers = answer_count(round_.id)
    status = status_of(round_, answers)
    parts = session_parts(round_results(round_)) if status == RELEASED else []
    title = gettext("Course evaluation: %(course)s", course=session.course.title)
    notes = [t(MIN_NOTE, n=minimum())]
    key = f"kursbewertung-{session.course.code}-{to_berlin(session.starts_at).date().isoformat()}"
    return EvaluationReport(
        key, title, session_facts(session, round_, answers), parts, now, notes
    ), status


def trainer_employee(session: CourseSession) -> list[int]:
    trainer = session.trainer
    return [trainer.employee_id] if trainer is not None and trainer.employee_id else []


# ---------------------------------------------------------------------------
# Parts on a page
# ---------------------------------------------------------------------------


@dataclass
class PartView:
    key: str
    title: str
    description: str
    chart: Markup
    headers: list[tuple[str, bool]]
    rows: list[list[str]]
    total: int
    first: int
    page: int
    pages: int
    page_urls: dict[int, str] = field(default_factory=dict)

    @property
    def has_svg(self) -> bool:
        return str(self.chart).startswith("<svg")


def part_views(
    parts: list[Part], endpoint: str, values: dict[str, Any]
) -> tuple[list[PartView], dict[str, slice]]:
    views, shown = [], {}
    for part in parts:
        total = len(part.frame)
        pages = max((total + ROWS_PER_PAGE - 1) // ROWS_PER_PAGE, 1)
        page = min(max(request.args.get(f"p_{part.key}", 1, type=int) or 1, 1), pages)
        rows = slice((page - 1) * ROWS_PER_PAGE, page * ROWS_PER_PAGE)
        shown[part.key] = rows
        frame = part.frame.iloc[rows]
        cells = [[ui_value(v, c.kind) for v in frame[c.key].tolist()] for c in part.columns]
        args = {k: v for k, v in request.args.items() if k != f"p_{part.key}"}
        window = {1, pages, *range(page - 2, page + 3)} if pages > 1 else set()
        urls = {
            n: url_for(endpoint, **values, **args, **{f"p_{part.key}": n}) + f"#part-{part.key}"
            for n in sorted(window)
            if 1 <= n <= pages
        }
        views.append(
            PartView(
                part.key,
                t(part.title),
                t(part.description),
                svg_chart(part, uid=f"chart-{part.key}"),
                [(column_label(c), is_numeric(c)) for c in part.columns],
                [list(r) for r in zip(*cells, strict=True)] if cells else [],
                total,
                rows.start + 1,
                page,
                pages,
                urls,
            )
        )
    return views, shown


# ---------------------------------------------------------------------------
# The pages
# ---------------------------------------------------------------------------


def overview_page(reader: Reader, now: datetime) -> tuple[dict[str, Any], list[int]]:
    """The overview's context and the trainers it names (for the access log). HR and
    trainers see the rounds as a list with their status instead of the sessions table."""
    form = filter_form(reader, now)
    report = overview_report(reader, form, now) if form.validate() else None
    parts: list[Part] = []
    if report is not None:
        parts = [p for p in report.parts if p.key != "sessions"]
    views, shown = part_views(parts, "reports.evaluations", {})
    rounds = None
    if report is not None and reader.audience != "council":
        rounds = rounds_page(form.round_filters(trainer_id=reader.trainer_id))
    people = trainers_shown(report, reader, shown) if report is not None else []
    context = {
        "reader": reader,
        "form": form,
        "report": report,
        "parts": views,
        "rounds": rounds,
        "minimum": minimum(),
    }
    return context, people


def session_page(session_id: int, now: datetime) -> tuple[dict[str, Any], list[int]]:
    """One session's context and its trainer (for the access log, once results show)."""
    session, round_ = session_for(session_id)
    report, status = session_report(session, round_, now)
    views, _shown = part_views(
        report.parts, "reports.evaluation_session", {"session_id": session_id}
    )
    context = {
        "session": session,
        "round": round_,
        "report": report,
        "status": status,
        "parts": views,
        "minimum": minimum(),
    }
    return context, trainer_employee(session) if status == RELEASED else []
