"""Art. 15 GDPR: every person downloads all data held about them (JSON and PDF); HR
produces the same for a person on request (logged). Packages register their sections
with ``academy.privacy.registry.register_personal_data`` in their own ``init_app``."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from academy.audit.log import register_access_label
    from academy.audit.sentences import register_audit_sentence
    from academy.i18n import N_
    from academy.privacy import policy, views  # noqa: F401 - policy registers the rules
    from academy.privacy.core import register_core_sections
    from academy.privacy.disclosure import ACCESS_CODE
    from academy.privacy.hooks import disclosure_form
    from academy.web.hooks import add_template_hook

    register_access_label(ACCESS_CODE, N_("Data export (Art. 15)"))
    register_core_sections()
    register_audit_sentence(
        "privacy.exported",
        N_("%(actor)s produced the data export (Art. 15 GDPR) about %(object)s."),
    )
    add_template_hook("employee-record-actions", disclosure_form)
    app.register_blueprint(views.bp)
