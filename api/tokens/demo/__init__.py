"""The read API in the demo: service tokens of the demo city's systems."""

from __future__ import annotations


def register() -> None:
    from academy.demo.steps import register_demo_step
    from api.tokens.demo.step import STEP_NAME, STEP_ORDER, api_demo_step

    register_demo_step(STEP_NAME, api_demo_step, order=STEP_ORDER)
