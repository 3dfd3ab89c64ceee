"""The ``mandatory`` step of ``flask academy demo``."""

from __future__ import annotations


def register_step() -> None:
    from courses.mandatory.demo.step import register

    register()
