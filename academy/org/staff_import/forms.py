"""Forms of the staff import: the upload (file and options)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import BooleanField, SubmitField

from academy.org.staff_import.files import ALLOWED_EXTENSIONS
from academy.web.forms import Form


class StaffUploadForm(Form):
    file = FileField(
        _l("Staff file (CSV or Excel .xlsx)"),
        validators=[
            FileRequired(message=_l("Please choose a file.")),
            FileAllowed(
                list(ALLOWED_EXTENSIONS),
                message=_l("Please choose a CSV file (.csv, .txt) or an Excel workbook (.xlsx)."),
            ),
        ],
    )
    deactivate_missing = BooleanField(_l("Deactivate people missing from the file"))
    submit = SubmitField(_l("Check file"))
