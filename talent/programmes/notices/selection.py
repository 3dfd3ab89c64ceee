"""Notifications of the fast-track selection (English source texts, rendered in each
recipient's language) and sending them: the proposal to the staff council, the council's
answer to HR, and the decisions to the applicants. The rules are in ``talent.programmes.selection``.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from academy.accounts.models import Role, RoleAssignment, User
from academy.extensions import db
from academy.i18n import N_
from courses.enrolment.notices import Notice, hr_users, people, send, site_path
from talent.programmes.models import Cohort

#: Where a selected person finds their programme (built by the "running" part).
MY_PROGRAMME_PATH = "/talente/mein-programm"

PROPOSAL_SUBMITTED = Notice(
    "programme.proposal",
    N_("Fast-track selection for your review: %(cohort)s"),
    N_(
        "HR proposes a selection for the cohort “%(cohort)s” of “%(programme)s” (proposed: "
        "%(count)s, applicants: %(total)s, places: %(seats)s). Please review the proposal "
        "and consent or object before the decisions are sent."
    ),
)
COUNCIL_OBJECTED = Notice(
    "programme.council_objection",
    N_("Staff council objects to the selection: %(cohort)s"),
    N_(
        "The staff council has objected to the selection proposal for the cohort "
        "“%(cohort)s” of “%(programme)s”. Comment: %(comment)s. The cohort is back in "
        "selection; please revise the proposal."
    ),
)
COUNCIL_CONSENTED = Notice(
    "programme.council_consent",
    N_("Staff council consents to the selection: %(cohort)s"),
    N_(
        "The staff council has consented to the selection proposal for the cohort "
        "“%(cohort)s” of “%(programme)s”. You can now send the acceptances and rejections."
    ),
)
ACCEPTED = Notice(
    "programme.accepted",
    N_("You have been selected: %(programme)s"),
    N_(
        "Congratulations! You have been selected for the cohort “%(cohort)s” of "
        "“%(programme)s”. The programme starts on %(starts_on)s. Your programme page shows "
        "the curriculum with its due dates and, once assigned, your mentor."
    ),
)
REJECTED = Notice(
    "programme.rejected",
    N_("Your application for “%(programme)s”"),
    N_(
        "Thank you very much for your application for the cohort “%(cohort)s” of "
        "“%(programme)s” and for the motivation you shared with us. We received more strong "
        "applications than there are places, and after careful consideration we are sorry "
        "that we cannot offer you a place in this cohort. This is not a judgement of your "
        "work.\n\n"
        "We warmly encourage you to apply again for a future cohort. Until then, the course "
        "catalogue and your competency profile in the Digital Academy show offerings that "
        "support your development. If you would like to talk about your next steps, the "
        "staff development team (Personalentwicklung) will be glad to arrange a "
        "conversation with you."
    ),
)
NOMINATION_LAPSED = Notice(
    "programme.nomination_lapsed",
    N_("Nomination closed: %(programme)s"),
    N_(
        "The selection for the cohort “%(cohort)s” of “%(programme)s” has been completed. "
        "As you did not take up the nomination, it has been closed. You are welcome to "
        "apply for a future cohort."
    ),
)


def council_users() -> list[User]:
    """Every active staff council account (one query)."""
    return list(
        db.session.scalars(
            select(User)
            .join(RoleAssignment, RoleAssignment.user_id == User.id)
            .where(RoleAssignment.role == Role.COUNCIL.value, User.active.is_(True))
            .order_by(User.id)
        )
    )


def _names(cohort: Cohort) -> dict[str, object]:
    return {"cohort": cohort.name, "programme": cohort.programme.title}


def notify_proposal(cohort: Cohort, count: int, total: int, now: datetime) -> None:
    """Tell every staff council account that HR proposed ``count`` of ``total``."""
    params = {**_names(cohort), "count": count, "total": total, "seats": cohort.seats}
    link = site_path(("talent.council_review", {"cohort_id": cohort.id}))
    for user in council_users():
        send(user, PROPOSAL_SUBMITTED, params, now, link)


def notify_council_decision(
    cohort: Cohort, notice: Notice, comment: str | None, now: datetime
) -> None:
    """Tell HR the staff council's answer (``COUNCIL_OBJECTED`` or ``COUNCIL_CONSENTED``)."""
    params = {**_names(cohort), "comment": comment or "–"}
    link = site_path(("talent.cohort_dashboard", {"cohort_id": cohort.id}))
    for user in hr_users():
        send(user, notice, params, now, link)


def notify_decisions(
    cohort: Cohort,
    outcome: dict[int, Notice],
    now: datetime,
    member_ids: dict[int, int] | None = None,
) -> None:
    """Tell every applicant (with or without an account) their outcome (employee id → ``ACCEPTED``,
    ``REJECTED`` or ``NOMINATION_LAPSED``); acceptances link to the new member's own
    programme page (``member_ids``: employee id → member id)."""
    params = {**_names(cohort), "starts_on": cohort.starts_on}
    links = {
        ACCEPTED.kind: site_path(("talent.my_programme", {})) or MY_PROGRAMME_PATH,
        REJECTED.kind: site_path(("courses.catalogue", {})),
        NOMINATION_LAPSED.kind: site_path(("courses.catalogue", {})),
    }
    recipients = people(outcome)
    for employee_id, notice in outcome.items():
        link = links[notice.kind]
        member_id = (member_ids or {}).get(employee_id)
        if notice.kind == ACCEPTED.kind and member_id is not None:
            link = site_path(("talent.my_programme", {"member_id": member_id})) or link
        send(recipients.get(employee_id), notice, params, now, link)
