"""What a caller of the read API may read: one scope per family of endpoints."""

from __future__ import annotations

from academy.i18n import N_

CATALOGUE = "catalogue:read"
LEARNING = "learning:read"
COMPETENCIES = "competencies:read"
REPORTS = "reports:read"

#: Scope → what it opens (English source, translated on the pages).
SCOPES: dict[str, str] = {
    CATALOGUE: N_("Catalogue and sessions"),
    LEARNING: N_("Completions and certificates by personnel number (personal data)"),
    COMPETENCIES: N_("Competency targets and current levels per person (personal data)"),
    REPORTS: N_("Aggregated gap figures per department (minimum group size applied)"),
}

#: Scopes that open personal data: every call is written to the access log.
PERSONAL_SCOPES = frozenset({LEARNING, COMPETENCIES})


def known(scopes: list[str] | tuple[str, ...] | set[str]) -> list[str]:
    """The given scopes that exist, in the order of ``SCOPES``."""
    wanted = set(scopes)
    return [scope for scope in SCOPES if scope in wanted]
