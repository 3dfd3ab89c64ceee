"""Results of course evaluations: the pages for HR, trainers and the staff council, and
the CSV, XLSX and PDF files (with charts). The answers, rounds and the release rule are
``courses.evaluations``; this package only shows what that releases.

Access log: results name nobody who answered, so looking at them is never logged about
a participant. A session's results and the table by trainer are, however, about the
trainer's work: HR looking at another person's results is logged with the trainer as
the person concerned (``ACCESS_EVALUATION``)."""

from __future__ import annotations

from academy.audit.log import register_access_label, register_access_purpose
from academy.audit.sentences import register_audit_sentences
from academy.i18n import N_

ACCESS_EVALUATION = "evaluation"


def register() -> None:
    from academy.web.hooks import add_template_hook
    from reports.evaluations.hooks import roster_results_link
    from reports.evaluations.views import results  # noqa: F401 - pages and files

    register_access_label(ACCESS_EVALUATION, N_("Course evaluation results of a trainer"))
    register_access_purpose("evaluation.viewed", "Kursbewertung angesehen: {course} ({date})")
    register_access_purpose(
        "evaluation.exported", "Kursbewertung exportiert: {course} ({date}, {format})"
    )
    register_access_purpose(
        "evaluations.trainers_viewed", "Kursbewertungen nach Trainer/in angesehen"
    )
    register_access_purpose(
        "evaluations.trainers_exported", "Kursbewertungen nach Trainer/in exportiert ({format})"
    )
    register_audit_sentences(
        {
            "evaluation_results.exported": N_(
                "%(actor)s exported course evaluation results (%(format)s)."
            )
        }
    )
    add_template_hook("session-roster-actions", roster_results_link)
