"""The demo's step registry: ``flask academy demo`` runs the core step (the staff of the
city, ``academy.demo.staff``) and then every step that a feature package registered with
``register_demo_step``, in order. Each step gets its own random generator derived from
the seed and the step's name, so a new step does not change the data of the others. Rows
are inserted with bulk INSERTs (no ORM objects), so memory stays small."""

from __future__ import annotations

import itertools
import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from time import perf_counter
from typing import Any

import click
from sqlalchemy import insert

from academy.extensions import db

DEFAULT_EMPLOYEES = 5000
DEFAULT_SEED = 2026
MIN_EMPLOYEES = 100
CHUNK_SIZE = 5000


@dataclass
class DemoContext:
    """What a demo step gets: the seed, its own random generator, and the ids of what the
    core step created (departments and job roles by code, demo users by account key)."""

    seed: int
    employee_count: int
    now: datetime
    rng: random.Random
    echo: Callable[[str], None] = click.echo
    department_ids: dict[str, int] = field(default_factory=dict)
    job_role_ids: dict[str, int] = field(default_factory=dict)
    employee_ids: list[int] = field(default_factory=list)  #: by personnel number
    employees_by_department: dict[int, list[int]] = field(default_factory=dict)
    head_ids: dict[int, int] = field(default_factory=dict)  #: department id → employee id
    user_ids: dict[str, int] = field(default_factory=dict)  #: DemoAccount.key → user id


#: A step returns a short German summary ("Kurse angelegt: 120") or None.
DemoStepFn = Callable[[DemoContext], str | None]


@dataclass(frozen=True)
class DemoStep:
    name: str
    fn: DemoStepFn
    order: int = 100


#: Steps of the feature packages, sorted by ``order`` (then registration).
demo_steps: list[DemoStep] = []

CORE_STEP = "core"


def register_demo_step(name: str, fn: DemoStepFn, order: int = 100) -> DemoStep:
    """Add a step that runs after the core data; registering a name again replaces it."""
    if name == CORE_STEP:
        raise ValueError(f"the demo step name {CORE_STEP!r} is reserved")
    step = DemoStep(name, fn, order)
    for i, existing in enumerate(demo_steps):
        if existing.name == name:
            demo_steps[i] = step
            break
    else:
        demo_steps.append(step)
    demo_steps.sort(key=lambda s: s.order)
    return step


def step_rng(seed: int, name: str) -> random.Random:
    """The random generator of one step: depends only on the seed and the step's name."""
    return random.Random(f"{seed}/{name}")


def bulk_insert(model: Any, rows: Iterable[dict[str, Any]], chunk_size: int = CHUNK_SIZE) -> int:
    """Insert ``rows`` (dicts with the same keys; a generator keeps memory small) with one
    executemany per chunk, without ORM objects. Returns the number of rows."""
    count = 0
    iterator = iter(rows)
    while chunk := list(itertools.islice(iterator, chunk_size)):
        db.session.execute(insert(model), chunk)
        count += len(chunk)
    return count


def de_int(number: int) -> str:
    return f"{number:,}".replace(",", ".")


def de_seconds(seconds: float) -> str:
    return f"{seconds:.1f}".replace(".", ",") + " s"


def timed(ctx: DemoContext, started: float, message: str) -> None:
    ctx.echo(f"{message} in {de_seconds(perf_counter() - started)}")
