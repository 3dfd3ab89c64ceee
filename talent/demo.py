"""Demo data of the talent package: the ``talent`` step of ``flask academy demo``.

- Role profiles (Soll-Profile) for every demo job role, four to eight targets each in
  both default frameworks, set by the demo HR account; a few targets were changed (or
  removed) a year ago, so the profile history has ended rows.
- A rating history for the demo head's team (the department he heads and its
  sub-departments): his ratings of most target competences over the last two years,
  with a comment each (the service requires one), some people rated twice (the later
  rating higher), self-assessments (often higher than his), a few external
  certificates recorded by HR (one expired).
- Ratings of about a fifth of the rest of the organisation (one to three each, by HR or
  self-assessed), so that organisation-wide views have data.
- The demo employee (Özlem Demir, UX designer) has gaps against her role, ratings by
  her head with comments, self-assessments, and at least one gap that a course with an
  open session she could join closes (checked against the courses step's catalogue).

Everything is decided in Python first and written with a few bulk INSERTs (Core, like
the courses step); the reads are a fixed handful of statements whatever the number of
employees. Deterministic with the seed (the step's own generator); dates are relative
to the demo's ``now``.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import aliased

from academy.clock import to_berlin
from academy.demo import DemoContext, bulk_insert, de_int, register_demo_step
from academy.extensions import db
from academy.models import Department, Employee, User
from courses.demo import competence_ids
from courses.models import (
    ACTIVE_STATES,
    Course,
    CourseFormat,
    CourseOutcome,
    CoursePrerequisite,
    CourseSession,
    Enrolment,
    EnrolmentState,
)
from talent.models import Rating, RatingSource, RoleTarget

STEP_NAME = "talent"
STEP_ORDER = 30

#: Ratings lie within this many days before the demo's ``now``.
HISTORY_DAYS = 730
#: Share of the employees outside the demo head's team that have ratings.
OTHERS_SHARE = 0.2
#: The profiles were introduced this many days before ``now``; changes came later.
PROFILES_SINCE_DAYS = 820
CHANGED_DAYS_AGO = 380

HEAD, SELF, EXTERNAL = RatingSource.HEAD.value, RatingSource.SELF.value, RatingSource.EXTERNAL.value

# ---------------------------------------------------------------------------
# Role profiles: (competence code, target level); "F01"… Fachkompetenzen Digitalisierung
# (levels 1–4), "1.1"… DigComp 2.2 (levels 1–8)
# ---------------------------------------------------------------------------

PROFILES: dict[str, tuple[tuple[str, int], ...]] = {
    "BGO": (("F11", 4), ("F02", 2), ("2.1", 5), ("4.2", 4), ("5.2", 5), ("5.4", 5)),
    "AMTL": (("F11", 3), ("F01", 2), ("F02", 3), ("F07", 2), ("2.1", 4), ("4.2", 4),
             ("5.4", 4)),
    "ABTL": (("F11", 3), ("F01", 2), ("F02", 3), ("2.1", 4), ("4.2", 4), ("5.4", 4)),
    "TL": (("F11", 3), ("F01", 2), ("F02", 3), ("F09", 2), ("2.4", 4), ("4.2", 3),
           ("5.4", 4)),
    "SB": (("F09", 2), ("F10", 1), ("1.1", 3), ("2.1", 3), ("4.1", 3), ("4.2", 3)),
    "VFA": (("F09", 2), ("1.1", 3), ("1.3", 3), ("4.1", 3), ("4.2", 3)),
    "ASS": (("F09", 2), ("1.3", 3), ("2.1", 3), ("2.4", 3), ("4.2", 3)),
    "PREF": (("F07", 1), ("F09", 2), ("1.3", 3), ("2.1", 4), ("4.2", 4), ("5.4", 4)),
    "ITF": (("F05", 3), ("F06", 2), ("F08", 3), ("1.3", 4), ("3.4", 4), ("4.1", 5),
            ("4.2", 3), ("5.1", 4)),
    "PM": (("F01", 3), ("F02", 4), ("F04", 2), ("2.1", 4), ("2.4", 5), ("4.2", 3),
           ("5.2", 4)),
    "UX": (("F03", 4), ("F04", 3), ("F10", 2), ("2.1", 4), ("2.4", 4), ("3.1", 5),
           ("4.2", 3), ("5.3", 5)),
    "DA": (("F06", 2), ("F07", 4), ("1.2", 5), ("1.3", 5), ("3.4", 4), ("4.2", 4)),
    "ISB": (("F05", 2), ("F08", 4), ("F11", 2), ("4.1", 6), ("4.2", 6), ("5.1", 4)),
    "JUR": (("F09", 2), ("F10", 2), ("1.2", 4), ("3.3", 4), ("4.2", 5)),
    "SOZ": (("F09", 1), ("1.1", 3), ("2.1", 3), ("4.2", 4), ("4.3", 3)),
    "ERZ": (("2.1", 3), ("3.1", 2), ("4.2", 3), ("4.3", 3)),
    "ING": (("F02", 3), ("F09", 2), ("1.3", 4), ("3.2", 3), ("5.1", 3)),
    "GAERT": (("1.1", 2), ("2.1", 2), ("4.1", 2), ("4.3", 2)),
    "FW": (("F08", 1), ("2.1", 3), ("4.1", 3), ("4.3", 3), ("5.1", 3)),
    "ARZT": (("F09", 1), ("1.2", 4), ("2.1", 3), ("4.2", 5), ("4.3", 3)),
}  # fmt: skip


class ProfileChange(NamedTuple):
    """A target that HR changed (or removed: ``new`` None) ``CHANGED_DAYS_AGO`` days ago;
    the profile first had ``old``."""

    role: str
    competence: str
    old: int
    new: int | None
    note: str


PROFILE_CHANGES: tuple[ProfileChange, ...] = (
    ProfileChange("ITF", "F05", 2, 3,
                  "Betrieb in der Deutschen Verwaltungscloud ab 2025: Ziel angehoben."),
    ProfileChange("SB", "F09", 1, 2,
                  "Die E-Akte ist in allen Ämtern eingeführt; sicheres Anwenden ist Standard."),
    ProfileChange("UX", "3.1", 4, 5,
                  "Prototypen entstehen inzwischen im eigenen Team statt bei Dienstleistern."),
    ProfileChange("PM", "F01", 2, 3, "Hybride Projekte sind bei uns die Regel geworden."),
    ProfileChange("ISB", "4.2", 5, 6, "Zusätzliche Aufgaben als Datenschutzkoordination."),
    ProfileChange("TL", "5.1", 3, None,
                  "Technische Probleme löst der IT-Service-Desk; kein Ziel der Teamleitung mehr."),
)  # fmt: skip


def max_level(code: str) -> int:
    """Highest level of the competence's framework (Fachkompetenzen 4, DigComp 8)."""
    return 4 if code.startswith("F") else 8


# ---------------------------------------------------------------------------
# External certificates
# ---------------------------------------------------------------------------


class CertificateSpec(NamedTuple):
    title: str
    competence: str
    level: int
    valid_years: int | None  #: ``None``: does not expire
    roles: tuple[str, ...]  #: who tends to hold it


CERTIFICATES: tuple[CertificateSpec, ...] = (
    CertificateSpec("AWS Certified Cloud Practitioner", "F05", 2, 3, ("ITF", "ISB")),
    CertificateSpec("ITIL 4 Foundation", "5.1", 4, 3, ("ITF", "TL")),
    CertificateSpec("ISTQB Certified Tester Foundation Level", "3.4", 3, None, ("ITF", "DA")),
    CertificateSpec("PRINCE2 Foundation", "F02", 2, 3, ("PM", "TL", "ABTL")),
    CertificateSpec("Professional Scrum Master I (PSM I)", "F01", 3, None, ("PM", "UX")),
    CertificateSpec("BSI IT-Grundschutz-Praktiker", "F08", 3, 3, ("ISB", "ITF")),
    CertificateSpec("Datenschutzbeauftragte/r (TÜV)", "4.2", 6, 3, ("ISB", "JUR")),
)
#: The certificate that has expired (recorded long ago).
EXPIRED_CERTIFICATE = CERTIFICATES[0]

# ---------------------------------------------------------------------------
# Comments (German data: what a head writes)
# ---------------------------------------------------------------------------

BELOW = (
    "Grundlagen sind vorhanden, im Alltag aber noch unsicher. Eine Fortbildung wäre sinnvoll.",
    "Wendet das Wissen mit Unterstützung an; selbstständiges Arbeiten ist das nächste Ziel.",
    "Hatte in diesem Bereich bisher wenig Gelegenheit zur Praxis.",
    "Kennt die Begriffe, braucht bei der Anwendung noch Begleitung durch das Team.",
)
AT = (
    "Arbeitet in diesem Bereich sicher und selbstständig.",
    "Erfüllt die Anforderungen der Stelle vollständig.",
    "Setzt das Gelernte zuverlässig im Arbeitsalltag um.",
)
ABOVE = (
    "Ist im Team die Ansprechperson für dieses Thema und unterstützt andere.",
    "Geht deutlich über die Anforderungen der Stelle hinaus; könnte Wissen als "
    "Multiplikator weitergeben.",
)
EARLIER = (
    "Erste Einschätzung nach der Einarbeitung.",
    "Einschätzung aus dem Jahresgespräch.",
    "Stand vor der Fortbildung; Entwicklung im nächsten Gespräch ansehen.",
)
PROGRESS = (
    "Deutliche Fortschritte seit der letzten Einschätzung.",
    "Hat sich seit dem letzten Gespräch gut weiterentwickelt, vor allem in der Praxis.",
)
#: Competence-specific remarks (used for ratings a little below or at the target).
SPECIFIC: dict[str, str] = {
    "F09": "Sicher im Umgang mit der E-Akte, bei Sonderfällen noch Unterstützung nötig.",
    "F05": "Betreut unsere Cloud-Dienste im Alltag; Architekturentscheidungen noch "
    "gemeinsam mit dem Team.",
    "F08": "Kennt die Vorgaben des IT-Grundschutzes und setzt sie im Betrieb um.",
    "F02": "Hat ein kleines Projekt erfolgreich geleitet; bei größeren Vorhaben noch mit "
    "Begleitung.",
    "F01": "Arbeitet im Scrum-Team mit und kennt Rollen und Ereignisse.",
    "F07": "Wertet Daten mit Excel sicher aus; mit Power BI noch am Anfang.",
    "F11": "Führt das Team auch hybrid verlässlich und gestaltet Veränderungen aktiv mit.",
    "4.2": "Geht sorgfältig mit personenbezogenen Daten um.",
    "5.1": "Löst technische Probleme am Arbeitsplatz meist selbst und hilft anderen dabei.",
    "2.4": "Nutzt gemeinsame Dokumente und Boards selbstverständlich.",
}
#: HR's ratings outside the demo head's team (from development talks).
HR_COMMENTS = (
    "Einschätzung aus dem Personalentwicklungsgespräch.",
    "Abgestimmt mit der Bereichsleitung im Jahresgespräch.",
    "Einschätzung nach Hospitation im Arbeitsbereich.",
)
SELF_COMMENTS = (
    "Im Alltag komme ich gut zurecht, Sonderfälle kläre ich im Team.",
    "Ich möchte hier gern eine Fortbildung besuchen.",
    "Das habe ich im letzten Projekt viel genutzt.",
)

# ---------------------------------------------------------------------------
# The demo employee (Özlem Demir, UX): her head's latest ratings with comments, a few
# earlier ones (lower), her self-assessments
# ---------------------------------------------------------------------------

EMPLOYEE_HEAD_RATINGS: tuple[tuple[str, int, str], ...] = (
    ("F03", 3, "Moderiert Nutzertests souverän und leitet gute Verbesserungen ab; bei der "
               "Gestaltung ganzer Antragsstrecken noch mit Begleitung."),
    ("F04", 2, "Bringt Design-Thinking-Methoden in Workshops ein; eigene Workshops hat sie "
               "noch nicht geleitet."),
    ("F10", 1, "Kennt die Grundlagen des OZG; Erfahrung mit Antragsassistenten fehlt noch."),
    ("2.1", 3, "Stimmt sich klar und freundlich mit den Fachbereichen ab, auch in "
               "Online-Terminen."),
    ("2.4", 3, "Arbeitet gut in gemeinsamen Boards und Dokumenten; die Moderation verteilter "
               "Teams ist noch ausbaufähig."),
    ("3.1", 4, "Erstellt klickbare Prototypen selbstständig und nutzt das Designsystem "
               "konsequent."),
    ("4.2", 3, "Beachtet den Datenschutz bei Nutzertests vorbildlich (Einwilligungen, "
               "Pseudonymisierung)."),
    ("5.3", 3, "Probiert neue Werkzeuge aus, etwa für Umfragen; den Nutzen für die Verwaltung "
               "einzuschätzen fällt ihr noch schwer."),
)  # fmt: skip
EMPLOYEE_EARLIER: dict[str, tuple[int, str]] = {
    "F03": (2, "Erste Einschätzung nach der Einarbeitung: Nutzertests bisher nur als "
               "Beobachterin."),
    "3.1": (3, "Prototypen entstehen noch mit Unterstützung der Kollegin aus dem "
               "Webteam."),
}  # fmt: skip
EMPLOYEE_SELF: tuple[tuple[str, int, str | None], ...] = (
    ("F03", 4, "Ich habe im letzten Jahr zwölf Nutzertests selbst geplant und ausgewertet."),
    ("F04", 3, None),
    ("3.1", 5, None),
    ("2.4", 4, "Ich moderiere unsere Retrospektiven seit einem halben Jahr."),
)
HEAD_SELF: tuple[tuple[str, int, str | None], ...] = (
    ("F11", 3, "Die Einführung der E-Akte im Amt habe ich selbst begleitet."),
    ("F02", 3, None),
    ("5.4", 4, None),
)

# ---------------------------------------------------------------------------
# Who: the demo accounts, the demo head's team, everyone's job role and entry date
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Person:
    id: int
    role: str | None  #: job role code
    entry: date | None


@dataclass
class TalentPeople:
    people: dict[int, Person]  #: every employee of the demo, by id
    team: list[int]  #: the demo head's subtree, without him, by id
    others: list[int]  #: everyone else (not the demo head), in personnel-number order
    user_of: dict[int, int]  #: employee id → user id (the demo accounts)
    head: int | None
    employee: int | None
    head_user: int | None
    hr_user: int | None


def people_from_context(ctx: DemoContext) -> TalentPeople:
    """Three statements: the demo accounts' employees, the demo head's subtree (by
    department path), every employee's job role and entry date."""
    employee_of: dict[int, int] = {}
    if ctx.user_ids:
        employee_of = {
            user_id: employee_id
            for user_id, employee_id in db.session.execute(
                select(User.id, User.employee_id).where(User.id.in_(list(ctx.user_ids.values())))
            )
            if employee_id is not None
        }
    head = employee_of.get(ctx.user_ids.get("head", -1))
    departments: list[int] = []
    if head is not None:
        root = aliased(Department)
        departments = sorted(
            db.session.scalars(
                select(Department.id)
                .join(root, Department.path.startswith(root.path))
                .where(root.head_id == head)
            )
        )
    codes = {id_: code for code, id_ in ctx.job_role_ids.items()}
    people = {
        id_: Person(id_, codes.get(role_id) if role_id is not None else None, entry)
        for id_, role_id, entry in db.session.execute(
            select(Employee.id, Employee.job_role_id, Employee.entry_date).where(
                Employee.active.is_(True)
            )
        )
    }
    in_team = {
        e for d in departments for e in ctx.employees_by_department.get(d, []) if e in people
    }
    if head is not None:
        in_team.discard(head)
    return TalentPeople(
        people=people,
        team=sorted(in_team),
        others=[e for e in ctx.employee_ids if e in people and e not in in_team and e != head],
        user_of={e: u for u, e in employee_of.items()},
        head=head,
        employee=employee_of.get(ctx.user_ids.get("employee", -1)),
        head_user=ctx.user_ids.get("head"),
        hr_user=ctx.user_ids.get("hr"),
    )


# ---------------------------------------------------------------------------
# Role targets
# ---------------------------------------------------------------------------


def target_rows(
    now: datetime, role_ids: dict[str, int], competences: dict[str, int], hr_user: int | None
) -> list[dict[str, Any]]:
    """Current and ended ``RoleTarget`` rows of every demo job role."""
    introduced = now - timedelta(days=PROFILES_SINCE_DAYS)
    changed_at = now - timedelta(days=CHANGED_DAYS_AGO)
    changes = {(c.role, c.competence): c for c in PROFILE_CHANGES}
    rows: list[dict[str, Any]] = []

    def row(role_id: int, code: str, level: int, **fields: Any) -> dict[str, Any]:
        item = {
            "job_role_id": role_id,
            "competence_id": competences[code],
            "level": level,
            "set_at": introduced,
            "set_by_id": hr_user,
            "ended_at": None,
            "ended_by_id": None,
            "note": None,
        }
        item.update(fields)
        return item

    for role, targets in PROFILES.items():
        role_id = role_ids.get(role)
        if role_id is None:
            continue
        for code, level in targets:
            change = changes.get((role, code))
            if change is not None:
                rows.append(
                    row(role_id, code, change.old, ended_at=changed_at, ended_by_id=hr_user)
                )
                rows.append(row(role_id, code, level, set_at=changed_at, note=change.note))
            else:
                rows.append(row(role_id, code, level))
        for change in PROFILE_CHANGES:
            if change.role == role and change.new is None:  # removed: only the ended row
                rows.append(
                    row(
                        role_id,
                        change.competence,
                        change.old,
                        ended_at=changed_at,
                        ended_by_id=hr_user,
                        note=change.note,
                    )
                )
    return rows


# ---------------------------------------------------------------------------
# What the demo employee could join: the courses step's open sessions
# ---------------------------------------------------------------------------


@dataclass
class CourseOffer:
    """Courses with an open session the demo employee could join, and her evidence."""

    #: course → competence → outcome level (courses she could join)
    joinable: dict[int, dict[int, int]] = field(default_factory=dict)
    #: competence → highest outcome level of the courses she completed
    evidence: dict[int, int] = field(default_factory=dict)


def employee_offer(employee_id: int, now: datetime) -> CourseOffer:
    """Four statements: open sessions, outcomes, prerequisites, her enrolments. The
    check is stricter than ``talent.recommendations`` (every completion counts as
    evidence and excludes its course), so what it finds is recommended."""
    open_sessions: dict[int, list[tuple[datetime, datetime, bool]]] = defaultdict(list)
    for course_id, starts, ends, fmt in db.session.execute(
        select(
            CourseSession.course_id, CourseSession.starts_at, CourseSession.ends_at, Course.format
        )
        .join(Course, Course.id == CourseSession.course_id)
        .where(
            CourseSession.cancelled_at.is_(None),
            CourseSession.starts_at > now,
            CourseSession.enrolment_deadline > now,
            Course.archived.is_(False),
        )
    ):
        open_sessions[course_id].append((starts, ends, fmt == CourseFormat.SELF_PACED.value))
    outcomes: dict[int, dict[int, int]] = defaultdict(dict)
    for course_id, competence_id, level in db.session.execute(
        select(CourseOutcome.course_id, CourseOutcome.competence_id, CourseOutcome.level)
    ):
        outcomes[course_id][competence_id] = level
    prerequisites: dict[int, set[int]] = defaultdict(set)
    for course_id, required in db.session.execute(
        select(CoursePrerequisite.course_id, CoursePrerequisite.required_course_id)
    ):
        prerequisites[course_id].add(required)
    active: set[int] = set()
    completed: set[int] = set()
    busy: list[tuple[datetime, datetime]] = []
    for course_id, state, starts, ends, fmt, cancelled in db.session.execute(
        select(
            Enrolment.course_id,
            Enrolment.state,
            CourseSession.starts_at,
            CourseSession.ends_at,
            Course.format,
            CourseSession.cancelled_at,
        )
        .join(CourseSession, CourseSession.id == Enrolment.session_id)
        .join(Course, Course.id == Enrolment.course_id)
        .where(Enrolment.employee_id == employee_id)
    ):
        if state == EnrolmentState.COMPLETED.value:
            completed.add(course_id)
        elif state in {s.value for s in ACTIVE_STATES}:
            active.add(course_id)
            if (
                state == EnrolmentState.CONFIRMED.value
                and fmt != CourseFormat.SELF_PACED.value
                and cancelled is None
            ):
                busy.append((starts, ends))
    offer = CourseOffer()
    for course_id in completed:
        for competence_id, level in outcomes.get(course_id, {}).items():
            offer.evidence[competence_id] = max(offer.evidence.get(competence_id, 0), level)
    for course_id, sessions in sorted(open_sessions.items()):
        if course_id in active or course_id in completed:
            continue
        if not prerequisites.get(course_id, set()) <= completed:
            continue
        if not any(
            self_paced or all(ends <= s or starts >= e for s, e in busy)
            for starts, ends, self_paced in sessions
        ):
            continue
        if outcomes.get(course_id):
            offer.joinable[course_id] = outcomes[course_id]
    return offer


def closable_gaps(
    offer: CourseOffer, targets: dict[int, int], head_levels: dict[int, int]
) -> list[tuple[int, int, int]]:
    """(competence, course, level the course brings her to) for every gap of hers that
    a joinable course closes at least partly."""
    found = []
    for competence_id, target in sorted(targets.items()):
        current = max(head_levels.get(competence_id, 0), offer.evidence.get(competence_id, 0))
        for course_id, outcomes in sorted(offer.joinable.items()):
            reaches = min(outcomes.get(competence_id, 0), target)
            if reaches > current:
                found.append((competence_id, course_id, reaches))
    return found


def ensure_closable(
    offer: CourseOffer, targets: dict[int, int], head_levels: dict[int, int]
) -> dict[int, int]:
    """Her head's levels, lowered in one competence if no joinable course would close
    any of her gaps otherwise (the catalogue's sessions depend on the seed and day)."""
    if closable_gaps(offer, targets, head_levels) or not offer.joinable:
        return head_levels
    best: tuple[int, int, int] | None = None  # (closable, -competence, reaches)
    for competence_id, target in sorted(targets.items()):
        for outcomes in offer.joinable.values():
            reaches = min(outcomes.get(competence_id, 0), target)
            room = reaches - offer.evidence.get(competence_id, 0)
            if room > 0 and (best is None or (room, -competence_id) > best[:2]):
                best = (room, -competence_id, reaches)
    if best is None:
        return head_levels
    adjusted = dict(head_levels)
    adjusted[-best[1]] = min(adjusted.get(-best[1], best[2]), best[2] - 1)
    return adjusted


# ---------------------------------------------------------------------------
# Ratings
# ---------------------------------------------------------------------------

#: How far a head's rating lies from the target (weights): mostly a little below.
DELTAS = ((-3, 0.08), (-2, 0.22), (-1, 0.35), (0, 0.25), (1, 0.1))


class _Ratings:
    def __init__(
        self,
        rng: random.Random,
        now: datetime,
        people: TalentPeople,
        competences: dict[str, int],
    ) -> None:
        self.rng = rng
        self.now = now
        self.today = to_berlin(now).date()
        self.people = people
        self.competences = competences
        self.rows: list[dict[str, Any]] = []
        self.deltas = [d for d, _ in DELTAS]
        self.weights = [w for _, w in DELTAS]

    # -- helpers ------------------------------------------------------------------------

    def add(
        self,
        employee_id: int,
        code: str,
        level: int,
        source: str,
        at: datetime,
        by: int | None,
        comment: str | None = None,
        title: str | None = None,
        valid_until: date | None = None,
    ) -> None:
        self.rows.append(
            {
                "employee_id": employee_id,
                "competence_id": self.competences[code],
                "level": level,
                "source": source,
                "rated_at": at,
                "rated_by_id": by,
                "comment": comment,
                "evidence_title": title,
                "valid_until": valid_until,
            }
        )

    def earliest_days(self, employee_id: int) -> int:
        """Ratings lie after the first month of service and within the history."""
        entry = self.people.people[employee_id].entry
        if entry is None:
            return HISTORY_DAYS
        return max(min(HISTORY_DAYS, (self.today - entry).days - 30), 0)

    def ago(self, low: float, high: float) -> datetime:
        """A moment ``low`` to ``high`` days before now (in whole seconds)."""
        seconds = int(self.rng.uniform(low, high) * 86400)
        return self.now - timedelta(seconds=seconds)

    def head_level(self, code: str, target: int) -> int:
        delta = self.rng.choices(self.deltas, self.weights)[0]
        return min(max(target + delta, 1), max_level(code))

    def comment(self, code: str, level: int, target: int) -> str:
        rng = self.rng
        if code in SPECIFIC and target - 1 <= level <= target and rng.random() < 0.5:
            return SPECIFIC[code]
        pool = BELOW if level < target else AT if level == target else ABOVE
        return rng.choice(pool)

    def targets(self, employee_id: int) -> tuple[tuple[str, int], ...]:
        role = self.people.people[employee_id].role
        return PROFILES.get(role, ()) if role is not None else ()

    # -- the demo head's team -----------------------------------------------------------

    def team(self, head_user: int | None) -> None:
        rng, p = self.rng, self.people
        for employee_id in p.team:
            if employee_id == p.employee:
                continue
            earliest = self.earliest_days(employee_id)
            targets = self.targets(employee_id)
            if earliest < 20 or not targets or rng.random() >= 0.9:
                continue
            rated: dict[str, int] = {}
            for code, target in targets:
                if rng.random() >= 0.8:
                    continue
                level = self.head_level(code, target)
                rated[code] = level
                if level > 1 and earliest > 300 and rng.random() < 0.3:
                    later = self.ago(20, min(330, earliest - 150))
                    days_before = (self.now - later).days
                    earlier = self.ago(min(days_before + 120, earliest), earliest)
                    before = max(level - rng.choice((1, 1, 2)), 1)
                    self.add(employee_id, code, before, HEAD, earlier, head_user,
                             rng.choice(EARLIER))  # fmt: skip
                    comment = f"{rng.choice(PROGRESS)} {self.comment(code, level, target)}"
                    self.add(employee_id, code, level, HEAD, later, head_user, comment)
                else:
                    at = self.ago(20, earliest)
                    self.add(employee_id, code, level, HEAD, at, head_user,
                             self.comment(code, level, target))  # fmt: skip
            if rated and rng.random() < 0.5:
                own = p.user_of.get(employee_id)
                codes = sorted(rated)
                for code in rng.sample(codes, min(len(codes), rng.randint(2, 4))):
                    level = min(rated[code] + rng.choice((0, 1, 1, 2)), max_level(code))
                    comment = rng.choice(SELF_COMMENTS) if rng.random() < 0.2 else None
                    self.add(employee_id, code, level, SELF, self.ago(3, 15), own, comment)

    def certificates(self, pool: Sequence[int], hr_user: int | None, expired: bool) -> int:
        """One holder per certificate among ``pool`` (matching role), the one that has
        run out first (with ``expired``; it needs the longest service). Someone may
        hold two when the pool is small. Returns the number of certificates."""
        rng = self.rng
        candidates = list(pool)
        rng.shuffle(candidates)
        held: dict[int, set[str]] = defaultdict(set)
        count = 0
        specs: list[tuple[CertificateSpec, bool]] = [(c, False) for c in CERTIFICATES]
        if expired:
            specs.insert(0, (EXPIRED_CERTIFICATE, True))
        for spec, runs_out in specs:
            eligible = [
                e
                for e in candidates
                if self.people.people[e].role in spec.roles
                and spec.title not in held[e]
                and self.earliest_days(e) > (700 if runs_out else 60)
            ]
            if not eligible:
                continue
            holder = min(eligible, key=lambda e: len(held[e]))  # the first with the fewest
            held[holder].add(spec.title)
            self.certificate(holder, spec, hr_user, runs_out)
            count += 1
        return count

    def certificate(
        self, employee_id: int, spec: CertificateSpec, hr_user: int | None, runs_out: bool
    ) -> None:
        if runs_out:  # recorded almost two years ago, valid until a few weeks ago
            at = self.ago(690, 700)
            until: date | None = self.today - timedelta(days=self.rng.randint(20, 60))
        else:
            at = self.ago(30, min(self.earliest_days(employee_id), 600))
            until = None
            if spec.valid_years is not None:
                until = to_berlin(at).date() + timedelta(days=365 * spec.valid_years)
        self.add(employee_id, spec.competence, spec.level, EXTERNAL, at, hr_user,
                 title=spec.title, valid_until=until)  # fmt: skip

    # -- the demo people ----------------------------------------------------------------

    def demo_employee(self, head_levels: dict[str, int], head_user: int | None) -> None:
        p, rng = self.people, self.rng
        if p.employee is None:
            return
        comments = {code: comment for code, _, comment in EMPLOYEE_HEAD_RATINGS}
        for code, level in sorted(head_levels.items()):
            comment = comments.get(code, rng.choice(BELOW))
            earlier = EMPLOYEE_EARLIER.get(code)
            if earlier is not None and earlier[0] < level:
                self.add(p.employee, code, earlier[0], HEAD, self.ago(420, 440), head_user,
                         earlier[1])  # fmt: skip
            self.add(p.employee, code, level, HEAD, self.ago(60, 120), head_user, comment)
        own = p.user_of.get(p.employee)
        for code, level, comment in EMPLOYEE_SELF:
            self.add(p.employee, code, level, SELF, self.ago(10, 25), own, comment)

    def demo_head(self) -> None:
        p = self.people
        if p.head is None:
            return
        own = p.user_of.get(p.head)
        for code, level, comment in HEAD_SELF:
            self.add(p.head, code, level, SELF, self.ago(30, 90), own, comment)

    # -- the rest of the organisation ---------------------------------------------------

    def others(self, hr_user: int | None) -> None:
        rng, p = self.rng, self.people
        sample = rng.sample(p.others, round(len(p.others) * OTHERS_SHARE))
        for employee_id in sample:
            earliest = self.earliest_days(employee_id)
            targets = self.targets(employee_id)
            if earliest < 20 or not targets:
                continue
            count = min(rng.choice((1, 1, 2, 2, 3)), len(targets))
            for code, target in rng.sample(targets, count):
                level = self.head_level(code, target)
                at = self.ago(5, earliest)
                own = p.user_of.get(employee_id)
                if rng.random() < 0.65 and own != hr_user:  # HR never rates herself
                    self.add(employee_id, code, level, HEAD, at, hr_user, rng.choice(HR_COMMENTS))
                else:
                    level = min(level + rng.choice((0, 1, 1)), max_level(code))
                    self.add(employee_id, code, level, SELF, at, own)
        holders = [e for e in sample if rng.random() < 0.1]
        for employee_id in holders:
            if p.user_of.get(employee_id) == hr_user:
                continue
            role = p.people[employee_id].role
            specs = [c for c in CERTIFICATES if role in c.roles]
            if specs and self.earliest_days(employee_id) > 60:
                self.certificate(employee_id, rng.choice(specs), hr_user, False)


# ---------------------------------------------------------------------------
# The step
# ---------------------------------------------------------------------------


def employee_targets(role: str | None, competences: dict[str, int]) -> dict[int, int]:
    return {competences[code]: level for code, level in PROFILES.get(role or "", ())}


def plan_employee_levels(
    offer: CourseOffer | None, role: str | None, competences: dict[str, int]
) -> dict[str, int]:
    """Her head's latest levels by competence code; lowered where needed so that a
    course with an open session closes one of her gaps."""
    levels = {code: level for code, level, _ in EMPLOYEE_HEAD_RATINGS}
    if offer is None:
        return levels
    codes = {id_: code for code, id_ in competences.items()}
    by_id = {competences[code]: level for code, level in levels.items()}
    adjusted = ensure_closable(offer, employee_targets(role, competences), by_id)
    return {codes[c]: level for c, level in adjusted.items()}


def build_ratings(
    rng: random.Random,
    now: datetime,
    people: TalentPeople,
    competences: dict[str, int],
    offer: CourseOffer | None,
) -> tuple[list[dict[str, Any]], int]:
    """Every rating row of the step, and the number of external certificates."""
    ratings = _Ratings(rng, now, people, competences)
    role = people.people[people.employee].role if people.employee in people.people else None
    ratings.demo_employee(plan_employee_levels(offer, role, competences), people.head_user)
    ratings.demo_head()
    ratings.team(people.head_user)
    certificates = ratings.certificates(people.team, people.hr_user, expired=True)
    before = len(ratings.rows)
    ratings.others(people.hr_user)
    certificates += sum(1 for r in ratings.rows[before:] if r["source"] == EXTERNAL)
    return ratings.rows, certificates


def talent_demo_step(ctx: DemoContext) -> str:
    """The ``talent`` step of ``flask academy demo``."""
    competences = competence_ids(ctx.now)
    people = people_from_context(ctx)
    targets = bulk_insert(
        RoleTarget.__table__,
        target_rows(ctx.now, ctx.job_role_ids, competences, people.hr_user),
    )
    offer = employee_offer(people.employee, ctx.now) if people.employee is not None else None
    rows, certificates = build_ratings(ctx.rng, ctx.now, people, competences, offer)
    written = bulk_insert(Rating.__table__, rows)
    roles = sum(1 for role in PROFILES if role in ctx.job_role_ids)
    return (
        f"Soll-Profile angelegt: {roles} Stellen, {de_int(targets)} Sollwerte; "
        f"Einschätzungen: {de_int(written)} (davon {de_int(certificates)} Zertifikate)"
    )


register_demo_step(STEP_NAME, talent_demo_step, order=STEP_ORDER)
