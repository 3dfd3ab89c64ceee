"""Role profiles (Soll-Profile): the target level of each competence for a job role.

Nothing is overwritten or deleted: a changed or removed target ends the current
``RoleTarget`` row (``ended_at``, ``ended_by_id``) and a change adds a new one, so the
history can always be shown (``profile_history``). The same level again changes
nothing. A target names a level of the competence's framework (``level_min`` …
``level_max``). Services flush only; the view commits. Every change is audited.

The contract names these functions in ``talent.competencies.ratings``, which re-exports them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from academy.accounts.models import User
from academy.audit.log import record
from academy.errors import Conflict, ValidationFailed
from academy.extensions import db
from academy.frameworks.models import Competence, CompetenceArea, Framework
from academy.i18n import N_
from academy.org.models import JobRole
from talent.competencies.level_checks import (
    check_active_framework,
    check_level,
    clean_text,
    require,
)
from talent.competencies.models import RoleTarget

MAX_NOTE = 500


def _current_target(job_role: JobRole, competence: Competence) -> RoleTarget | None:
    return db.session.scalar(
        select(RoleTarget).where(
            RoleTarget.job_role_id == job_role.id,
            RoleTarget.competence_id == competence.id,
            RoleTarget.ended_at.is_(None),
        )
    )


def current_targets(job_role: JobRole) -> list[RoleTarget]:
    """The job role's current targets with their competences, areas and frameworks
    (one query), ordered by framework, area and competence."""
    return list(
        db.session.scalars(
            select(RoleTarget)
            .join(Competence, RoleTarget.competence_id == Competence.id)
            .join(Framework, Competence.framework_id == Framework.id)
            .join(CompetenceArea, Competence.area_id == CompetenceArea.id)
            .options(
                joinedload(RoleTarget.competence).joinedload(Competence.area),
                joinedload(RoleTarget.competence).joinedload(Competence.framework),
            )
            .where(RoleTarget.job_role_id == job_role.id, RoleTarget.ended_at.is_(None))
            .order_by(Framework.code, CompetenceArea.position, Competence.position, Competence.code)
        )
    )


def _replace_target(
    actor: User,
    job_role: JobRole,
    competence: Competence,
    current: RoleTarget | None,
    level: int | None,
    now: datetime,
    note: str | None,
) -> RoleTarget | None:
    """End ``current`` (if any) and add a row for ``level`` (if not None), in a savepoint:
    someone changing the same target at the same moment gives a Conflict, not a 500."""
    try:
        with db.session.begin_nested():
            if current is not None:
                current.ended_at = now
                current.ended_by_id = actor.id
                db.session.flush()  # free the "one current row" index before the insert
            new = None
            if level is not None:
                new = RoleTarget(
                    job_role_id=job_role.id,
                    competence_id=competence.id,
                    level=level,
                    set_at=now,
                    set_by_id=actor.id,
                    note=note,
                )
                db.session.add(new)
                db.session.flush()
    except IntegrityError as exc:
        raise Conflict(
            N_("This target was changed by someone else at the same time. Please try again."),
            field="competence",
        ) from exc
    return new


def set_target(
    actor: User,
    job_role: JobRole,
    competence: Competence,
    level: int | None,
    now: datetime,
    note: str | None = None,
) -> RoleTarget | None:
    """Set the target level of ``competence`` for ``job_role``; ``None`` removes it.

    The current row is ended (kept for the history) and a new one added. The same level
    again changes nothing (no new row, no audit entry) and returns the current row;
    removing a target that does not exist does nothing and returns None."""
    require(actor, "profiles.manage", job_role, N_("Only HR development can edit role profiles."))
    note = clean_text(note, "note", MAX_NOTE, required=False)
    current = _current_target(job_role, competence)
    if level is None:
        if current is None:
            return None
        _replace_target(actor, job_role, competence, current, None, now, note)
        record(
            actor,
            "role_target.removed",
            "job_role",
            job_role.id,
            from_state=str(current.level),
            details={"competence_id": competence.id, "competence": competence.code},
            reason=note,
            now=now,
        )
        db.session.flush()
        return None
    level = check_level(competence, level)
    if current is not None and current.level == level:
        return current
    check_active_framework(competence)
    new = _replace_target(actor, job_role, competence, current, level, now, note)
    record(
        actor,
        "role_target.changed" if current is not None else "role_target.set",
        "job_role",
        job_role.id,
        from_state=str(current.level) if current is not None else None,
        to_state=str(level),
        details={"competence_id": competence.id, "competence": competence.code},
        reason=note,
        now=now,
    )
    db.session.flush()
    return new


class CopyResult(int):
    """What ``copy_profile`` did. As an int (the contract's return value) it is the
    number of targets added or changed; the attributes break it down."""

    added: int
    changed: int
    unchanged: int

    def __new__(cls, added: int, changed: int, unchanged: int) -> CopyResult:
        result = super().__new__(cls, added + changed)
        result.added = added
        result.changed = changed
        result.unchanged = unchanged
        return result


def copy_profile(
    actor: User, source_role: JobRole, target_role: JobRole, now: datetime
) -> CopyResult:
    """Copy the current targets of ``source_role`` to ``target_role``: targets the target
    role lacks are added, differing levels are overwritten (the old row is ended); its
    targets for other competences stay as they are. One audit entry for the copy."""
    require(
        actor, "profiles.manage", target_role, N_("Only HR development can edit role profiles.")
    )
    if source_role.id == target_role.id:
        raise ValidationFailed(N_("Choose another job role to copy from."), field="source")
    sources = current_targets(source_role)
    if not sources:
        raise ValidationFailed(
            N_("The job role %(code)s has no targets to copy."),
            field="source",
            code=source_role.code,
        )
    existing = {t.competence_id: t for t in current_targets(target_role)}
    added = changed = unchanged = 0
    for src in sources:
        current = existing.get(src.competence_id)
        if current is not None and current.level == src.level:
            unchanged += 1
            continue
        level = check_level(src.competence, src.level)
        _replace_target(actor, target_role, src.competence, current, level, now, None)
        if current is None:
            added += 1
        else:
            changed += 1
    result = CopyResult(added, changed, unchanged)
    if result:
        record(
            actor,
            "role_profile.copied",
            "job_role",
            target_role.id,
            details={
                "source_job_role_id": source_role.id,
                "source": source_role.code,
                "added": added,
                "changed": changed,
                "unchanged": unchanged,
            },
            now=now,
        )
        db.session.flush()
    return result


@dataclass(frozen=True)
class TargetChange:
    """One entry of a role profile's history: ``old`` → ``new`` (None: no target)."""

    at: datetime
    competence: Competence
    old: int | None
    new: int | None
    by: User | None
    note: str | None


def profile_history(job_role: JobRole) -> list[TargetChange]:
    """Every change of the job role's targets, newest first, derived from the kept rows
    (two queries): a row's start is a change from the row it replaced (the row of the
    same competence ended at that moment) or an addition; a row ended without a
    successor is a removal."""
    rows = list(
        db.session.scalars(
            select(RoleTarget)
            .options(
                joinedload(RoleTarget.competence).joinedload(Competence.framework),
            )
            .where(RoleTarget.job_role_id == job_role.id)
            .order_by(RoleTarget.competence_id, RoleTarget.set_at, RoleTarget.id)
        )
    )
    user_ids = {r.set_by_id for r in rows} | {r.ended_by_id for r in rows}
    user_ids.discard(None)
    users = (
        {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(user_ids)))}
        if user_ids
        else {}
    )
    ended = {(r.competence_id, r.ended_at): r for r in rows if r.ended_at is not None}
    started = {(r.competence_id, r.set_at): r for r in rows}
    changes: list[TargetChange] = []
    for row in rows:
        replaced = ended.get((row.competence_id, row.set_at))
        if replaced is row:
            replaced = None
        changes.append(
            TargetChange(
                at=row.set_at,
                competence=row.competence,
                old=replaced.level if replaced is not None else None,
                new=row.level,
                by=users.get(row.set_by_id) if row.set_by_id else None,
                note=row.note,
            )
        )
        successor = started.get((row.competence_id, row.ended_at))
        if row.ended_at is not None and (successor is None or successor is row):
            changes.append(
                TargetChange(
                    at=row.ended_at,
                    competence=row.competence,
                    old=row.level,
                    new=None,
                    by=users.get(row.ended_by_id) if row.ended_by_id else None,
                    note=None,
                )
            )
    changes.sort(key=lambda c: c.at, reverse=True)
    return changes
