"""The audit log in plain sentences.

Every action written with ``academy.audit.log.record`` has a sentence, registered by the
package that writes it (in its ``init_app``) with ``register_audit_sentence(action,
template)``. A template is an English source string with named placeholders (translated
on the page, German by default) or a function ``(entry, names) -> str``. Placeholders:

- ``actor``: the acting account's name ("Das System" for scheduled work);
- ``object`` and the parts the object's resolver gives (``person``, ``course``,
  ``date``, ``cohort`` …);
- ``from_state``, ``to_state``, ``reason`` and every key of ``details`` (as text);
- for a details key ending in ``_id`` that names a known object type (``employee_id``,
  ``cohort_id`` …) the resolved name under the key without ``_id`` (``employee``).

Object names come from resolvers (``register_audit_object(object_type, resolve)``): a
resolver gets every id of its type shown on a page at once and answers with one
statement, so a page costs a constant number of statements whatever its length.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext

from academy.audit.models import AuditLogEntry
from academy.i18n import N_

#: Object id (as stored, text) → its name parts (``name`` at least).
Resolved = dict[str, dict[str, str]]
Resolver = Callable[[list[str]], Resolved]
SentenceFn = Callable[[AuditLogEntry, "Names"], str]

AUDIT_SENTENCES: dict[str, str | SentenceFn] = {}
AUDIT_OBJECTS: dict[str, Resolver] = {}
#: Details keys that name an object (key → object type), for names in sentences.
DETAIL_REFERENCES: dict[str, str] = {}

SYSTEM = N_("The system")
GENERIC = N_("%(actor)s: %(action)s (%(object)s).")


def register_audit_sentence(action: str, template: str | SentenceFn) -> None:
    AUDIT_SENTENCES[action] = template


def register_audit_sentences(sentences: Mapping[str, str | SentenceFn]) -> None:
    AUDIT_SENTENCES.update(sentences)


def register_audit_object(
    object_type: str, resolve: Resolver, *, detail_keys: Iterable[str] = ()
) -> None:
    """``resolve`` names the objects of ``object_type`` (ids as text) in one statement;
    ``detail_keys``: details keys holding ids of this type (``cohort_id``)."""
    AUDIT_OBJECTS[object_type] = resolve
    for key in detail_keys:
        DETAIL_REFERENCES[key] = object_type


def has_sentence(action: str) -> bool:
    return action in AUDIT_SENTENCES


@dataclass
class Names:
    """The resolved names of every object a page of entries mentions."""

    by_type: dict[str, Resolved] = field(default_factory=dict)

    def parts(self, object_type: str, object_id: object) -> dict[str, str]:
        if object_id is None:
            return {}
        return self.by_type.get(object_type, {}).get(str(object_id), {})

    def name(self, object_type: str, object_id: object) -> str:
        parts = self.parts(object_type, object_id)
        if parts:
            return parts.get("name", "")
        return f"#{object_id}" if object_id is not None else "–"


def resolve_names(entries: Sequence[AuditLogEntry]) -> Names:
    """One resolver call (one statement) per object type the entries mention."""
    wanted: dict[str, set[str]] = defaultdict(set)
    for entry in entries:
        if entry.object_id is not None and entry.object_type in AUDIT_OBJECTS:
            wanted[entry.object_type].add(entry.object_id)
        for key, value in (entry.details or {}).items():
            kind = DETAIL_REFERENCES.get(key)
            if kind is not None and isinstance(value, int | str) and str(value).isdigit():
                wanted[kind].add(str(value))
    return Names({kind: AUDIT_OBJECTS[kind](sorted(ids)) for kind, ids in wanted.items()})


class _Params(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return "–"


def params_of(entry: AuditLogEntry, names: Names) -> dict[str, str]:
    """Everything a sentence template may use (see the module docstring)."""
    params = _Params()
    for key, value in (entry.details or {}).items():
        params[key] = "–" if value is None else str(value)
        kind = DETAIL_REFERENCES.get(key)
        if kind is not None and value is not None:
            params[key.removesuffix("_id")] = names.name(kind, value)
    params.update(names.parts(entry.object_type, entry.object_id))
    params["object"] = names.name(entry.object_type, entry.object_id)
    params["actor"] = entry.actor.display_name if entry.actor is not None else gettext(SYSTEM)
    params["from_state"] = entry.from_state or "–"
    params["to_state"] = entry.to_state or "–"
    params["reason"] = entry.reason or "–"
    params["action"] = entry.action
    return params


def sentence(entry: AuditLogEntry, names: Names) -> str:
    """The entry as a sentence in the page's language (a generic one for an action
    nobody registered — the completeness test keeps that from happening)."""
    template = AUDIT_SENTENCES.get(entry.action, GENERIC)
    if callable(template):
        return template(entry, names)
    return gettext(template) % params_of(entry, names)


def sentences(entries: Sequence[AuditLogEntry]) -> dict[int, str]:
    """Entry id → sentence for a page of entries (names resolved in bulk)."""
    names = resolve_names(entries)
    return {entry.id: sentence(entry, names) for entry in entries}


def raw_change(entry: AuditLogEntry) -> list[tuple[str, Any]]:
    """The stored fields of the entry, for the disclosure beside the sentence."""
    fields: list[tuple[str, Any]] = [
        ("action", entry.action),
        ("object", f"{entry.object_type} #{entry.object_id}" if entry.object_id else None),
        ("from_state", entry.from_state),
        ("to_state", entry.to_state),
        ("reason", entry.reason),
    ]
    fields += sorted((entry.details or {}).items())
    return [(key, value) for key, value in fields if value is not None]


# ---------------------------------------------------------------------------
# Helpers for resolvers
# ---------------------------------------------------------------------------


def int_ids(ids: Iterable[str]) -> list[int]:
    """The stored ids that are numbers (object ids are stored as text)."""
    return [int(i) for i in ids if i.isdigit()]


def named_rows(rows: Iterable[Any]) -> Resolved:
    """Rows ``(id, name, …)`` of one statement as resolved names: the first column is the
    id, the others are the parts under their labels (``name`` among them)."""
    resolved: Resolved = {}
    for row in rows:
        values = dict(row._mapping)
        key = values.pop("id")
        resolved[str(key)] = {k: "" if v is None else str(v) for k, v in values.items()}
    return resolved
