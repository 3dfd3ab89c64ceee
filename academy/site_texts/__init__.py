"""Transparency pages everyone may read, admins may edit: the privacy notice
(Datenschutzhinweise, Art. 13/14 GDPR) and the accessibility statement (Erklärung zur
Barrierefreiheit, BITV 2.0), linked from every page's footer. A default German text ships
with the code; an edited text is stored in ``site_texts`` and every change is audited."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from academy.audit.sentences import register_audit_object, register_audit_sentence
    from academy.i18n import N_
    from academy.site_texts import views
    from academy.site_texts.texts import audit_names

    app.register_blueprint(views.bp)
    register_audit_sentence("site_text.updated", N_("%(actor)s changed the page “%(object)s”."))
    register_audit_sentence(
        "site_text.reset", N_("%(actor)s reset the page “%(object)s” to the shipped text.")
    )
    register_audit_object("site_text", audit_names)
