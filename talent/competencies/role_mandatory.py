"""The role profile's mandatory training (Soll-Profil → Pflichtschulungen): which
courses every holder of a job role must complete, how soon and how often. Talent sits
above courses, so the assignment itself is kept by ``courses.mandatory.role_profiles``;
this module gives the role profile page its section (template hook
``role-profile-sections``) and the form's choices and defaults."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import render_template
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from sqlalchemy import select
from wtforms import IntegerField, SelectMultipleField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from academy.accounts.models import User
from academy.extensions import db
from academy.org.models import JobRole
from academy.web.forms import Form
from courses.catalogue.models import Course
from courses.mandatory.models import Assignment
from courses.mandatory.role_profiles import default_title, role_assignment, set_role_requirement


class RoleMandatoryForm(Form):
    """The mandatory courses of a role profile (none: the profile names none)."""

    title = StringField(
        _l("Title people see"),
        validators=[DataRequired(message=_l("Please enter a title.")), Length(max=200)],
    )
    courses = SelectMultipleField(
        _l("Courses that count (any one of them)"),
        coerce=int,
        validators=[Optional()],
        render_kw={"size": 8},
    )
    due_days = IntegerField(
        _l("Due within (days after being assigned)"),
        default=90,
        validators=[InputRequired(), NumberRange(min=0, max=3650)],
    )
    recurrence_months = IntegerField(
        _l("Repeat every (months)"), validators=[Optional(), NumberRange(min=1, max=120)]
    )


def section(role: JobRole, **_: Any) -> Markup:
    """The role profile page's section: the mandatory courses and a link to change them."""
    html = render_template(
        "talent/competencies/_role_mandatory.html", role=role, assignment=role_assignment(role.id)
    )
    return Markup(html)  # noqa: S704


def mandatory_form(role: JobRole, *, submitted: bool = False) -> RoleMandatoryForm:
    """The form (for a GET filled from the current assignment) with the courses on offer
    and those already named."""
    current: Assignment | None = role_assignment(role.id)
    if submitted:
        form = RoleMandatoryForm()
    elif current is not None:
        form = RoleMandatoryForm(
            formdata=None,
            data={
                "title": current.title,
                "courses": [c.id for c in current.courses],
                "due_days": current.due_days,
                "recurrence_months": current.recurrence_months,
            },
        )
    else:
        form = RoleMandatoryForm(formdata=None, data={"title": default_title(role)})
    chosen = [c.id for c in current.courses] if current is not None else []
    courses = db.session.scalars(
        select(Course)
        .where((Course.archived.is_(False) & Course.external.is_(False)) | Course.id.in_(chosen))
        .order_by(Course.code)
    )
    form.courses.choices = [SelectChoice(c.id, f"{c.code} – {c.title}") for c in courses]
    return form


def save_requirement(
    actor: User, role: JobRole, form: RoleMandatoryForm, now: datetime
) -> Assignment | None:
    """What the form asks, through the courses package (None: the profile names none)."""
    return set_role_requirement(
        actor,
        role,
        list(form.courses.data or []),
        now,
        due_days=form.due_days.data if form.due_days.data is not None else 0,
        recurrence_months=form.recurrence_months.data,
        title=form.title.data,
    )


def saved_message(saved: Assignment | None) -> str:
    if saved is None:
        return gettext("The role profile names no mandatory training any more.")
    return gettext("The mandatory training of the role profile has been saved.")
