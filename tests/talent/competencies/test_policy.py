"""Permission rules of the talent package (talent/competencies/policy.py)."""

from __future__ import annotations

from typing import Any

from academy.accounts.models import Role
from academy.auth.policy import can
from tests import factories
from tests.courses.support import head_of


def test_profiles_evidence_and_mappings_are_for_hr_and_admin(db: Any) -> None:
    hr, admin, worker = factories.user(Role.HR), factories.user(Role.ADMIN), factories.user()
    assert can(hr, "profiles.manage") and not can(worker, "profiles.manage")
    assert not can(admin, "profiles.manage")
    assert can(hr, "evidence.record") and not can(worker, "evidence.record")
    assert not can(admin, "evidence.record")
    assert can(hr, "mappings.manage") and can(admin, "mappings.manage")
    assert not can(worker, "mappings.manage")


def test_own_competencies_only_for_oneself(db: Any) -> None:
    worker, other = factories.user(), factories.employee()
    assert can(worker, "competencies.own")
    assert can(worker, "competencies.own", worker.employee)
    assert not can(worker, "competencies.own", other)
    assert not can(factories.user(Role.ADMIN, with_employee=False), "competencies.own")


def test_team_view_for_heads_in_their_subtree_and_hr(db: Any) -> None:
    root = factories.department()
    child = factories.department(parent=root)
    elsewhere = factories.department()
    head = head_of(root)
    member, stranger = factories.employee(child), factories.employee(elsewhere)
    assert can(head, "team.view")
    assert can(head, "team.view", child) and not can(head, "team.view", elsewhere)
    assert can(head, "team.view", member) and not can(head, "team.view", stranger)
    hr = factories.user(Role.HR)
    assert can(hr, "team.view", elsewhere) and can(hr, "team.view", stranger)
    assert not can(factories.user(), "team.view")
    assert not can(factories.user(Role.COUNCIL), "team.view")


def test_members_are_rated_by_their_head_or_hr_never_by_themselves(db: Any) -> None:
    root = factories.department()
    head = head_of(root)
    member, stranger = factories.employee(root), factories.employee()
    assert can(head, "member.rate") and can(head, "member.rate", member)
    assert not can(head, "member.rate", stranger)
    assert not can(head, "member.rate", head.employee)
    hr = factories.user(Role.HR)
    assert can(hr, "member.rate", stranger) and not can(hr, "member.rate", hr.employee)
    worker = factories.user(emp=factories.employee(root))
    assert not can(worker, "member.rate") and not can(worker, "member.rate", member)
