"""HR's pages for role profiles (Soll-Profile: target level per competence and job role,
copying a profile, the history of changes), and the view helpers HR's other talent
pages share. External certificates are in ``talent.views_evidence``, the competence
mappings between frameworks in ``talent.views_mappings``."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale, gettext
from flask_login import current_user
from flask_sqlalchemy.pagination import Pagination
from flask_wtf import FlaskForm
from sqlalchemy import exists, func, select
from sqlalchemy.orm import joinedload
from werkzeug.wrappers import Response

import talent.policy  # noqa: F401 - registers the actions before @requires
from academy.auth.policy import requires
from academy.clock import utcnow
from academy.errors import DomainError
from academy.extensions import db
from academy.frameworks import active_framework_summaries
from academy.i18n import N_, translate
from academy.models import (
    Competence,
    CompetenceArea,
    Employee,
    Framework,
    FrameworkLevel,
    JobRole,
    User,
)
from academy.navigation import NavItem, add_nav
from talent import bp
from talent.forms_profiles import CopyProfileForm, RemoveTargetForm, TargetForm
from talent.models import RoleTarget
from talent.ratings import (
    TargetChange,
    copy_profile,
    current_targets,
    profile_history,
    set_target,
)

T = "talent/"

add_nav(NavItem("talent.profiles", N_("Role profiles"), "profiles.manage", "hr", order=30))


# ---------------------------------------------------------------------------
# Helpers shared with talent.views_evidence and talent.views_mappings
# ---------------------------------------------------------------------------


def lang() -> str:
    locale = get_locale()
    return locale.language if locale else "de"


def page_number() -> int:
    return max(request.args.get("page", 1, type=int) or 1, 1)


def per_page() -> int:
    return int(current_app.config["PAGE_SIZE"])


def actor() -> User:
    return current_user._get_current_object()


def show_error(form: FlaskForm, error: DomainError, fields: dict[str, str] | None = None) -> int:
    """Put a domain error next to its field (``fields`` renames service fields to form
    fields), else above the form; returns the status code to answer with."""
    message = translate(error.message, **error.params)
    name = (fields or {}).get(error.field or "", error.field)
    target = getattr(form, name, None) if name else None
    if target is not None and hasattr(target, "errors"):
        target.errors = [*target.errors, message]
    else:
        form.form_errors.append(message)
    return error.status_code


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
    try:
        return db.session.get(Competence, int(value))
    except (TypeError, ValueError):
        return None


def level_ranges() -> tuple[list[dict[str, Any]], int]:
    """Each active framework's level range (for help texts) and the highest level."""
    summaries = active_framework_summaries()
    ranges = [
        {
            "name": getattr(s.framework, f"name_{lang()}", None) or s.framework.name_de,
            "low": s.level_min,
            "high": s.level_max,
        }
        for s in summaries
        if s.level_min is not None
    ]
    return ranges, max((r["high"] for r in ranges), default=1)


def level_names(framework_ids: Iterable[int]) -> dict[tuple[int, int], FrameworkLevel]:
    ids = set(framework_ids)
    if not ids:
        return {}
    return {
        (lv.framework_id, lv.level): lv
        for lv in db.session.scalars(
            select(FrameworkLevel).where(FrameworkLevel.framework_id.in_(ids))
        )
    }


class ListPagination(Pagination):
    """The pagination of an already computed list (same interface as ``db.paginate``)."""

    def _query_items(self) -> list[Any]:
        items = self._query_args["items"]
        return list(items[self._query_offset : self._query_offset + self.per_page])

    def _query_count(self) -> int:
        return len(self._query_args["items"])


# ---------------------------------------------------------------------------
# Role profiles: the list of job roles
# ---------------------------------------------------------------------------


@bp.get("/soll-profile")
@requires("profiles.manage")
def profiles() -> str:
    page = db.paginate(
        select(JobRole).order_by(func.lower(JobRole.title), JobRole.code),
        page=page_number(),
        per_page=per_page(),
        error_out=False,
    )
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
    return render_template(T + "role_profiles.html", page=page, targets=targets, staff=staff)


# ---------------------------------------------------------------------------
# One role profile
# ---------------------------------------------------------------------------


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
    form.set_choices(active_competences(), high, lang())
    if copy_form is None:
        copy_form = CopyProfileForm(formdata=None)
    copy_form.set_choices(copy_sources(role))
    targets = current_targets(role)
    changes: list[TargetChange] = profile_history(role)
    history = ListPagination(
        page=page_number(), per_page=per_page(), error_out=False, items=changes
    )
    names = level_names(
        {t.competence.framework_id for t in targets}
        | {c.competence.framework_id for c in history.items}
    )
    html = render_template(
        T + "role_profile.html",
        role=role,
        groups=grouped(targets),
        target_count=len(targets),
        form=form,
        copy_form=copy_form,
        history=history,
        level_names=names,
        ranges=ranges,
        lang=lang(),
    )
    return html, status


@bp.route("/soll-profile/<int:job_role_id>", methods=["GET", "POST"])
@requires("profiles.manage")
def profile(job_role_id: int) -> Response | tuple[str, int]:
    role = job_role_or_404(job_role_id)
    if request.method == "GET":
        form = TargetForm(formdata=None)
        chosen = competence_from(request.args.get("competence"))
        if chosen is not None:  # "change" link of a target: preselect it
            form.competence.data = str(chosen.id)
            current = next((t for t in current_targets(role) if t.competence_id == chosen.id), None)
            if current is not None:
                form.level.data = str(current.level)
        return render_profile(role, form)
    form = TargetForm()
    _ranges, high = level_ranges()
    form.set_choices(active_competences(), high, lang())
    if not form.validate_on_submit():
        return render_profile(role, form, status=422)
    competence = competence_from(form.competence.data)
    if competence is None:
        abort(400)
    now = utcnow()
    try:
        target = set_target(actor(), role, competence, int(form.level.data), now, form.note.data)
    except DomainError as error:
        db.session.rollback()
        return render_profile(role, form, status=show_error(form, error))
    db.session.commit()
    if target is not None and target.set_at == now:
        flash(
            gettext(
                "The target for %(code)s is now level %(level)s.",
                code=competence.code,
                level=target.level,
            ),
            "success",
        )
    else:
        flash(gettext("The target for %(code)s was already this level.", code=competence.code))
    return redirect(url_for("talent.profile", job_role_id=role.id))


@bp.post("/soll-profile/<int:job_role_id>/ziele/<int:competence_id>/entfernen")
@requires("profiles.manage")
def profile_remove(job_role_id: int, competence_id: int) -> Response:
    role = job_role_or_404(job_role_id)
    competence = db.session.get(Competence, competence_id)
    if competence is None:
        abort(404)
    if not RemoveTargetForm().validate_on_submit():
        abort(400)
    had = any(t.competence_id == competence.id for t in current_targets(role))
    set_target(actor(), role, competence, None, utcnow())
    db.session.commit()
    if had:
        flash(gettext("The target for %(code)s has been removed.", code=competence.code), "success")
    else:
        flash(gettext("There was no target for %(code)s.", code=competence.code))
    return redirect(url_for("talent.profile", job_role_id=role.id))


@bp.post("/soll-profile/<int:job_role_id>/kopieren")
@requires("profiles.manage")
def profile_copy(job_role_id: int) -> Response | tuple[str, int]:
    role = job_role_or_404(job_role_id)
    form = CopyProfileForm()
    form.set_choices(copy_sources(role))
    if not form.validate_on_submit():
        return render_profile(role, copy_form=form, status=422)
    source = job_role_or_404(int(form.source.data))
    try:
        result = copy_profile(actor(), source, role, utcnow())
    except DomainError as error:
        db.session.rollback()
        return render_profile(role, copy_form=form, status=show_error(form, error))
    db.session.commit()
    flash(
        gettext(
            "Targets copied from %(code)s: %(added)s added, %(changed)s changed, "
            "%(unchanged)s already the same.",
            code=source.code,
            added=result.added,
            changed=result.changed,
            unchanged=result.unchanged,
        ),
        "success",
    )
    return redirect(url_for("talent.profile", job_role_id=role.id))
