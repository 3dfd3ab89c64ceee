"""Programme services (talent.programmes.programmes): creating, editing, archiving and deleting a
programme; its curriculum (required courses, milestones) and target competences —
validation with field-specific messages, and an audit entry for every change."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from academy.accounts.models import Role
from academy.audit.models import AuditLogEntry
from academy.errors import Conflict, ValidationFailed
from academy.extensions import db
from academy.frameworks.models import FrameworkLevel
from talent.programmes.curriculum import (
    add_course,
    add_milestone,
    remove_course,
    remove_milestone,
    set_programme_target,
    update_milestone,
)
from talent.programmes.models import (
    CohortStatus,
    Milestone,
    Programme,
    ProgrammeCourse,
    ProgrammeTarget,
)
from talent.programmes.programmes import (
    archive_programme,
    create_programme,
    delete_programme,
    unarchive_programme,
    update_programme,
)
from tests import factories
from tests.courses import factories as cf
from tests.talent import factories as tf
from tests.talent import programme_factories as pf

NOW = tf.NOW


@pytest.fixture()
def hr(db):
    return factories.user(Role.HR)


def audits(action: str | None = None, object_id: object = None) -> list[AuditLogEntry]:
    query = select(AuditLogEntry).where(AuditLogEntry.object_type == "programme")
    if action:
        query = query.where(AuditLogEntry.action == action)
    if object_id is not None:
        query = query.where(AuditLogEntry.object_id == str(object_id))
    return list(db.session.scalars(query.order_by(AuditLogEntry.id)))


def count(model: type) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def competence(levels: int = 4, active: bool = True):
    fw = tf.framework()
    fw.active = active
    for n in range(1, levels + 1):
        db.session.add(
            FrameworkLevel(framework_id=fw.id, level=n, name_de=f"Stufe {n}", name_en=f"Level {n}")
        )
    db.session.flush()
    db.session.refresh(fw)
    return tf.competence(tf.area(fw))


def new_programme(hr, **changes):
    values = {
        "code": "FT-DIGI",
        "title": "Digitallotsen",
        "description": "Nachwuchs für die Digitalisierung",
        "length_months": 18,
    }
    values.update(changes)
    return create_programme(hr, **values, now=NOW)


# ---------------------------------------------------------------------------
# Programmes
# ---------------------------------------------------------------------------


def test_create_programme_stores_it_and_audits(hr):
    programme = new_programme(hr, code="  FT-1 ", title=" Digitallotsen ", description="  ")
    assert (programme.code, programme.title, programme.description) == (
        "FT-1",
        "Digitallotsen",
        None,
    )
    assert programme.length_months == 18 and not programme.archived
    assert programme.created_by_id == hr.id
    [entry] = audits("programme.created", programme.id)
    assert entry.actor_id == hr.id and entry.to_state == "active"
    assert entry.details["code"] == "FT-1"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"code": ""}, "code"),
        ({"code": "-bad"}, "code"),
        ({"code": "mit leerzeichen"}, "code"),
        ({"code": "X" * 33}, "code"),
        ({"title": "  "}, "title"),
        ({"title": "T" * 201}, "title"),
        ({"length_months": 0}, "length_months"),
        ({"length_months": 61}, "length_months"),
        ({"length_months": None}, "length_months"),
        ({"length_months": True}, "length_months"),
        ({"description": "D" * 5001}, "description"),
    ],
)
def test_create_programme_refuses_invalid_input(hr, changes, field):
    with pytest.raises(ValidationFailed) as caught:
        new_programme(hr, **changes)
    assert caught.value.field == field
    assert count(Programme) == 0 and audits() == []


def test_programme_codes_are_unique_ignoring_case(hr):
    new_programme(hr, code="FT-A")
    with pytest.raises(Conflict) as caught:
        new_programme(hr, code="ft-a")
    assert caught.value.field == "code" and caught.value.params == {"code": "ft-a"}
    assert count(Programme) == 1


def test_update_programme_audits_the_changes_only(hr):
    programme = new_programme(hr)
    update_programme(
        hr, programme, title="Digitallotsen 2", description=None, length_months=24, now=NOW
    )
    assert (programme.title, programme.description, programme.length_months) == (
        "Digitallotsen 2",
        None,
        24,
    )
    [entry] = audits("programme.updated")
    assert entry.details == {
        "title": ["Digitallotsen", "Digitallotsen 2"],
        "description": ["Nachwuchs für die Digitalisierung", None],
        "length_months": [18, 24],
    }
    update_programme(
        hr, programme, title="Digitallotsen 2", description="", length_months=24, now=NOW
    )
    assert len(audits("programme.updated")) == 1
    with pytest.raises(ValidationFailed):
        update_programme(hr, programme, title="", description=None, length_months=24, now=NOW)


def test_archive_and_unarchive(hr):
    programme = new_programme(hr)
    archive_programme(hr, programme, NOW)
    assert programme.archived
    with pytest.raises(Conflict):
        archive_programme(hr, programme, NOW)
    unarchive_programme(hr, programme, NOW)
    assert not programme.archived
    with pytest.raises(Conflict):
        unarchive_programme(hr, programme, NOW)
    states = [(e.action, e.from_state, e.to_state) for e in audits(object_id=programme.id)][1:]
    assert states == [
        ("programme.archived", "active", "archived"),
        ("programme.unarchived", "archived", "active"),
    ]


def test_delete_programme_without_cohorts_removes_its_curriculum(hr):
    programme = pf.programme(courses=[cf.course()], milestones=2)
    programme_id = programme.id
    delete_programme(hr, programme, NOW)
    assert db.session.get(Programme, programme_id) is None
    assert count(ProgrammeCourse) == 0 and count(Milestone) == 0
    [entry] = audits("programme.deleted", programme_id)
    assert entry.details["code"] == programme.code and len(entry.details["milestones"]) == 2


def test_delete_programme_with_a_cohort_is_refused(hr):
    programme = pf.programme()
    pf.cohort(programme)
    with pytest.raises(Conflict):
        delete_programme(hr, programme, NOW)
    assert db.session.get(Programme, programme.id) is not None
    assert audits("programme.deleted") == []


# ---------------------------------------------------------------------------
# Curriculum: courses
# ---------------------------------------------------------------------------


def test_add_and_remove_a_course(hr):
    programme = pf.programme()
    course = cf.course(code="AGI-101")
    item = add_course(hr, programme, course, 30, NOW)
    assert (item.course_id, item.due_offset_days) == (course.id, 30)
    assert [pc.course_id for pc in programme.courses] == [course.id]
    [added] = audits("programme.course_added", programme.id)
    assert added.details == {"course_id": course.id, "course": "AGI-101", "due_offset_days": 30}
    remove_course(hr, item, NOW)
    assert count(ProgrammeCourse) == 0
    [removed] = audits("programme.course_removed", programme.id)
    assert removed.details["course"] == "AGI-101"


def test_day_zero_is_allowed(hr):
    programme = pf.programme()
    assert add_course(hr, programme, cf.course(), 0, NOW).due_offset_days == 0


def test_the_same_course_twice_is_refused(hr):
    course = cf.course(code="AGI-102")
    programme = pf.programme(courses=[course])
    with pytest.raises(Conflict) as caught:
        add_course(hr, programme, course, 60, NOW)
    assert caught.value.field == "course" and "already part" in caught.value.message
    assert count(ProgrammeCourse) == 1


@pytest.mark.parametrize("offset", [-1, -30, None, "30", 1.5, 3661])
def test_invalid_offsets_are_refused(hr, offset):
    programme = pf.programme()
    with pytest.raises(ValidationFailed) as caught:
        add_course(hr, programme, cf.course(), offset, NOW)
    assert caught.value.field == "due_offset_days"
    assert count(ProgrammeCourse) == 0 and audits("programme.course_added") == []


def test_negative_offset_has_a_clear_message(hr):
    with pytest.raises(ValidationFailed) as caught:
        add_course(hr, pf.programme(), cf.course(), -5, NOW)
    assert "before the cohort start" in caught.value.message


def test_archived_course_cannot_be_added(hr):
    with pytest.raises(ValidationFailed) as caught:
        add_course(hr, pf.programme(), cf.course(archived=True), 10, NOW)
    assert caught.value.field == "course"
    assert count(ProgrammeCourse) == 0


# ---------------------------------------------------------------------------
# Curriculum: milestones
# ---------------------------------------------------------------------------


def milestone_values(**changes):
    values = {
        "kind": "project",
        "title": "Praxisprojekt",
        "description": "Ein Projekt im eigenen Amt",
        "due_offset_days": 180,
    }
    values.update(changes)
    return values


def test_add_update_and_remove_a_milestone(hr):
    programme = pf.programme()
    milestone = add_milestone(hr, programme, **milestone_values(), now=NOW)
    assert (milestone.kind, milestone.title, milestone.due_offset_days) == (
        "project",
        "Praxisprojekt",
        180,
    )
    [added] = audits("programme.milestone_added")
    assert added.details["milestone_id"] == milestone.id
    update_milestone(
        hr,
        milestone,
        **milestone_values(kind="rotation", title="Hospitation", description=""),
        now=NOW,
    )
    assert (milestone.kind, milestone.title, milestone.description) == (
        "rotation",
        "Hospitation",
        None,
    )
    [changed] = audits("programme.milestone_updated")
    assert changed.details["kind"] == ["project", "rotation"]
    assert "due_offset_days" not in changed.details
    remove_milestone(hr, milestone, NOW)
    assert count(Milestone) == 0
    assert len(audits("programme.milestone_removed")) == 1


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"kind": "party"}, "kind"),
        ({"kind": ""}, "kind"),
        ({"title": " "}, "title"),
        ({"due_offset_days": -1}, "due_offset_days"),
        ({"due_offset_days": None}, "due_offset_days"),
    ],
)
def test_invalid_milestones_are_refused(hr, changes, field):
    with pytest.raises(ValidationFailed) as caught:
        add_milestone(hr, pf.programme(), **milestone_values(**changes), now=NOW)
    assert caught.value.field == field
    assert count(Milestone) == 0


def test_duplicate_milestone_titles_are_refused(hr):
    programme = pf.programme()
    first = add_milestone(hr, programme, **milestone_values(title="Abschluss"), now=NOW)
    second = add_milestone(hr, programme, **milestone_values(title="Zwischenbericht"), now=NOW)
    with pytest.raises(Conflict) as caught:
        add_milestone(hr, programme, **milestone_values(title="ABSCHLUSS"), now=NOW)
    assert caught.value.field == "title"
    with pytest.raises(Conflict):
        update_milestone(hr, second, **milestone_values(title="abschluss"), now=NOW)
    # keeping its own title is fine
    update_milestone(hr, first, **milestone_values(title="Abschluss", due_offset_days=500), now=NOW)
    assert first.due_offset_days == 500
    # another programme may use the same title
    add_milestone(hr, pf.programme(), **milestone_values(title="Abschluss"), now=NOW)


def test_a_signed_off_milestone_cannot_be_removed(hr):
    programme = pf.programme(milestones=1)
    [milestone] = programme.milestones
    cohort = pf.cohort(programme, status=CohortStatus.RUNNING)
    pf.signoff(pf.member(cohort, factories.employee()), milestone)
    with pytest.raises(Conflict) as caught:
        remove_milestone(hr, milestone, NOW)
    assert "signed off" in caught.value.message
    assert count(Milestone) == 1 and audits("programme.milestone_removed") == []


# ---------------------------------------------------------------------------
# Target competences
# ---------------------------------------------------------------------------


def test_set_change_and_remove_a_target(hr):
    programme = pf.programme()
    c = competence(levels=4)
    set_programme_target(hr, programme, c, 3, NOW)
    assert [(t.competence_id, t.level) for t in programme.targets] == [(c.id, 3)]
    set_programme_target(hr, programme, c, 3, NOW)  # the same again: nothing
    set_programme_target(hr, programme, c, 4, NOW)
    assert programme.targets[0].level == 4
    set_programme_target(hr, programme, c, None, NOW)
    assert count(ProgrammeTarget) == 0
    set_programme_target(hr, programme, c, None, NOW)  # nothing to remove: nothing
    trail = [(e.action, e.from_state, e.to_state) for e in audits(object_id=programme.id)]
    assert trail == [
        ("programme.target_set", None, "3"),
        ("programme.target_changed", "3", "4"),
        ("programme.target_removed", "4", None),
    ]


@pytest.mark.parametrize("level", [0, 5, 2.5, "2", True])
def test_target_levels_outside_the_framework_scale_are_refused(hr, level):
    programme = pf.programme()
    c = competence(levels=4)
    with pytest.raises(ValidationFailed) as caught:
        set_programme_target(hr, programme, c, level, NOW)
    assert caught.value.field == "level"
    assert count(ProgrammeTarget) == 0 and audits() == []


def test_new_targets_need_a_framework_in_use(hr):
    programme = pf.programme()
    with pytest.raises(ValidationFailed) as caught:
        set_programme_target(hr, programme, competence(active=False), 2, NOW)
    assert caught.value.field == "competence"
    assert count(ProgrammeTarget) == 0
