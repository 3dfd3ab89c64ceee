"""Notices of mandatory training: English source texts (rendered in each recipient's
language) and their links."""

from __future__ import annotations

from academy.i18n import N_
from courses.enrolment.notices import Notice, site_path

DUE_SOON = Notice(
    "mandatory.due_soon",
    N_("Mandatory training due on %(date)s: %(title)s"),
    N_(
        "The mandatory training “%(title)s” is due on %(date)s. Courses that count: "
        "%(courses)s. You find their sessions in the catalogue and what is due under "
        "“My learning”."
    ),
)
EXPIRES_SOON = Notice(
    "mandatory.expires_soon",
    N_("Mandatory training valid until %(date)s: %(title)s"),
    N_(
        "Your mandatory training “%(title)s” is valid until %(date)s. Please enrol in good "
        "time for the refresher; courses that count: %(courses)s."
    ),
)
OVERDUE = Notice(
    "mandatory.overdue",
    N_("Mandatory training overdue: %(title)s"),
    N_(
        "The mandatory training “%(title)s” was due on %(date)s and is now overdue. Please "
        "enrol in one of these courses as soon as possible: %(courses)s."
    ),
)
HR_DIGEST = Notice(
    "mandatory.digest",
    N_("Overdue mandatory training – people: %(count)s"),
    N_(
        "Newly overdue today: %(new)s. People overdue with at least one mandatory training, "
        "in all: %(count)s. The overview shows who they are."
    ),
)


def learning_link() -> str | None:
    return site_path(("courses.my_learning", {}))


def overview_link() -> str | None:
    return site_path(("courses.mandatory_overview", {"status": "overdue"}))
