"""The demo city administration "Stadtverwaltung Musterstadt", read from the data files
beside this module: ``departments.csv`` (the organisation chart) and ``city.toml`` (job
roles, what the members of each kind of department do, pay, names). Everything there is
German content on purpose: department names, job titles and people's names are data, not
interface text. ``academy.demo.staff`` turns it into rows."""

from __future__ import annotations

import csv
import tomllib
from datetime import date
from pathlib import Path
from typing import Any, NamedTuple

HERE = Path(__file__).resolve().parent


class DepartmentSpec(NamedTuple):
    code: str
    name: str
    parent: str | None  #: code of the parent; parents come before their children
    weight: float  #: relative head count (direct members)
    profile: str  #: key of ``PROFILES``: which jobs the members do


class Profile(NamedTuple):
    female_share: float
    roles: tuple[tuple[str, float], ...]  #: (job role code, weight)


class Origin(NamedTuple):
    """Family background: share of staff, names, and how surnames take a female form."""

    share: float
    female: tuple[str, ...]
    male: tuple[str, ...]
    surnames: tuple[str, ...]
    female_surname_endings: tuple[tuple[str, str], ...] = ()


def _number(text: str) -> float:
    return int(text) if text.isdigit() else float(text)


def _pairs(rows: list[list[Any]]) -> tuple[tuple[Any, Any], ...]:
    return tuple((a, b) for a, b in rows)


def _departments() -> tuple[DepartmentSpec, ...]:
    with (HERE / "departments.csv").open(encoding="utf-8", newline="") as file:
        return tuple(
            DepartmentSpec(
                row["code"],
                row["name"],
                row["parent"] or None,
                _number(row["weight"]),
                row["profile"],
            )
            for row in csv.DictReader(file, delimiter=";")
        )


_CITY: dict[str, Any] = tomllib.loads((HERE / "city.toml").read_text(encoding="utf-8"))
_NAMES: dict[str, list[str]] = _CITY["names"]

#: Dezernate → Ämter (KGSt numbering) → Abteilungen.
DEPARTMENTS: tuple[DepartmentSpec, ...] = _departments()
JOB_ROLES: tuple[tuple[str, str], ...] = tuple(_CITY["job_roles"].items())
#: Job role of a department's head by tree level (0 = Dezernat).
HEAD_ROLES: tuple[str, ...] = tuple(_CITY["head_roles"])
PROFILES: dict[str, Profile] = {
    key: Profile(p["female_share"], _pairs(p["roles"])) for key, p in _CITY["profiles"].items()
}
#: Pay per job role: (TVöD groups with weights, share of Beamte, Besoldung groups).
PAY: dict[str, tuple[tuple[tuple[str, float], ...], float, tuple[str, ...]]] = {
    key: (_pairs(p["tvoed"]), p["beamte_share"], tuple(p["besoldung"]))
    for key, p in _CITY["pay"].items()
}
GERMAN_FEMALE_OLDER = tuple(_NAMES["german_female_older"])
GERMAN_MALE_OLDER = tuple(_NAMES["german_male_older"])
GERMAN_FEMALE_YOUNGER = tuple(_NAMES["german_female_younger"])
GERMAN_MALE_YOUNGER = tuple(_NAMES["german_male_younger"])
NEUTRAL_FIRST_NAMES = tuple(_NAMES["neutral_first_names"])
GERMAN_SURNAMES = tuple(_NAMES["german_surnames"])
#: Many German surnames are compounds (Steinhauer, Grünberg, Mühlenkamp): a share of
#: German surnames is built from these parts, so that fewer people share a name.
SURNAME_STEMS = tuple(_NAMES["surname_stems"])
SURNAME_ENDINGS = tuple(_NAMES["surname_endings"])
#: Backgrounds other than German; the remaining share are German families.
ORIGINS: dict[str, Origin] = {
    key: Origin(
        o["share"],
        tuple(o["female"]),
        tuple(o["male"]),
        tuple(o["surnames"]),
        _pairs(o["female_surname_endings"]),
    )
    for key, o in _CITY["origins"].items()
}
#: Letters that Unicode decomposition alone does not turn into ASCII, German style.
ASCII_FOLDING: dict[str, str] = dict(_CITY["ascii_folding"])
MAIL_DOMAIN: str = _CITY["mail_domain"]
#: Entry dates are spread over these years (and never after ``LATEST_ENTRY``).
FIRST_ENTRY_YEAR: int = _CITY["first_entry_year"]
LATEST_ENTRY: date = _CITY["latest_entry"]
