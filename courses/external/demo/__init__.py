"""The ``external`` step of ``flask academy demo``: requests for external training in
every state (hand-written offers and scenarios in ``offers.toml``)."""

from __future__ import annotations


def register_step() -> None:
    from academy.demo.steps import register_demo_step
    from courses.external.demo.step import STEP_NAME, STEP_ORDER, external_demo_step

    register_demo_step(STEP_NAME, external_demo_step, order=STEP_ORDER)
