"""HR's request form on the personnel record page (the ``employee-record-actions`` place)."""

from __future__ import annotations

from flask import render_template
from flask_login import current_user
from markupsafe import Markup

from academy.auth.policy import can
from academy.org.models import Employee
from academy.privacy.forms import DisclosureForm


def disclosure_form(employee: Employee, **_: object) -> Markup | None:
    """The form for HR only (the policy answers); nothing for anyone else."""
    if not can(current_user._get_current_object(), "privacy.export_for", employee):
        return None
    html = render_template(
        "academy/privacy/disclosure_form.html", emp=employee, form=DisclosureForm()
    )
    return Markup(html)  # noqa: S704 - rendered by an autoescaping template
