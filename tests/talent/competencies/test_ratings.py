"""The services of talent.competencies.ratings: role profile targets (history kept, unchanged level,
removal, copying), self-assessment, a head's rating (scope, never oneself, comment
required), external certificates recorded by HR, and the history read functions."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from academy.accounts.models import Role, User
from academy.audit.models import AuditLogEntry
from academy.errors import Conflict, PermissionDenied, ValidationFailed
from academy.extensions import db
from academy.frameworks.models import Competence, Framework, FrameworkLevel
from talent.competencies.models import Rating, RatingSource, RoleTarget
from talent.competencies.ratings import rate_member, rating_history, record_external, self_assess
from talent.competencies.role_profiles import (
    copy_profile,
    current_targets,
    profile_history,
    set_target,
)
from tests import factories
from tests.talent import factories as tf

NOW = tf.NOW
LATER = NOW + timedelta(days=3)


# ---------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------


def scale(levels: int = 4) -> Framework:
    """A framework with levels 1..``levels`` (the talent factories make none)."""
    fw = tf.framework()
    for n in range(1, levels + 1):
        db.session.add(
            FrameworkLevel(framework_id=fw.id, level=n, name_de=f"Stufe {n}", name_en=f"Level {n}")
        )
    db.session.flush()
    db.session.refresh(fw)
    return fw


def comp(fw: Framework | None = None) -> Competence:
    return tf.competence(tf.area(fw or scale()))


def hr() -> User:
    return factories.user(Role.HR)


def rows(role, competence) -> list[RoleTarget]:
    return list(
        db.session.scalars(
            select(RoleTarget)
            .where(RoleTarget.job_role_id == role.id, RoleTarget.competence_id == competence.id)
            .order_by(RoleTarget.id)
        )
    )


def audit(action: str) -> list[AuditLogEntry]:
    return list(
        db.session.scalars(
            select(AuditLogEntry).where(AuditLogEntry.action == action).order_by(AuditLogEntry.id)
        )
    )


def rating_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Rating))


# ---------------------------------------------------------------------------
# set_target
# ---------------------------------------------------------------------------


def test_set_target_adds_a_current_row_and_an_audit_entry(db):
    actor, role, c = hr(), factories.job_role(), comp()
    target = set_target(actor, role, c, 3, NOW, note="Neue Stelle")
    assert target is not None and target.level == 3 and target.ended_at is None
    assert target.set_by_id == actor.id and target.set_at == NOW and target.note == "Neue Stelle"
    [entry] = audit("role_target.set")
    assert entry.actor_id == actor.id and entry.object_id == str(role.id)
    assert entry.to_state == "3" and entry.details["competence_id"] == c.id


def test_changing_a_target_ends_the_old_row_and_keeps_it(db):
    actor, role, c = hr(), factories.job_role(), comp()
    set_target(actor, role, c, 2, NOW)
    set_target(actor, role, c, 4, LATER)
    old, new = rows(role, c)
    assert (old.level, old.ended_at, old.ended_by_id) == (2, LATER, actor.id)
    assert (new.level, new.ended_at, new.set_at) == (4, None, LATER)
    assert [t.level for t in current_targets(role)] == [4]
    [entry] = audit("role_target.changed")
    assert (entry.from_state, entry.to_state) == ("2", "4")


def test_the_same_level_again_adds_no_row_and_no_audit(db):
    actor, role, c = hr(), factories.job_role(), comp()
    first = set_target(actor, role, c, 3, NOW)
    again = set_target(actor, role, c, 3, LATER)
    assert again is first
    assert len(rows(role, c)) == 1
    assert len(audit("role_target.set")) == 1 and not audit("role_target.changed")


def test_none_removes_the_target_by_ending_the_row(db):
    actor, role, c = hr(), factories.job_role(), comp()
    set_target(actor, role, c, 3, NOW)
    assert set_target(actor, role, c, None, LATER, note="entfällt") is None
    [row] = rows(role, c)
    assert row.ended_at == LATER and row.ended_by_id == actor.id
    assert current_targets(role) == []
    [entry] = audit("role_target.removed")
    assert entry.from_state == "3" and entry.to_state is None and entry.reason == "entfällt"
    # removing what is not there changes nothing
    assert set_target(actor, role, c, None, LATER + timedelta(days=1)) is None
    assert len(audit("role_target.removed")) == 1 and len(rows(role, c)) == 1


@pytest.mark.parametrize("level", [0, 5, -1, "3", 2.5, True])
def test_target_level_must_be_in_the_frameworks_range(db, level):
    actor, role, c = hr(), factories.job_role(), comp(scale(4))
    with pytest.raises(ValidationFailed) as caught:
        set_target(actor, role, c, level, NOW)  # type: ignore[arg-type]
    assert caught.value.field == "level"
    assert caught.value.params == {"low": 1, "high": 4, "code": c.code}
    assert rows(role, c) == [] and not audit("role_target.set")


def test_target_levels_follow_each_framework(db):
    actor, role = hr(), factories.job_role()
    wide = comp(scale(8))
    assert set_target(actor, role, wide, 8, NOW).level == 8
    narrow = comp(scale(2))
    with pytest.raises(ValidationFailed):
        set_target(actor, role, narrow, 3, NOW)


def test_no_new_target_for_an_inactive_framework_but_removal_works(db):
    actor, role, fw = hr(), factories.job_role(), scale()
    c = comp(fw)
    set_target(actor, role, c, 2, NOW)
    fw.active = False
    db.session.flush()
    with pytest.raises(ValidationFailed) as caught:
        set_target(actor, role, c, 3, LATER)
    assert caught.value.field == "competence"
    set_target(actor, role, c, None, LATER)
    assert current_targets(role) == []


@pytest.mark.parametrize("role_name", [Role.EMPLOYEE, Role.HEAD, Role.ADMIN, Role.TRAINER])
def test_only_hr_sets_targets(db, role_name):
    actor, role, c = factories.user(role_name), factories.job_role(), comp()
    with pytest.raises(PermissionDenied):
        set_target(actor, role, c, 2, NOW)
    assert rows(role, c) == []


def test_a_target_set_at_the_same_moment_elsewhere_is_a_conflict(db, monkeypatch):
    actor, role, c = hr(), factories.job_role(), comp()
    set_target(actor, role, c, 2, NOW)
    # as if another request had added its row after this one looked for the current row
    monkeypatch.setattr(
        "talent.competencies.role_profiles._current_target", lambda job_role, competence: None
    )
    with pytest.raises(Conflict):
        set_target(actor, role, c, 3, LATER)
    assert [(r.level, r.ended_at) for r in rows(role, c)] == [(2, None)]


# ---------------------------------------------------------------------------
# copy_profile
# ---------------------------------------------------------------------------


def test_copy_profile_adds_overrides_and_keeps_other_targets(db):
    actor = hr()
    source, target = factories.job_role(code="SRC"), factories.job_role()
    fw = scale()
    a, b, c, d = comp(fw), comp(fw), comp(fw), comp(fw)
    for competence, level in ((a, 2), (b, 3), (c, 4)):
        set_target(actor, source, competence, level, NOW)
    set_target(actor, target, b, 1, NOW)  # will be overwritten
    set_target(actor, target, c, 4, NOW)  # already the same
    set_target(actor, target, d, 2, NOW)  # not in the source: kept
    result = copy_profile(actor, source, target, LATER)
    assert result == 2 and (result.added, result.changed, result.unchanged) == (1, 1, 1)
    assert {t.competence_id: t.level for t in current_targets(target)} == {
        a.id: 2,
        b.id: 3,
        c.id: 4,
        d.id: 2,
    }
    overwritten = rows(target, b)
    assert [(r.level, r.ended_at) for r in overwritten] == [(1, LATER), (3, None)]
    assert {t.competence_id: t.level for t in current_targets(source)} == {
        a.id: 2,
        b.id: 3,
        c.id: 4,
    }
    [entry] = audit("role_profile.copied")
    assert entry.object_id == str(target.id)
    assert entry.details == {
        "source_job_role_id": source.id,
        "source": "SRC",
        "added": 1,
        "changed": 1,
        "unchanged": 1,
    }


def test_copying_again_changes_nothing(db):
    actor, source, target, c = hr(), factories.job_role(), factories.job_role(), comp()
    set_target(actor, source, c, 2, NOW)
    copy_profile(actor, source, target, NOW)
    again = copy_profile(actor, source, target, LATER)
    assert again == 0 and again.unchanged == 1
    assert len(audit("role_profile.copied")) == 1 and len(rows(target, c)) == 1


def test_copy_needs_another_role_with_targets_and_hr(db):
    actor, source, target, c = hr(), factories.job_role(), factories.job_role(), comp()
    with pytest.raises(ValidationFailed) as empty:
        copy_profile(actor, source, target, NOW)
    assert empty.value.field == "source"
    set_target(actor, source, c, 2, NOW)
    with pytest.raises(ValidationFailed) as same:
        copy_profile(actor, source, source, NOW)
    assert same.value.field == "source"
    with pytest.raises(PermissionDenied):
        copy_profile(factories.user(Role.HEAD), source, target, NOW)
    assert current_targets(target) == []


# ---------------------------------------------------------------------------
# profile_history
# ---------------------------------------------------------------------------


def test_profile_history_shows_who_when_old_and_new(db):
    first, second = hr(), hr()
    role, other_role = factories.job_role(), factories.job_role()
    fw = scale()
    a, b = comp(fw), comp(fw)
    set_target(first, role, a, 2, NOW)
    set_target(first, role, b, 1, NOW + timedelta(hours=1))
    set_target(second, role, a, 3, NOW + timedelta(days=1))
    set_target(second, role, b, None, NOW + timedelta(days=2))
    set_target(first, other_role, a, 4, NOW)
    history = profile_history(role)
    assert [(h.competence.id, h.old, h.new, h.by.id if h.by else None) for h in history] == [
        (b.id, 1, None, second.id),
        (a.id, 2, 3, second.id),
        (b.id, None, 1, first.id),
        (a.id, None, 2, first.id),
    ]
    assert history[0].at == NOW + timedelta(days=2)


def test_history_after_removal_and_adding_again(db):
    actor, role, c = hr(), factories.job_role(), comp()
    set_target(actor, role, c, 2, NOW)
    set_target(actor, role, c, None, NOW + timedelta(days=1))
    set_target(actor, role, c, 3, NOW + timedelta(days=2))
    assert [(h.old, h.new) for h in profile_history(role)] == [(None, 3), (2, None), (None, 2)]


# ---------------------------------------------------------------------------
# self_assess
# ---------------------------------------------------------------------------


def test_self_assessment_is_a_dated_row_of_ones_own(db):
    account, c = factories.user(Role.EMPLOYEE), comp()
    first = self_assess(account, c, 2, NOW, comment="  Grundlagen sicher  ")
    second = self_assess(account, c, 3, LATER)
    assert first.employee_id == account.employee_id and first.source == RatingSource.SELF
    assert (first.level, first.rated_at, first.comment) == (2, NOW, "Grundlagen sicher")
    assert first.rated_by_id == account.id and second.comment is None
    assert [r.level for r in rating_history(account.employee)] == [3, 2]
    entries = audit("rating.self")
    assert len(entries) == 2 and entries[0].object_id == str(account.employee_id)
    assert "comment" not in entries[0].details  # personal text stays on the rating


@pytest.mark.parametrize("level", [-1, 5, "2"])
def test_self_assessment_level_in_range(db, level):
    account, c = factories.user(Role.EMPLOYEE), comp(scale(4))
    with pytest.raises(ValidationFailed) as caught:
        self_assess(account, c, level, NOW)  # type: ignore[arg-type]
    assert caught.value.field == "level" and rating_count() == 0


def test_self_assessment_may_say_not_yet(db):
    account, c = factories.user(Role.EMPLOYEE), comp()
    assert self_assess(account, c, 0, NOW).level == 0


def test_self_assessment_needs_an_employee_record(db):
    account = factories.user(Role.ADMIN, with_employee=False)
    with pytest.raises(PermissionDenied):
        self_assess(account, comp(), 2, NOW)
    assert rating_count() == 0


def test_self_assessment_comment_length(db):
    account = factories.user(Role.EMPLOYEE)
    with pytest.raises(ValidationFailed) as caught:
        self_assess(account, comp(), 2, NOW, comment="x" * 2001)
    assert caught.value.field == "comment"


# ---------------------------------------------------------------------------
# rate_member
# ---------------------------------------------------------------------------


def team() -> tuple[User, object, object]:
    """A head of a department with a sub-department; a member in the sub-department."""
    top = factories.department()
    sub = factories.department(parent=top)
    head_emp = factories.employee(top)
    head = factories.user(Role.HEAD, emp=head_emp)
    member = factories.employee(sub)
    return head, member, top


def test_head_rates_a_member_of_the_subtree_with_a_comment(db):
    head, member, _top = team()
    c = comp()
    rating = rate_member(head, member, c, 3, "Leitet das Projekt souverän", NOW)
    assert (rating.employee_id, rating.level, rating.source) == (member.id, 3, "head")
    assert rating.rated_by_id == head.id and rating.comment == "Leitet das Projekt souverän"
    [entry] = audit("rating.head")
    assert entry.object_id == str(member.id) and entry.to_state == "3"


def test_ratings_are_never_overwritten(db):
    head, member, _top = team()
    c = comp()
    rate_member(head, member, c, 2, "erste Einschätzung", NOW)
    rate_member(head, member, c, 3, "deutlich besser", LATER)
    history = rating_history(member, c)
    assert [(r.level, r.comment) for r in history] == [
        (3, "deutlich besser"),
        (2, "erste Einschätzung"),
    ]


def test_head_cannot_rate_outside_the_subtree(db):
    head, _member, _top = team()
    outsider = factories.employee(factories.department())
    with pytest.raises(PermissionDenied):
        rate_member(head, outsider, comp(), 2, "Kommentar", NOW)
    assert rating_count() == 0


def test_head_cannot_rate_themselves(db):
    head, _member, _top = team()
    with pytest.raises(PermissionDenied) as caught:
        rate_member(head, head.employee, comp(), 4, "Ich bin gut", NOW)
    assert caught.value.field == "employee" and rating_count() == 0


def test_hr_rates_anyone_but_not_themselves(db):
    actor = hr()
    someone = factories.employee(factories.department())
    assert rate_member(actor, someone, comp(), 2, "Gespräch vom 1.3.", NOW).source == "head"
    with pytest.raises(PermissionDenied):
        rate_member(actor, actor.employee, comp(), 2, "selbst", NOW)


def test_employee_without_team_cannot_rate(db):
    colleague_dept = factories.department()
    account = factories.user(Role.EMPLOYEE, emp=factories.employee(colleague_dept))
    colleague = factories.employee(colleague_dept)
    with pytest.raises(PermissionDenied):
        rate_member(account, colleague, comp(), 2, "Kommentar", NOW)


@pytest.mark.parametrize("comment", [None, "", "   "])
def test_a_rating_needs_a_comment(db, comment):
    head, member, _top = team()
    with pytest.raises(ValidationFailed) as caught:
        rate_member(head, member, comp(), 2, comment, NOW)
    assert caught.value.field == "comment" and rating_count() == 0


def test_rating_level_in_range(db):
    head, member, _top = team()
    c = comp(scale(4))
    with pytest.raises(ValidationFailed) as caught:
        rate_member(head, member, c, 5, "zu hoch", NOW)
    assert caught.value.field == "level"
    assert rate_member(head, member, c, 0, "noch keine Erfahrung", NOW).level == 0


def test_no_rating_for_someone_who_left(db):
    head, member, _top = team()
    member.active = False
    db.session.flush()
    with pytest.raises(Conflict):
        rate_member(head, member, comp(), 2, "Kommentar", NOW)


# ---------------------------------------------------------------------------
# record_external
# ---------------------------------------------------------------------------


def test_hr_records_an_external_certificate(db):
    actor = hr()
    person = factories.employee()
    c = comp()
    until = date(2031, 3, 31)
    rating = record_external(actor, person, c, 3, "  PSM I  ", until, NOW)
    assert (rating.source, rating.level, rating.evidence_title) == ("external", 3, "PSM I")
    assert rating.valid_until == until and rating.rated_at == NOW
    [entry] = audit("rating.external")
    assert entry.details["valid_until"] == "2031-03-31" and entry.object_id == str(person.id)


def test_certificate_without_expiry_and_valid_until_today(db):
    actor, person, c = hr(), factories.employee(), comp()
    assert record_external(actor, person, c, 2, "ITIL", None, NOW).valid_until is None
    today = date(2030, 3, 4)  # NOW in Berlin
    assert record_external(actor, person, c, 2, "ITIL", today, NOW).valid_until == today


def test_certificate_validity_not_in_the_past(db):
    actor, person = hr(), factories.employee()
    with pytest.raises(ValidationFailed) as caught:
        record_external(actor, person, comp(), 2, "ITIL", date(2030, 3, 3), NOW)
    assert caught.value.field == "valid_until" and rating_count() == 0


@pytest.mark.parametrize("title", [None, "", "  "])
def test_certificate_needs_a_title(db, title):
    with pytest.raises(ValidationFailed) as caught:
        record_external(hr(), factories.employee(), comp(), 2, title, None, NOW)
    assert caught.value.field == "title" and rating_count() == 0


def test_certificate_title_length(db):
    with pytest.raises(ValidationFailed) as caught:
        record_external(hr(), factories.employee(), comp(), 2, "x" * 301, None, NOW)
    assert caught.value.field == "title"


@pytest.mark.parametrize("level", [0, 5])
def test_certificate_level_in_range(db, level):
    with pytest.raises(ValidationFailed) as caught:
        record_external(hr(), factories.employee(), comp(scale(4)), level, "PSM", None, NOW)
    assert caught.value.field == "level" and rating_count() == 0


@pytest.mark.parametrize("role_name", [Role.EMPLOYEE, Role.HEAD, Role.ADMIN])
def test_only_hr_records_certificates(db, role_name):
    head, member, _top = team()
    actor = head if role_name == Role.HEAD else factories.user(role_name)
    with pytest.raises(PermissionDenied):
        record_external(actor, member, comp(), 2, "PSM", None, NOW)
    assert rating_count() == 0


# ---------------------------------------------------------------------------
# rating_history
# ---------------------------------------------------------------------------


def test_rating_history_is_newest_first_and_filters_by_competence(db):
    person = factories.employee()
    a, b = comp(), comp()
    tf.self_rating(person, a, 1, at=NOW - timedelta(days=3))
    tf.head_rating(person, a, 2, at=NOW - timedelta(days=2))
    tf.external(person, b, 3, at=NOW - timedelta(days=1))
    tf.self_rating(factories.employee(), a, 4)
    assert [(r.competence_id, r.source) for r in rating_history(person)] == [
        (b.id, "external"),
        (a.id, "head"),
        (a.id, "self"),
    ]
    assert [r.level for r in rating_history(person, a)] == [2, 1]
