"""Background exports: a job row per requested file, made by a worker thread (or the
tick), with progress and a download page for the requester (``academy.jobs.runner``)."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from academy.jobs import views
    from academy.jobs.runner import purge_old_jobs, run_waiting_jobs
    from academy.privacy.registry import declare_not_exported
    from academy.retention.rules import register_retention_rule, table_rule
    from academy.scheduler import register_tick_step

    app.register_blueprint(views.bp)
    register_tick_step("export_jobs", run_waiting_jobs, order=60)
    register_tick_step("export_jobs_cleanup", purge_old_jobs, order=61)
    declare_not_exported(
        "export_jobs",
        "Dateien, die eine Person selbst als Export angefordert hat (nur was sie ohnehin "
        "sehen darf); sie werden nach EXPORT_JOB_HOURS Stunden gelöscht.",
    )
    from academy.jobs.models import ExportJob

    register_retention_rule(
        table_rule(
            "personnel_record",
            "export_jobs",
            "Angeforderte Exportdateien gelöscht",
            ExportJob,
            lambda cutoff: ExportJob.requested_by_id.in_(cutoff.accounts()),
            order=20,
        )
    )
