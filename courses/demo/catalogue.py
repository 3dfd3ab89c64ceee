"""The demo's hand-written content, read from the data files beside this module: the
catalogue (``catalogue.toml``: categories and courses) and the places and texts of
sessions and enrolments (``texts.toml``)."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from courses.catalogue.models import CourseFormat, CourseLevel, Provider

HERE = Path(__file__).parent


def _read(name: str) -> dict[str, Any]:
    with (HERE / name).open("rb") as file:
        return tomllib.load(file)


@dataclass(frozen=True)
class CategorySpec:
    key: str
    name: str
    description: str


@dataclass(frozen=True)
class CourseSpec:
    code: str
    title: str
    format: CourseFormat
    ue: int
    level: CourseLevel
    provider: Provider
    cost: str
    #: (competence code, level): "F01"… are Fachkompetenzen Digitalisierung (1–4),
    #: "1.1"… DigComp 2.2 (1–8).
    outcomes: tuple[tuple[str, int], ...]
    description: str
    provider_name: str | None = None
    prerequisites: tuple[str, ...] = ()
    #: Sessions a year at 5,000 employees (scaled with the number of employees).
    sessions: int = 3
    approval: bool = True
    validity: int | None = None
    archived: bool = False
    #: Taught in house by the demo trainer (as far as her calendar allows).
    trainer: bool = False
    #: Who tends to enrol: "all", "heads" (department heads first) or "it" (office 12).
    audience: str = "all"

    @property
    def category(self) -> str:
        return self.code.split("-")[0]


def _course(entry: dict[str, Any]) -> CourseSpec:
    values = dict(entry)
    values["format"] = CourseFormat(values["format"])
    values["level"] = CourseLevel(values["level"])
    values["provider"] = Provider(values["provider"])
    values["outcomes"] = tuple((code, level) for code, level in values["outcomes"])
    values["prerequisites"] = tuple(values.get("prerequisites", ()))
    return CourseSpec(**values)


_CATALOGUE = _read("catalogue.toml")
_TEXTS = _read("texts.toml")

CATEGORIES: tuple[CategorySpec, ...] = tuple(CategorySpec(**c) for c in _CATALOGUE["category"])
COURSES: tuple[CourseSpec, ...] = tuple(_course(c) for c in _CATALOGUE["course"])

ROOMS: tuple[str, ...] = tuple(_TEXTS["rooms"])
EXTERNAL_ROOMS: tuple[str, ...] = tuple(_TEXTS["external_rooms"])
KC_ROOMS: tuple[str, ...] = tuple(_TEXTS["kommunalcampus_rooms"])
MEET_URL: str = _TEXTS["meet_url"]
LEARN_URL: str = _TEXTS["learn_url"]
DECLINE_REASONS: tuple[str, ...] = tuple(_TEXTS["decline_reasons"])
#: "" in the file: a cancellation without a reason.
CANCEL_REASONS: tuple[str | None, ...] = tuple(r or None for r in _TEXTS["cancel_reasons"])
LATE_CANCEL_REASONS: tuple[str, ...] = tuple(_TEXTS["late_cancel_reasons"])
SESSION_CANCEL_REASONS: tuple[str, ...] = tuple(_TEXTS["session_cancel_reasons"])
#: Subjects and bodies of the demo people's notifications (``str.format`` placeholders).
NOTICES: dict[str, str] = dict(_TEXTS["notices"])
