"""Sentences of the competencies feature's audit actions (registered in its ``init_app``);
ratings name the employee (a core object), role profiles the job role."""

from __future__ import annotations

from academy.audit.sentences import register_audit_sentences
from academy.i18n import N_

SENTENCES = {
    "rating.self": N_("%(object)s assessed themselves in %(competence)s at level %(to_state)s."),
    "rating.head": N_("%(actor)s rated %(object)s in %(competence)s at level %(to_state)s."),
    "rating.external": N_(
        "%(actor)s recorded external evidence for %(object)s in %(competence)s "
        "(level %(to_state)s)."
    ),
    "role_target.set": N_(
        "%(actor)s set the target level of %(competence)s for the job role “%(object)s” "
        "to %(to_state)s."
    ),
    "role_target.changed": N_(
        "%(actor)s changed the target level of %(competence)s for the job role “%(object)s” "
        "from %(from_state)s to %(to_state)s."
    ),
    "role_target.removed": N_(
        "%(actor)s removed the target level of %(competence)s from the job role “%(object)s”."
    ),
    "role_profile.copied": N_(
        "%(actor)s copied the role profile of “%(source)s” to the job role “%(object)s”."
    ),
    "competence_mapping.created": N_("%(actor)s mapped the competence %(source)s to %(target)s."),
    "competence_mapping.deleted": N_("%(actor)s removed the mapping of %(source)s to %(target)s."),
    "competence_mappings.imported": N_("%(actor)s imported competence mappings from “%(source)s”."),
}


def register() -> None:
    register_audit_sentences(SENTENCES)
