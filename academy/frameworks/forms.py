"""Forms for importing a competency framework: the upload and the apply/discard step."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileAllowed, FileField, FileRequired, FileSize
from wtforms import HiddenField
from wtforms.validators import DataRequired, Length

from academy.web.forms import Form

#: Largest framework file accepted (a full framework is a few dozen kilobytes).
MAX_IMPORT_BYTES = 2 * 1024 * 1024
ALLOWED_EXTENSIONS = ("csv", "json", "txt")


class FrameworkImportForm(Form):
    file = FileField(
        _l("File (CSV or JSON)"),
        validators=[
            FileRequired(message=_l("Please choose a file.")),
            FileAllowed(
                ALLOWED_EXTENSIONS,
                message=_l("Only CSV or JSON files (.csv, .json, .txt) can be imported."),
            ),
            FileSize(
                max_size=MAX_IMPORT_BYTES,
                message=_l(
                    "The file is too large (at most 2 MB). Larger files can be imported on "
                    "the server with the command flask academy import-framework DATEI."
                ),
            ),
        ],
    )


class UploadTokenForm(Form):
    """Carries the token of a previewed upload to apply or discard it."""

    token = HiddenField(validators=[DataRequired(), Length(max=64)])
