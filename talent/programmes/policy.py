"""Permission rules of the fast-track programmes, registered when this module is imported.

| action                 | who                                                             |
|------------------------|-----------------------------------------------------------------|
| programmes.manage      | HR: programmes, cohorts, scoring, proposal, decisions, members  |
| programmes.apply       | employees: open cohorts, own applications, own programme page;  |
|                        | target Application/CohortMember: only their own                 |
| programmes.candidates  | department heads: candidates and members of their subtree;      |
|                        | target Employee/Application/CohortMember: in their subtree,     |
|                        | never themselves                                                |
| programmes.review      | staff council: reads the selection (ranking, scores, comments)  |
|                        | and consents or objects — never scores                          |
| programmes.mentor      | anyone with an employee record may open "my mentees" (empty     |
|                        | when none); target CohortMember: their mentor, or HR            |
| programmes.member      | any account (the view checks the object); target CohortMember:  |
|                        | the member, the mentor, the head of their                       |
|                        | subtree, HR                                                     |
| programmes.scores      | who may see scores: HR and the staff council — never applicants |
|                        | or heads                                                        |
"""

from __future__ import annotations

from typing import Any

from academy.accounts.models import Role, User
from academy.audit.log import register_access_label, register_access_purpose
from academy.auth.policy import has_role, register_rule, roles_rule
from academy.auth.scope import scope_of
from academy.i18n import N_
from academy.org.models import Employee
from talent.programmes.cohort_models import Application, CohortMember


def _subject(target: Any) -> Employee | None:
    if isinstance(target, Employee):
        return target
    if isinstance(target, Application | CohortMember):
        return target.employee
    return None


def _apply(user: User, target: Any) -> bool:
    if not has_role(user, Role.EMPLOYEE) or user.employee_id is None:
        return False
    if target is None:
        return True
    if isinstance(target, Application | CohortMember):
        return target.employee_id == user.employee_id
    return False


def _candidates(user: User, target: Any) -> bool:
    if not has_role(user, Role.HEAD):
        return False
    if target is None:
        return True
    subject = _subject(target)
    if subject is None:
        return False
    if user.employee_id is not None and subject.id == user.employee_id:
        return False
    return scope_of(user).includes(subject)


def _mentor(user: User, target: Any) -> bool:
    if target is None:
        return user.employee_id is not None or has_role(user, Role.HR)
    if not isinstance(target, CohortMember):
        return False
    if has_role(user, Role.HR):
        return True
    return user.employee_id is not None and target.mentor_id == user.employee_id


def _member(user: User, target: Any) -> bool:
    if target is None:
        return True  # the view checks the member object
    if not isinstance(target, CohortMember):
        return False
    if user.employee_id is not None and target.employee_id == user.employee_id:
        return True
    return _mentor(user, target) or _candidates(user, target)


register_rule("programmes.manage", roles_rule(Role.HR))
register_rule("programmes.apply", _apply)
register_rule("programmes.candidates", _candidates)
register_rule("programmes.review", roles_rule(Role.COUNCIL))
register_rule("programmes.mentor", _mentor)
register_rule("programmes.member", _member)
register_rule("programmes.scores", roles_rule(Role.HR, Role.COUNCIL))
register_rule("programmes.fairness", roles_rule(Role.HR, Role.COUNCIL))

register_access_label(
    "programme_application", N_("Fast-track application and selection"), remit=[Role.COUNCIL]
)
register_access_label("programme_progress", N_("Fast-track progress"))
register_access_purpose("programme_progress", "Programmfortschritt angesehen (Förderprogramm)")
register_access_purpose("selection.dashboard", "Bewerbungen gesichtet (Auswahl „{cohort}“)")
register_access_purpose("selection.progress", "Fortschritt der Teilnehmenden (Kohorte „{cohort}“)")
register_access_purpose("selection.score", "Bewerbung bewertet (Auswahl „{cohort}“)")
register_access_purpose("council.review", "Auswahlvorschlag geprüft (Personalrat, „{cohort}“)")
register_access_purpose("head.candidates", "Bewerbungen im Bereich (Befürwortung)")
register_access_purpose("head.progress", "Programmfortschritt im Bereich (Führungskraft)")
