"""The role profile pages' building blocks: the job roles with their number of targets
and staff, one profile's targets grouped by framework and area, the target form
(preselected from a "change" link), the profiles to copy from and the history."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from flask import abort, render_template, request
from flask_babel import gettext
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import exists, func, select

from academy.extensions import db
from academy.frameworks.models import Competence, CompetenceArea, Framework
from academy.org.models import Employee, JobRole
from academy.web.kit import language, paginate, paginate_list
from talent.competencies.choices import (
    active_competences,
    competence_from,
    level_names,
    level_ranges,
)
from talent.competencies.forms import CopyProfileForm, TargetForm
from talent.competencies.models import RoleTarget
from talent.competencies.role_profiles import TargetChange, current_targets, profile_history


def role_profiles_page() -> tuple[Pagination, dict[int, int], dict[int, int]]:
    """A page of job roles, the number of current targets and of active staff of each."""
    page = paginate(select(JobRole).order_by(func.lower(JobRole.title), JobRole.code))
    ids = [r.id for r in page.items]
    targets = dict(
        db.session.execute(
            select(RoleTarget.job_role_id, func.count())
            .where(RoleTarget.job_role_id.in_(ids), RoleTarget.ended_at.is_(None))
            .group_by(RoleTarget.job_role_id)
        ).all()
    )
    staff = dict(
        db.session.execute(
            select(Employee.job_role_id, func.count())
            .where(Employee.job_role_id.in_(ids), Employee.active.is_(True))
            .group_by(Employee.job_role_id)
        ).all()
    )
    return page, targets, staff


@dataclass
class AreaGroup:
    area: CompetenceArea
    targets: list[RoleTarget] = field(default_factory=list)


@dataclass
class FrameworkGroup:
    framework: Framework
    areas: list[AreaGroup] = field(default_factory=list)


def grouped(targets: list[RoleTarget]) -> list[FrameworkGroup]:
    """Targets (ordered by framework, area, position) grouped by framework and area."""
    groups: list[FrameworkGroup] = []
    for target in targets:
        comp = target.competence
        if not groups or groups[-1].framework.id != comp.framework_id:
            groups.append(FrameworkGroup(comp.framework))
        areas = groups[-1].areas
        if not areas or areas[-1].area.id != comp.area_id:
            areas.append(AreaGroup(comp.area))
        areas[-1].targets.append(target)
    return groups


def job_role_or_404(job_role_id: int) -> JobRole:
    role = db.session.get(JobRole, job_role_id)
    if role is None:
        abort(404)
    return role


def copy_sources(role: JobRole) -> list[JobRole]:
    """Other job roles that have targets to copy."""
    has_targets = exists().where(
        RoleTarget.job_role_id == JobRole.id, RoleTarget.ended_at.is_(None)
    )
    return list(
        db.session.scalars(
            select(JobRole)
            .where(JobRole.id != role.id, has_targets)
            .order_by(func.lower(JobRole.title), JobRole.code)
        )
    )


def render_profile(
    role: JobRole,
    form: TargetForm | None = None,
    copy_form: CopyProfileForm | None = None,
    status: int = 200,
) -> tuple[str, int]:
    ranges, high = level_ranges()
    if form is None:
        form = TargetForm(formdata=None)
    form.set_choices(active_competences(), high, language())
    if copy_form is None:
        copy_form = CopyProfileForm(formdata=None)
    copy_form.set_choices(copy_sources(role))
    targets = current_targets(role)
    changes: list[TargetChange] = profile_history(role)
    history = paginate_list(changes)
    names = level_names(
        {t.competence.framework_id for t in targets}
        | {c.competence.framework_id for c in history.items}
    )
    html = render_template(
        "talent/competencies/role_profile.html",
        role=role,
        groups=grouped(targets),
        target_count=len(targets),
        form=form,
        copy_form=copy_form,
        history=history,
        level_names=names,
        ranges=ranges,
        lang=language(),
    )
    return html, status


def preselected_target_form(role: JobRole) -> TargetForm:
    """The empty target form; a "change" link (``?competence=``) preselects that
    competence and its current level."""
    form = TargetForm(formdata=None)
    chosen = competence_from(request.args.get("competence"))
    if chosen is not None:
        form.competence.data = str(chosen.id)
        current = next((t for t in current_targets(role) if t.competence_id == chosen.id), None)
        if current is not None:
            form.level.data = str(current.level)
    return form


def target_form() -> TargetForm:
    """The submitted target form with its choices."""
    form = TargetForm()
    _ranges, high = level_ranges()
    form.set_choices(active_competences(), high, language())
    return form


def target_message(
    competence: Competence, target: RoleTarget | None, now: datetime
) -> tuple[str, str]:
    """The flash message (and its category) after a target was set at ``now``."""
    if target is not None and target.set_at == now:
        message = gettext(
            "The target for %(code)s is now level %(level)s.",
            code=competence.code,
            level=target.level,
        )
        return message, "success"
    return gettext(
        "The target for %(code)s was already this level.", code=competence.code
    ), "message"
