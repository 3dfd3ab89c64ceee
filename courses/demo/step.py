"""Demo data of the courses package: the ``courses`` step of ``flask academy demo``.

About 60 courses in ten categories (German titles and descriptions, outcomes in both
default frameworks, a few prerequisites, two archived courses), their sessions from six
months before the demo's ``now`` to six months after, and enrolments in every state of
the lifecycle (about 0.6 per employee):

- past sessions: completed (most), failed, no-show, cancelled (some late), declined and
  expired requests; the demo trainer's sessions of the last two weeks still wait for
  attendance (the latest) or for results (the ones before);
- running self-paced windows: confirmed places, some already completed;
- upcoming sessions: confirmed, waiting lists (full sessions only, ranked by request
  time), requests awaiting approval (before the enrolment deadline), declined requests
  and expired ones (deadline passed); some sessions nearly full, a few cancelled.

The rules hold as the services would keep them: ``confirmed_count`` equals the number of
seat-holding enrolments (confirmed, attended, no-show, completed, failed) and never
exceeds the capacity; a person has at most one enrolment per course; nobody has two
enrolments at overlapping times (stricter than the clash rule, which only looks at
confirmed places). Approvals are decided by the demo head for his subtree and by HR for
everyone else (no other head has an account).

Everything is decided in Python first (``build_course_plan``, which only reads the
context and the generator) and then written with a handful of bulk INSERTs. Dates are
relative to the demo's day; no session starts or ends on it and no deadline falls on
it, so the states do not depend on the time of day: the same seed gives the same data
on the same day (on another day the same catalogue, with other dates and draws).
The default competency frameworks are loaded first if they are missing (as
``flask academy init`` does), since the outcomes refer to them.

Sessions per course scale with the number of employees (``CourseSpec.sessions`` is
meant for 5,000), but every offered course has at least two; below about 2,000
employees that gives more than 0.6 enrolments per employee.
"""

from __future__ import annotations

from academy.demo.steps import DemoContext, de_int, register_demo_step
from courses.demo.people import people_from_context
from courses.demo.planner import build_course_plan
from courses.demo.writing import competence_ids, write_plan

STEP_NAME = "courses"
STEP_ORDER = 20


def courses_demo_step(ctx: DemoContext) -> str:
    """The ``courses`` step of ``flask academy demo``."""
    competences = competence_ids(ctx.now)
    people = people_from_context(ctx)
    plan = build_course_plan(ctx.rng, ctx.now, people, ctx.employee_count)
    written = write_plan(plan, ctx.now, competences)
    return (
        f"Kurse angelegt: {written['courses']}, Termine: {de_int(written['sessions'])}, "
        f"Anmeldungen: {de_int(written['enrolments'])}"
    )


def register_step() -> None:
    register_demo_step(STEP_NAME, courses_demo_step, order=STEP_ORDER)
