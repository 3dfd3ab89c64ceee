"""Demo data of the courses package: the ``courses`` step of ``flask academy demo``.

About 60 courses in ten categories (German titles and descriptions, outcomes in both
default frameworks, a few prerequisites, two archived courses), their sessions from six
months before the demo's ``now`` to six months after, and enrolments in every state of
the lifecycle (about 0.6 per employee):

- past sessions: completed (most), failed, no-show, cancelled (some late), declined and
  expired requests; the demo trainer's sessions of the last two weeks still wait for
  attendance (the latest) or for results (the ones before);
- running self-paced windows: confirmed places, some already completed;
- upcoming sessions: confirmed, waiting lists (full sessions only, ranked by request
  time), requests awaiting approval (before the enrolment deadline), declined requests
  and expired ones (deadline passed); some sessions nearly full, a few cancelled.

The rules hold as the services would keep them: ``confirmed_count`` equals the number of
seat-holding enrolments (confirmed, attended, no-show, completed, failed) and never
exceeds the capacity; a person has at most one enrolment per course; nobody has two
enrolments at overlapping times (stricter than the clash rule, which only looks at
confirmed places). Approvals are decided by the demo head for his subtree and by HR for
everyone else (no other head has an account).

Everything is decided in Python first (``build_course_plan``, which only reads the
context and the generator) and then written with a handful of bulk INSERTs. Dates are
relative to the demo's day; no session starts or ends on it and no deadline falls on
it, so the states do not depend on the time of day: the same seed gives the same data
on the same day (on another day the same catalogue, with other dates and draws).
The default competency frameworks are loaded first if they are missing (as
``flask academy init`` does), since the outcomes refer to them.

Sessions per course scale with the number of employees (``CourseSpec.sessions`` is
meant for 5,000), but every offered course has at least two; below about 2,000
employees that gives more than 0.6 enrolments per employee.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from academy import demo_data
from academy.clock import berlin_to_utc, to_berlin
from academy.demo import DEMO_ACCOUNTS, DemoContext, bulk_insert, de_int, register_demo_step
from academy.extensions import db
from academy.frameworks import DIGCOMP_CODE, FACHKOMPETENZEN_CODE, load_default_frameworks
from academy.models import Competence, Framework, Notification, User
from courses import notices
from courses.models import (
    Category,
    Course,
    CourseFormat,
    CourseLevel,
    CourseOutcome,
    CoursePrerequisite,
    CourseSession,
    Enrolment,
    EnrolmentState,
    Provider,
)

STEP_NAME = "courses"
STEP_ORDER = 20

#: Enrolments per employee the demo aims at (about 3,000 at 5,000 employees).
ENROLMENTS_PER_EMPLOYEE = 0.6
#: Sessions per course (``CourseSpec.sessions``) are meant for this many employees.
REFERENCE_EMPLOYEES = 5000
#: Sessions lie within this many days before and after the demo's day.
HORIZON_DAYS = 180
ENROL_DEADLINE = timedelta(days=7)
CANCEL_DEADLINE = timedelta(days=3)
#: The demo trainer's sessions that ended this recently still wait for her marks.
AWAITING_DAYS = 14
#: Days between two sessions of the demo trainer (at most about one and a half a week).
TRAINER_GAP_DAYS = 2

S = EnrolmentState
SEATED = frozenset({S.CONFIRMED, S.ATTENDED, S.NO_SHOW, S.COMPLETED, S.FAILED})

# ---------------------------------------------------------------------------
# The catalogue
# ---------------------------------------------------------------------------

P, ON, B, SP = (
    CourseFormat.IN_PERSON,
    CourseFormat.ONLINE,
    CourseFormat.BLENDED,
    CourseFormat.SELF_PACED,
)
BASIC, INTER, ADV = CourseLevel.BASIC, CourseLevel.INTERMEDIATE, CourseLevel.ADVANCED
INT, KC, EXT = Provider.INTERNAL, Provider.KOMMUNALCAMPUS, Provider.EXTERNAL


@dataclass(frozen=True)
class CategorySpec:
    key: str
    name: str
    description: str


CATEGORIES: tuple[CategorySpec, ...] = (
    CategorySpec("AGI", "Agile Methoden",
                 "Scrum, Kanban und agile Zusammenarbeit in Projekten und im Linienbetrieb."),
    CategorySpec("PM", "Projektmanagement",
                 "Klassisches, hybrides und agiles Projektmanagement für Verwaltungsprojekte."),
    CategorySpec("UX", "Nutzerzentrierung und Design",
                 "User Experience, Service Design, Design Thinking und Barrierefreiheit."),
    CategorySpec("CLD", "Cloud und digitaler Arbeitsplatz",
                 "Cloud-Dienste, Microsoft 365 und Zusammenarbeit am digitalen Arbeitsplatz."),
    CategorySpec("PRZ", "Prozesse und Automatisierung",
                 "Prozessmodellierung mit BPMN, Prozessoptimierung, RPA und Low-Code."),
    CategorySpec("DAT", "Daten und Künstliche Intelligenz",
                 "Datenkompetenz, Datenanalyse, Open Data und KI im Verwaltungsalltag."),
    CategorySpec("SIC", "Informationssicherheit und Datenschutz",
                 "Pflicht- und Vertiefungsschulungen zu Informationssicherheit und DSGVO."),
    CategorySpec("EAK", "E-Akte und digitale Vorgangsbearbeitung",
                 "Einführung und Vertiefung der E-Akte, Scannen und digitale Workflows."),
    CategorySpec("OZG", "Online-Dienste und OZG",
                 "Onlinezugangsgesetz, digitale Antragsverfahren und Nutzerkonten."),
    CategorySpec("FUE", "Führung und Veränderung",
                 "Digitale Führung, Veränderungsmanagement und Zusammenarbeit in hybriden Teams."),
)  # fmt: skip


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


def _c(code: str, title: str, fmt: CourseFormat, ue: int, level: CourseLevel,
       provider: Provider, cost: str, outcomes: tuple[tuple[str, int], ...],
       description: str, **extra: Any) -> CourseSpec:  # fmt: skip
    return CourseSpec(code, title, fmt, ue, level, provider, cost, outcomes, description, **extra)


COURSES: tuple[CourseSpec, ...] = (
    # --- Agile Methoden ----------------------------------------------------------------
    _c("AGI-101", "Scrum Grundlagen", P, 8, BASIC, INT, "0", (("F01", 1), ("2.4", 3)),
       "Rollen, Ereignisse und Artefakte von Scrum an einem durchgehenden Beispiel aus der "
       "Verwaltung. Sie erleben einen verkürzten Sprint im Planspiel und klären, wo Scrum im "
       "eigenen Umfeld passt und wo nicht.",
       sessions=6, trainer=True),
    _c("AGI-102", "Agile Methoden kompakt (E-Learning)", SP, 2, BASIC, KC, "0", (("F01", 1),),
       "Ein kurzer Selbstlernkurs zu den Grundideen agilen Arbeitens: agiles Manifest, "
       "iteratives Vorgehen und die wichtigsten Methoden im Überblick. Ideal zur "
       "Vorbereitung auf einen Präsenzkurs.",
       sessions=2, approval=False, provider_name="KommunalCampus"),
    _c("AGI-103", "Kanban im Verwaltungsalltag", P, 4, BASIC, INT, "0",
       (("F01", 2), ("2.4", 3)),
       "Wie ein Kanban-Board Arbeit sichtbar macht, Engpässe zeigt und Durchlaufzeiten "
       "verkürzt. Sie richten ein Board für einen echten Vorgang aus Ihrem Team ein und "
       "vereinbaren erste WIP-Limits.",
       sessions=5, trainer=True),
    _c("AGI-201", "Scrum Master Vertiefung", P, 24, INTER, EXT, "1450.00",
       (("F01", 3), ("2.4", 4)),
       "Drei Tage für angehende Scrum Master: Moderation der Scrum-Ereignisse, Umgang mit "
       "Hindernissen und Coaching des Teams. Der Kurs bereitet auf die Zertifizierung "
       "PSM I vor.",
       provider_name="agile.werk Akademie GmbH", prerequisites=("AGI-101",), sessions=2),
    _c("AGI-202", "Product Owner in der Verwaltung", B, 16, INTER, EXT, "980.00",
       (("F01", 3), ("F03", 2)),
       "Backlog-Pflege, Priorisierung nach Nutzen und die Zusammenarbeit mit Fachbereichen "
       "und Dienstleistern. Ein Online-Auftakt und ein Präsenztag mit Übungen an eigenen "
       "Vorhaben.",
       provider_name="agile.werk Akademie GmbH", prerequisites=("AGI-101",), sessions=2),
    _c("AGI-203", "Agiles Arbeiten für Führungskräfte", P, 8, INTER, KC, "290.00",
       (("F01", 2), ("F11", 2)),
       "Was agile Teams von ihrer Führung brauchen und was nicht: Rahmen setzen, "
       "Verantwortung übertragen, Ergebnisse statt Aufgaben steuern. Mit Fallbeispielen "
       "aus Kommunen, die agile Teams eingeführt haben.",
       provider_name="KommunalCampus", sessions=2, audience="heads"),
    _c("AGI-204", "Retrospektiven wirksam moderieren", ON, 4, INTER, INT, "0",
       (("F01", 2), ("2.1", 4)),
       "Formate für Retrospektiven in Präsenz und online, vom Einstieg bis zu konkreten "
       "Maßnahmen. Sie probieren digitale Whiteboards aus und moderieren eine kurze "
       "Retrospektive selbst.",
       sessions=4, trainer=True),
    # --- Projektmanagement -------------------------------------------------------------
    _c("PM-101", "Klassisches Projektmanagement", P, 16, BASIC, INT, "0",
       (("F02", 2),),
       "Vom Projektauftrag über Projektstrukturplan und Terminplanung bis zum Abschluss. "
       "Sie wenden die Methoden des städtischen Projekthandbuchs an einem Beispielprojekt "
       "an.",
       sessions=5),
    _c("PM-102", "Projektmanagement kompakt (E-Learning)", SP, 4, BASIC, KC, "0",
       (("F02", 1),),
       "Selbstlernkurs mit kurzen Videos und Übungen zu Projektphasen, Rollen und den "
       "wichtigsten Planungswerkzeugen. Mit Abschlusstest.",
       sessions=2, approval=False, provider_name="KommunalCampus"),
    _c("PM-201", "Hybrides Projektmanagement (PM²)", P, 24, INTER, EXT, "1190.00",
       (("F02", 3), ("F01", 2)),
       "Die Projektmanagementmethode der Europäischen Kommission und ihre agile Erweiterung "
       "PM²-Agile. Sie lernen, wann klassische und wann agile Elemente passen, und wie "
       "beides in einem Projekt zusammenwirkt.",
       provider_name="Institut für Verwaltungsprojekte (IVP)", prerequisites=("PM-101",),
       sessions=2),
    _c("PM-202", "Projektcontrolling und Risikomanagement", ON, 8, INTER, KC, "240.00",
       (("F02", 3),),
       "Fortschritt messen, Kosten und Termine im Blick behalten und Risiken früh erkennen. "
       "Mit Vorlagen für Statusberichte und Risikolisten, die Sie direkt übernehmen können.",
       provider_name="KommunalCampus", sessions=2),
    _c("PM-203", "Anforderungsmanagement für IT-Projekte", P, 16, INTER, INT, "0",
       (("F02", 2), ("5.2", 4)),
       "Anforderungen erheben, als User Stories oder Lastenheft beschreiben und mit "
       "Dienstleistern abstimmen. Ein Schwerpunkt liegt auf Vergabeverfahren und "
       "EVB-IT-Verträgen.",
       sessions=3, audience="it"),
    # --- Nutzerzentrierung und Design -------------------------------------------------
    _c("UX-101", "UX-Grundlagen für Online-Dienste", P, 8, BASIC, INT, "0",
       (("F03", 1), ("3.1", 3)),
       "Was gute Nutzungserfahrung bei Online-Diensten ausmacht und wie man sie prüft. Sie "
       "analysieren ein bestehendes Formular der Stadt und leiten Verbesserungen ab.",
       sessions=4),
    _c("UX-102", "Design Thinking Workshop", P, 16, BASIC, KC, "380.00",
       (("F04", 2), ("5.3", 4)),
       "Zwei Tage Design Thinking an einer echten Fragestellung aus der Verwaltung: "
       "verstehen, beobachten, Ideen entwickeln, Prototypen bauen und testen. Für Teams und "
       "Einzelpersonen, die neue Lösungen mit Bürgerinnen und Bürgern entwickeln wollen.",
       provider_name="KommunalCampus", sessions=4),
    _c("UX-103", "Barrierefreiheit digitaler Angebote (BITV)", ON, 8, BASIC, INT, "0",
       (("F03", 2), ("3.1", 4)),
       "Anforderungen der BITV 2.0 und der WCAG an Webseiten, Dokumente und Formulare. Sie "
       "prüfen Beispiele mit einfachen Werkzeugen und erstellen barrierefreie PDF- und "
       "Office-Dokumente.",
       sessions=4),
    _c("UX-104", "Verständlich schreiben für Online-Dienste", ON, 4, BASIC, KC, "95.00",
       (("F03", 1), ("2.1", 3)),
       "Klare Sprache in Formularen, Bescheiden und auf Webseiten: kurze Sätze, aktive "
       "Formulierungen, verständliche Hinweise. Mit vielen Vorher-nachher-Beispielen.",
       provider_name="KommunalCampus", sessions=2),
    _c("UX-201", "Service Design in der Verwaltung", B, 16, INTER, EXT, "890.00",
       (("F03", 2), ("F04", 2)),
       "Verwaltungsleistungen aus Sicht der Nutzenden neu denken: Customer Journeys, "
       "Service Blueprints und Beteiligung. Ein Online-Auftakt und ein Präsenztag im Team.",
       provider_name="Büro für Servicegestaltung", sessions=4),
    _c("UX-202", "Nutzertests durchführen", P, 8, INTER, INT, "0",
       (("F03", 3),),
       "Usability-Tests planen, Aufgaben formulieren, Sitzungen moderieren und Ergebnisse "
       "auswerten. Sie führen im Kurs einen Test mit echten Testpersonen durch.",
       prerequisites=("UX-101",), sessions=2),
    _c("UX-203", "Prototyping mit Figma", P, 8, INTER, EXT, "540.00",
       (("F03", 2), ("3.1", 5)),
       "Klickbare Prototypen für Online-Dienste gestalten, ohne zu programmieren. Sie "
       "nutzen das Designsystem der Stadt und testen Ihren Prototyp gleich im Kurs.",
       provider_name="Studio Klartext UX", sessions=2),
    # --- Cloud und digitaler Arbeitsplatz ---------------------------------------------
    _c("CLD-101", "Cloud-Grundlagen", ON, 4, BASIC, INT, "0",
       (("F05", 1), ("5.2", 3)),
       "Was Cloud-Dienste sind, welche Betriebsmodelle es gibt und was die Deutsche "
       "Verwaltungscloud-Strategie für Kommunen bedeutet. Mit einem Überblick über "
       "Datenschutz und Informationssicherheit in der Cloud.",
       sessions=4),
    _c("CLD-102", "Microsoft 365 und Teams sicher nutzen", ON, 4, BASIC, INT, "0",
       (("F05", 1), ("2.4", 3)),
       "Teams, Kanäle, gemeinsame Dateien und Besprechungen richtig einsetzen. Sie lernen, "
       "welche Daten wo abgelegt werden dürfen und wie Sie Freigaben sicher vergeben.",
       sessions=6, approval=False, trainer=True),
    _c("CLD-103", "Microsoft 365 und Teams (E-Learning)", SP, 2, BASIC, KC, "0",
       (("2.4", 2),),
       "Kurze Lerneinheiten zu Chat, Besprechungen und gemeinsamer Dateibearbeitung in "
       "Teams, zum Nachschlagen und Üben im eigenen Tempo.",
       sessions=3, approval=False, provider_name="KommunalCampus"),
    _c("CLD-104", "Digitaler Arbeitsplatz: Dateien teilen und gemeinsam bearbeiten", P, 4,
       BASIC, INT, "0", (("2.2", 3), ("1.3", 3)),
       "Netzlaufwerk, E-Akte oder Teams: wo welche Dokumente hingehören und wie mehrere "
       "Personen gleichzeitig daran arbeiten. Mit Übungen zu Versionen und Freigaben.",
       sessions=4, trainer=True),
    _c("CLD-201", "Souveräne Cloud in der öffentlichen Verwaltung", P, 16, INTER, EXT,
       "1090.00", (("F05", 3),),
       "Architekturen, Betriebsmodelle und Ausschreibung von Cloud-Diensten unter den "
       "Vorgaben von BSI C5 und Datenschutz. Für Mitarbeitende aus IT und Organisation.",
       provider_name="govcloud Academy GmbH", prerequisites=("CLD-101",), sessions=2,
       audience="it"),
    _c("CLD-202", "Container und Kubernetes im IT-Betrieb", P, 24, ADV, EXT, "1590.00",
       (("F05", 4), ("3.4", 5)),
       "Container bauen, in Kubernetes betreiben und überwachen. Ein praxisnaher Kurs mit "
       "eigener Übungsumgebung für Administratorinnen und Administratoren.",
       provider_name="Container Campus GmbH", prerequisites=("CLD-101",), sessions=1,
       audience="it"),
    # --- Prozesse und Automatisierung -------------------------------------------------
    _c("PRZ-101", "Prozessmodellierung mit BPMN", P, 16, BASIC, INT, "0",
       (("F06", 2),),
       "Geschäftsprozesse mit BPMN 2.0 verständlich modellieren: Aktivitäten, Gateways, "
       "Ereignisse und Pools. Sie modellieren einen Prozess aus Ihrem Bereich mit dem "
       "städtischen Modellierungswerkzeug.",
       sessions=5),
    _c("PRZ-102", "RPA Einstieg", ON, 8, BASIC, KC, "260.00",
       (("F06", 1), ("5.2", 3)),
       "Was Software-Roboter können und welche Aufgaben sich für Robotic Process "
       "Automation eignen. Sie bewerten Vorgänge aus Ihrem Alltag mit einer Checkliste.",
       provider_name="KommunalCampus", sessions=2),
    _c("PRZ-103", "Prozessoptimierung mit Lean Administration", P, 8, BASIC, KC, "240.00",
       (("F06", 2),),
       "Verschwendung in Verwaltungsabläufen erkennen und beseitigen: Wertstromanalyse, "
       "5S im digitalen Büro und kontinuierliche Verbesserung im Team.",
       provider_name="KommunalCampus", sessions=2),
    _c("PRZ-201", "BPMN für Fortgeschrittene", P, 8, INTER, INT, "0",
       (("F06", 3),),
       "Komplexe Prozesse, Kollaborationsdiagramme und ausführbare Modelle für die "
       "Digitalisierung. Mit Modellierungskonventionen und Qualitätsprüfung von Modellen.",
       prerequisites=("PRZ-101",), sessions=2),
    _c("PRZ-202", "RPA-Bots entwickeln", P, 24, INTER, EXT, "1350.00",
       (("F06", 3), ("3.4", 4)),
       "Drei Tage Praxis: Sie entwickeln, testen und dokumentieren einen Software-Roboter "
       "für einen Verwaltungsvorgang, einschließlich Fehlerbehandlung und Betrieb.",
       provider_name="Automatisierungswerk GmbH", prerequisites=("PRZ-102",), sessions=1,
       audience="it"),
    _c("PRZ-203", "Low-Code-Anwendungen in der Verwaltung", B, 16, INTER, EXT, "790.00",
       (("F06", 2), ("3.4", 3)),
       "Kleine Fachanwendungen mit Low-Code-Plattformen bauen: Formulare, Workflows und "
       "Auswertungen. Mit Regeln für Betrieb, Datenschutz und Übergabe an die IT.",
       provider_name="Low-Code Akademie Rhein-Main", sessions=2),
    # --- Daten und Künstliche Intelligenz ---------------------------------------------
    _c("DAT-101", "Datenkompetenz: Grundlagen (E-Learning)", SP, 4, BASIC, KC, "0",
       (("F07", 1), ("1.2", 3)),
       "Daten lesen, einordnen und kritisch bewerten: Diagramme, Kennzahlen und typische "
       "Fallstricke. Ein Selbstlernkurs mit kurzen Übungen.",
       sessions=3, approval=False, provider_name="KommunalCampus"),
    _c("DAT-102", "Excel für die Datenanalyse", P, 8, BASIC, INT, "0",
       (("F07", 2), ("1.3", 4)),
       "Daten bereinigen, mit Pivot-Tabellen auswerten und übersichtlich darstellen. Sie "
       "arbeiten mit anonymisierten Beispieldaten aus der Stadtverwaltung.",
       sessions=6),
    _c("DAT-103", "Open Data in der Kommune", ON, 4, BASIC, INT, "0",
       (("F07", 1), ("2.3", 4), ("3.3", 3)),
       "Welche Daten die Stadt veröffentlichen kann und soll, in welchen Formaten und unter "
       "welchen Lizenzen. Mit einem Blick auf das Open-Data-Portal von Musterstadt.",
       sessions=2),
    _c("DAT-104", "KI in der Verwaltung: Chancen und Grenzen", ON, 4, BASIC, INT, "0",
       (("F07", 1), ("5.2", 3)),
       "Wie Künstliche Intelligenz funktioniert, wo sie Verwaltungsarbeit erleichtert und "
       "welche Regeln die KI-Verordnung setzt. Mit Beispielen aus anderen Kommunen.",
       sessions=6),
    _c("DAT-201", "Power BI: Daten analysieren und visualisieren", P, 16, INTER, EXT,
       "890.00", (("F07", 3), ("1.3", 5)),
       "Daten aus verschiedenen Quellen verbinden, Kennzahlen berechnen und interaktive "
       "Berichte bauen. Der Kurs setzt sichere Excel-Kenntnisse voraus.",
       provider_name="Datenwerkstatt Analytics GmbH", prerequisites=("DAT-102",), sessions=4),
    _c("DAT-202", "Generative KI im Arbeitsalltag", P, 8, INTER, KC, "320.00",
       (("F07", 2), ("5.3", 4)),
       "Texte entwerfen, zusammenfassen und prüfen mit generativer KI, im Rahmen der "
       "städtischen Nutzungsrichtlinie. Sie üben gute Anweisungen (Prompts) und erkennen "
       "Fehler und Grenzen der Ergebnisse.",
       provider_name="KommunalCampus", prerequisites=("DAT-104",), sessions=5),
    _c("DAT-301", "Datenstrategie und Data Governance", P, 16, ADV, EXT, "1180.00",
       (("F07", 4),),
       "Rollen, Prozesse und Regeln für den Umgang mit Daten in der gesamten Verwaltung. "
       "Für Führungskräfte und Datenverantwortliche, die eine Datenstrategie aufbauen.",
       provider_name="Institut für Datenqualität", sessions=1, audience="heads"),
    # --- Informationssicherheit und Datenschutz ---------------------------------------
    _c("SIC-101", "Informationssicherheit Basisschulung", SP, 2, BASIC, INT, "0",
       (("F08", 1), ("4.1", 3)),
       "Die jährliche Pflichtschulung für alle Beschäftigten: sichere Passwörter, Umgang "
       "mit E-Mails und Datenträgern, Melden von Sicherheitsvorfällen. Mit kurzem "
       "Abschlusstest.",
       sessions=4, approval=False, validity=24),
    _c("SIC-102", "Phishing erkennen", SP, 2, BASIC, KC, "0",
       (("F08", 1), ("4.2", 3)),
       "Gefälschte E-Mails, Webseiten und Anrufe erkennen, bevor Schaden entsteht. Mit "
       "echten, entschärften Beispielen und einem Quiz.",
       sessions=4, approval=False, validity=24, provider_name="KommunalCampus"),
    _c("SIC-103", "Datenschutz (DSGVO) im Alltag", ON, 4, BASIC, INT, "0",
       (("4.2", 3),),
       "Was die DSGVO für die tägliche Arbeit bedeutet: Rechtsgrundlagen, "
       "Auskunftsersuchen, Datenpannen und der sichere Versand personenbezogener Daten.",
       sessions=6, approval=False, validity=24),
    _c("SIC-104", "Sicher im Homeoffice", SP, 2, BASIC, INT, "0",
       (("4.1", 2), ("4.3", 2)),
       "Sicheres und gesundes Arbeiten zu Hause: VPN, Bildschirmsperre, Ausdrucke und "
       "Gespräche, Ergonomie am Arbeitsplatz.",
       sessions=2, approval=False, validity=24),
    _c("SIC-201", "IT-Grundschutz-Praktiker", P, 40, ADV, EXT, "2190.00",
       (("F08", 3), ("4.1", 5)),
       "Eine Woche BSI IT-Grundschutz: Strukturanalyse, Schutzbedarfsfeststellung, "
       "Modellierung und Check. Mit Prüfung zum IT-Grundschutz-Praktiker.",
       provider_name="Sicherheitsakademie Nord GmbH", prerequisites=("SIC-101",), sessions=1,
       validity=36, audience="it"),
    _c("SIC-202", "Notfallmanagement und IT-Krisenübung", P, 8, INTER, INT, "0",
       (("F08", 3),),
       "Was tun, wenn die IT ausfällt oder ein Angriff läuft? Sie spielen einen "
       "Krisenfall durch und überprüfen die Notfallpläne Ihres Bereichs.",
       sessions=3, validity=24),
    _c("SIC-203", "Datenschutz für Führungskräfte", P, 8, INTER, KC, "290.00",
       (("4.2", 5), ("F11", 1)),
       "Verantwortung der Führungskraft für den Datenschutz: Verzeichnis von "
       "Verarbeitungstätigkeiten, Auftragsverarbeitung, Beschäftigtendatenschutz.",
       provider_name="KommunalCampus", sessions=2, validity=24, audience="heads"),
    # --- E-Akte und digitale Vorgangsbearbeitung --------------------------------------
    _c("EAK-101", "E-Akte Einführung", P, 8, BASIC, INT, "0",
       (("F09", 1), ("1.3", 3)),
       "Die E-Akte der Stadt im Praxiseinsatz: Akten anlegen, Dokumente ablegen, suchen "
       "und Vorgänge weiterleiten. Pflichtkurs vor der Umstellung Ihres Bereichs.",
       sessions=6, trainer=True),
    _c("EAK-102", "E-Akte kompakt (E-Learning)", SP, 2, BASIC, INT, "0",
       (("F09", 1),),
       "Die wichtigsten Funktionen der E-Akte in kurzen Videos zum Nachschlagen, zur "
       "Auffrischung oder als Vorbereitung auf die Präsenzschulung.",
       sessions=3, approval=False),
    _c("EAK-201", "E-Akte für Power-User", P, 8, INTER, INT, "0",
       (("F09", 3),),
       "Vorlagen, Stapelverarbeitung, Vertretungsregeln und Auswertungen in der E-Akte. Für "
       "Ansprechpersonen, die ihre Kolleginnen und Kollegen unterstützen.",
       prerequisites=("EAK-101",), sessions=4, trainer=True),
    _c("EAK-202", "Scannen und ersetzendes Scannen (TR-RESISCAN)", ON, 4, INTER, KC, "120.00",
       (("F09", 2),),
       "Papierdokumente rechtssicher digitalisieren: Anforderungen der TR-RESISCAN, "
       "Qualitätssicherung und Vernichtung der Originale.",
       provider_name="KommunalCampus", sessions=3),
    _c("EAK-203", "Digitale Vorgangsbearbeitung und Workflows", P, 8, INTER, INT, "0",
       (("F09", 2), ("F06", 2)),
       "Mitzeichnung, Umlauf und Fristen vollständig digital. Sie bilden einen Vorgang "
       "Ihres Bereichs als Workflow in der E-Akte ab.",
       sessions=3),
    # --- Online-Dienste und OZG -------------------------------------------------------
    _c("OZG-101", "OZG-Umsetzung: Grundlagen", ON, 4, BASIC, KC, "0",
       (("F10", 1), ("2.3", 3)),
       "Onlinezugangsgesetz, Einer-für-Alle-Leistungen und Reifegrade im Überblick. Was die "
       "Umsetzung für Ihren Fachbereich bedeutet und wer Sie dabei unterstützt.",
       provider_name="KommunalCampus", sessions=3, approval=False),
    _c("OZG-102", "BundID, Nutzerkonten und digitale Identitäten", ON, 4, BASIC, INT, "0",
       (("F10", 2), ("2.6", 4)),
       "Wie sich Bürgerinnen, Bürger und Unternehmen online ausweisen: BundID, "
       "Online-Ausweis und Unternehmenskonto. Mit Hinweisen für die Beratung am Telefon.",
       sessions=3),
    _c("OZG-103", "Registermodernisierung und Once-Only", ON, 4, BASIC, KC, "90.00",
       (("F10", 1),),
       "Was die Registermodernisierung für Fachverfahren bedeutet und wie Nachweise künftig "
       "automatisch abgerufen werden.",
       provider_name="KommunalCampus", sessions=2),
    _c("OZG-201", "Online-Antragsassistenten gestalten", P, 16, INTER, INT, "0",
       (("F10", 3), ("F03", 2)),
       "Antragsstrecken entwerfen, die Bürgerinnen und Bürger ohne Rückfragen ausfüllen "
       "können: Fragenlogik, Hilfetexte, Nachweise und Bescheid. Mit dem Formularbaukasten "
       "des Landes.",
       prerequisites=("UX-101",), sessions=4),
    _c("OZG-202", "Ende-zu-Ende-Digitalisierung: Fachverfahren anbinden", P, 16, ADV, EXT,
       "980.00", (("F10", 3), ("F06", 3)),
       "Vom Online-Antrag bis zur Akte ohne Medienbruch: Schnittstellen, XÖV-Standards und "
       "die Anbindung von Fachverfahren. Für IT und Organisation.",
       provider_name="Kommunale Digitalagentur eG", sessions=1, audience="it"),
    _c("OZG-203", "Formulare barrierefrei digitalisieren", P, 8, INTER, INT, "0",
       (("F10", 2), ("3.2", 4)),
       "Bestehende Papierformulare in barrierefreie Online-Formulare übertragen. Sie "
       "überarbeiten ein Formular Ihres Bereichs und prüfen es auf Barrierefreiheit.",
       sessions=2),
    # --- Führung und Veränderung ------------------------------------------------------
    _c("FUE-101", "Digitale Führung", P, 16, INTER, KC, "490.00",
       (("F11", 2), ("2.1", 5)),
       "Führen in einer Verwaltung, die digitaler wird: Zusammenarbeit, Kommunikation und "
       "Entscheidungen in hybriden Teams. Mit kollegialer Fallberatung.",
       provider_name="KommunalCampus", sessions=4, audience="heads"),
    _c("FUE-102", "Digitale Kompetenzen im Team entwickeln", ON, 4, BASIC, INT, "0",
       (("F11", 1), ("5.4", 5)),
       "Kompetenzlücken im Team erkennen, mit den Soll-Profilen der Digitalakademie "
       "arbeiten und passende Fortbildungen planen.",
       sessions=2, audience="heads"),
    _c("FUE-103", "Online-Besprechungen moderieren", ON, 4, BASIC, INT, "0",
       (("2.1", 4), ("2.5", 4)),
       "Videokonferenzen gut vorbereiten, alle beteiligen und zu Ergebnissen führen. Mit "
       "Werkzeugen für Abstimmungen, Whiteboards und Kleingruppen.",
       sessions=4, trainer=True),
    _c("FUE-201", "Veränderungsmanagement", P, 16, INTER, EXT, "1080.00",
       (("F11", 3),),
       "Veränderungen planen, kommunizieren und begleiten: Widerstände verstehen, "
       "Beteiligte einbinden, Erfolge sichtbar machen. Am Beispiel der Einführung der "
       "E-Akte.",
       provider_name="Wandelwerk Beratung", sessions=2),
    _c("FUE-202", "Führen auf Distanz und in hybriden Teams", ON, 8, INTER, INT, "0",
       (("F11", 2), ("2.4", 5)),
       "Vertrauen, Verbindlichkeit und Teamgefühl, wenn nicht alle im Büro sind. Mit "
       "Vereinbarungen für hybride Zusammenarbeit, die Sie mit Ihrem Team treffen können.",
       sessions=2, audience="heads"),
    _c("FUE-301", "Digitalstrategie für Führungskräfte", P, 24, ADV, EXT, "1650.00",
       (("F11", 4),),
       "Eine Digitalstrategie für den eigenen Bereich entwickeln und umsetzen: Ziele, "
       "Vorhaben, Ressourcen und Steuerung. Drei Tage mit Praxisprojekt.",
       provider_name="Hochschule für Verwaltung Musterland", prerequisites=("FUE-101",),
       sessions=1, audience="heads"),
    # --- Archived: no longer offered ---------------------------------------------------
    _c("CLD-901", "Umstieg auf Windows 11", P, 4, BASIC, INT, "0",
       (("5.1", 3),),
       "Neuerungen von Windows 11 am städtischen Arbeitsplatz. Der Kurs begleitete die "
       "Umstellung und wird nicht mehr angeboten.",
       sessions=2, archived=True),
    _c("SIC-901", "Datenschutz-Grundschulung (bis 2025)", SP, 2, BASIC, INT, "0",
       (("4.2", 2),),
       "Die frühere Pflichtschulung zum Datenschutz. Sie wurde durch „Datenschutz (DSGVO) im "
       "Alltag“ ersetzt.",
       sessions=1, approval=False, validity=24, archived=True),
)  # fmt: skip

# ---------------------------------------------------------------------------
# Places, texts
# ---------------------------------------------------------------------------

ROOMS = (
    "Rathaus, Raum 2.14",
    "Rathaus, Raum 3.07",
    "Schulungszentrum Am Markt, Raum 1",
    "Schulungszentrum Am Markt, Raum 2",
    "Technisches Rathaus, Schulungsraum 0.12",
)
EXTERNAL_ROOMS = ("Schulungszentrum Am Markt, Raum 3", "Tagungshotel Lindenhof, Seminarraum 2")
KC_ROOMS = ("KommunalCampus Lernzentrum, Bahnhofstraße 12", "Schulungszentrum Am Markt, Raum 3")
MEET_URL = "https://meet.musterstadt.example/"
LEARN_URL = "https://lernen.musterstadt.example/kurs/"

DECLINE_REASONS = (
    "Im gewünschten Zeitraum ist die Vertretung im Team nicht gesichert. Bitte wählen Sie "
    "einen späteren Termin.",
    "Das Fortbildungsbudget des Bereichs ist für dieses Halbjahr ausgeschöpft.",
    "Das Thema passt derzeit nicht zu Ihren Aufgaben; lassen Sie uns im Jahresgespräch "
    "darüber sprechen.",
    "Bitte besuchen Sie zuerst den Grundlagenkurs.",
    "In diesem Monat steht die Umstellung auf die E-Akte an; bitte einen Termin danach.",
)
CANCEL_REASONS = (
    None,
    None,
    "Terminüberschneidung mit einer Ausschusssitzung",
    "Krankheit",
    "Dienstliche Gründe",
    "Anderen Termin gewählt",
    "Urlaub",
)
LATE_CANCEL_REASONS = (
    "Kurzfristige Erkrankung",
    "Dringender dienstlicher Einsatz",
    "Krankheit des Kindes",
)
SESSION_CANCEL_REASONS = (
    "Zu wenige Anmeldungen: Die Mindestteilnehmerzahl wurde nicht erreicht.",
    "Die Referentin ist erkrankt; ein Ersatztermin wird angeboten.",
    "Der Schulungsraum steht wegen Bauarbeiten nicht zur Verfügung.",
    "Der Anbieter hat den Termin abgesagt.",
)

# ---------------------------------------------------------------------------
# Who takes part: the people of the core step
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoPeople:
    """The employees the step draws from, and the demo accounts it needs."""

    employee_ids: list[int]
    head_ids: list[int]  #: department heads
    it_ids: list[int]  #: members of the demo head's office (digitalisation and IT)
    team_ids: list[int]  #: the demo head's subtree without himself
    accounts: dict[int, int]  #: employee id → user id (the demo people with an account)
    employee: int | None  #: the demo employee
    head: int | None  #: the demo head
    head_user: int | None
    hr_user: int | None
    trainer_user: int | None

    @property
    def demo_ids(self) -> set[int]:
        return set(self.accounts)


def _subtree_codes(root: str) -> set[str]:
    children: dict[str | None, list[str]] = {}
    for spec in demo_data.DEPARTMENTS:
        children.setdefault(spec.parent, []).append(spec.code)
    found, todo = set(), [root]
    while todo:
        code = todo.pop()
        found.add(code)
        todo.extend(children.get(code, []))
    return found


def people_from_context(ctx: DemoContext) -> DemoPeople:
    """What the step needs from the core step; reads the demo accounts' employee ids
    (the context only has their user ids) with one query."""
    user_ids = dict(ctx.user_ids)
    employee_of: dict[int, int] = {}
    if user_ids:
        employee_of = {
            user_id: employee_id
            for user_id, employee_id in db.session.execute(
                select(User.id, User.employee_id).where(User.id.in_(list(user_ids.values())))
            )
            if employee_id is not None
        }
    head_account = next(a for a in DEMO_ACCOUNTS if a.key == "head")
    head_dept = head_account.person.department if head_account.person else "12"
    team_depts = [
        ctx.department_ids[c] for c in sorted(_subtree_codes(head_dept)) if c in ctx.department_ids
    ]
    team = [e for d in team_depts for e in ctx.employees_by_department.get(d, [])]
    head = employee_of.get(user_ids.get("head", -1))
    return DemoPeople(
        employee_ids=list(ctx.employee_ids),
        head_ids=sorted(set(ctx.head_ids.values())),
        it_ids=team,
        team_ids=[e for e in team if e != head],
        accounts={employee_of[u]: u for u in user_ids.values() if u in employee_of},
        employee=employee_of.get(user_ids.get("employee", -1)),
        head=head,
        head_user=user_ids.get("head"),
        hr_user=user_ids.get("hr"),
        trainer_user=user_ids.get("trainer"),
    )


# ---------------------------------------------------------------------------
# The plan
# ---------------------------------------------------------------------------

#: Kinds of places in a session, before the session's timing decides the final state.
SEAT, WAIT, PENDING, DECLINED, EXPIRED, CANCEL, LATE_CANCEL = (
    "seat", "wait", "pending", "declined", "expired", "cancel", "late_cancel",
)  # fmt: skip


@dataclass
class Slot:
    employee_id: int
    kind: str
    state: EnrolmentState | None = None  #: forced final state (demo people)


@dataclass
class PlannedSession:
    index: int
    course: CourseSpec
    start_day: date
    end_day: date
    starts_at: datetime
    ends_at: datetime
    location: str | None
    online_url: str | None
    capacity: int
    min_participants: int
    trainer: bool = False
    cancelled_at: datetime | None = None
    cancel_reason: str | None = None
    profile: str = "normal"
    #: How many places of each kind; SEAT counts may be scaled to the budget.
    counts: dict[str, int] = field(default_factory=dict)
    scalable: bool = False
    slots: list[Slot] = field(default_factory=list)
    awaiting: str | None = None  #: "attendance" | "results" (the demo trainer's recent ones)

    @property
    def enrolment_deadline(self) -> datetime:
        return self.starts_at - ENROL_DEADLINE

    @property
    def cancellation_deadline(self) -> datetime:
        return self.starts_at - CANCEL_DEADLINE

    def phase(self, today: date) -> str:
        if self.end_day < today:
            return "past"
        if self.start_day < today:
            return "running"
        return "future"

    def deadline_passed(self, today: date) -> bool:
        return self.start_day - ENROL_DEADLINE < today

    def kinds(self, kind: str) -> list[Slot]:
        return [s for s in self.slots if s.kind == kind]


@dataclass
class CoursePlan:
    courses: tuple[CourseSpec, ...]
    sessions: list[PlannedSession]
    #: Enrolment rows without ``session_id``/``course_id``: ``session`` is the index.
    enrolments: list[dict[str, Any]]
    notifications: list[dict[str, Any]]
    trainer_user: int | None  #: the demo trainer's account (trainer of her sessions)


def _between(rng: random.Random, start: datetime, end: datetime) -> datetime:
    if end <= start:
        return start
    return start + timedelta(seconds=rng.uniform(0, (end - start).total_seconds()))


class _Planner:
    def __init__(
        self, rng: random.Random, now: datetime, people: DemoPeople, employee_count: int
    ) -> None:
        self.rng = rng
        self.now = now
        self.today = to_berlin(now).date()
        self.people = people
        self.scale = employee_count / REFERENCE_EMPLOYEES
        self.budget = round(employee_count * ENROLMENTS_PER_EMPLOYEE)
        self.by_code = {c.code: c for c in COURSES}
        self.sessions: list[PlannedSession] = []
        self.by_course: dict[str, list[PlannedSession]] = {}
        self.trainer_busy: list[tuple[date, date]] = []
        self.starts: set[tuple[str, date]] = set()
        #: (employee, course code) already enrolled; per employee the busy intervals.
        self.taken: set[tuple[int, str]] = set()
        self.busy: dict[int, list[tuple[datetime, datetime]]] = {}
        self.random_pool = [e for e in people.employee_ids if e not in people.demo_ids]
        self.head_pool = [e for e in people.head_ids if e not in people.demo_ids]
        self.it_pool = [e for e in people.it_ids if e not in people.demo_ids]
        self.team = set(people.team_ids)

    # -- dates ----------------------------------------------------------------------

    def _days(self, course: CourseSpec) -> int:
        if course.format == SP:
            return 7 * self.rng.randint(6, 11) - 2  # Monday to Friday, weeks later
        return max(1, math.ceil(course.ue / 8))

    def _fix_start(self, start: date, days: int, self_paced: bool) -> date:
        """Move ``start`` forward so that the session fits into the working week (a
        self-paced window runs from a Monday to a Friday), does not touch the demo's day
        and has no deadline on it."""
        today = self.today
        while True:
            if self_paced and start.weekday() != 0:
                start += timedelta(days=7 - start.weekday())  # next Monday
                continue
            if start.weekday() + days - 1 > 4 and not self_paced:
                start += timedelta(days=7 - start.weekday())
                continue
            end = start + timedelta(days=days - 1)
            # A running self-paced window is fine, only not starting or ending today.
            touches_today = today in (start, end) if self_paced else start <= today <= end
            if touches_today or (start - today).days in (3, 7):
                start += timedelta(days=7 if self_paced else 1)
                continue
            return start

    def _times(self, course: CourseSpec, start: date, days: int) -> tuple[datetime, datetime]:
        end = start + timedelta(days=days - 1)
        if course.format == SP:
            begin, finish = time(8, 0), time(18, 0)
        elif course.ue <= 2:
            begin, finish = time(10, 0), time(11, 30)
        elif course.ue <= 4:
            begin, finish = self.rng.choice(
                ((time(9, 0), time(12, 15)), (time(13, 0), time(16, 15)))
            )
        else:
            begin, finish = time(9, 0), time(16, 0)
        return (
            berlin_to_utc(datetime.combine(start, begin)),
            berlin_to_utc(datetime.combine(end, finish)),
        )

    def _place(self, course: CourseSpec, start: date) -> tuple[str | None, str | None]:
        slug = f"{course.code.lower()}-{start:%Y%m%d}"
        if course.format == SP:
            return "Lernplattform (E-Learning)", f"{LEARN_URL}{course.code.lower()}"
        if course.format == ON:
            return "Online (Videokonferenz)", f"{MEET_URL}{slug}"
        rooms = (
            ROOMS
            if course.provider == INT
            else KC_ROOMS
            if course.provider == KC
            else (EXTERNAL_ROOMS)
        )
        room = self.rng.choice(rooms)
        return room, f"{MEET_URL}{slug}" if course.format == B else None

    def _capacity(self, course: CourseSpec) -> tuple[int, int]:
        if course.format == SP:
            return self.rng.choice((30, 40, 40, 50, 60)), 0
        if course.format == ON:
            capacity = self.rng.choice((12, 15, 16, 18, 20, 20))
        else:
            capacity = self.rng.choice((8, 10, 12, 12, 14, 15, 16, 16, 18, 20))
        return capacity, max(3, capacity // 3)

    def _trainer_free(self, start: date, end: date) -> bool:
        """No other session of the demo trainer within a few days (she also prepares)."""
        gap = timedelta(days=TRAINER_GAP_DAYS)
        return all(end + gap < s or start - gap > e for s, e in self.trainer_busy)

    def add_session(
        self, course: CourseSpec, wanted: date, *, trainer: bool | None = None
    ) -> PlannedSession:
        days = self._days(course)
        if course.format == SP:  # the whole window within the horizon
            overflow = (wanted + timedelta(days=days + 6) - self.today).days - HORIZON_DAYS
            wanted -= timedelta(days=max(overflow, 0))
        start = self._fix_start(wanted, days, course.format == SP)
        while (course.code, start) in self.starts:  # one session of a course per day
            start = self._fix_start(start + timedelta(days=1), days, course.format == SP)
        self.starts.add((course.code, start))
        end = start + timedelta(days=days - 1)
        if trainer is None:
            trainer = course.trainer and self._trainer_free(start, end)
        if trainer:
            self.trainer_busy.append((start, end))
        starts_at, ends_at = self._times(course, start, days)
        location, url = self._place(course, start)
        capacity, minimum = self._capacity(course)
        session = PlannedSession(
            index=len(self.sessions),
            course=course,
            start_day=start,
            end_day=end,
            starts_at=starts_at,
            ends_at=ends_at,
            location=location,
            online_url=url,
            capacity=capacity,
            min_participants=minimum,
            trainer=trainer,
        )
        self.sessions.append(session)
        self.by_course.setdefault(course.code, []).append(session)
        return session

    def schedule(self) -> None:
        """Every course's sessions, spread over the year; first the demo trainer's two
        recent sessions (so that she has something to mark)."""
        # The demo trainer's two recent sessions first: on the latest weekday at least two
        # (and eight) days ago.
        for code, back in (("AGI-101", 2), ("EAK-101", 8)):
            wanted = self.today - timedelta(days=back)
            while wanted.weekday() > 4:
                wanted -= timedelta(days=1)
            self.add_session(self.by_code[code], wanted, trainer=True)
        for course in COURSES:
            count = max(1, round(course.sessions * self.scale))
            if course.archived:
                first, span = -HORIZON_DAYS + 5, HORIZON_DAYS - 40
            else:
                count = max(2, count)
                first, span = -HORIZON_DAYS + 5, 2 * HORIZON_DAYS - 20
            if course.code in ("AGI-101", "EAK-101"):
                count = max(1, count - 1)
            spacing = span / count
            for i in range(count):
                offset = first + spacing * (i + 0.5) + self.rng.uniform(-0.35, 0.35) * spacing
                self.add_session(course, self.today + timedelta(days=round(offset)))
        for sessions in self.by_course.values():
            sessions.sort(key=lambda s: (s.starts_at, s.index))
        # The demo trainer's recent sessions: the latest waits for attendance, the
        # others of the last two weeks for results.
        recent_sessions = sorted(
            (
                s
                for s in self.sessions
                if s.trainer
                and s.phase(self.today) == "past"
                and (self.today - s.end_day).days <= AWAITING_DAYS
            ),
            key=lambda s: s.ends_at,
        )
        for i, session in enumerate(reversed(recent_sessions)):
            session.awaiting = "attendance" if i == 0 else "results"

    # -- how full ---------------------------------------------------------------------

    def profile(self, session: PlannedSession) -> None:
        rng, course, today = self.rng, session.course, self.today
        cap, minimum = session.capacity, session.min_participants
        phase = session.phase(today)
        approval = course.approval
        counts = dict.fromkeys((SEAT, WAIT, PENDING, DECLINED, EXPIRED, CANCEL, LATE_CANCEL), 0)
        session.counts = counts
        special = session.awaiting is not None
        if not special and course.format != SP and rng.random() < 0.04:
            session.profile = "cancelled"
            counts[CANCEL] = rng.randint(1, max(1, minimum - 1))
            if phase == "future":
                latest = min(self.now, session.starts_at - ENROL_DEADLINE)
                session.cancelled_at = _between(rng, latest - timedelta(days=10), latest)
            else:
                session.cancelled_at = session.starts_at - timedelta(days=rng.randint(4, 10))
            session.cancel_reason = rng.choice(SESSION_CANCEL_REASONS)
            return
        roll = rng.random()
        if phase == "future" and course.format != SP:
            if roll < 0.14:
                session.profile = "full"
                counts[SEAT], counts[WAIT] = cap, rng.randint(1, 5)
            elif roll < 0.26:
                session.profile = "nearly_full"
                counts[SEAT] = cap - rng.randint(1, 2)
            elif roll < 0.33:
                session.profile = "low"
                counts[SEAT] = rng.randint(1, max(1, minimum - 1))
            else:
                counts[SEAT] = round(cap * rng.uniform(0.35, 0.85))
                session.scalable = True
        elif phase == "past" and roll < 0.2 and course.format != SP:
            session.profile = "full"
            counts[SEAT] = cap
        else:
            counts[SEAT] = round(cap * rng.uniform(0.45, 0.95))
            session.scalable = True
        if approval:
            if phase == "future" and not session.deadline_passed(today):
                counts[PENDING] = rng.choice((0, 0, 1, 1, 2, 3))
            elif rng.random() < 0.35:
                counts[EXPIRED] = rng.randint(1, 2)
            if rng.random() < 0.3:
                counts[DECLINED] = 1
        cancels = rng.choice((0, 0, 1, 1, 2))
        if phase == "past" and rng.random() < 0.35:
            counts[LATE_CANCEL] = 1
        counts[CANCEL] = cancels

    def ensure_profiles(self) -> None:
        """At least a few upcoming sessions are full (with a waiting list) and a few nearly
        full, however the dice fell (small demos have few upcoming sessions)."""
        upcoming = [
            s
            for s in self.sessions
            if s.phase(self.today) == "future" and s.course.format != SP and s.awaiting is None
        ]
        wanted = max(3, round(len(upcoming) * 0.05))
        for profile in ("full", "nearly_full"):
            missing = wanted - sum(s.profile == profile for s in upcoming)
            candidates = [s for s in upcoming if s.profile == "normal"]
            for session in self.rng.sample(candidates, min(max(missing, 0), len(candidates))):
                session.profile, session.scalable = profile, False
                if profile == "full":
                    session.counts[SEAT], session.counts[WAIT] = session.capacity, 2
                else:
                    session.counts[SEAT] = session.capacity - 1

    def fit_budget(self) -> None:
        """Scale the ordinary sessions' seats and cancellations down so the total comes
        near the budget; the full and nearly full sessions stay as they are. Only small
        demos (fewer than about 2,000 employees) need it: every course has at least two
        sessions there, so they end up with more than the budget all the same."""
        total = sum(sum(s.counts.values()) for s in self.sessions)
        scalable = sum(s.counts[SEAT] + s.counts[CANCEL] for s in self.sessions if s.scalable)
        if total <= self.budget or not scalable:
            return
        factor = max(0.3, 1 - (total - self.budget) / scalable)
        for session in self.sessions:
            if session.scalable:
                for kind, least in ((SEAT, 1), (CANCEL, 0)):
                    fixed = max(least, len(session.kinds(kind)))
                    session.counts[kind] = max(fixed, round(session.counts[kind] * factor))

    # -- who ----------------------------------------------------------------------------

    def free(self, employee_id: int, session: PlannedSession) -> bool:
        if (employee_id, session.course.code) in self.taken:
            return False
        return all(
            session.ends_at <= start or session.starts_at >= end
            for start, end in self.busy.get(employee_id, ())
        )

    def take(self, session: PlannedSession, slot: Slot) -> None:
        self.taken.add((slot.employee_id, session.course.code))
        self.busy.setdefault(slot.employee_id, []).append((session.starts_at, session.ends_at))
        session.slots.append(slot)

    def find(
        self, employee_id: int, code: str, kind: str, test: Callable[[PlannedSession], bool]
    ) -> PlannedSession | None:
        for session in self.by_course.get(code, []):
            if session.profile == "cancelled" or not test(session):
                continue
            if kind == SEAT and len(session.kinds(SEAT)) >= session.capacity - 1:
                continue
            if self.free(employee_id, session):
                return session
        return None

    def place(
        self,
        employee_id: int | None,
        codes: Sequence[str],
        kind: str,
        test: Callable[[PlannedSession], bool],
        state: EnrolmentState | None = None,
    ) -> PlannedSession | None:
        """Give a demo person a place of ``kind`` in the first suitable session of the
        first of ``codes`` that has one."""
        if employee_id is None:
            return None
        for code in codes:
            session = self.find(employee_id, code, kind, test)
            if session is None:
                continue
            if kind == WAIT and session.profile != "full":
                session.profile, session.scalable = "full", False
                session.counts[SEAT] = session.capacity
                session.counts[WAIT] = max(session.counts[WAIT], 2)
            session.counts[kind] = max(session.counts[kind], len(session.kinds(kind)) + 1)
            self.take(session, Slot(employee_id, kind, state))
            return session
        return None

    def demo_people(self) -> None:
        """The demo employee's rich record, the demo head's own courses and his team's
        requests (so that his approval inbox has content)."""
        today, p = self.today, self.people

        def past(s: PlannedSession) -> bool:
            return s.phase(today) == "past" and s.awaiting is None

        def open_(s: PlannedSession) -> bool:
            return s.phase(today) == "future" and (s.start_day - today).days >= 14

        def closed(s: PlannedSession) -> bool:
            return s.phase(today) == "future" and s.deadline_passed(today)

        self.place(p.employee, ["UX-101"], SEAT, past, S.COMPLETED)
        self.place(
            p.employee, ["SIC-101", "SIC-102", "SIC-103", "CLD-102"], SEAT, past, S.COMPLETED
        )
        self.place(p.employee, ["UX-201", "UX-103"], SEAT, open_)
        self.place(p.employee, ["UX-102", "UX-202"], PENDING, open_)
        self.place(p.employee, ["OZG-201", "UX-203"], WAIT, open_)
        self.place(p.employee, ["AGI-101", "CLD-101"], CANCEL, open_)
        self.place(p.head, ["FUE-101"], SEAT, past, S.COMPLETED)
        self.place(p.head, ["FUE-301", "DAT-301"], PENDING, open_)
        self.place(p.head, ["SIC-203", "FUE-202"], SEAT, open_)
        team = [e for e in p.team_ids if e != p.employee and e not in p.demo_ids]
        approval_codes = [c.code for c in COURSES if c.approval and not c.archived]
        self.rng.shuffle(approval_codes)
        for i, employee_id in enumerate(team[:8]):
            codes = approval_codes[i % len(approval_codes) :] + approval_codes
            self.place(employee_id, codes, PENDING, open_)
        for employee_id in team[8:10]:
            self.place(employee_id, approval_codes, DECLINED, open_)
        for employee_id in team[10:11] or team[:1]:
            self.place(employee_id, approval_codes, EXPIRED, closed)

    def fill(self) -> None:
        rng = self.rng
        for session in self.sessions:
            course = session.course
            preferred = (
                self.head_pool
                if course.audience == "heads"
                else self.it_pool
                if course.audience == "it"
                else []
            )
            for kind, wanted in session.counts.items():
                for _ in range(wanted - len(session.kinds(kind))):
                    for _attempt in range(200):
                        pool = preferred if preferred and rng.random() < 0.6 else self.random_pool
                        employee_id = pool[rng.randrange(len(pool))]
                        if self.free(employee_id, session):
                            self.take(session, Slot(employee_id, kind))
                            break
            # A waiting list only when the session is full (else the first would move up).
            waiting = session.kinds(WAIT)
            free = session.capacity - len(session.kinds(SEAT))
            for slot in waiting[:free] if free > 0 else []:
                slot.kind = SEAT

    # -- rows ---------------------------------------------------------------------------

    def approver(self, employee_id: int) -> int | None:
        if employee_id in self.team:
            return self.people.head_user
        return self.people.hr_user

    def marker(self, session: PlannedSession) -> int | None:
        return self.people.trainer_user if session.trainer else self.people.hr_user

    def rows(self) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = []
        for session in self.sessions:
            rows.extend(self.session_rows(session))
        return rows

    def session_rows(self, session: PlannedSession) -> list[dict[str, Any]]:
        rng, now, today = self.rng, self.now, self.today
        course = session.course
        phase = session.phase(today)
        opened = min(session.starts_at - timedelta(days=70), now - timedelta(days=21))
        last = min(session.enrolment_deadline, now) - timedelta(hours=1)
        if session.cancelled_at is not None:
            last = min(last, session.cancelled_at - timedelta(hours=1))
        opened = min(opened, last - timedelta(days=14))
        out: list[dict[str, Any]] = []
        seated_times: list[datetime] = []

        def row(slot: Slot, state: EnrolmentState, requested: datetime) -> dict[str, Any]:
            own = self.people.accounts.get(slot.employee_id)
            item = {
                "session": session.index,
                "employee_id": slot.employee_id,
                "state": state.value,
                "requested_at": requested,
                "requested_by_id": own,
                "decided_at": None,
                "decided_by_id": None,
                "decline_reason": None,
                "waitlist_rank": None,
                "confirmed_at": None,
                "cancelled_at": None,
                "cancelled_by_id": None,
                "cancel_reason": None,
                "late_cancellation": False,
                "override_reason": None,
                "attendance_marked_at": None,
                "completed_on": None,
                "result_marked_by_id": None,
                "updated_at": requested,
            }
            out.append(item)
            return item

        def decide(item: dict[str, Any], slot: Slot, latest: datetime) -> datetime:
            """The approval (for courses that need one): when, by whom."""
            if not course.approval:
                return item["requested_at"]
            requested = item["requested_at"]
            decided = _between(rng, requested + timedelta(hours=2), requested + timedelta(days=4))
            decided = min(decided, latest)
            decided = max(decided, requested)
            item["decided_at"] = decided
            item["decided_by_id"] = self.approver(slot.employee_id)
            return decided

        cancel_by = (self.people.trainer_user if session.trainer else None) or self.people.hr_user
        for slot in session.slots:
            kind = slot.kind
            if session.cancelled_at is not None:
                requested = _between(rng, opened, last)
                item = row(slot, S.CANCELLED, requested)
                decide(item, slot, session.cancelled_at)
                item.update(
                    cancelled_at=session.cancelled_at,
                    cancelled_by_id=self.people.hr_user,
                    cancel_reason=session.cancel_reason,
                    updated_at=session.cancelled_at,
                )
                continue
            if kind == SEAT:
                requested = _between(rng, opened, last)
                item = row(slot, S.CONFIRMED, requested)
                confirmed = decide(item, slot, last)
                item["confirmed_at"] = item["updated_at"] = confirmed
                seated_times.append(requested)
                self.outcome(session, slot, item, phase)
            elif kind == PENDING:
                item = row(
                    slot, S.PENDING, _between(rng, max(opened, now - timedelta(days=10)), last)
                )
            elif kind == DECLINED:
                item = row(slot, S.DECLINED, _between(rng, opened, last))
                decide(item, slot, last)
                item["decline_reason"] = rng.choice(DECLINE_REASONS)
                item["updated_at"] = item["decided_at"]
            elif kind == EXPIRED:
                item = row(slot, S.EXPIRED, _between(rng, opened, last))
                item["updated_at"] = session.enrolment_deadline + timedelta(
                    minutes=rng.randint(5, 50)
                )
            elif kind in (CANCEL, LATE_CANCEL):
                requested = _between(rng, opened, last)
                item = row(slot, S.CANCELLED, requested)
                decided = decide(item, slot, last)
                item["confirmed_at"] = decided
                late = kind == LATE_CANCEL
                if late:
                    cancelled = _between(
                        rng, session.cancellation_deadline, min(session.starts_at, now)
                    )
                    by, reason = cancel_by, rng.choice(LATE_CANCEL_REASONS)
                else:
                    end = min(session.cancellation_deadline, now) - timedelta(minutes=30)
                    cancelled = _between(rng, decided + timedelta(hours=1), end)
                    by = self.people.accounts.get(slot.employee_id) or self.people.hr_user
                    reason = rng.choice(CANCEL_REASONS)
                item.update(
                    cancelled_at=cancelled,
                    cancelled_by_id=by,
                    cancel_reason=reason,
                    late_cancellation=late,
                    updated_at=cancelled,
                )
        # The waiting list: requested after the last seat went, ranked by request time.
        waiting = session.kinds(WAIT) if session.cancelled_at is None else []
        if waiting:
            full_at = max(seated_times, default=opened)
            times = sorted(_between(rng, full_at, last) for _ in waiting)
            for slot, requested in zip(waiting, times, strict=True):
                item = row(slot, S.WAITLISTED, requested)
                decided = decide(item, slot, last)
                item["waitlist_rank"] = requested.timestamp()
                item["updated_at"] = decided
        return out

    def outcome(
        self, session: PlannedSession, slot: Slot, item: dict[str, Any], phase: str
    ) -> None:
        """What became of a seat: still confirmed (upcoming, or waiting for the demo
        trainer), attended, completed, failed or no-show."""
        rng, now = self.rng, self.now
        if phase == "future":
            return
        if phase == "running":
            if slot.state is None and rng.random() < 0.4:
                done = _between(
                    rng, session.starts_at + timedelta(days=1), now - timedelta(hours=1)
                )
                self._mark(item, S.COMPLETED, done, self.people.hr_user)
            return
        if session.awaiting == "attendance":
            return
        marked = _between(
            rng,
            session.ends_at + timedelta(minutes=30),
            min(session.ends_at + timedelta(hours=36), now - timedelta(minutes=10)),
        )
        if session.course.format == SP:
            marked = _between(rng, session.starts_at + timedelta(days=2), session.ends_at)
        if session.awaiting == "results":
            state = S.NO_SHOW if rng.random() < 0.12 else S.ATTENDED
            self._mark(item, state, marked, self.marker(session))
            return
        state = slot.state
        if state is None:
            roll = rng.random()
            exam = session.course.level != BASIC or session.course.format == SP
            state = S.NO_SHOW if roll < 0.07 else S.FAILED if exam and roll < 0.11 else S.COMPLETED
        self._mark(item, state, marked, self.marker(session))

    @staticmethod
    def _mark(item: dict[str, Any], state: EnrolmentState, at: datetime, by: int | None) -> None:
        item["state"] = state.value
        item["attendance_marked_at"] = at
        item["result_marked_by_id"] = by
        item["updated_at"] = at
        if state == S.COMPLETED:
            item["completed_on"] = to_berlin(at).date()


def build_course_plan(
    rng: random.Random, now: datetime, people: DemoPeople, employee_count: int
) -> CoursePlan:
    """Every course, session and enrolment of the demo, without touching the database."""
    planner = _Planner(rng, now, people, employee_count)
    planner.schedule()
    for session in planner.sessions:
        planner.profile(session)
    planner.ensure_profiles()
    planner.demo_people()
    planner.fit_budget()
    planner.fill()
    enrolments = planner.rows()
    return CoursePlan(
        courses=COURSES,
        sessions=planner.sessions,
        enrolments=enrolments,
        notifications=_notifications(planner, enrolments),
        trainer_user=people.trainer_user,
    )


def _notifications(planner: _Planner, enrolments: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A few unread notifications (German, as the service would have written them): for
    the demo employee about her confirmed and waiting-list places, for the demo head
    about her request awaiting his decision."""
    people, sessions, today = planner.people, planner.sessions, planner.today
    user = people.accounts.get(people.employee) if people.employee is not None else None
    if user is None:
        return []
    account = next(a for a in DEMO_ACCOUNTS if a.key == "employee")
    name = account.person.full_name if account.person else account.email

    def when(at: datetime) -> str:
        return f"{to_berlin(at):%d.%m.%Y, %H:%M} Uhr"

    found: list[dict[str, Any]] = []
    for item in enrolments:
        if item["employee_id"] != people.employee:
            continue
        session = sessions[item["session"]]
        title, code = session.course.title, session.course.code
        place = session.location or session.online_url or "–"
        base = {
            "kind": "enrolment.approved",
            "course": code,
            "user_id": user,
            "subject": f"Anmeldung genehmigt: {title}",
            "created_at": item["updated_at"],
        }
        if item["state"] == S.CONFIRMED.value and session.phase(today) == "future":
            found.append(
                {
                    **base,
                    "body": (
                        f"Ihre Anmeldung zu „{title}“ am {when(session.starts_at)} wurde "
                        f"genehmigt. Ihr Platz ist bestätigt. Ort: {place}."
                    ),
                }
            )
        elif item["state"] == S.WAITLISTED.value:
            found.append(
                {
                    **base,
                    "body": (
                        f"Ihre Anmeldung zu „{title}“ am {when(session.starts_at)} wurde "
                        "genehmigt. Der Termin ist ausgebucht: Sie stehen auf der Warteliste. "
                        "Wir melden uns, sobald ein Platz frei wird."
                    ),
                }
            )
        elif item["state"] == S.PENDING.value and people.head_user is not None:
            found.append(
                {
                    "kind": "enrolment.approval_requested",
                    "course": None,
                    "user_id": people.head_user,
                    "subject": f"Anmeldeanfrage von {name}: {title}",
                    "created_at": item["requested_at"],
                    "body": (
                        f"{name} möchte am {when(session.starts_at)} an „{title}“ teilnehmen. "
                        "Bitte genehmigen oder lehnen Sie die Anfrage vor dem Anmeldeschluss "
                        f"({when(session.enrolment_deadline)}) ab."
                    ),
                }
            )
    return found


# ---------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------


def competence_ids(now: datetime) -> dict[str, int]:
    """Competence ids by code ("F01", "1.1") of the two default frameworks; loads them
    (idempotent, as ``flask academy init`` does) when they are missing."""

    def read() -> dict[str, int]:
        rows = db.session.execute(
            select(Framework.code, Competence.code, Competence.id)
            .join(Framework, Framework.id == Competence.framework_id)
            .where(Framework.code.in_([DIGCOMP_CODE, FACHKOMPETENZEN_CODE]))
        )
        return {code: id_ for _, code, id_ in rows}

    found = read()
    wanted = {code for course in COURSES for code, _ in course.outcomes}
    if not wanted <= set(found):
        load_default_frameworks(None, now)
        db.session.flush()
        found = read()
    return found


def _write(plan: CoursePlan, now: datetime, competences: dict[str, int]) -> dict[str, int]:
    created = now - timedelta(days=400)
    categories = {
        spec.key: Category(name=spec.name, description=spec.description, position=i)
        for i, spec in enumerate(CATEGORIES, 1)
    }
    db.session.add_all(categories.values())
    courses = {
        spec.code: Course(
            code=spec.code,
            title=spec.title,
            description=spec.description,
            category=categories[spec.category],
            format=spec.format.value,
            duration_ue=spec.ue,
            level=spec.level.value,
            provider=spec.provider.value,
            provider_name=spec.provider_name,
            cost=Decimal(spec.cost),
            requires_approval=spec.approval,
            validity_months=spec.validity,
            archived=spec.archived,
            created_at=created,
            updated_at=created,
        )
        for spec in plan.courses
    }
    db.session.add_all(courses.values())
    db.session.flush()
    course_id = {code: c.id for code, c in courses.items()}
    bulk_insert(
        CourseOutcome,
        (
            {"course_id": course_id[spec.code], "competence_id": competences[code], "level": lv}
            for spec in plan.courses
            for code, lv in spec.outcomes
            if code in competences
        ),
    )
    bulk_insert(
        CoursePrerequisite,
        (
            {"course_id": course_id[spec.code], "required_course_id": course_id[required]}
            for spec in plan.courses
            for required in spec.prerequisites
        ),
    )

    seated = [0] * len(plan.sessions)
    for item in plan.enrolments:
        if EnrolmentState(item["state"]) in SEATED:
            seated[item["session"]] += 1
    session_rows = []
    for s in plan.sessions:
        flagged = None
        if (
            s.cancelled_at is None
            and s.enrolment_deadline < now < s.starts_at
            and seated[s.index] < s.min_participants
        ):
            flagged = s.enrolment_deadline
        reminder = s.starts_at - timedelta(days=2)
        session_rows.append(
            {
                "course_id": course_id[s.course.code],
                "starts_at": s.starts_at,
                "ends_at": s.ends_at,
                "location": s.location,
                "online_url": s.online_url,
                "trainer_id": plan.trainer_user if s.trainer else None,
                "capacity": s.capacity,
                "min_participants": s.min_participants,
                "enrolment_deadline": s.enrolment_deadline,
                "cancellation_deadline": s.cancellation_deadline,
                "confirmed_count": seated[s.index],
                "cancelled_at": s.cancelled_at,
                "cancel_reason": s.cancel_reason,
                "below_minimum_flagged_at": flagged,
                "reminder_sent_at": reminder if s.cancelled_at is None and reminder < now else None,
                "created_at": min(s.starts_at - timedelta(days=77), now - timedelta(days=28)),
            }
        )
    # Core INSERTs (tables, not models): the ORM would split rows whose None columns
    # differ into separate statements, thousands of them. No RETURNING either: psycopg
    # takes longer to prepare a multi-row INSERT with thousands of named parameters than
    # to send the rows one by one. A session is known by its course and start instead.
    bulk_insert(CourseSession.__table__, session_rows)
    by_start = {
        (course, starts_at): id_
        for id_, course, starts_at in db.session.execute(
            select(CourseSession.id, CourseSession.course_id, CourseSession.starts_at)
        )
    }
    session_ids = [by_start[course_id[s.course.code], s.starts_at] for s in plan.sessions]

    def enrolment_rows() -> Iterable[dict[str, Any]]:
        for item in plan.enrolments:
            row = dict(item)
            index = row.pop("session")
            row["session_id"] = session_ids[index]
            row["course_id"] = course_id[plan.sessions[index].course.code]
            yield row

    enrolments = bulk_insert(Enrolment.__table__, enrolment_rows())

    notes = [
        {
            "user_id": n["user_id"],
            "kind": n["kind"],
            "subject": n["subject"],
            "body": n["body"],
            "created_at": n["created_at"],
            "read_at": None,
            "link": (
                notices.learning_link(course_id[n["course"]])
                if n["course"]
                else notices.approvals_link()
            ),
        }
        for n in plan.notifications
    ]
    bulk_insert(Notification.__table__, notes)
    return {
        "courses": len(courses),
        "sessions": len(session_ids),
        "enrolments": enrolments,
        "notifications": len(notes),
    }


def courses_demo_step(ctx: DemoContext) -> str:
    """The ``courses`` step of ``flask academy demo``."""
    competences = competence_ids(ctx.now)
    people = people_from_context(ctx)
    plan = build_course_plan(ctx.rng, ctx.now, people, ctx.employee_count)
    written = _write(plan, ctx.now, competences)
    return (
        f"Kurse angelegt: {written['courses']}, Termine: {de_int(written['sessions'])}, "
        f"Anmeldungen: {de_int(written['enrolments'])}"
    )


register_demo_step(STEP_NAME, courses_demo_step, order=STEP_ORDER)
