"""Checks the talent services share: a level against the scale of the competence's
framework, a competence of a framework still in use, free text, a permission."""

from __future__ import annotations

import talent.competencies.policy  # noqa: F401 - registers the talent actions asked below
from academy.accounts.models import User
from academy.auth.policy import can
from academy.errors import PermissionDenied, ValidationFailed
from academy.frameworks.models import Competence, Framework
from academy.i18n import N_


def level_range(competence: Competence) -> tuple[int, int]:
    """The lowest and highest level of the competence's framework."""
    framework: Framework = competence.framework
    return framework.level_min, framework.level_max


def check_level(competence: Competence, level: object, *, allow_zero: bool = False) -> int:
    """The level as an int within the competence's framework scale, else ValidationFailed."""
    low, high = level_range(competence)
    if allow_zero:
        low = min(low, 0)
    if isinstance(level, bool) or not isinstance(level, int) or not low <= level <= high:
        raise ValidationFailed(
            N_("The level must be a whole number from %(low)s to %(high)s for %(code)s."),
            field="level",
            low=low,
            high=high,
            code=competence.code,
        )
    return level


def check_active_framework(competence: Competence) -> None:
    """New targets and ratings only for competences of frameworks still in use."""
    if not competence.framework.active:
        raise ValidationFailed(
            N_("The framework of %(code)s is no longer in use; choose another competence."),
            field="competence",
            code=competence.code,
        )


def clean_text(
    value: str | None, field: str, limit: int, *, required: bool, message: str | None = None
) -> str | None:
    """Stripped text (None when empty), else ValidationFailed on ``field``."""
    text = (value or "").strip()
    if not text:
        if required:
            raise ValidationFailed(message or N_("Please fill in this field."), field=field)
        return None
    if len(text) > limit:
        raise ValidationFailed(
            N_("The text is too long (at most %(max)s characters)."), field=field, max=limit
        )
    return text


def require(actor: User, action: str, target: object, message: str) -> None:
    """PermissionDenied with ``message`` unless the policy allows ``action``."""
    if not can(actor, action, target):
        raise PermissionDenied(message)
