"""The ``teambooking`` step of ``flask academy demo``."""

from __future__ import annotations


def register_step() -> None:
    from courses.teambooking.demo.step import register

    register()
