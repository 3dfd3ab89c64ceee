"""German style check: every German text is a translation, none is left English, and the
terms follow the glossary of DOMAIN.md (Kurs, Termin, Anmeldung, Warteliste, Bereich, UE …).

The rules are deliberately mechanical, so a new English string or a term outside the
glossary fails here rather than in front of a user."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("academy", "courses", "talent", "reports", "api")
CATALOGUE = ROOT / "academy/translations/de/LC_MESSAGES/messages.po"

#: German translations that are spelt like their English source on purpose.
SAME_IN_BOTH = {
    "%(actor)s: %(action)s (%(object)s).",
    "%(n)s UE",
    "UE",
    "Administration",
    "CSV (Excel)",
    "Code",
    "Curriculum",
    "Details",
    "E 1–E 8 / A 2–A 8",
    "E 9a–E 12 / A 9–A 12",
    "ESCO",
    "Format",
    "Import",
    "KommunalCampus",
    "Motivation",
    "Name",
    "Online",
    "Optional.",
    "Organisation",
    "Person",
    "Position",
    "Problem",
    "Status",
    "System",
    "Text",
    "Version",
    "XLSX",
    "API",
    "JSON",
    "PDF",
    "CSV",
    "OpenAPI",
    "Scopes",
    "Token",
    "Tokens (%(n)s)",
    "Budget",
    "Feedback",
    "Trainer/in",
    "Team",
    "Online-Termin",
    "E-Mail",
    "Likert",
    "Logo",
    "Link",
    "Open Badge",
}

#: English words that never belong in a German sentence (checked as whole words).
ENGLISH = re.compile(
    r"\b(the|and|of|with|please|your|this|for|is|are|to|from|has|have|not|been|will|"
    r"cannot|which|there|should|must|only|yet|enrolment|waiting list)\b"
)

#: Terms outside the glossary → the glossary's term (DOMAIN.md).
GLOSSARY = {
    r"\bAbteilung": "Bereich / Organisationseinheit",
    r"\bEinschreibung": "Anmeldung",
    r"\bRegistrierung": "Anmeldung",
    r"\bWarteschlange": "Warteliste",
    r"\bSession\b": "Termin",
    r"\b(Kurs|Schulungs|Seminar)sitzung": "Termin",
    r"\bUnterrichtsstunde": "Unterrichtseinheit (UE)",
    r"\bMitarbeiter\b": "Beschäftigte",
    r"\bSkill": "Kompetenz",
    r"\bZulassung": "Genehmigung",
}

#: Text outside gettext in templates that is not a sentence: the names of the two
#: languages in their own language. (Samples of file formats sit in elements marked
#: ``translate="no"``.)
TEMPLATE_TEXT_ALLOWED = {"Deutsch", "English"}


def _catalogue():
    with CATALOGUE.open("rb") as fh:
        return read_po(fh, locale="de")


def _pairs() -> list[tuple[str, str]]:
    out = []
    for message in _catalogue():
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        out.extend((ids[0], s) for s in strings if s)
    return out


def _prose(text: str) -> str:
    """The words of a message: placeholders, markup, URLs and code samples removed."""
    text = re.sub(r"%\(\w+\)[sdf]|\{[^}]*\}|https?://\S+|<[^>]+>|`[^`]*`", " ", text)
    return re.sub(r"„[^“]*“|\"[^\"]*\"", " ", text)  # quoted names and commands


def _has_lowercase_words(text: str) -> bool:
    """Whether a text has words as a sentence has them (labels such as "Budget (€)" or
    "%(kb)s KB" are spelt alike in both languages and have none)."""
    return re.search(r"\b[a-zäöüß]{3,}\b", _prose(text)) is not None


def test_no_german_string_is_left_in_english() -> None:
    english = [
        (msgid, text)
        for msgid, text in _pairs()
        if ENGLISH.search(_prose(text))
        or (text == msgid and text not in SAME_IN_BOTH and _has_lowercase_words(text))
    ]
    assert not english, f"{len(english)} German strings read as English, e.g. {english[:10]}"


@pytest.mark.parametrize(("term", "preferred"), sorted(GLOSSARY.items()))
def test_german_strings_follow_the_glossary(term: str, preferred: str) -> None:
    found = [text for _, text in _pairs() if re.search(term, _prose(text))]
    assert not found, f"use „{preferred}“ instead: {found[:5]}"


def _template_text(path: Path) -> list[str]:
    text = path.read_text(encoding="utf-8")
    for pattern in (
        r"\{#.*?#\}",
        r"<(\w+)\b[^>]*\btranslate=\"no\"[^>]*>.*?</\1>",  # samples of file formats
        r"<(script|style|code|pre|kbd|samp)\b.*?</\1>",
        r"\{\{.*?\}\}",
        r"\{%.*?%\}",
        r"<[^>]*>",
        r"&\w+;|&#\d+;",
    ):
        text = re.sub(pattern, " ", text, flags=re.S)
    return [
        line.strip()
        for line in text.splitlines()
        if re.search(r"[A-Za-zÄÖÜäöüß]{3,}", line) and line.strip() not in TEMPLATE_TEXT_ALLOWED
    ]


def test_templates_have_no_text_outside_gettext() -> None:
    found = {
        str(path.relative_to(ROOT)): lines
        for package in PACKAGES
        for path in (ROOT / package).glob("**/templates/**/*.html")
        if (lines := _template_text(path))
    }
    assert not found, f"text outside _() in templates: {found}"


#: Calls whose first argument is shown to a user and must therefore be a translatable string.
USER_FACING = re.compile(
    r"^(flash|flash_error|show_error|abort)$|(Denied|Failed|Conflict|NotFound)$"
)


def test_messages_for_users_are_translatable_strings() -> None:
    raw = []
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if not isinstance(node, ast.Call) or not node.args:
                    continue
                func = node.func
                name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
                first = node.args[0]
                if (
                    USER_FACING.search(name)
                    and isinstance(first, ast.Constant | ast.JoinedStr)
                    and (not isinstance(first, ast.Constant) or isinstance(first.value, str))
                ):
                    raw.append(f"{path.relative_to(ROOT)}:{node.lineno} {name}(…)")
    assert not raw, f"use N_()/gettext for messages shown to users: {raw}"


#: Nouns that are counted in messages ("%(n)s seats"): English plurals the catalogue uses.
COUNTED_NOUNS = (
    "answers|applicants|applications|attempts|categories|characters|competences|courses|"
    "days|departments|entries|errors|group\\(s\\)|groups|hours|items|levels|meetings|"
    "member\\(s\\)|members|minutes|months|notifications|pages|participants|parts|people|"
    "persons|places|problems|questions|records|rows|seats|sessions|times|weeks|years"
)
#: A count followed by a counted noun (an adjective may stand between: "%(count)s
#: confirmed places").
COUNT_AND_NOUN = re.compile(
    rf"%\((count|n|num|number|total)\)s (?:[a-z-]+ )?({COUNTED_NOUNS})\b", re.IGNORECASE
)

#: Messages with a count and a noun that need no singular, each with its reason.
PLURAL_NOT_NEEDED = {
    # The count is a limit or threshold from configuration or the rules (MIN_GROUP_SIZE,
    # the least number of answers, the longest text): it states a rule, never "one thing".
    "At least %(n)s characters.",
    "At most %(n)s characters",
    "The text must not be longer than %(n)s characters.",
    "at most %(n)s ",
    "fewer than %(n)s ",
    "Fewer than %(n)s people answered",
    "at least %(n)s ",
    "Please choose at most %(n)s courses.",
    "Please name at most %(n)s people",
    "The capacity must be between 1 and %(n)s seats.",
    "The period may span at most %(n)s years.",
    "after %(n)s failed attempts a message waits",
    # The count is always above a larger number ("the first 50 of 120 rows").
    "The first %(shown)s of %(total)s problems are shown.",
    "The PDF shows the first %(n)s of %(total)s rows",
    "%(n)s categories are too many for a readable chart",
    "The workbook consists of %(count)s parts; at most %(limit)s are accepted.",
    # More seats than the room holds: at least two.
    "An upcoming session in this room has %(n)s seats",
    # Shown only for sessions of several meetings.
    "present at %(n)s of %(count)s meetings",
    # Offered only for views too large to export at once.
    "Export (made in the background, %(n)s members):",
}


def test_counted_nouns_have_a_singular() -> None:
    """A count followed by a counted noun is an ngettext message (msgid_plural, German
    singular and plural): never "1 Dienstjahre", "1 Plätze"."""
    found = [
        message.id
        for message in _catalogue()
        if isinstance(message.id, str)
        and COUNT_AND_NOUN.search(message.id)
        and not any(allowed in message.id for allowed in PLURAL_NOT_NEEDED)
    ]
    assert not found, f"use ngettext (singular and plural) for: {found}"


def test_plural_messages_have_both_german_forms() -> None:
    incomplete = [
        message.id[0]
        for message in _catalogue()
        if isinstance(message.id, tuple)
        and (not isinstance(message.string, tuple) or len([s for s in message.string if s]) < 2)
    ]
    assert not incomplete, f"German singular or plural missing: {incomplete}"
