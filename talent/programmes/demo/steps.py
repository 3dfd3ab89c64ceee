"""Demo data of the fast-track programmes: the ``programmes`` step of ``flask academy demo``.

- One programme, "Fast Track Digitale Verwaltung" (FT-DIGI, 18 months): six required
  courses of the courses step's catalogue (data literacy, project management, UX, Scrum,
  OZG, IT security) due over the 18 months, six milestones (three mentoring talks, a
  practice project, a rotation into another office, the final presentation) and six
  target competences of "Fachkompetenzen Digitalisierung" at level 3.
- The running intake (started on the first of the month seven months ago, ends eleven
  to twelve months from now, 12 seats): the selection is documented as the services
  would have left it (applications with the heads' statements, HR's scores with
  comments, a council objection and then its consent with the proposal snapshot,
  acceptances and rejections, one withdrawal). Members come from all over the
  organisation, each with an experienced mentor from another office (the demo trainer
  mentors the demo employee, the demo head two members from other offices); the first
  mentoring talk is signed off, the data-literacy e-learning (due after 90 days)
  completed — new completed enrolments in past sessions with free seats, the seat
  counters raised with them. Two members are behind schedule: the demo employee
  (Özlem Demir: her course record belongs to the courses step, which did not give her
  that e-learning; she has completed the programme's UX course) and one more member;
  one member dropped out with a reason. Some members are ahead (courses completed
  early, the second mentoring talk held). Nobody has graduated yet, so there are no
  programme certificates.
- The next intake, in selection: the application window closed four days ago (15
  seats, 1–8 years of service, pay groups E 9a–E 12 / A 9–A 12, three weighted
  criteria); 25–40 applications (fewer in small demos: only eligible people apply)
  with German motivations, the heads' statements (some not endorsed, some still
  missing — among them candidates of the demo head's team), two nominations by the
  demo head (one accepted, one still awaiting the person's consent), one withdrawal;
  about two thirds scored by the demo HR account, the rest not yet — so HR can finish
  scoring and propose, and the staff council review, through the pages.
- A draft for the intake after that.

Heads other than the demo head have no account in the demo: their statements are
recorded without ``endorsed_by``; milestones of members whose mentor has no account are
signed off by the demo HR account (as HR may).

Everything is decided in Python and written with a few bulk INSERTs; the reads are a
fixed handful of statements whatever the number of employees. Deterministic with the
seed (the step's own generator); every date is relative to the demo's day and no
timestamp falls on it, so the time of day does not change the data.

The programme's data and German texts are in ``programme.toml`` and ``texts.toml``
(loaded by ``talent.programmes.demo.content``), the decisions in
``talent.programmes.demo.plan``, the reads in ``.reading`` and the writes in
``.writing``; this module runs and registers the step.
"""

from __future__ import annotations

import random
from datetime import datetime

from academy.clock import to_berlin
from academy.demo.steps import DemoContext, register_demo_step
from talent.programmes.demo.content import (
    BusyLoader,
    CourseRecord,
    ProgrammePlan,
    Staff,
    Timeline,
)
from talent.programmes.demo.plan import Planner
from talent.programmes.demo.reading import course_record, load_busy, staff_from_context
from talent.programmes.demo.writing import write_plan

STEP_NAME = "programmes"
#: After the talent step (30), before the certificates step (40), which then issues the
#: course certificates of the completions added here.
STEP_ORDER = 35


# ---------------------------------------------------------------------------
# The plan
# ---------------------------------------------------------------------------


def build_programme_plan(
    rng: random.Random,
    now: datetime,
    staff: Staff,
    record: CourseRecord,
    busy: BusyLoader = load_busy,
) -> ProgrammePlan:
    """Every application, score, member, sign-off and added completion of the demo.
    Reads nothing but the members' busy times (``busy``, one statement)."""
    return Planner(rng, now, staff, record, busy).plan()


def programmes_demo_step(ctx: DemoContext) -> str:
    """The ``programmes`` step of ``flask academy demo``."""
    staff = staff_from_context(ctx)
    t = Timeline.of(to_berlin(ctx.now).date())
    record = course_record(ctx.now, t.yesterday_evening)
    plan = build_programme_plan(ctx.rng, ctx.now, staff, record)
    written = write_plan(plan, ctx.now, staff, record)
    return (
        f"Fast-Track-Programm angelegt: 3 Jahrgänge, {written['applications']} Bewerbungen, "
        f"{written['members']} Teilnehmende, {written['enrolments']} abgeschlossene Kurse ergänzt"
    )


register_demo_step(STEP_NAME, programmes_demo_step, order=STEP_ORDER)
