"""Navigation entries and start-page panels, contributed by each package.

A package registers its entries in ``init_app``; the base layout shows those the
current user may use (asked of the policy), the start page the panels for their roles.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Any, TypeAlias

from flask import current_app, request, url_for

from academy.accounts.models import Role, User
from academy.auth.policy import can, decided_by_roles, roles_of
from academy.i18n import N_

#: Section → entries (``url``, ``label``, ``endpoint``, ``menu``, ``menu_label``), as the
#: base layout shows them.
NavSections: TypeAlias = dict[str, list[dict[str, str]]]


class Sections(dict[str, list[dict[str, str]]]):
    """``NavSections`` with what they were made from (``signature``: roles, the policy's
    answers, URL prefix, entries), the same for every account that sees the same bar —
    the key under which ``academy.web.menu`` keeps the rendered bar."""

    signature: Hashable = None


#: The main section's own entries stay links in the bar; the others are grouped into the
#: dropdown menus below (an entry not named here goes under "More"), so the bar stays one
#: line on a laptop (1366 px) whatever roles a person holds.
MAIN_LINKS = frozenset(
    {
        "courses.catalogue",
        "courses.trainer_sessions",
        "reports.index",
        "reports.evaluations",
        "notifications.index",
    }
)
MAIN_MENUS: dict[str, str] = {
    "courses.my_learning": "learning",
    "courses.external_mine": "learning",
    "talent.my_competencies": "learning",
    "talent.my_programmes": "learning",
    "reports.certificates": "learning",
    "courses.approvals": "team",
    "courses.external_decisions": "team",
    "talent.team": "team",
    "courses.mandatory_team": "team",
    "talent.candidates": "team",
    "courses.teambooking": "team",
    "courses.budgets": "team",
    "org.employees": "team",
    "org.index": "team",
}
MORE_MENU = "more"
MENU_LABELS = {
    "learning": N_("Learning"),
    "team": N_("Team"),
    MORE_MENU: N_("More"),
}


@dataclass(frozen=True)
class NavItem:
    endpoint: str
    label: str  # English source string, translated in the template
    action: str
    section: str = "main"
    order: int = 100


@dataclass(frozen=True)
class Panel:
    """A start-page panel: ``context(user)`` returns the data its template shows."""

    role: Role
    title: str
    template: str
    context: Callable[[User], dict[str, Any]]
    order: int = 100


@dataclass
class Registry:
    nav: list[NavItem] = field(default_factory=list)
    panels: list[Panel] = field(default_factory=list)
    #: (number of entries, actions the policy is asked per request), see ``nav_for``
    asked: tuple[int, tuple[str, ...]] | None = None


registry = Registry()


def add_nav(item: NavItem) -> None:
    """Register an entry. One endpoint may have entries in several sections (e.g. the
    reports: "hr" for HR, "main" for heads); a user sees it once, in the first
    registered section whose action they may use."""
    if all((i.endpoint, i.section) != (item.endpoint, item.section) for i in registry.nav):
        registry.nav.append(item)


def add_panel(panel: Panel) -> None:
    if all(p.template != panel.template for p in registry.panels):
        registry.panels.append(panel)


#: Remembered navigations per app (``nav_for``); the oldest half goes beyond this.
NAV_CACHE_SIZE = 4096


def nav_for(user: User, roles: set[Role] | frozenset[Role] | None = None) -> NavSections:
    """The entries ``user`` may use, by section, with their URLs — worked out once per
    account, set of roles and URL prefix and remembered by the app. Whether an entry is
    offered is asked without a target, which every rule answers from the roles (a rule
    that also looks at the account is asked again when the account's roles change);
    the page behind an entry asks the policy itself."""
    if not getattr(user, "active", False):
        return {}
    held = frozenset(roles_of(user) if roles is None else roles)
    cache: dict[Any, NavSections] = current_app.extensions.setdefault("academy_nav", {})
    key = (user.id, held, request.script_root, len(registry.nav))
    sections = cache.get(key)
    if sections is None:
        if len(cache) >= NAV_CACHE_SIZE:
            for old in list(cache)[: NAV_CACHE_SIZE // 2]:
                del cache[old]
        asked = {action: can(user, action) for action in _asked_actions()}
        sections = cache[key] = _sections(held, asked)
        sections.signature = (
            held,
            tuple(sorted(asked.items())),
            request.script_root,
            len(registry.nav),
        )
    return sections


def _asked_actions() -> tuple[str, ...]:
    """The actions of entries that the roles alone do not decide (the roles given do not
    matter: a rule either looks at roles only or not)."""
    if registry.asked is None or registry.asked[0] != len(registry.nav):
        actions = dict.fromkeys(
            i.action for i in registry.nav if decided_by_roles(i.action, frozenset()) is None
        )
        registry.asked = (len(registry.nav), tuple(actions))
    return registry.asked[1]


def _sections(held: frozenset[Role], asked: dict[str, bool]) -> Sections:
    chosen: dict[str, NavItem] = {}
    for item in registry.nav:
        allowed = decided_by_roles(item.action, held)
        if allowed is None:
            allowed = asked[item.action]
        if allowed and item.endpoint not in chosen:
            chosen[item.endpoint] = item
    sections = Sections()
    for item in sorted(chosen.values(), key=lambda i: (i.order, i.label)):
        menu = _menu_of(item)
        sections.setdefault(item.section, []).append(
            {
                "url": url_for(item.endpoint),
                "label": item.label,
                "endpoint": item.endpoint,
                "menu": menu,
                "menu_label": MENU_LABELS.get(menu, ""),
            }
        )
    return sections


def _menu_of(item: NavItem) -> str:
    """The dropdown of the main bar an entry sits in ("": a link of its own); entries of
    the other sections sit in their section's dropdown (HR, Administration, …)."""
    if item.section != "main" or item.endpoint in MAIN_LINKS:
        return ""
    return MAIN_MENUS.get(item.endpoint, MORE_MENU)


def panels_for(user: User, roles: set[Role]) -> list[tuple[Panel, dict[str, Any]]]:
    return [
        (panel, panel.context(user))
        for panel in sorted(registry.panels, key=lambda p: (p.order, p.title))
        if panel.role in roles
    ]
