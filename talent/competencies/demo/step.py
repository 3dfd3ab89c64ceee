"""Demo data of the talent package: the ``talent`` step of ``flask academy demo``.

- Role profiles (Soll-Profile) for every demo job role, four to eight targets each in
  both default frameworks, set by the demo HR account; a few targets were changed (or
  removed) a year ago, so the profile history has ended rows.
- A rating history for the demo head's team (the department he heads and its
  sub-departments): his ratings of most target competences over the last two years,
  with a comment each (the service requires one), some people rated twice (the later
  rating higher), self-assessments (often higher than his), a few external
  certificates recorded by HR (one expired).
- Ratings of about a fifth of the rest of the organisation (one to three each, by HR or
  self-assessed), so that organisation-wide views have data.
- The demo employee (Özlem Demir, UX designer) has gaps against her role, ratings by
  her head with comments, self-assessments, and at least one gap that a course with an
  open session she could join closes (checked against the courses step's catalogue).

Everything is decided in Python first and written with a few bulk INSERTs (Core, like
the courses step); the reads are a fixed handful of statements whatever the number of
employees. Deterministic with the seed (the step's own generator); dates are relative
to the demo's ``now``.

The hand-written content (profiles, certificates, comments, the demo people's ratings)
is in ``content.toml`` beside this module; who is who is ``people``, what the demo
employee could join ``offer``, the ratings ``ratings``.
"""

from __future__ import annotations

from academy.demo.steps import DemoContext, bulk_insert, de_int, register_demo_step
from courses.demo.writing import competence_ids
from talent.competencies.demo.content import PROFILES
from talent.competencies.demo.offer import employee_offer
from talent.competencies.demo.people import people_from_context, target_rows
from talent.competencies.demo.ratings import build_ratings
from talent.competencies.models import Rating, RoleTarget

STEP_NAME = "talent"
STEP_ORDER = 30


def talent_demo_step(ctx: DemoContext) -> str:
    """The ``talent`` step of ``flask academy demo``."""
    competences = competence_ids(ctx.now)
    people = people_from_context(ctx)
    targets = bulk_insert(
        RoleTarget.__table__,
        target_rows(ctx.now, ctx.job_role_ids, competences, people.hr_user),
    )
    offer = employee_offer(people.employee, ctx.now) if people.employee is not None else None
    rows, certificates = build_ratings(ctx.rng, ctx.now, people, competences, offer)
    written = bulk_insert(Rating.__table__, rows)
    roles = sum(1 for role in PROFILES if role in ctx.job_role_ids)
    return (
        f"Soll-Profile angelegt: {roles} Stellen, {de_int(targets)} Sollwerte; "
        f"Einschätzungen: {de_int(written)} (davon {de_int(certificates)} Zertifikate)"
    )


register_demo_step(STEP_NAME, talent_demo_step, order=STEP_ORDER)
