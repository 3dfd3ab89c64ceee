"""Notifications about applications to fast-track cohorts (English sources; rendered in
each recipient's language) and sending them to the people concerned: the applicant, their
department head, the nominating head and HR. The rules are in ``talent.programmes.applications``.
"""

from __future__ import annotations

from datetime import datetime

from academy.accounts.models import User
from academy.extensions import db
from academy.i18n import N_
from academy.org.models import Employee
from courses.enrolment import notices
from courses.enrolment.notices import Notice
from talent.programmes.cohort_models import Application
from talent.programmes.models import Cohort

RECEIVED = Notice(
    "programme.application_received",
    N_("Application received: %(programme)s"),
    N_(
        "Thank you for your application to “%(cohort)s” of the fast-track programme "
        "“%(programme)s”. Applications close on %(closes)s. Your department head is asked "
        "for a statement; after the selection, which the staff council reviews, you will "
        "hear the decision. You can withdraw your application until then."
    ),
)
ENDORSE_REQUEST = Notice(
    "programme.endorsement_requested",
    N_("Statement requested: %(employee)s applied to %(programme)s"),
    N_(
        "%(employee)s has applied to “%(cohort)s” of the fast-track programme "
        "“%(programme)s”. Please endorse the application or not, with a comment the "
        "applicant can read, by %(closes)s."
    ),
)
ENDORSED = Notice(
    "programme.endorsed",
    N_("Your application has been endorsed: %(programme)s"),
    N_(
        "%(head)s endorses your application to “%(cohort)s” of the fast-track programme "
        "“%(programme)s”. Comment: %(comment)s"
    ),
)
NOT_ENDORSED = Notice(
    "programme.endorsed",
    N_("Statement on your application: %(programme)s"),
    N_(
        "%(head)s does not endorse your application to “%(cohort)s” of the fast-track "
        "programme “%(programme)s”. Comment: %(comment)s Your application stays in the "
        "selection; you may withdraw it until the decisions are sent."
    ),
)
NOMINATED = Notice(
    "programme.nominated",
    N_("You have been nominated: %(programme)s"),
    N_(
        "%(head)s has nominated you for “%(cohort)s” of the fast-track programme "
        "“%(programme)s”. Note: %(note)s If you would like to take part, please accept "
        "the nomination with a short motivation by %(closes)s; you may also decline it."
    ),
)
NOMINATION_ACCEPTED = Notice(
    "programme.nomination_accepted",
    N_("Nomination accepted: %(employee)s"),
    N_(
        "%(employee)s has accepted your nomination for “%(cohort)s” of the fast-track "
        "programme “%(programme)s”; the application is now in the selection."
    ),
)
NOMINATION_DECLINED = Notice(
    "programme.nomination_declined",
    N_("Nomination declined: %(employee)s"),
    N_(
        "%(employee)s has declined your nomination for “%(cohort)s” of the fast-track "
        "programme “%(programme)s”."
    ),
)
PROPOSAL_CHANGED = Notice(
    "programme.proposal_changed",
    N_("Proposed applicant withdrew: %(cohort)s"),
    N_(
        "%(employee)s has withdrawn the application to “%(cohort)s” of the fast-track "
        "programme “%(programme)s”. It was part of the selection proposal, which needs "
        "to be reviewed."
    ),
)


def my_programmes_link() -> str | None:
    return notices.site_path(("talent.my_programmes", {}))


def candidates_link() -> str | None:
    return notices.site_path(("talent.candidates", {}))


def cohort_params(cohort: Cohort) -> dict[str, object]:
    return {
        "cohort": cohort.name,
        "programme": cohort.programme.title,
        "closes": cohort.applications_close_on,
    }


def _nominator(application: Application) -> User | None:
    if application.nominated_by_id is None:
        return None
    user = db.session.get(User, application.nominated_by_id)
    return user if user is not None and user.active else None


def notify_applied(cohort: Cohort, employee: Employee, now: datetime) -> None:
    """Confirm the application to the applicant and ask their head for a statement."""
    params = cohort_params(cohort)
    notices.send_to_employee(employee.id, RECEIVED, params, now, my_programmes_link())
    head = notices.head_account(employee.id, employee.department)
    notices.send(
        head, ENDORSE_REQUEST, {**params, "employee": employee.full_name}, now, candidates_link()
    )


def notify_proposal_changed(cohort: Cohort, application: Application, now: datetime) -> None:
    """Tell HR that a proposed applicant withdrew."""
    params = {**cohort_params(cohort), "employee": application.employee.full_name}
    for user in notices.hr_users():
        notices.send(user, PROPOSAL_CHANGED, params, now)


def notify_nominated(
    cohort: Cohort, employee: Employee, head: User, note: str, now: datetime
) -> None:
    """Tell the nominee who nominated them, and why."""
    params = {**cohort_params(cohort), "head": head.display_name, "note": note}
    notices.send_to_employee(employee.id, NOMINATED, params, now, my_programmes_link())


def notify_nomination_accepted(cohort: Cohort, application: Application, now: datetime) -> None:
    """Confirm the application to the nominee and tell the nominating head."""
    params = {**cohort_params(cohort), "employee": application.employee.full_name}
    notices.send_to_employee(application.employee_id, RECEIVED, params, now, my_programmes_link())
    notices.send(_nominator(application), NOMINATION_ACCEPTED, params, now, candidates_link())


def notify_nomination_declined(application: Application, now: datetime) -> None:
    """Tell the nominating head that the nominee declined."""
    params = {**cohort_params(application.cohort), "employee": application.employee.full_name}
    notices.send(_nominator(application), NOMINATION_DECLINED, params, now, candidates_link())


def notify_endorsement(
    cohort: Cohort,
    application: Application,
    head: User,
    endorsed: bool,
    comment: str,
    now: datetime,
) -> None:
    """Tell the applicant their head's statement and its comment."""
    params = {**cohort_params(cohort), "head": head.display_name, "comment": comment}
    notices.send_to_employee(
        application.employee_id,
        ENDORSED if endorsed else NOT_ENDORSED,
        params,
        now,
        my_programmes_link(),
    )
