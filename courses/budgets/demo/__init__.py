"""The ``budgets`` step of ``flask academy demo``."""

from __future__ import annotations


def register_step() -> None:
    from academy.demo.steps import register_demo_step
    from courses.budgets.demo.step import STEP_NAME, STEP_ORDER, budgets_demo_step

    register_demo_step(STEP_NAME, budgets_demo_step, order=STEP_ORDER)
