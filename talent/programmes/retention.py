"""Retention rules of the fast-track programmes (``academy.retention``).

Applications (``RETENTION_APPLICATIONS_DAYS`` after leaving): HR's scores with their
comments are deleted; the application keeps cohort, state, endorsement value and whether
it was proposed — the fairness view and cohort figures still count it — and loses the
motivation, notes, comments and who nominated or endorsed; the council's stored proposal
shows the pseudonym instead of the name. Membership (learning record): the drop-out
reason, and the sign-offs' notes and signers, are removed; state and dates stay.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, and_, or_, select, update

from academy.extensions import db
from academy.retention.rules import (
    Cutoff,
    RetentionRule,
    chunks,
    pseudonym,
    register_retention_rule,
    table_rule,
)
from talent.programmes.cohort_models import (
    Application,
    CohortMember,
    CouncilReview,
    MilestoneSignoff,
    Score,
)

APPLICATION_COLUMNS = (
    "motivation",
    "nomination_note",
    "endorsement_comment",
    "nominated_by_id",
    "endorsed_by_id",
)


def _applications_of_leavers(cutoff: Cutoff) -> Any:
    return select(Application.id).where(Application.employee_id.in_(cutoff.leavers()))


def _applications(cutoff: Cutoff) -> ColumnElement[bool]:
    return and_(
        Application.employee_id.in_(cutoff.leavers()),
        or_(*(getattr(Application, c).is_not(None) for c in APPLICATION_COLUMNS)),
    )


def _members(cutoff: Cutoff) -> ColumnElement[bool]:
    return and_(
        CohortMember.employee_id.in_(cutoff.leavers()),
        CohortMember.drop_out_reason.is_not(None),
    )


def _signoffs(cutoff: Cutoff) -> ColumnElement[bool]:
    members = select(CohortMember.id).where(CohortMember.employee_id.in_(cutoff.leavers()))
    return and_(
        MilestoneSignoff.member_id.in_(members),
        or_(MilestoneSignoff.note.is_not(None), MilestoneSignoff.signed_off_by_id.is_not(None)),
    )


def _scrubbed(proposal: list[dict[str, Any]], owners: dict[int, int]) -> list[dict[str, Any]]:
    """``proposal`` with the name of every leaver's application replaced by the pseudonym."""
    out = []
    for entry in proposal or []:
        owner = owners.get(entry.get("application_id"))  # type: ignore[arg-type]
        if owner is not None and entry.get("employee_name") != pseudonym(owner):
            entry = {**entry, "employee_name": pseudonym(owner)}
        out.append(entry)
    return out


def _reviews_needing_change(cutoff: Cutoff, ids: Sequence[int] | None) -> list[int]:
    """Council reviews whose stored proposal still names a leaver (re-checked row by row;
    ``FOR UPDATE`` on PostgreSQL, SQLite writes one transaction at a time)."""
    owners = dict(
        db.session.execute(
            select(Application.id, Application.employee_id).where(
                Application.employee_id.in_(cutoff.leavers())
            )
        ).all()
    )
    if not owners:
        return []
    cohorts = select(Application.cohort_id).where(
        Application.id.in_(_applications_of_leavers(cutoff))
    )
    stmt = select(CouncilReview.id, CouncilReview.proposal).where(
        CouncilReview.cohort_id.in_(cohorts)
    )
    if ids is not None:
        stmt = stmt.where(CouncilReview.id.in_(ids)).with_for_update()
    found = []
    for review_id, proposal in db.session.execute(stmt.order_by(CouncilReview.id)):
        scrubbed = _scrubbed(proposal, owners)
        if scrubbed != (proposal or []):
            found.append(review_id)
            if ids is not None:
                db.session.execute(
                    update(CouncilReview)
                    .where(CouncilReview.id == review_id)
                    .values(proposal=scrubbed),
                    execution_options={"synchronize_session": False},
                )
    return found


def _apply_reviews(cutoff: Cutoff, ids: Sequence[int]) -> list[int]:
    changed: list[int] = []
    for part in chunks(ids):
        changed.extend(_reviews_needing_change(cutoff, part))
    return sorted(changed)


def register_retention_rules() -> None:
    register_retention_rule(
        table_rule(
            "applications",
            "scores",
            "Bewertungen durch die Personalentwicklung samt Kommentaren gelöscht",
            Score,
            lambda c: Score.application_id.in_(_applications_of_leavers(c)),
        )
    )
    register_retention_rule(
        table_rule(
            "applications",
            "applications",
            "Bewerbungen: Motivation, Notizen, Kommentare und beteiligte Konten entfernt; "
            "Jahrgang, Status und Vorschlag bleiben für die Auswertungen",
            Application,
            _applications,
            dict.fromkeys(APPLICATION_COLUMNS),
        )
    )
    register_retention_rule(
        RetentionRule(
            kind="applications",
            name="council_reviews",
            description="Name im gespeicherten Auswahlvorschlag durch das Pseudonym ersetzt",
            action="anonymise",
            plan=lambda c: _reviews_needing_change(c, None),
            apply=_apply_reviews,
        )
    )
    register_retention_rule(
        table_rule(
            "learning_record",
            "cohort_members",
            "Programmteilnahmen: Abbruchgrund entfernt; Status und Daten bleiben",
            CohortMember,
            _members,
            {"drop_out_reason": None},
        )
    )
    register_retention_rule(
        table_rule(
            "learning_record",
            "milestone_signoffs",
            "Meilensteine: Notiz und abzeichnendes Konto entfernt; Datum bleibt",
            MilestoneSignoff,
            _signoffs,
            {"note": None, "signed_off_by_id": None},
        )
    )
