"""The courses step of ``flask academy demo``."""

from __future__ import annotations


def register() -> None:
    from courses.demo.step import register_step

    register_step()
