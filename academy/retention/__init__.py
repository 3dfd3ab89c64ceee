"""Retention: records of people who left are deleted or anonymised after configurable
periods (``flask academy retention [--dry-run]`` and the tick step ``retention``).

Periods (days, in ``DEFAULTS``; 0 switches a kind off) and what happens, per kind:

``learning_record`` (``RETENTION_LEARNING_RECORD_DAYS``, after leaving)
    Enrolments keep course, session, state and dates (participation, completion and
    no-show figures still count them) but lose the reasons (decline, cancellation,
    override) and who requested, decided, cancelled or marked them. Programme
    memberships lose the drop-out reason, milestone sign-offs their note and signer.
``ratings`` (``RETENTION_RATINGS_DAYS``, after leaving)
    Self-assessments, heads' ratings and external evidence are deleted: they are
    assessments, and no report counts people who left (gaps and matrices count active
    staff only).
``applications`` (``RETENTION_APPLICATIONS_DAYS``, after leaving)
    HR's scores and comments are deleted; the application keeps cohort, state, the
    head's endorsement value and whether it was proposed (the fairness view and cohort
    figures still count it) and loses motivation, nomination note, endorsement comment
    and who nominated or endorsed. The council's stored proposal shows the pseudonym
    instead of the name.
``personnel_record`` (``RETENTION_PERSONNEL_RECORD_DAYS``, after leaving)
    The employee record becomes "Ehemalige/r Beschäftigte/r #<id>": personnel number
    ``anon-<id>``, e-mail, entry date and pay group cleared; department, job role,
    leaving date and ``active = False`` stay, so the kept rows above still count in
    department figures (which never show groups below ``MIN_GROUP_SIZE``). The account
    is deactivated, its e-mail becomes ``ehemalig-<id>@anonymisiert.invalid`` and its
    display name the pseudonym, password and roles go, login sessions, calendar feeds,
    in-app notices and e-mails waiting for the old address are deleted.
``certificates`` (``RETENTION_CERTIFICATE_DAYS``, after leaving)
    A certificate is an immutable snapshot the holder shows to third parties, so it keeps
    the printed name until its own, longer period — verification keeps working with the
    name after the personnel record was anonymised. Then the name is removed (stored as
    "anonymisiert"; the verification page says the name was removed after the retention
    period) and the Open Badges recipient hash no longer matches any address; serial,
    code, title, dates and status stay verifiable.
``access_log`` / ``audit_log`` (``RETENTION_ACCESS_LOG_DAYS`` / ``RETENTION_AUDIT_LOG_DAYS``)
    Rows older than the period are deleted, whoever they are about.

Only people with ``active = False`` and a ``left_on`` date are affected; a person who
returned (active again) is never touched. Each package registers the rules for its own
tables (``academy.retention.rules.register_retention_rule``) in its ``init_app``; this
package imports none of them. A run plans every rule, then applies each with the same
row-level condition in one transaction, so it is idempotent, safe when several hosts run
it at once, and the dry run lists exactly the ids the real run changes. A run that changed
something writes one audit entry (``retention.run``) with the counts per kind.
"""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from academy.audit.sentences import register_audit_sentence
    from academy.cli import academy_cli
    from academy.i18n import N_
    from academy.retention import core
    from academy.retention.cli import retention_command, retention_tick
    from academy.scheduler import register_tick_step

    core.register()
    academy_cli.add_command(retention_command)
    register_tick_step("retention", retention_tick, order=50)
    register_audit_sentence(
        "retention.run",
        N_("%(actor)s deleted or anonymised records whose retention period had ended (%(total)s)."),
    )
