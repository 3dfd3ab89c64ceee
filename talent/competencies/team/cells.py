"""The cells of the team view's table, written in one go per member row: colour, the
gap as number and word, "current/target" below, and a sentence for screen readers
(colour is never the only signal). Built here instead of with a dozen template
expressions per cell — a page of 25 members × 8 competences is 200 cells.

The texts come translated from the view (``CellTexts``), once per request.
"""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup, escape

from academy.frameworks.models import Competence
from talent.competencies.levels import Level


@dataclass(frozen=True)
class CellTexts:
    reached: str  # "reached"
    gap: str  # "gap %(gap)s"
    no_target: str  # "%(competence)s: no target"
    spoken: str  # "%(competence)s: gap %(gap)s, current level %(current)s, target %(target)s"
    none: str  # "none" (no evidence yet)


def css_class(gap: int) -> str:
    """Green, yellow or red: the same as the number says."""
    return "table-success" if gap == 0 else ("table-warning" if gap == 1 else "table-danger")


def cell(level: Level, competence: Competence, texts: CellTexts) -> str:
    if level.target is None:
        hidden = escape(texts.no_target % {"competence": competence.code})
        return (
            '<td class="text-center text-body-secondary team-cell" data-gap="">'
            f'<span aria-hidden="true">–</span><span class="visually-hidden">{hidden}</span></td>'
        )
    gap = level.gap
    shown = f"✓ {escape(texts.reached)}" if gap == 0 else escape(texts.gap % {"gap": gap})
    current = "–" if level.current is None else str(level.current)
    spoken = texts.spoken % {
        "competence": competence.code,
        "gap": gap,
        "current": texts.none if level.current is None else level.current,
        "target": level.target,
    }
    return (
        f'<td class="text-center team-cell {css_class(gap)}" data-gap="{gap}">'
        f'<span aria-hidden="true"><span class="fw-bold">{shown}</span>'
        f'<span class="d-block small">{current}/{level.target}</span></span>'
        f'<span class="visually-hidden">{escape(spoken)}</span></td>'
    )


def row_cells(levels: list[Level], competences: list[Competence], texts: CellTexts) -> Markup:
    """The competence cells of one member's row."""
    return Markup(  # noqa: S704 - every text above is escaped
        "".join(cell(lv, c, texts) for lv, c in zip(levels, competences, strict=True))
    )
