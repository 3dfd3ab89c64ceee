"""Art. 15: the person's own download page and files, and HR's export on request."""

from __future__ import annotations

from flask import Blueprint, abort, render_template
from werkzeug.wrappers import Response

from academy.auth.policy import requires
from academy.clock import utcnow
from academy.extensions import db
from academy.i18n import N_
from academy.org.models import Employee
from academy.privacy.disclosure import export_file, record_disclosure
from academy.privacy.export import Subject, subject_of_employee, subject_of_user
from academy.privacy.forms import FORMATS, DisclosureForm
from academy.privacy.registry import sections
from academy.web.kit import acting_user
from academy.web.navigation import NavItem, add_nav

bp = Blueprint("privacy", __name__)

add_nav(NavItem("privacy.my_data", N_("My data"), "privacy.self", "main", order=95))


def _download(subject: Subject, fmt: str) -> Response:
    content, mimetype, filename = export_file(subject, fmt, now=utcnow())
    response = Response(content, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/konto/meine-daten")
@requires("privacy.self")
def my_data() -> str:
    return render_template("academy/privacy/my_data.html", sections=sections())


@bp.get("/konto/meine-daten.<fmt>")
@requires("privacy.self")
def my_data_file(fmt: str) -> Response:
    """Always the signed-in person's own data: no id is taken from the request."""
    if fmt not in FORMATS:
        abort(404)
    return _download(subject_of_user(acting_user()), fmt)


@bp.route("/organisation/beschaeftigte/<int:employee_id>/auskunft", methods=["GET", "POST"])
@requires("privacy.export_for")
def disclosure(employee_id: int) -> Response | tuple[str, int]:
    emp = db.session.get(Employee, employee_id)
    if emp is None:
        abort(404)
    form = DisclosureForm()
    if form.validate_on_submit():
        fmt = form.format.data or "pdf"
        reason = (form.reason.data or "").strip()
        record_disclosure(acting_user(), emp, reason=reason, fmt=fmt, now=utcnow())
        db.session.commit()
        return _download(subject_of_employee(emp), fmt)
    status = 422 if form.errors else 200
    return render_template("academy/privacy/disclosure.html", emp=emp, form=form), status
