"""Data of the fast-track programmes demo (``talent.programme_demo``): the programme and
its parameters, the German demo texts, the dates of the three intakes, and the shapes of
what the step reads (``Person``, ``Staff``, ``SessionSeat``, ``CourseRecord``) and plans
(``PlannedApplication``, ``PlannedMember``, ``ProgrammePlan``). No database access.
"""

from __future__ import annotations

import calendar
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from academy.clock import berlin_to_utc, years_between
from talent.programme_models import ApplicationState, Endorsement, MemberState, MilestoneKind

# ---------------------------------------------------------------------------
# The programme (German data)
# ---------------------------------------------------------------------------

CODE = "FT-DIGI"
TITLE = "Fast Track Digitale Verwaltung"
LENGTH_MONTHS = 18
DESCRIPTION = (
    "Das Fast-Track-Programm bereitet engagierte Beschäftigte in 18 Monaten auf "
    "Schlüsselrollen in der Digitalisierung der Stadtverwaltung vor. Die Teilnehmenden "
    "besuchen Pflichtfortbildungen zu Datenkompetenz, Projektmanagement, "
    "Nutzerzentrierung, agilen Methoden, Online-Diensten und Informationssicherheit, "
    "setzen ein Praxisprojekt in ihrem Amt um und wechseln für drei Monate in ein "
    "anderes Amt. Eine erfahrene Mentorin oder ein erfahrener Mentor aus einem anderen "
    "Bereich begleitet sie durch das Programm. Zum Abschluss stellen sie ihre Ergebnisse "
    "der Verwaltungsleitung vor."
)

#: (course code, due offset in days). Only the first is due within the first seven
#: months: a self-paced course (its sessions have room for a cohort at any scale).
CURRICULUM: tuple[tuple[str, int], ...] = (
    ("DAT-101", 90),  # Datenkompetenz: Grundlagen (E-Learning)
    ("PM-101", 270),  # Klassisches Projektmanagement
    ("UX-101", 330),  # UX-Grundlagen für Online-Dienste
    ("AGI-101", 390),  # Scrum Grundlagen
    ("OZG-201", 450),  # Online-Antragsassistenten gestalten (requires UX-101)
    ("SIC-202", 500),  # Notfallmanagement und IT-Krisenübung
)
#: Courses members of the running intake may have completed ahead of schedule.
AHEAD_COURSES = ("PM-101", "UX-101", "AGI-101")


@dataclass(frozen=True)
class MilestoneSpec:
    key: str
    kind: MilestoneKind
    title: str
    description: str
    offset: int


MILESTONES: tuple[MilestoneSpec, ...] = (
    MilestoneSpec("mentoring1", MilestoneKind.MENTORING, "Mentoring-Gespräch 1: Auftakt",
                  "Ziele für die 18 Monate, Ideen für das Praxisprojekt und das Wunschamt "
                  "für die Rotation besprechen.", 30),
    MilestoneSpec("mentoring2", MilestoneKind.MENTORING, "Mentoring-Gespräch 2: Zwischenbilanz",
                  "Rückblick auf Fortbildungen und Praxisprojekt, Vorbereitung der "
                  "Rotation.", 300),
    MilestoneSpec("project", MilestoneKind.PROJECT, "Praxisprojekt",
                  "Ein Digitalisierungsvorhaben im eigenen Amt planen und umsetzen, mit "
                  "kurzem Abschlussbericht.", 360),
    MilestoneSpec("rotation", MilestoneKind.ROTATION, "Rotation in ein anderes Amt",
                  "Drei Monate Mitarbeit in einem anderen Amt, möglichst mit anderem "
                  "fachlichen Schwerpunkt.", 420),
    MilestoneSpec("mentoring3", MilestoneKind.MENTORING, "Mentoring-Gespräch 3: Abschluss",
                  "Was habe ich gelernt, wie geht es weiter? Entwicklungsplan für die Zeit "
                  "nach dem Programm.", 510),
    MilestoneSpec("presentation", MilestoneKind.PRESENTATION, "Abschlusspräsentation",
                  "Vorstellung des Praxisprojekts und der Erfahrungen aus der Rotation vor "
                  "der Verwaltungsleitung.", 540),
)  # fmt: skip

#: Target competences (Fachkompetenzen Digitalisierung) and their level.
TARGETS: tuple[tuple[str, int], ...] = (
    ("F01", 3),
    ("F02", 3),
    ("F03", 3),
    ("F07", 3),
    ("F08", 3),
    ("F10", 3),
)

#: (name, description, weight)
CRITERIA: tuple[tuple[str, str, int], ...] = (
    ("Motivation",
     "Wie überzeugend und konkret beschreibt die Bewerbung, warum die Person teilnehmen "
     "möchte und was sie im eigenen Bereich bewegen will?", 3),
    ("Bisherige Erfahrung mit Digitalisierungsprojekten",
     "Mitarbeit in Projekten, Einführungen oder Verbesserungen mit digitalem Bezug, auch "
     "in kleinem Rahmen.", 2),
    ("Entwicklungspotenzial laut Führungskraft",
     "Einschätzung der Führungskraft aus der Stellungnahme und dem letzten "
     "Mitarbeitendengespräch.", 2),
)  # fmt: skip

#: Eligibility of the running and the next intake (by career stage, never age).
MIN_SERVICE_YEARS = 1
MAX_SERVICE_YEARS = 8
PAY_GROUPS = ("E 9a", "E 9b", "E 9c", "E 10", "E 11", "E 12", "A 9", "A 10", "A 11", "A 12")

RUNNING_SEATS = 12
SELECTION_SEATS = 15
#: Applications to the next intake (fewer when fewer people are eligible).
SELECTION_APPLICATIONS = (25, 40)
#: Rejected applications to the running intake.
RUNNING_REJECTED = (8, 11)
#: Mentors have at least this many years of service.
MENTOR_YEARS = 10

# ---------------------------------------------------------------------------
# Texts (German data)
# ---------------------------------------------------------------------------

OPENINGS = (
    "Seit {years} Jahren arbeite ich in meinem Bereich ({unit}) und erlebe jeden Tag, wie "
    "viel Zeit Medienbrüche und Papierwege kosten.",
    "In meinem Bereich ({unit}) habe ich die Einführung der E-Akte mitbegleitet und dabei "
    "gemerkt, wie sehr mich die Digitalisierung von Abläufen reizt.",
    "Bei uns ({unit}) bin ich oft die erste Ansprechperson, wenn es um neue digitale "
    "Werkzeuge geht.",
    "Bürgerinnen und Bürger fragen bei uns ({unit}) immer häufiger nach Online-Angeboten, "
    "die es noch nicht gibt.",
    "Im letzten Jahr habe ich in meinem Bereich ({unit}) ein kleines Projekt zur "
    "Digitalisierung unserer Antragsbearbeitung angestoßen.",
    "Nach {years} Jahren in meinem Bereich ({unit}) kenne ich unsere Abläufe gut – und "
    "sehe, wo sie digital einfacher werden könnten.",
    "Als Key-User für unser Fachverfahren ({unit}) erkläre ich Kolleginnen und Kollegen "
    "regelmäßig neue Funktionen.",
)
MIDDLES = (
    "Im Programm möchte ich lernen, Vorhaben agil zu steuern und die Sicht der Nutzerinnen "
    "und Nutzer von Anfang an einzubeziehen.",
    "Besonders interessiert mich, wie wir mit besseren Daten bessere Entscheidungen treffen.",
    "Ich möchte verstehen, wie Online-Dienste nach dem OZG so gestaltet werden, dass sie "
    "wirklich genutzt werden.",
    "Mir fehlt bisher das methodische Handwerkszeug für Projektmanagement, das ich mir im "
    "Programm systematisch aneignen möchte.",
    "Die Rotation in ein anderes Amt sehe ich als große Chance, Abläufe aus einer neuen "
    "Perspektive kennenzulernen.",
)
CLOSINGS = (
    "Danach möchte ich in meinem Bereich Digitalisierungsvorhaben verantwortlich begleiten.",
    "Mein Ziel ist, Kolleginnen und Kollegen bei Veränderungen mitzunehmen und selbst "
    "Verantwortung zu übernehmen.",
    "Langfristig kann ich mir gut eine Rolle in der Projektleitung oder als Digitallotse "
    "meines Amtes vorstellen.",
    "Das Gelernte will ich direkt in unser laufendes Vorhaben einbringen.",
    "Ich freue mich darauf, dabei auch andere Ämter und ihre Sicht kennenzulernen.",
    "So möchte ich dazu beitragen, dass unsere Verwaltung für alle einfacher erreichbar wird.",
)
EMPLOYEE_MOTIVATION = (
    "Als UX-Designerin teste ich mit Bürgerinnen und Bürgern unsere Online-Dienste und sehe, "
    "wo sie scheitern – oft nicht am Formular, sondern am Prozess dahinter. Im Programm "
    "möchte ich lernen, Vorhaben über Ämtergrenzen hinweg zu steuern, und in der Rotation "
    "die Sachbearbeitung von innen kennenlernen. Danach möchte ich nutzerzentrierte "
    "Projekte verantwortlich leiten."
)
ENDORSED = (
    "Ich unterstütze die Bewerbung ausdrücklich: sehr engagiert, denkt Abläufe vom Ergebnis "
    "her und ist im Team anerkannt.",
    "Hat in unserem Bereich bereits Verbesserungen angestoßen und umgesetzt. Die Vertretung "
    "während der Rotation ist geklärt.",
    "Zuverlässig, lernbereit und mit einem guten Blick für die Bürgerinnen und Bürger. "
    "Befürwortet.",
    "Große Eigeninitiative bei der Einführung der E-Akte; das Programm wäre der richtige "
    "nächste Schritt.",
)
NOT_ENDORSED = (
    "Fachlich geeignet, aber die Vertretung im Team ist im kommenden Jahr nicht gesichert. "
    "Eine Bewerbung für den nächsten Jahrgang würde ich unterstützen.",
    "Zurzeit nicht befürwortet: Die Einarbeitung in die neuen Aufgaben ist noch nicht "
    "abgeschlossen.",
    "Wegen der Umstellung unseres Fachverfahrens kann ich die Freistellung für Rotation "
    "und Praxisprojekt im kommenden Jahr nicht zusagen.",
)
EMPLOYEE_ENDORSEMENT = (
    "Frau Demir bringt die Sicht der Nutzerinnen und Nutzer in jedes Vorhaben ein und "
    "arbeitet sehr gut mit den Fachbereichen zusammen. Ausdrücklich befürwortet."
)
NOMINATION_NOTES = (
    "Hat die Einführung unseres Ticketsystems maßgeblich getragen; ich sehe großes "
    "Potenzial für eine Projektleitungsrolle.",
    "Arbeitet sehr strukturiert und bringt Fachbereiche und IT zusammen. Ich würde mich "
    "über eine Teilnahme freuen.",
)
NOMINEE_MOTIVATION = (
    "Über die Nominierung habe ich mich sehr gefreut. Ich möchte im Programm lernen, "
    "Vorhaben methodisch zu steuern, und die Erfahrungen aus unserem Ticketsystem-Projekt "
    "in die ganze Verwaltung tragen."
)
#: Score comments per criterion (by position) and score band (0–1, 2–3, 4–5).
SCORE_COMMENTS: tuple[dict[str, tuple[str, ...]], ...] = (
    {
        "low": ("Motivation bleibt allgemein; kein Bezug zum eigenen Bereich erkennbar.",),
        "mid": ("Motivation nachvollziehbar, Ziele noch wenig konkret.",
                "Klarer Wunsch nach Weiterentwicklung; Bezug zum Programm eher knapp."),
        "high": ("Überzeugend und konkret, mit klarem Bezug zu Vorhaben des eigenen Bereichs.",
                 "Sehr reflektierte Bewerbung mit eigenen Ideen für das Praxisprojekt."),
    },
    {
        "low": ("Bisher keine Erfahrung mit Digitalisierungsvorhaben.",),
        "mid": ("Hat an einer Einführung (E-Akte) mitgewirkt, ohne eigene Verantwortung.",
                "Erste Erfahrungen in einem kleinen Verbesserungsprojekt."),
        "high": ("Hat ein Digitalisierungsvorhaben im eigenen Bereich verantwortlich begleitet.",
                 "Mehrjährige Mitarbeit in Projekten mit der IT, auch als Key-Userin bzw. "
                 "Key-User."),
    },
    {
        "low": ("Stellungnahme zurückhaltend; Entwicklung zunächst in der jetzigen Aufgabe.",),
        "mid": ("Führungskraft sieht Potenzial, nennt aber noch Entwicklungsfelder.",
                "Solide Einschätzung; Potenzial vor allem in der fachlichen Vertiefung."),
        "high": ("Führungskraft sieht deutliches Potenzial für eine Schlüsselrolle.",
                 "Sehr positive Stellungnahme mit konkreten Beispielen."),
    },
)  # fmt: skip
OBJECTION_NOTE = (
    "Vorschlag nach Auswertung aller Bewerbungen; bei gleicher Punktzahl entscheidet die "
    "Stellungnahme der Führungskraft."
)
OBJECTION = (
    "Der Personalrat bittet um eine nachvollziehbare Begründung der Bewertungen im "
    "Kriterium „Entwicklungspotenzial“ bei zwei Bewerbungen aus dem Sozialbereich und um "
    "Prüfung, ob Teilzeitbeschäftigte gleichermaßen berücksichtigt wurden."
)
CONSENT_NOTE = (
    "Bewertungen im Kriterium „Entwicklungspotenzial“ nach Rückfrage des Personalrats mit "
    "Begründungen ergänzt; Teilzeitbeschäftigte sind im Vorschlag angemessen vertreten."
)
CONSENT = (
    "Der Personalrat stimmt der Auswahl zu. Die Begründungen sind nachvollziehbar; wir "
    "bitten darum, den nicht ausgewählten Beschäftigten ein Gespräch anzubieten."
)
DROP_OUT_REASONS = (
    "Übernahme einer Teamleitung im eigenen Amt; neue Aufgabe und Programm sind zeitlich "
    "nicht vereinbar. Eine Teilnahme an einem späteren Jahrgang ist besprochen.",
    "Auf eigenen Wunsch aus familiären Gründen beendet; ein Wiedereinstieg in einem "
    "späteren Jahrgang ist möglich.",
)
SIGNOFF_NOTES = {
    "mentoring1": (
        "Auftaktgespräch geführt: Entwicklungsziele, Ideen für das Praxisprojekt und "
        "Wunschamt für die Rotation besprochen.",
        "Ziele für die 18 Monate vereinbart; nächstes Gespräch vor der Rotation.",
    ),
    "mentoring2": ("Zwischenbilanz: Fortbildungen auf Kurs, Praxisprojekt abgestimmt.",),
}
#: Added to sign-offs that HR recorded for a mentor without an account.
HR_SIGNOFF = "Von der Personalentwicklung nach Rückmeldung aus dem Mentoring eingetragen."

# ---------------------------------------------------------------------------
# Dates
# ---------------------------------------------------------------------------


def add_months(day: date, months: int) -> date:
    """``day`` moved by ``months`` (the last day of a shorter month when needed)."""
    year, month = divmod(day.year * 12 + day.month - 1 + months, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


@dataclass(frozen=True)
class Timeline:
    """The dates of the three intakes, relative to the demo's day."""

    today: date
    running_start: date
    running_end: date
    running_open: date
    running_close: date
    selection_open: date
    selection_close: date
    selection_start: date
    selection_end: date
    draft_open: date
    draft_close: date
    draft_start: date
    draft_end: date

    @classmethod
    def of(cls, today: date) -> Timeline:
        start = add_months(today.replace(day=1), -7)
        close = start - timedelta(days=98)
        selection_close = today - timedelta(days=4)
        selection_start = add_months(today.replace(day=1), 3)
        draft_open = selection_start + timedelta(days=240)
        draft_close = draft_open + timedelta(days=42)
        draft_start = add_months(draft_close.replace(day=1), 4)
        return cls(
            today=today,
            running_start=start,
            running_end=add_months(start, LENGTH_MONTHS),
            running_open=close - timedelta(days=42),
            running_close=close,
            selection_open=selection_close - timedelta(days=42),
            selection_close=selection_close,
            selection_start=selection_start,
            selection_end=add_months(selection_start, LENGTH_MONTHS),
            draft_open=draft_open,
            draft_close=draft_close,
            draft_start=draft_start,
            draft_end=add_months(draft_start, LENGTH_MONTHS),
        )

    @property
    def yesterday_evening(self) -> datetime:
        """The latest moment anything of the demo happened (never on the demo's day)."""
        return berlin_to_utc(datetime.combine(self.today - timedelta(days=1), time(18, 0)))

    # The running intake's selection, days after the close of applications.
    def running_step(self, days: int) -> date:
        return self.running_close + timedelta(days=days)


SCORING_DAYS = (2, 20)
FIRST_PROPOSAL, OBJECTED, SECOND_PROPOSAL, CONSENTED, DECISIONS = 24, 29, 36, 41, 44


def office_time(rng: random.Random, day: date, first: int = 8, last: int = 17) -> datetime:
    """A moment during office hours (Berlin) on ``day``, in UTC."""
    minute = rng.randint(first * 60, last * 60 - 1)
    return berlin_to_utc(datetime.combine(day, time(minute // 60, minute % 60)))


def between(rng: random.Random, start: datetime, end: datetime) -> datetime:
    if end <= start:
        return start
    return start + timedelta(seconds=int(rng.uniform(0, (end - start).total_seconds())))


# ---------------------------------------------------------------------------
# Who: the staff as the core step created them
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Person:
    id: int
    department: str  #: department code
    pay_group: str | None
    entry: date | None
    name: str

    @property
    def office(self) -> str:
        """The office (Amt) the department belongs to: "12.2" → "12"."""
        return self.department.split(".")[0]


def pay_level(pay_group: str | None) -> int:
    """``"E 9a"`` → 9, ``"A 12"`` → 12; 0 when unknown."""
    digits = "".join(ch for ch in (pay_group or "").split(" ")[-1] if ch.isdigit())
    return int(digits) if digits else 0


@dataclass
class Staff:
    people: dict[int, Person]
    order: list[int]  #: employee ids in personnel-number order
    user_of: dict[int, int]  #: employee id → user id (the demo accounts)
    employee_of: dict[str, int]  #: demo account key → employee id
    users: dict[str, int]  #: demo account key → user id
    team: set[int]  #: the demo head's subtree, without him
    unit_names: dict[str, str]  #: department code → name

    def endorser(self, employee_id: int) -> int | None:
        """The user who states the head's opinion: the demo head for his team, nobody
        with an account otherwise."""
        return self.users.get("head") if employee_id in self.team else None

    def eligible(self, employee_id: int, close_on: date) -> bool:
        person = self.people[employee_id]
        if person.entry is None or person.pay_group not in PAY_GROUPS:
            return False
        years = years_between(person.entry, close_on)
        return MIN_SERVICE_YEARS <= years <= MAX_SERVICE_YEARS

    def service_years(self, employee_id: int, on: date) -> int:
        entry = self.people[employee_id].entry
        return years_between(entry, on) if entry else 0


# ---------------------------------------------------------------------------
# The courses step's sessions and enrolments of the curriculum
# ---------------------------------------------------------------------------


@dataclass
class SessionSeat:
    id: int
    course_id: int
    starts_at: datetime
    ends_at: datetime
    enrolment_deadline: datetime
    self_paced: bool
    approval: bool
    trainer_id: int | None
    free: int
    added: int = 0


@dataclass
class CourseRecord:
    course_ids: dict[str, int]  #: curriculum course code → id
    sessions: dict[int, list[SessionSeat]]  #: course id → usable past sessions, earliest first
    completed: set[tuple[int, int]]  #: (employee, course) with a completed enrolment
    enrolled: set[tuple[int, int]]  #: (employee, course) with any enrolment
    busy: dict[int, list[tuple[datetime, datetime]]] = field(default_factory=dict)


#: Adds the busy times of the given people to the record (``load_busy``).
BusyLoader = Callable[[CourseRecord, Sequence[int]], None]

# ---------------------------------------------------------------------------
# The plan
# ---------------------------------------------------------------------------


@dataclass
class PlannedApplication:
    cohort: str  #: "running" | "selection"
    employee_id: int
    state: ApplicationState
    submitted_at: datetime | None
    motivation: str | None
    endorsement: Endorsement = Endorsement.PENDING
    endorsed_by: int | None = None
    endorsement_comment: str | None = None
    endorsed_at: datetime | None = None
    nominated_by: int | None = None
    nomination_note: str | None = None
    withdrawn_at: datetime | None = None
    proposed: bool = False
    decided_at: datetime | None = None
    created_at: datetime | None = None
    #: criterion position → (score, comment, scored at)
    scores: dict[int, tuple[int, str, datetime]] = field(default_factory=dict)

    def weighted(self) -> Decimal | None:
        if len(self.scores) < len(CRITERIA):
            return None
        total = sum(self.scores[i][0] * CRITERIA[i][2] for i in range(len(CRITERIA)))
        weights = sum(weight for _, _, weight in CRITERIA)
        return (Decimal(total) / Decimal(weights)).quantize(Decimal("0.01"), ROUND_HALF_UP)


@dataclass
class PlannedMember:
    employee_id: int
    mentor_id: int | None
    state: MemberState = MemberState.ACTIVE
    dropped_out_on: date | None = None
    drop_out_reason: str | None = None
    #: milestone key → (met on, signed off at, by user, note)
    signoffs: dict[str, tuple[date, datetime, int | None, str]] = field(default_factory=dict)
    role: str = "on_track"  #: "on_track" | "behind" | "dropped"


@dataclass
class ProgrammePlan:
    timeline: Timeline
    applications: list[PlannedApplication]
    members: list[PlannedMember]
    enrolments: list[dict[str, Any]]
    seats_added: dict[int, int]  #: session id → completed enrolments added
