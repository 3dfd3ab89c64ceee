"""Who may apply to (or be nominated for) a fast-track cohort: eligibility by career stage
only (DOMAIN.md "Fast-track programmes") — years of service, pay group, job role — plus
being employed, not already being in the programme and not waiting for a decision on an
application to another intake of it. Never age: the rules read ``entry_date``,
``pay_group``, ``job_role_id`` and ``active``/``left_on`` of the employee, nothing else
(there is no date of birth, and there must not be one here).

Reasons are English source strings (``N_``) with parameters, translated when shown
(``Reason`` is a ``LazyString`` that also keeps ``message`` and ``params``). They are
phrased for the person themselves, or — ``about_other=True`` — for their head.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from flask_babel import LazyString
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from academy.clock import years_between
from academy.extensions import db
from academy.i18n import N_, translate
from academy.org.models import Employee
from talent.programmes.cohort_models import Application, CohortMember
from talent.programmes.models import ApplicationState, Cohort, CohortStatus, MemberState

#: Application states still waiting for a decision.
UNDECIDED_STATES = (ApplicationState.NOMINATED.value, ApplicationState.SUBMITTED.value)
#: Cohort states in which an undecided application can still be decided.
DECIDING_STATES = (
    CohortStatus.DRAFT.value,
    CohortStatus.OPEN.value,
    CohortStatus.SELECTION.value,
    CohortStatus.COUNCIL_REVIEW.value,
)
#: Memberships that rule out another intake of the same programme.
MEMBER_STATES = (MemberState.ACTIVE.value, MemberState.GRADUATED.value)


class Reason(LazyString):
    """Why someone is not eligible: translated when turned into text; ``message`` (the
    English source) and ``params`` stay available for tests and error messages."""

    def __init__(self, message: str, **params: object) -> None:
        super().__init__(translate, message, **params)
        self.message = message
        self.params = params

    def __repr__(self) -> str:
        return f"<Reason {self.message!r} {self.params!r}>"


#: (own, about someone else) texts per rule.
INACTIVE = (
    N_("You are no longer employed here."),
    N_("%(name)s is no longer employed here."),
)
NO_ENTRY_DATE = (
    N_(
        "Your date of entry is not on record, so your years of service cannot be counted. "
        "Please contact HR development."
    ),
    N_(
        "The date of entry of %(name)s is not on record, so the years of service cannot be counted."
    ),
)
# The count stands after a colon ("mindestens 1"), so no plural form is needed.
TOO_FEW_YEARS = (
    N_(
        "Years of service by the close of applications: at least %(years)s are required; "
        "you will have %(have)s."
    ),
    N_(
        "Years of service by the close of applications: at least %(years)s are required; "
        "%(name)s will have %(have)s."
    ),
)
TOO_MANY_YEARS = (
    N_(
        "Years of service by the close of applications: this cohort is meant for people "
        "with at most %(years)s; you will have %(have)s."
    ),
    N_(
        "Years of service by the close of applications: this cohort is meant for people "
        "with at most %(years)s; %(name)s will have %(have)s."
    ),
)
NO_PAY_GROUP = (
    N_("This cohort is open to the pay groups %(groups)s; no pay group is on record for you."),
    N_("This cohort is open to the pay groups %(groups)s; no pay group is on record for %(name)s."),
)
PAY_GROUP = (
    N_("This cohort is open to the pay groups %(groups)s; yours is %(have)s."),
    N_("This cohort is open to the pay groups %(groups)s; that of %(name)s is %(have)s."),
)
JOB_ROLE = (
    N_("This cohort is open to the job roles %(roles)s only."),
    N_("This cohort is open to the job roles %(roles)s only; %(name)s has another one."),
)
MEMBER = (
    N_("You are already taking part in this programme."),
    N_("%(name)s is already taking part in this programme."),
)
GRADUATE = (
    N_("You have already completed this programme."),
    N_("%(name)s has already completed this programme."),
)
PENDING_ELSEWHERE = (
    N_(
        "Your application to “%(cohort)s” of this programme has not been decided yet; "
        "you can apply to one intake at a time."
    ),
    N_(
        "The application of %(name)s to “%(cohort)s” of this programme has not been "
        "decided yet; one intake at a time."
    ),
)


def service_years(employee: Employee, on: date) -> int | None:
    """Whole years of service on ``on`` counted from the entry date; None without one."""
    if employee.entry_date is None:
        return None
    return years_between(employee.entry_date, on)


def normalise_pay_group(value: str | None) -> str:
    """``"E 9a"``, ``"e9A"`` and ``" E9a "`` are the same pay group."""
    return "".join((value or "").split()).casefold()


@dataclass(frozen=True)
class History:
    """What else the person has in the programmes: (programme id, member state) of their
    memberships and (cohort id, programme id, cohort name) of undecided applications."""

    memberships: Sequence[tuple[int, str]] = ()
    undecided: Sequence[tuple[int, int, str]] = ()


def history_of(employee: Employee, programme_ids: Iterable[int] | None = None) -> History:
    """The person's memberships and undecided applications (two queries), limited to
    ``programme_ids`` when given."""
    ids = None if programme_ids is None else sorted(set(programme_ids))
    if ids is not None and not ids:
        return History()
    members = (
        select(Cohort.programme_id, CohortMember.state)
        .join(Cohort, Cohort.id == CohortMember.cohort_id)
        .where(CohortMember.employee_id == employee.id, CohortMember.state.in_(MEMBER_STATES))
    )
    pending = (
        select(Application.cohort_id, Cohort.programme_id, Cohort.name)
        .join(Cohort, Cohort.id == Application.cohort_id)
        .where(
            Application.employee_id == employee.id,
            Application.state.in_(UNDECIDED_STATES),
            Cohort.status.in_(DECIDING_STATES),
        )
    )
    if ids is not None:
        members = members.where(Cohort.programme_id.in_(ids))
        pending = pending.where(Cohort.programme_id.in_(ids))
    return History(
        memberships=[(p, s) for p, s in db.session.execute(members)],
        undecided=[(c, p, n) for c, p, n in db.session.execute(pending)],
    )


def reasons_for(
    employee: Employee,
    cohort: Cohort,
    today: date,
    history: History,
    *,
    about_other: bool = False,
) -> list[Reason]:
    """The eligibility rules ``employee`` breaks for ``cohort`` (no queries beyond the
    cohort's job roles, which callers load in advance)."""
    pick = 1 if about_other else 0
    who: dict[str, object] = {"name": employee.full_name} if about_other else {}
    found: list[Reason] = []

    def reason(texts: tuple[str, str], **params: object) -> None:
        found.append(Reason(texts[pick], **params, **who))

    if not employee.active or (employee.left_on is not None and employee.left_on <= today):
        reason(INACTIVE)

    low, high = cohort.min_service_years, cohort.max_service_years
    if low is not None or high is not None:
        years = service_years(employee, cohort.applications_close_on)
        if years is None:
            reason(NO_ENTRY_DATE)
        elif low is not None and years < low:
            reason(TOO_FEW_YEARS, years=low, have=years)
        elif high is not None and years > high:
            reason(TOO_MANY_YEARS, years=high, have=years)

    groups = [g for g in (cohort.pay_groups or []) if g and g.strip()]
    if groups:
        allowed = {normalise_pay_group(g) for g in groups}
        listed = ", ".join(groups)
        if not normalise_pay_group(employee.pay_group):
            reason(NO_PAY_GROUP, groups=listed)
        elif normalise_pay_group(employee.pay_group) not in allowed:
            reason(PAY_GROUP, groups=listed, have=employee.pay_group)

    roles = cohort.job_roles
    if roles and employee.job_role_id not in {r.id for r in roles}:
        reason(JOB_ROLE, roles=", ".join(sorted(r.title for r in roles)))

    states = {
        state for programme_id, state in history.memberships if programme_id == cohort.programme_id
    }
    if MemberState.ACTIVE.value in states:
        reason(MEMBER)
    elif MemberState.GRADUATED.value in states:
        reason(GRADUATE)

    for cohort_id, programme_id, name in history.undecided:
        if programme_id == cohort.programme_id and cohort_id != cohort.id:
            reason(PENDING_ELSEWHERE, cohort=name)
            break
    return found


def ineligibility(
    employee: Employee, cohort: Cohort, today: date, *, about_other: bool = False
) -> list[Reason]:
    """Why ``employee`` may not apply to ``cohort``; ``[]`` means eligible. ``today`` is
    the day asked about (years of service are counted on the close of applications)."""
    history = history_of(employee, [cohort.programme_id])
    return reasons_for(employee, cohort, today, history, about_other=about_other)


def open_cohorts(today: date) -> list[Cohort]:
    """Cohorts open for applications on ``today`` (status open and within the window),
    closing soonest first, with programme and job roles loaded (two queries)."""
    return list(
        db.session.scalars(
            select(Cohort)
            .options(joinedload(Cohort.programme), selectinload(Cohort.job_roles))
            .where(
                Cohort.status == CohortStatus.OPEN.value,
                Cohort.applications_open_on <= today,
                Cohort.applications_close_on >= today,
            )
            .order_by(Cohort.applications_close_on, Cohort.id)
        ).unique()
    )


def open_cohorts_for(employee: Employee, today: date) -> list[tuple[Cohort, list[Reason]]]:
    """Every cohort open for applications on ``today`` with the reasons why ``employee``
    may not apply (``[]`` = eligible). Four queries, however many cohorts there are."""
    cohorts = open_cohorts(today)
    if not cohorts:
        return []
    history = history_of(employee, [c.programme_id for c in cohorts])
    return [(cohort, reasons_for(employee, cohort, today, history)) for cohort in cohorts]


def reasons_text(reasons: Sequence[Reason]) -> LazyString:
    """The reasons as one text (for an error message), translated when shown."""
    return LazyString(lambda: " ".join(str(r) for r in reasons))
