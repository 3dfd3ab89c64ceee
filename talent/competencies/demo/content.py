"""The hand-written content of the talent demo step, read from ``content.toml`` beside
this module: role profiles and their changes, external certificates, the comments heads,
HR and employees write, and the demo employee's and demo head's own ratings."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any, NamedTuple

from talent.competencies.models import RatingSource

#: Ratings lie within this many days before the demo's ``now``.
HISTORY_DAYS = 730
#: Share of the employees outside the demo head's team that have ratings.
OTHERS_SHARE = 0.2
#: The profiles were introduced this many days before ``now``; changes came later.
PROFILES_SINCE_DAYS = 820
CHANGED_DAYS_AGO = 380

HEAD, SELF, EXTERNAL = RatingSource.HEAD.value, RatingSource.SELF.value, RatingSource.EXTERNAL.value


_DATA: dict[str, Any] = tomllib.loads((Path(__file__).parent / "content.toml").read_text("utf-8"))


class ProfileChange(NamedTuple):
    """A target that HR changed (or removed: ``new`` None) ``CHANGED_DAYS_AGO`` days ago;
    the profile first had ``old``."""

    role: str
    competence: str
    old: int
    new: int | None
    note: str


class CertificateSpec(NamedTuple):
    title: str
    competence: str
    level: int
    valid_years: int | None  #: ``None``: does not expire
    roles: tuple[str, ...]  #: who tends to hold it


def _rated(rows: list[dict[str, Any]]) -> tuple[tuple[str, int, Any], ...]:
    return tuple((r["competence"], r["level"], r.get("comment")) for r in rows)


#: Job role code → (competence code, target level) …
PROFILES: dict[str, tuple[tuple[str, int], ...]] = {
    role: tuple((code, level) for code, level in targets)
    for role, targets in _DATA["profiles"].items()
}
PROFILE_CHANGES: tuple[ProfileChange, ...] = tuple(
    ProfileChange(c["role"], c["competence"], c["old"], c.get("new"), c["note"])
    for c in _DATA["profile_changes"]
)
CERTIFICATES: tuple[CertificateSpec, ...] = tuple(
    CertificateSpec(
        c["title"], c["competence"], c["level"], c.get("valid_years"), tuple(c["roles"])
    )
    for c in _DATA["certificates"]
)
#: The certificate that has expired (recorded long ago).
EXPIRED_CERTIFICATE = CERTIFICATES[0]

_COMMENTS = _DATA["comments"]
BELOW: tuple[str, ...] = tuple(_COMMENTS["below"])
AT: tuple[str, ...] = tuple(_COMMENTS["at"])
ABOVE: tuple[str, ...] = tuple(_COMMENTS["above"])
EARLIER: tuple[str, ...] = tuple(_COMMENTS["earlier"])
PROGRESS: tuple[str, ...] = tuple(_COMMENTS["progress"])
#: Competence-specific remarks (used for ratings a little below or at the target).
SPECIFIC: dict[str, str] = dict(_COMMENTS["specific"])
#: HR's ratings outside the demo head's team (from development talks).
HR_COMMENTS: tuple[str, ...] = tuple(_COMMENTS["hr"])
SELF_COMMENTS: tuple[str, ...] = tuple(_COMMENTS["self"])

#: The demo employee: her head's latest ratings (with comments), earlier (lower) ones,
#: her self-assessments; the demo head's own self-assessments.
EMPLOYEE_HEAD_RATINGS: tuple[tuple[str, int, str], ...] = _rated(_DATA["employee"]["head_ratings"])
EMPLOYEE_EARLIER: dict[str, tuple[int, str]] = {
    r["competence"]: (r["level"], r["comment"]) for r in _DATA["employee"]["earlier"]
}
EMPLOYEE_SELF: tuple[tuple[str, int, str | None], ...] = _rated(_DATA["employee"]["self"])
HEAD_SELF: tuple[tuple[str, int, str | None], ...] = _rated(_DATA["head"]["self"])


def max_level(code: str) -> int:
    """Highest level of the competence's framework (Fachkompetenzen 4, DigComp 8)."""
    return 4 if code.startswith("F") else 8
