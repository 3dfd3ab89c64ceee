"""Demo data of the fast-track programmes: the ``programmes`` step of ``flask academy demo``.

- One programme, "Fast Track Digitale Verwaltung" (FT-DIGI, 18 months): six required
  courses of the courses step's catalogue (data literacy, project management, UX, Scrum,
  OZG, IT security) due over the 18 months, six milestones (three mentoring talks, a
  practice project, a rotation into another office, the final presentation) and six
  target competences of "Fachkompetenzen Digitalisierung" at level 3.
- The running intake (started on the first of the month seven months ago, ends eleven
  to twelve months from now, 12 seats): the selection is documented as the services
  would have left it (applications with the heads' statements, HR's scores with
  comments, a council objection and then its consent with the proposal snapshot,
  acceptances and rejections, one withdrawal). Members come from all over the
  organisation, each with an experienced mentor from another office (the demo trainer
  mentors the demo employee, the demo head two members from other offices); the first
  mentoring talk is signed off, the data-literacy e-learning (due after 90 days)
  completed — new completed enrolments in past sessions with free seats, the seat
  counters raised with them. Two members are behind schedule: the demo employee
  (Özlem Demir: her course record belongs to the courses step, which did not give her
  that e-learning; she has completed the programme's UX course) and one more member;
  one member dropped out with a reason. Some members are ahead (courses completed
  early, the second mentoring talk held). Nobody has graduated yet, so there are no
  programme certificates.
- The next intake, in selection: the application window closed four days ago (15
  seats, 1–8 years of service, pay groups E 9a–E 12 / A 9–A 12, three weighted
  criteria); 25–40 applications (fewer in small demos: only eligible people apply)
  with German motivations, the heads' statements (some not endorsed, some still
  missing — among them candidates of the demo head's team), two nominations by the
  demo head (one accepted, one still awaiting the person's consent), one withdrawal;
  about two thirds scored by the demo HR account, the rest not yet — so HR can finish
  scoring and propose, and the staff council review, through the pages.
- A draft for the intake after that.

Heads other than the demo head have no account in the demo: their statements are
recorded without ``endorsed_by``; milestones of members whose mentor has no account are
signed off by the demo HR account (as HR may).

Everything is decided in Python and written with a few bulk INSERTs; the reads are a
fixed handful of statements whatever the number of employees. Deterministic with the
seed (the step's own generator); every date is relative to the demo's day and no
timestamp falls on it, so the time of day does not change the data.
"""

from __future__ import annotations

import calendar
import random
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import bindparam, select, update

from academy import demo_data
from academy.clock import berlin_to_utc, to_berlin, years_between
from academy.demo import DEMO_ACCOUNTS, DemoContext, bulk_insert, register_demo_step
from academy.extensions import db
from academy.models import Employee, User
from courses.demo import competence_ids
from courses.models import Course, CourseFormat, CourseSession, Enrolment, EnrolmentState
from talent.programme_models import (
    Application,
    ApplicationState,
    Cohort,
    CohortMember,
    CohortStatus,
    CouncilDecision,
    CouncilReview,
    Endorsement,
    MemberState,
    Milestone,
    MilestoneKind,
    MilestoneSignoff,
    Programme,
    ProgrammeCourse,
    ProgrammeTarget,
    Score,
    SelectionCriterion,
)

STEP_NAME = "programmes"
#: After the talent step (30), before the certificates step (40), which then issues the
#: course certificates of the completions added here.
STEP_ORDER = 35

S = EnrolmentState
#: Enrolment states that occupy the person's time (for the no-overlap rule).
BUSY = (S.CONFIRMED, S.ATTENDED, S.NO_SHOW, S.COMPLETED, S.FAILED, S.PENDING, S.WAITLISTED)

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


def staff_from_context(ctx: DemoContext) -> Staff:
    """Two statements: the demo accounts' employees and every active employee."""
    employee_of_user: dict[int, int] = {}
    if ctx.user_ids:
        employee_of_user = {
            user_id: employee_id
            for user_id, employee_id in db.session.execute(
                select(User.id, User.employee_id).where(User.id.in_(list(ctx.user_ids.values())))
            )
            if employee_id is not None
        }
    codes = {id_: code for code, id_ in ctx.department_ids.items()}
    people = {
        id_: Person(id_, codes.get(dept, ""), pay, entry, f"{first} {last}")
        for id_, dept, pay, entry, first, last in db.session.execute(
            select(
                Employee.id,
                Employee.department_id,
                Employee.pay_group,
                Employee.entry_date,
                Employee.first_name,
                Employee.last_name,
            ).where(Employee.active.is_(True))
        )
    }
    parent = {spec.code: spec.parent for spec in demo_data.DEPARTMENTS}
    employee_of = {
        key: employee_of_user[user_id]
        for key, user_id in ctx.user_ids.items()
        if user_id in employee_of_user
    }
    head_account = next(a for a in DEMO_ACCOUNTS if a.key == "head")
    head_dept = head_account.person.department if head_account.person else "12"

    def in_subtree(code: str) -> bool:
        current: str | None = code
        while current is not None:
            if current == head_dept:
                return True
            current = parent.get(current)
        return False

    head = employee_of.get("head")
    team = {e for e, p in people.items() if in_subtree(p.department) and e != head}
    return Staff(
        people=people,
        order=[e for e in ctx.employee_ids if e in people],
        user_of={e: u for u, e in employee_of_user.items()},
        employee_of=employee_of,
        users=dict(ctx.user_ids),
        team=team,
        unit_names={spec.code: spec.name for spec in demo_data.DEPARTMENTS},
    )


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


def course_record(now: datetime, cap: datetime) -> CourseRecord:
    """Three statements: the curriculum's courses, their sessions that ended long enough
    ago (or, self-paced, started before yesterday) with free seats, and every enrolment
    in them."""
    codes = [code for code, _ in CURRICULUM]
    courses = {
        code: (id_, fmt, approval)
        for id_, code, fmt, approval in db.session.execute(
            select(Course.id, Course.code, Course.format, Course.requires_approval).where(
                Course.code.in_(codes)
            )
        )
    }
    ids = [id_ for id_, _, _ in courses.values()]
    info = {id_: (fmt, approval) for id_, fmt, approval in courses.values()}
    sessions: dict[int, list[SessionSeat]] = defaultdict(list)
    if ids:
        for row in db.session.execute(
            select(
                CourseSession.id,
                CourseSession.course_id,
                CourseSession.starts_at,
                CourseSession.ends_at,
                CourseSession.enrolment_deadline,
                CourseSession.trainer_id,
                CourseSession.capacity,
                CourseSession.confirmed_count,
            )
            .where(
                CourseSession.course_id.in_(ids),
                CourseSession.cancelled_at.is_(None),
                CourseSession.starts_at < now,
            )
            .order_by(CourseSession.starts_at, CourseSession.id)
        ):
            fmt, approval = info[row.course_id]
            self_paced = fmt == CourseFormat.SELF_PACED.value
            # Past sessions whose marks are all made (the demo trainer's latest two weeks
            # still wait for hers); self-paced windows that started at least two days ago.
            usable = (
                row.starts_at < cap - timedelta(days=2)
                if self_paced
                else row.ends_at < now - timedelta(days=15)
            )
            if usable and row.capacity > row.confirmed_count:
                sessions[row.course_id].append(
                    SessionSeat(
                        id=row.id,
                        course_id=row.course_id,
                        starts_at=row.starts_at,
                        ends_at=row.ends_at,
                        enrolment_deadline=row.enrolment_deadline,
                        self_paced=self_paced,
                        approval=approval,
                        trainer_id=row.trainer_id,
                        free=row.capacity - row.confirmed_count,
                    )
                )
    completed: set[tuple[int, int]] = set()
    enrolled: set[tuple[int, int]] = set()
    if ids:
        for employee_id, course_id, state in db.session.execute(
            select(Enrolment.employee_id, Enrolment.course_id, Enrolment.state).where(
                Enrolment.course_id.in_(ids)
            )
        ):
            enrolled.add((employee_id, course_id))
            if state == S.COMPLETED.value:
                completed.add((employee_id, course_id))
    return CourseRecord(
        course_ids={code: courses[code][0] for code in codes if code in courses},
        sessions=dict(sessions),
        completed=completed,
        enrolled=enrolled,
    )


def load_busy(record: CourseRecord, employee_ids: Sequence[int]) -> None:
    """One statement: the time the given people spend in sessions that are not
    self-paced (self-paced courses neither clash nor are clashed with)."""
    if not employee_ids:
        return
    for employee_id, starts, ends in db.session.execute(
        select(Enrolment.employee_id, CourseSession.starts_at, CourseSession.ends_at)
        .join(CourseSession, CourseSession.id == Enrolment.session_id)
        .join(Course, Course.id == CourseSession.course_id)
        .where(
            Enrolment.employee_id.in_(list(employee_ids)),
            Enrolment.state.in_([s.value for s in BUSY]),
            Course.format != CourseFormat.SELF_PACED.value,
        )
    ):
        record.busy.setdefault(employee_id, []).append((starts, ends))


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


class _Planner:
    def __init__(
        self,
        rng: random.Random,
        now: datetime,
        staff: Staff,
        record: CourseRecord,
        busy: BusyLoader,
    ) -> None:
        self.rng = rng
        self.load_busy = busy
        self.now = now
        self.today = to_berlin(now).date()
        self.t = Timeline.of(self.today)
        self.cap = self.t.yesterday_evening
        self.staff = staff
        self.record = record
        self.applications: list[PlannedApplication] = []
        self.members: list[PlannedMember] = []
        self.enrolments: list[dict[str, Any]] = []
        self.seats_added: dict[int, int] = defaultdict(int)
        demo_ids = set(staff.employee_of.values())
        self.employee = staff.employee_of.get("employee")
        self.head = staff.employee_of.get("head")
        self.trainer = staff.employee_of.get("trainer")
        self.hr_user = staff.users.get("hr")
        self.council_user = staff.users.get("council")
        self.head_user = staff.users.get("head")
        #: Ordinary people (no demo account), in personnel-number order.
        self.ordinary = [e for e in staff.order if e not in demo_ids]

    # -- texts ------------------------------------------------------------------------

    def motivation(self, employee_id: int, on: date) -> str:
        rng, person = self.rng, self.staff.people[employee_id]
        unit = self.staff.unit_names.get(person.department, person.department)
        years = max(self.staff.service_years(employee_id, on), 1)
        parts = [rng.choice(OPENINGS).format(years=years, unit=unit)]
        parts.extend(rng.sample(MIDDLES, rng.choice((1, 1, 2))))
        parts.append(rng.choice(CLOSINGS))
        return " ".join(parts)

    def score(
        self, app: PlannedApplication, values: Sequence[int], days: tuple[date, date]
    ) -> None:
        rng = self.rng
        first, last = days
        at = office_time(rng, first + timedelta(days=rng.randint(0, (last - first).days)))
        for position, value in enumerate(values):
            band = "low" if value <= 1 else "mid" if value <= 3 else "high"
            comment = rng.choice(SCORE_COMMENTS[position][band])
            app.scores[position] = (value, comment, at + timedelta(minutes=2 * position))

    # -- the running intake -------------------------------------------------------------

    def spread(self, candidates: list[int]) -> list[int]:
        """The candidates shuffled, then taken office by office in turn, so that the
        first ones come from all over the organisation."""
        rng = self.rng
        shuffled = list(candidates)
        rng.shuffle(shuffled)
        by_office: dict[str, list[int]] = defaultdict(list)
        for e in shuffled:
            by_office[self.staff.people[e].office].append(e)
        offices = list(by_office)
        rng.shuffle(offices)
        out: list[int] = []
        while any(by_office.values()):
            for office in offices:
                if by_office[office]:
                    out.append(by_office[office].pop(0))
        return out

    def running(self) -> None:
        t, staff, record = self.t, self.staff, self.record
        data_course = record.course_ids.get(CURRICULUM[0][0])
        # The demo head's team is kept for the next intake (his nominations).
        reserved = {e for e in staff.team if staff.eligible(e, t.selection_close)}
        pool = [
            e for e in self.ordinary if staff.eligible(e, t.running_close) and e not in reserved
        ]
        members: list[PlannedMember] = []
        if self.employee is not None and staff.eligible(self.employee, t.running_close):
            members.append(PlannedMember(self.employee, None, role="behind"))
        behind = dropped = False
        rest: list[int] = []
        for e in self.spread(pool):
            if len(members) >= RUNNING_SEATS:
                rest.append(e)
            elif not behind:
                behind = True
                members.append(PlannedMember(e, None, role="behind"))
            elif not dropped:
                dropped = True
                members.append(PlannedMember(e, None, role="dropped"))
            elif (
                data_course is None
                or (e, data_course) in record.completed
                or ((e, data_course) not in record.enrolled and self.complete(e, data_course))
            ):
                # On schedule: the course due by now is completed (or completed now).
                members.append(PlannedMember(e, None))
            else:
                rest.append(e)
        self.members = members
        self.load_busy(record, [m.employee_id for m in members])
        self.mentors(members)
        for member in members:
            self.progress(member)
        self.running_applications(members, rest)

    def mentors(self, members: list[PlannedMember]) -> None:
        """The demo trainer mentors the demo employee, the demo head two members on
        schedule from other offices; everyone else an experienced person (at least ten
        years of service, pay group 11 or higher if possible) from another office."""
        rng, staff, today = self.rng, self.staff, self.today
        taken = {m.employee_id for m in members}
        head_office = staff.people[self.head].office if self.head in staff.people else None
        experienced = [
            e
            for e in self.ordinary
            if e not in taken and staff.service_years(e, today) >= MENTOR_YEARS
        ]
        rng.shuffle(experienced)
        senior = [e for e in experienced if pay_level(staff.people[e].pay_group) >= 11]
        used: set[int] = set()
        head_mentees = 0
        ordered = sorted(members, key=lambda m: m.role != "on_track")  # stable
        for member in ordered:
            office = staff.people[member.employee_id].office
            if member.employee_id == self.employee and self.trainer in staff.people:
                member.mentor_id = self.trainer
            elif self.head in staff.people and head_mentees < 2 and office != head_office:
                member.mentor_id = self.head
                head_mentees += 1
            else:
                member.mentor_id = next(
                    (
                        e
                        for group, fresh in ((senior, True), (senior, False), (experienced, False))
                        for e in group
                        if staff.people[e].office != office and not (fresh and e in used)
                    ),
                    None,
                )
                if member.mentor_id is not None:
                    used.add(member.mentor_id)

    def signoff(self, member: PlannedMember, key: str, met_on: date) -> None:
        rng = self.rng
        mentor_user = self.staff.user_of.get(member.mentor_id) if member.mentor_id else None
        by = mentor_user or self.hr_user
        note = rng.choice(SIGNOFF_NOTES.get(key, ("Erledigt.",)))
        if mentor_user is None:
            note = f"{note} {HR_SIGNOFF}"
        latest = self.today - timedelta(days=1)
        day = min(met_on + timedelta(days=rng.randint(0, 4)), latest)
        member.signoffs[key] = (met_on, office_time(rng, day), by, note)

    def progress(self, member: PlannedMember) -> None:
        """Sign-offs, the drop-out and courses completed ahead of schedule."""
        rng, start, record = self.rng, self.t.running_start, self.record
        e = member.employee_id
        if member.role != "behind" or e == self.employee:
            self.signoff(member, "mentoring1", start + timedelta(days=rng.randint(12, 35)))
        if member.role == "dropped":
            member.state = MemberState.DROPPED_OUT
            member.dropped_out_on = start + timedelta(days=rng.randint(100, 150))
            member.drop_out_reason = rng.choice(DROP_OUT_REASONS)
        if member.role != "on_track":
            return
        if rng.random() < 0.6:
            codes = list(AHEAD_COURSES)
            rng.shuffle(codes)
            for code in codes[: rng.choice((1, 1, 2))]:
                course_id = record.course_ids.get(code)
                if course_id is not None and (e, course_id) not in record.enrolled:
                    self.complete(e, course_id)
        if rng.random() < 0.35:
            self.signoff(member, "mentoring2", self.today - timedelta(days=rng.randint(5, 45)))

    def complete(self, employee_id: int, course_id: int) -> bool:
        """A completed enrolment in the earliest usable session with a free seat that
        does not clash with the person's other sessions."""
        record = self.record
        busy = record.busy.setdefault(employee_id, [])
        for session in record.sessions.get(course_id, ()):
            if session.free <= 0:
                continue
            if not session.self_paced and any(
                session.starts_at < end and start < session.ends_at for start, end in busy
            ):
                continue
            session.free -= 1
            self.seats_added[session.id] += 1
            record.enrolled.add((employee_id, course_id))
            record.completed.add((employee_id, course_id))
            if not session.self_paced:
                busy.append((session.starts_at, session.ends_at))
            self.enrolments.append(self.enrolment_row(session, employee_id))
            return True
        return False

    def enrolment_row(self, session: SessionSeat, employee_id: int) -> dict[str, Any]:
        rng, cap, staff = self.rng, self.cap, self.staff
        joined = berlin_to_utc(datetime.combine(self.t.running_step(DECISIONS), time(18)))
        opened = max(min(session.starts_at - timedelta(days=70), cap), joined)
        last = min(session.enrolment_deadline, cap) - timedelta(hours=1)
        requested = between(rng, opened, last)
        decided_at = decided_by = None
        confirmed = requested
        if session.approval:
            decided_at = between(rng, requested + timedelta(hours=2), requested + timedelta(days=4))
            decided_at = max(min(decided_at, last), requested)
            decided_by = self.head_user if employee_id in staff.team else self.hr_user
            confirmed = decided_at
        if session.self_paced:
            marked = between(rng, session.starts_at + timedelta(days=1), min(session.ends_at, cap))
        else:
            marked = between(
                rng,
                session.ends_at + timedelta(minutes=30),
                min(session.ends_at + timedelta(hours=36), cap),
            )
        return {
            "session_id": session.id,
            "course_id": session.course_id,
            "employee_id": employee_id,
            "state": S.COMPLETED.value,
            "requested_at": requested,
            "requested_by_id": staff.user_of.get(employee_id),
            "decided_at": decided_at,
            "decided_by_id": decided_by,
            "decline_reason": None,
            "waitlist_rank": None,
            "confirmed_at": confirmed,
            "cancelled_at": None,
            "cancelled_by_id": None,
            "cancel_reason": None,
            "late_cancellation": False,
            "override_reason": None,
            "attendance_marked_at": marked,
            "completed_on": to_berlin(marked).date(),
            "result_marked_by_id": session.trainer_id or self.hr_user,
            "updated_at": marked,
        }

    def running_applications(self, members: list[PlannedMember], rest: list[int]) -> None:
        """Applications of the running intake: the members' (accepted), rejected ones,
        one withdrawal; every submitted one scored, members above everyone rejected."""
        rng, t = self.rng, self.t
        window = (t.running_open, t.running_close)
        decided = office_time(rng, t.running_step(DECISIONS), 9, 12)
        scoring = (t.running_step(SCORING_DAYS[0]), t.running_step(SCORING_DAYS[1]))
        rejected_count = min(rng.randint(*RUNNING_REJECTED), max(len(rest) - 1, 0))
        accepted: list[PlannedApplication] = []
        rejected: list[PlannedApplication] = []
        for member in members:
            app = self.submitted("running", member.employee_id, window)
            app.state, app.proposed, app.decided_at = ApplicationState.ACCEPTED, True, decided
            if member.employee_id == self.employee:
                app.motivation = EMPLOYEE_MOTIVATION
            self.endorse(app, endorsed=True, latest=t.running_close + timedelta(days=10))
            if member.employee_id == self.employee:
                app.endorsement_comment = EMPLOYEE_ENDORSEMENT
            values = [rng.choice((3, 4, 4, 5, 5)) for _ in CRITERIA]
            if member.employee_id == self.employee:
                values = [5, 4, 4]
            self.score(app, values, scoring)
            accepted.append(app)
        for e in rest[:rejected_count]:
            app = self.submitted("running", e, window)
            app.state, app.decided_at = ApplicationState.REJECTED, decided
            self.endorse(
                app, endorsed=rng.random() < 0.7, latest=t.running_close + timedelta(days=10)
            )
            self.score(app, [rng.choice((1, 2, 2, 3, 3, 4)) for _ in CRITERIA], scoring)
            rejected.append(app)
        withdrawn: list[PlannedApplication] = []
        if len(rest) > rejected_count:
            app = self.submitted("running", rest[rejected_count], window)
            app.state = ApplicationState.WITHDRAWN
            app.withdrawn_at = between(
                rng,
                (app.submitted_at or decided) + timedelta(days=3),
                office_time(rng, t.running_step(10)),
            )
            withdrawn.append(app)
        # Everyone accepted ranks above everyone rejected.
        floor = min((a.weighted() or Decimal(0) for a in accepted), default=Decimal(5))
        for app in rejected:
            while (app.weighted() or Decimal(0)) >= floor:
                position = max(app.scores, key=lambda p: (app.scores[p][0], -p))
                value, _comment, at = app.scores[position]
                if value == 0:
                    break
                band = "low" if value - 1 <= 1 else "mid" if value - 1 <= 3 else "high"
                app.scores[position] = (value - 1, SCORE_COMMENTS[position][band][0], at)
        self.applications.extend(accepted + rejected + withdrawn)

    def submitted(
        self, cohort: str, employee_id: int, window: tuple[date, date]
    ) -> PlannedApplication:
        rng = self.rng
        first, last = window
        day = first + timedelta(days=rng.randint(0, (last - first).days))
        at = office_time(rng, day, 7, 22)
        app = PlannedApplication(
            cohort=cohort,
            employee_id=employee_id,
            state=ApplicationState.SUBMITTED,
            submitted_at=at,
            motivation=self.motivation(employee_id, day),
            created_at=at,
        )
        return app

    def endorse(self, app: PlannedApplication, *, endorsed: bool | None, latest: date) -> None:
        """The head's statement a few days after the application (``None``: still
        missing)."""
        if endorsed is None:
            return
        rng = self.rng
        submitted = app.submitted_at or app.created_at or self.cap
        day = min(to_berlin(submitted).date() + timedelta(days=rng.randint(1, 9)), latest)
        app.endorsement = Endorsement.ENDORSED if endorsed else Endorsement.NOT_ENDORSED
        app.endorsement_comment = rng.choice(ENDORSED if endorsed else NOT_ENDORSED)
        app.endorsed_at = max(office_time(rng, day), submitted + timedelta(hours=1))
        app.endorsed_by = self.staff.endorser(app.employee_id)

    # -- the intake in selection --------------------------------------------------------

    def selection(self) -> None:
        rng, t, staff = self.rng, self.t, self.staff
        window = (t.selection_open, t.selection_close)
        members = {m.employee_id for m in self.members}
        pool = [
            e for e in self.ordinary if e not in members and staff.eligible(e, t.selection_close)
        ]
        team = [e for e in pool if e in staff.team]
        others = [e for e in self.spread(pool) if e not in staff.team]
        wanted = min(rng.randint(*SELECTION_APPLICATIONS), len(pool))
        rng.shuffle(team)
        nominees, team_applicants = team[:2], team[2:5]
        chosen_others = others[: max(wanted - len(nominees) - len(team_applicants), 0)]
        latest_statement = self.today - timedelta(days=1)

        # The demo head's nominations: one accepted (submitted), one still awaiting consent.
        for i, e in enumerate(nominees):
            day = t.selection_open + timedelta(days=rng.randint(3, 20))
            at = office_time(rng, day)
            app = PlannedApplication(
                cohort="selection",
                employee_id=e,
                state=ApplicationState.NOMINATED,
                submitted_at=None,
                motivation=None,
                nominated_by=self.head_user,
                nomination_note=NOMINATION_NOTES[i % len(NOMINATION_NOTES)],
                endorsement=Endorsement.ENDORSED,
                endorsed_by=self.head_user,
                endorsement_comment=NOMINATION_NOTES[i % len(NOMINATION_NOTES)],
                endorsed_at=at,
                created_at=at,
            )
            if i == 0:
                app.state = ApplicationState.SUBMITTED
                app.motivation = NOMINEE_MOTIVATION
                app.submitted_at = office_time(
                    rng, min(day + timedelta(days=rng.randint(2, 6)), t.selection_close)
                )
                app.submitted_at = max(app.submitted_at, at + timedelta(hours=1))
            self.applications.append(app)

        # Applications from the demo head's team: his statement still missing for some.
        for i, e in enumerate(team_applicants):
            app = self.submitted("selection", e, window)
            self.endorse(app, endorsed=True if i == 1 else None, latest=latest_statement)
            self.applications.append(app)

        # Everyone else: statements of heads without an account (some not yet given).
        withdrawn = chosen_others[-1] if len(chosen_others) >= 6 else None
        for e in chosen_others:
            app = self.submitted("selection", e, window)
            roll = rng.random()
            endorsed = True if roll < 0.68 else False if roll < 0.85 else None
            self.endorse(app, endorsed=endorsed, latest=latest_statement)
            if e == withdrawn:
                app.state = ApplicationState.WITHDRAWN
                app.withdrawn_at = between(
                    rng, (app.submitted_at or self.cap) + timedelta(days=1), self.cap
                )
            self.applications.append(app)

        # HR scored about two thirds of the submitted applications.
        submitted = [
            a
            for a in self.applications
            if a.cohort == "selection" and a.state == ApplicationState.SUBMITTED
        ]
        order = list(submitted)
        rng.shuffle(order)
        scoring = (t.selection_close + timedelta(days=1), self.today - timedelta(days=1))
        for app in order[: round(len(order) * 2 / 3)]:
            base = rng.choice((2, 3, 3, 4, 4, 5))
            values = [min(max(base + rng.choice((-1, 0, 0, 1)), 0), 5) for _ in CRITERIA]
            if app.endorsement == Endorsement.NOT_ENDORSED:
                values[2] = min(values[2], 2)
            self.score(app, values, scoring)

    def plan(self) -> ProgrammePlan:
        self.running()
        self.selection()
        return ProgrammePlan(
            timeline=self.t,
            applications=self.applications,
            members=self.members,
            enrolments=self.enrolments,
            seats_added=dict(self.seats_added),
        )


def build_programme_plan(
    rng: random.Random,
    now: datetime,
    staff: Staff,
    record: CourseRecord,
    busy: BusyLoader = load_busy,
) -> ProgrammePlan:
    """Every application, score, member, sign-off and added completion of the demo.
    Reads nothing but the members' busy times (``busy``, one statement)."""
    return _Planner(rng, now, staff, record, busy).plan()


def ranking(apps: Iterable[PlannedApplication]) -> list[PlannedApplication]:
    """Fully scored applications, best first; ties: endorsed first, then submitted earlier."""
    scored = [a for a in apps if a.weighted() is not None]
    return sorted(
        scored,
        key=lambda a: (
            -(a.weighted() or Decimal(0)),
            a.endorsement != Endorsement.ENDORSED,
            a.submitted_at or a.created_at,
        ),
    )


# ---------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------


def _structure(
    now: datetime, t: Timeline, hr_user: int | None, record: CourseRecord
) -> tuple[Programme, dict[str, Cohort], dict[str, int]]:
    """The programme, its curriculum, targets, the three intakes and their criteria
    (ORM, a few dozen rows). Returns the programme, the cohorts by key and the milestone
    ids by key."""
    created = berlin_to_utc(datetime.combine(t.running_open - timedelta(days=60), time(10, 15)))
    competences = competence_ids(now)
    programme = Programme(
        code=CODE,
        title=TITLE,
        description=DESCRIPTION,
        length_months=LENGTH_MONTHS,
        archived=False,
        created_at=created,
        created_by_id=hr_user,
    )
    db.session.add(programme)
    db.session.flush()
    for code, offset in CURRICULUM:
        course_id = record.course_ids.get(code)
        if course_id is not None:
            db.session.add(
                ProgrammeCourse(
                    programme_id=programme.id, course_id=course_id, due_offset_days=offset
                )
            )
    milestones = {
        spec.key: Milestone(
            programme_id=programme.id,
            kind=spec.kind.value,
            title=spec.title,
            description=spec.description,
            due_offset_days=spec.offset,
        )
        for spec in MILESTONES
    }
    db.session.add_all(milestones.values())
    for code, level in TARGETS:
        if code in competences:
            db.session.add(
                ProgrammeTarget(
                    programme_id=programme.id, competence_id=competences[code], level=level
                )
            )

    def moment(day: date, hour: int, minute: int = 0) -> datetime:
        return berlin_to_utc(datetime.combine(day, time(hour, minute)))

    year = t.running_start.year
    specs = {
        "running": (
            f"Jahrgang {year}", CohortStatus.RUNNING, RUNNING_SEATS,
            (t.running_open, t.running_close, t.running_start, t.running_end),
            moment(t.running_step(DECISIONS), 9, 30),
        ),
        "selection": (
            f"Jahrgang {year + 1}", CohortStatus.SELECTION, SELECTION_SEATS,
            (t.selection_open, t.selection_close, t.selection_start, t.selection_end),
            moment(t.selection_close + timedelta(days=1), 0, 5),
        ),
        "draft": (
            f"Jahrgang {year + 2}", CohortStatus.DRAFT, SELECTION_SEATS,
            (t.draft_open, t.draft_close, t.draft_start, t.draft_end),
            moment(t.today - timedelta(days=9), 11, 40),
        ),
    }  # fmt: skip
    cohorts: dict[str, Cohort] = {}
    for key, (name, status, seats, dates, changed) in specs.items():
        opens, closes, starts, ends = dates
        created = min(moment(opens - timedelta(days=35), 10), changed)
        cohort = Cohort(
            programme_id=programme.id,
            name=name,
            status=status.value,
            applications_open_on=opens,
            applications_close_on=closes,
            starts_on=starts,
            ends_on=ends,
            seats=seats,
            min_service_years=MIN_SERVICE_YEARS,
            max_service_years=MAX_SERVICE_YEARS,
            pay_groups=list(PAY_GROUPS),
            created_at=created,
            created_by_id=hr_user,
            status_changed_at=changed,
        )
        for position, (criterion, description, weight) in enumerate(CRITERIA):
            cohort.criteria.append(
                SelectionCriterion(
                    name=criterion, description=description, weight=weight, position=position
                )
            )
        db.session.add(cohort)
        cohorts[key] = cohort
    db.session.flush()
    return programme, cohorts, {key: m.id for key, m in milestones.items()}


def _write(
    plan: ProgrammePlan, now: datetime, staff: Staff, record: CourseRecord
) -> dict[str, int]:
    t = plan.timeline
    hr_user, council_user = staff.users.get("hr"), staff.users.get("council")
    programme, cohorts, milestone_ids = _structure(now, t, hr_user, record)
    cohort_ids = {key: c.id for key, c in cohorts.items()}
    criteria = {key: [c.id for c in cohort.criteria] for key, cohort in cohorts.items()}

    apps = plan.applications
    bulk_insert(
        Application.__table__,
        (
            {
                "cohort_id": cohort_ids[a.cohort],
                "employee_id": a.employee_id,
                "state": a.state.value,
                "motivation": a.motivation,
                "submitted_at": a.submitted_at,
                "withdrawn_at": a.withdrawn_at,
                "nominated_by_id": a.nominated_by,
                "nomination_note": a.nomination_note,
                "endorsement": a.endorsement.value,
                "endorsed_by_id": a.endorsed_by,
                "endorsement_comment": a.endorsement_comment,
                "endorsed_at": a.endorsed_at,
                "proposed": a.proposed,
                "decided_at": a.decided_at,
                "created_at": a.created_at,
            }
            for a in apps
        ),
    )
    ids = {
        (cohort_id, employee_id): id_
        for id_, cohort_id, employee_id in db.session.execute(
            select(Application.id, Application.cohort_id, Application.employee_id).where(
                Application.cohort_id.in_(list(cohort_ids.values()))
            )
        )
    }

    def app_id(a: PlannedApplication) -> int:
        return ids[(cohort_ids[a.cohort], a.employee_id)]

    bulk_insert(
        Score.__table__,
        (
            {
                "application_id": app_id(a),
                "criterion_id": criteria[a.cohort][position],
                "score": value,
                "comment": comment,
                "scored_at": at,
                "scored_by_id": hr_user,
            }
            for a in apps
            for position, (value, comment, at) in sorted(a.scores.items())
        ),
    )

    # The council's review of the running intake: an objection, then its consent.
    running_apps = [a for a in apps if a.cohort == "running"]
    ranked = ranking(a for a in running_apps if a.state != ApplicationState.WITHDRAWN)
    proposal = [
        {
            "application_id": app_id(a),
            "employee_name": staff.people[a.employee_id].name,
            "weighted": str(a.weighted()),
            "rank": rank,
        }
        for rank, a in enumerate(ranked, 1)
        if a.proposed
    ]

    def at(days: int, hour: int) -> datetime:
        return berlin_to_utc(datetime.combine(t.running_step(days), time(hour, 0)))

    reviews = [
        CouncilReview(
            cohort_id=cohort_ids["running"],
            submitted_at=at(FIRST_PROPOSAL, 15),
            submitted_by_id=hr_user,
            proposal=proposal,
            note=OBJECTION_NOTE,
            decision=CouncilDecision.OBJECTION.value,
            decision_comment=OBJECTION,
            decided_at=at(OBJECTED, 11),
            decided_by_id=council_user,
        ),
        CouncilReview(
            cohort_id=cohort_ids["running"],
            submitted_at=at(SECOND_PROPOSAL, 14),
            submitted_by_id=hr_user,
            proposal=proposal,
            note=CONSENT_NOTE,
            decision=CouncilDecision.CONSENT.value,
            decision_comment=CONSENT,
            decided_at=at(CONSENTED, 10),
            decided_by_id=council_user,
        ),
    ]
    db.session.add_all(reviews)

    joined = at(DECISIONS, 9)
    by_employee = {a.employee_id: a for a in running_apps if a.state == ApplicationState.ACCEPTED}
    bulk_insert(
        CohortMember.__table__,
        (
            {
                "cohort_id": cohort_ids["running"],
                "employee_id": m.employee_id,
                "application_id": app_id(by_employee[m.employee_id]),
                "mentor_id": m.mentor_id,
                "state": m.state.value,
                "joined_at": joined,
                "graduated_on": None,
                "dropped_out_on": m.dropped_out_on,
                "drop_out_reason": m.drop_out_reason,
            }
            for m in plan.members
        ),
    )
    member_ids = dict(
        db.session.execute(
            select(CohortMember.employee_id, CohortMember.id).where(
                CohortMember.cohort_id == cohort_ids["running"]
            )
        ).all()
    )
    bulk_insert(
        MilestoneSignoff.__table__,
        (
            {
                "member_id": member_ids[m.employee_id],
                "milestone_id": milestone_ids[key],
                "met_on": met_on,
                "note": note,
                "signed_off_at": signed_at,
                "signed_off_by_id": by,
            }
            for m in plan.members
            for key, (met_on, signed_at, by, note) in sorted(m.signoffs.items())
        ),
    )
    enrolments = bulk_insert(Enrolment.__table__, plan.enrolments)
    if plan.seats_added:
        table = CourseSession.__table__
        db.session.execute(
            update(table)
            .where(table.c.id == bindparam("session"))
            .values(confirmed_count=table.c.confirmed_count + bindparam("added")),
            [{"session": s, "added": n} for s, n in sorted(plan.seats_added.items())],
        )
    return {
        "programme": programme.id,
        "applications": len(apps),
        "members": len(plan.members),
        "enrolments": enrolments,
    }


def programmes_demo_step(ctx: DemoContext) -> str:
    """The ``programmes`` step of ``flask academy demo``."""
    staff = staff_from_context(ctx)
    t = Timeline.of(to_berlin(ctx.now).date())
    record = course_record(ctx.now, t.yesterday_evening)
    plan = build_programme_plan(ctx.rng, ctx.now, staff, record)
    written = _write(plan, ctx.now, staff, record)
    return (
        f"Fast-Track-Programm angelegt: 3 Jahrgänge, {written['applications']} Bewerbungen, "
        f"{written['members']} Teilnehmende, {written['enrolments']} abgeschlossene Kurse ergänzt"
    )


register_demo_step(STEP_NAME, programmes_demo_step, order=STEP_ORDER)
