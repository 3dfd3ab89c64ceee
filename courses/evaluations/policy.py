"""Permission rules of course evaluations, registered when this module is imported.

| action                        | who                                                       |
|-------------------------------|-----------------------------------------------------------|
| evaluations.answer            | employees (whether they may answer a round: the service)  |
| evaluations.manage            | HR: questionnaires, which course uses which, rounds       |
| evaluations.results           | HR, trainers, the staff council (the results overview)    |
| evaluations.session_results   | target CourseSession: its trainer, HR                     |
| evaluations.results_overview  | HR and the staff council (figures across sessions)        |
| evaluations.results_hr …      | one per audience (HR, trainer, council), for the menus    |

Nobody sees a single person's answers: results are aggregates of closed rounds with at
least ``MIN_GROUP_SIZE`` answers (``courses.evaluations.results``).
"""

from __future__ import annotations

from typing import Any

from academy.accounts.models import Role, User
from academy.auth.policy import has_role, register_rule, roles_rule
from courses.sessions.models import CourseSession


def _session_results(user: User, target: Any) -> bool:
    if has_role(user, Role.HR):
        return True
    if target is None:
        return has_role(user, Role.TRAINER)
    if not isinstance(target, CourseSession):
        return False
    return target.trainer_id is not None and target.trainer_id == user.id


register_rule("evaluations.answer", roles_rule(Role.EMPLOYEE))
register_rule("evaluations.manage", roles_rule(Role.HR))
register_rule("evaluations.results", roles_rule(Role.HR, Role.TRAINER, Role.COUNCIL))
register_rule("evaluations.session_results", _session_results)
register_rule("evaluations.results_overview", roles_rule(Role.HR, Role.COUNCIL))
register_rule("evaluations.results_hr", roles_rule(Role.HR))
register_rule("evaluations.results_trainer", roles_rule(Role.TRAINER))
register_rule("evaluations.results_council", roles_rule(Role.COUNCIL))
