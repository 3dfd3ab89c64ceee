"""What the competency pages offer to choose from: the competences of the active
frameworks, a competence from a submitted id, the level range of each framework and the
names of its levels. Shared by the competency pages and the programme pages."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from academy.extensions import db
from academy.frameworks.models import Competence, CompetenceArea, Framework, FrameworkLevel
from academy.frameworks.registry import active_framework_summaries
from academy.web.kit import language


def active_competences() -> list[Competence]:
    """Competences of the active frameworks, by framework, area and position (one query)."""
    return list(
        db.session.scalars(
            select(Competence)
            .join(Framework, Competence.framework_id == Framework.id)
            .join(CompetenceArea, Competence.area_id == CompetenceArea.id)
            .options(joinedload(Competence.framework), joinedload(Competence.area))
            .where(Framework.active.is_(True))
            .order_by(Framework.code, CompetenceArea.position, Competence.position)
        )
    )


def competence_from(value: Any) -> Competence | None:
    """The competence of a submitted id, or None for anything that is not one."""
    try:
        return db.session.get(Competence, int(value))
    except (TypeError, ValueError):
        return None


def level_ranges() -> tuple[list[dict[str, Any]], int]:
    """Each active framework's level range and its named levels (for help texts and the
    "what the levels mean" disclosure next to every level field), and the highest level."""
    lang = language()
    summaries = [s for s in active_framework_summaries() if s.level_min is not None]
    named = level_names(s.framework.id for s in summaries)
    ranges = [
        {
            "name": getattr(s.framework, f"name_{lang}", None) or s.framework.name_de,
            "low": s.level_min,
            "high": s.level_max,
            "levels": [
                {
                    "level": lv.level,
                    "name": getattr(lv, f"name_{lang}", None) or lv.name_de,
                    "description": getattr(lv, f"description_{lang}", None) or lv.description_de,
                }
                for (framework_id, _level), lv in sorted(named.items())
                if framework_id == s.framework.id
            ],
        }
        for s in summaries
    ]
    return ranges, max((r["high"] for r in ranges), default=1)


def level_names(framework_ids: Iterable[int]) -> dict[tuple[int, int], FrameworkLevel]:
    """The named levels of these frameworks, by (framework id, level)."""
    ids = set(framework_ids)
    if not ids:
        return {}
    return {
        (lv.framework_id, lv.level): lv
        for lv in db.session.scalars(
            select(FrameworkLevel).where(FrameworkLevel.framework_id.in_(ids))
        )
    }
