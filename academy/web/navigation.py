"""Navigation entries and start-page panels, contributed by each package.

A package registers its entries in ``init_app``; the base layout shows those the
current user may use (asked of the policy), the start page the panels for their roles.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import url_for

from academy.accounts.models import Role, User
from academy.auth.policy import can


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


def nav_for(user: User) -> dict[str, list[dict[str, str]]]:
    chosen: dict[str, NavItem] = {}
    for item in registry.nav:
        if item.endpoint not in chosen and can(user, item.action):
            chosen[item.endpoint] = item
    sections: dict[str, list[dict[str, str]]] = {}
    for item in sorted(chosen.values(), key=lambda i: (i.order, i.label)):
        sections.setdefault(item.section, []).append(
            {"url": url_for(item.endpoint), "label": item.label, "endpoint": item.endpoint}
        )
    return sections


def panels_for(user: User, roles: set[Role]) -> list[tuple[Panel, dict[str, Any]]]:
    return [
        (panel, panel.context(user))
        for panel in sorted(registry.panels, key=lambda p: (p.order, p.title))
        if panel.role in roles
    ]
