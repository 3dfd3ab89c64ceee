"""The transparency texts: which there are, the current text of each (edited or shipped),
saving an edit (audited, with the previous text), and showing a text as safe HTML."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from markupsafe import Markup, escape
from sqlalchemy import select

from academy.accounts.models import User
from academy.audit.log import record
from academy.errors import NotFound, ValidationFailed
from academy.extensions import db
from academy.i18n import N_, translate
from academy.site_texts import defaults
from academy.site_texts.models import SiteText

MAX_BODY = 50_000


@dataclass(frozen=True)
class PageKind:
    key: str
    title: str  # English source, translated where shown
    endpoint: str
    default: str


PAGES: dict[str, PageKind] = {
    "privacy": PageKind("privacy", N_("Privacy notice"), "site_texts.privacy", defaults.PRIVACY),
    "accessibility": PageKind(
        "accessibility",
        N_("Accessibility statement"),
        "site_texts.accessibility",
        defaults.ACCESSIBILITY,
    ),
}

#: German names of the retention settings (``RETENTION_<KIND>_DAYS``).
RETENTION_LABELS = {
    "LEARNING_RECORD": "Fortbildungsnachweise (Anmeldungen, Teilnahme, Ergebnisse)",
    "RATINGS": "Kompetenzeinschätzungen und Nachweise",
    "APPLICATIONS": "Bewerbungen und Auswahlverfahren",
    "PERSONNEL_RECORD": "Stammdaten und Benutzerkonto",
    "CERTIFICATE": "Bescheinigungen (für die Echtheitsprüfung)",
    "ACCESS_LOG": "Zugriffsprotokoll",
    "AUDIT_LOG": "Änderungsprotokoll",
}
RETENTION_FALLBACK = (
    "Die Daten werden nach den Vorgaben der Dienstvereinbarung gelöscht oder anonymisiert."
)


def page(key: str) -> PageKind:
    kind = PAGES.get(key)
    if kind is None:
        raise NotFound(N_("This page does not exist."))
    return kind


def stored(key: str) -> SiteText | None:
    return db.session.get(SiteText, key)


def current_body(key: str) -> str:
    """The text as an admin last saved it, else the shipped default (with placeholders)."""
    row = stored(key)
    return row.body if row is not None else page(key).default


def _period(days: int) -> str:
    if days % 365 == 0:
        years = days // 365
        return "1 Jahr" if years == 1 else f"{years} Jahre"
    if days % 30 == 0:
        months = days // 30
        return "1 Monat" if months == 1 else f"{months} Monate"
    return "1 Tag" if days == 1 else f"{days} Tage"


def retention_text() -> str:
    """The retention periods from the settings, as list lines (German)."""
    config = current_app.config
    lines = []
    for name in sorted(k for k in config if re.fullmatch(r"RETENTION_[A-Z_]+_DAYS", k)):
        kind = name.removeprefix("RETENTION_").removesuffix("_DAYS")
        value = config[name]
        if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
            continue
        label = RETENTION_LABELS.get(kind, kind.replace("_", " ").capitalize())
        lines.append(f"- {label}: {_period(value)}")
    if not lines:
        return RETENTION_FALLBACK
    intro = (
        "Nach dem Ausscheiden aus dem Dienst werden die Daten nach diesen Fristen gelöscht "
        "oder anonymisiert (Protokolle nach dem Alter des Eintrags):"
    )
    return intro + "\n\n" + "\n".join(lines)


def placeholders() -> dict[str, str]:
    config = current_app.config
    return {
        "org_name": str(config.get("ORG_NAME", "")),
        "dpo_contact": str(config.get("DPO_CONTACT", "")),
        "accessibility_contact": str(config.get("ACCESSIBILITY_CONTACT", "")),
        "min_group_size": str(config.get("MIN_GROUP_SIZE", "")),
        "retention": retention_text(),
    }


def fill(body: str) -> str:
    for name, value in placeholders().items():
        body = body.replace("{" + name + "}", value)
    return body


_LINK = re.compile(r"(https?://[^\s<>\"]+[^\s<>\".,;:)])|([\w.+-]+@[\w-]+(?:\.[\w-]+)+)")


def _inline(text: str) -> Markup:
    """Escaped text with web and e-mail addresses as links."""
    out, last = [], 0
    for match in _LINK.finditer(text):
        out.append(escape(text[last : match.start()]))
        url, mail = match.group(1), match.group(2)
        href = url or f"mailto:{mail}"
        out.append(Markup('<a href="{}">{}</a>').format(href, url or mail))
        last = match.end()
    out.append(escape(text[last:]))
    return Markup("").join(out)


def render(body: str) -> Markup:
    """Markdown-lite as HTML: ``## ``/``### `` headings, ``- `` lists, paragraphs; every
    character of the text escaped (no HTML from the text)."""
    html: list[Markup] = []
    for block in re.split(r"\n\s*\n", fill(body).replace("\r\n", "\n").strip()):
        lines = [line.rstrip() for line in block.strip().split("\n") if line.strip()]
        if not lines:
            continue
        first = lines[0]
        if first.startswith("### ") and len(lines) == 1:
            html.append(Markup("<h3>{}</h3>").format(_inline(first[4:])))
        elif first.startswith("## ") and len(lines) == 1:
            html.append(Markup("<h2>{}</h2>").format(_inline(first[3:])))
        elif all(line.lstrip().startswith("- ") for line in lines):
            items = Markup("").join(
                Markup("<li>{}</li>").format(_inline(line.lstrip()[2:])) for line in lines
            )
            html.append(Markup("<ul>{}</ul>").format(items))
        else:
            joined = Markup("<br>\n").join(_inline(line) for line in lines)
            html.append(Markup("<p>{}</p>").format(joined))
    return Markup("\n").join(html)


def save_text(actor: User, key: str, body: str, *, now: datetime) -> SiteText:
    """Store an edited text; the audit entry keeps the previous and the new text."""
    kind = page(key)
    body = body.replace("\r\n", "\n").strip()
    if not body:
        raise ValidationFailed(N_("Please enter the text."), field="body")
    if len(body) > MAX_BODY:
        raise ValidationFailed(
            N_("The text must not be longer than %(n)s characters."), field="body", n=MAX_BODY
        )
    previous = current_body(key)
    row = stored(key)
    if row is None:
        row = SiteText(key=kind.key, body=body, updated_at=now)
        db.session.add(row)
    else:
        row.body, row.updated_at = body, now
    record(
        actor,
        "site_text.updated",
        "site_text",
        key,
        details={"previous": previous, "new": body},
        now=now,
    )
    db.session.flush()
    return row


def reset_text(actor: User, key: str, *, now: datetime) -> None:
    """Back to the shipped text (the edited one stays in the audit log)."""
    page(key)
    row = stored(key)
    if row is None:
        return
    record(actor, "site_text.reset", "site_text", key, details={"previous": row.body}, now=now)
    db.session.delete(row)
    db.session.flush()


def last_change(key: str) -> datetime | None:
    return db.session.scalar(select(SiteText.updated_at).where(SiteText.key == key))


def audit_names(ids: list[str]) -> dict[str, dict[str, str]]:
    return {i: {"name": translate(PAGES[i].title)} for i in ids if i in PAGES}
