"""Template hooks: how a higher package adds content to a lower package's page.

A page declares a place with ``{{ template_hook('roster-actions', session=session) }}``;
a package that has something to show there registers a function for that name in its
``init_app`` (``add_template_hook('roster-actions', fn)``). The function gets the
keyword arguments of the call and returns markup (or "" / None for nothing). A page
never probes for another package's globals, and works the same with no contributor.
Modelled on Indico's ``template_hook``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from markupsafe import Markup

Contributor = Callable[..., Any]

_HOOKS: dict[str, list[Contributor]] = {}


def add_template_hook(name: str, contributor: Contributor) -> None:
    """Register ``contributor`` for the place ``name`` (once; repeated calls are ignored)."""
    contributors = _HOOKS.setdefault(name, [])
    if contributor not in contributors:
        contributors.append(contributor)


def template_hook(name: str, /, **kwargs: Any) -> Markup:
    """What every contributor gives for the place ``name``, joined (the Jinja global)."""
    parts = []
    for contributor in _HOOKS.get(name, ()):
        result = contributor(**kwargs)
        if result:
            parts.append(Markup(result) if not isinstance(result, Markup) else result)  # noqa: S704
    return Markup("").join(parts)


def hook_names() -> list[str]:
    return sorted(_HOOKS)
