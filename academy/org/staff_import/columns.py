"""Staff import: the columns a staff file may have, and the problem record.

``COLUMNS`` is the column specification shown on the upload page and written into the
template file; header names are matched case-insensitively, ignoring spaces,
punctuation and umlaut spelling (``Führungskraft`` = ``fuehrungskraft``).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from academy.i18n import N_, translate


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the file. ``line`` is None for the file as a whole;
    ``message`` is an English source text (``N_``) with ``%(name)s`` params."""

    line: int | None
    column: str | None
    message: str
    params: dict[str, Any] = field(default_factory=dict)

    def text(self) -> str:
        """The message translated into the current locale."""
        return translate(self.message, **self.params)


@dataclass(frozen=True)
class Column:
    """A column the staff file may have: ``label`` is written in the template file,
    ``aliases`` are the header names accepted (case, spaces and punctuation ignored)."""

    field: str
    label: str
    aliases: tuple[str, ...]
    required: bool
    description: str


COLUMNS: tuple[Column, ...] = (
    Column(
        "personnel_no",
        "Personalnummer",
        (
            "Personalnummer",
            "Pers.-Nr.",
            "Personalnr.",
            "PNr",
            "personnel_no",
            "personnel number",
            "employee number",
            "employee_id",
        ),
        True,
        N_("Unique key of the person. Kept exactly as written, leading zeros included."),
    ),
    Column(
        "first_name",
        "Vorname",
        ("Vorname", "first_name", "first name", "given name"),
        True,
        N_("First name."),
    ),
    Column(
        "last_name",
        "Nachname",
        ("Nachname", "Name", "Familienname", "last_name", "last name", "surname"),
        True,
        N_("Last name."),
    ),
    Column(
        "email",
        "E-Mail",
        ("E-Mail", "E-Mail-Adresse", "Mail", "email", "e-mail address"),
        False,
        N_("Work e-mail address. An empty cell removes the address."),
    ),
    Column(
        "department_code",
        "Organisationseinheit",
        (
            "Organisationseinheit",
            "OE",
            "OE-Code",
            "Bereich-Code",
            "Bereichscode",
            "Organisationseinheit-Code",
            "department_code",
            "department code",
            "org unit",
        ),
        True,
        N_("Code of the person's department, e.g. 32.1. An unknown code creates the department."),
    ),
    Column(
        "department_name",
        "Bereich",
        (
            "Bereich",
            "Bereichsname",
            "Organisationseinheit-Name",
            "OE-Name",
            "department_name",
            "department name",
            "department",
        ),
        False,
        N_(
            "Name of the department. Needed for a new department; a different name renames "
            "an existing one."
        ),
    ),
    Column(
        "parent_department_code",
        "Übergeordneter Bereich",
        (
            "Übergeordneter Bereich",
            "Übergeordnete OE",
            "Übergeordnete Organisationseinheit",
            "parent_department_code",
            "parent department code",
            "parent department",
        ),
        False,
        N_(
            "Code of the department above, from the file or already known. Empty: a "
            "top-level department. Without this column the tree stays as it is."
        ),
    ),
    Column(
        "job_role",
        "Stelle",
        ("Stelle", "Funktion", "Stellenbezeichnung", "job_role", "job role", "position"),
        False,
        N_("Code or title of the job role. An unknown value creates a job role."),
    ),
    Column(
        "entry_date",
        "Eintrittsdatum",
        ("Eintrittsdatum", "Eintritt", "entry_date", "entry date", "start date"),
        False,
        N_("Date of entry: 31.12.2019 or 2019-12-31, or an Excel date cell."),
    ),
    Column(
        "pay_group",
        "Entgeltgruppe",
        ("Entgeltgruppe", "Besoldungsgruppe", "EG", "pay_group", "pay group", "grade"),
        False,
        N_("Pay group, e.g. E 9b or A 11."),
    ),
    Column(
        "employment_percent",
        "Beschäftigungsumfang",
        (
            "Beschäftigungsumfang",
            "Beschäftigungsgrad",
            "Stellenanteil",
            "Arbeitszeitanteil",
            "employment_percent",
            "employment percent",
            "working time",
        ),
        False,
        N_(
            "Share of full-time in percent: a whole number from 1 to 100 (100 or "
            "Vollzeit: full-time), e.g. 75, 75 %% or 0,75. An empty cell: not known."
        ),
    ),
    Column(
        "head",
        "Führungskraft",
        ("Führungskraft", "Leitung", "Bereichsleitung", "head", "department head", "is_head"),
        False,
        N_(
            "ja, x or 1: this person heads their department. Empty or nein: the head "
            "stays as it is."
        ),
    ),
    Column(
        "active",
        "Aktiv",
        ("Aktiv", "active"),
        False,
        N_("ja/1 or nein/0. Empty or without this column: active."),
    ),
)

COLUMN_BY_FIELD: dict[str, Column] = {c.field: c for c in COLUMNS}


def header_key(text: object) -> str:
    """Compare header names ignoring case, umlaut spelling, spaces and punctuation."""
    key = unicodedata.normalize("NFC", str(text)).casefold()
    for umlaut, plain in (("ä", "ae"), ("ö", "oe"), ("ü", "ue")):
        key = key.replace(umlaut, plain)
    return re.sub(r"[^0-9a-z]", "", key)


ALIASES: dict[str, str] = {
    header_key(alias): column.field for column in COLUMNS for alias in column.aliases
}


def template_csv() -> bytes:
    """The header of a staff file, as German Excel opens it (UTF-8 with BOM, ``;``)."""
    return ("\ufeff" + ";".join(c.label for c in COLUMNS) + "\r\n").encode("utf-8")
