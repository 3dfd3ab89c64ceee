"""The talent demo step's ratings: the demo employee's and demo head's, the head's team
(with comments, earlier ratings and certificates), and some of the rest of the
organisation; drawn with the step's seeded generator in a fixed order.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any

from academy.clock import to_berlin
from talent.competencies.demo.content import (
    ABOVE,
    AT,
    BELOW,
    CERTIFICATES,
    EARLIER,
    EMPLOYEE_EARLIER,
    EMPLOYEE_HEAD_RATINGS,
    EMPLOYEE_SELF,
    EXPIRED_CERTIFICATE,
    EXTERNAL,
    HEAD,
    HEAD_SELF,
    HISTORY_DAYS,
    HR_COMMENTS,
    OTHERS_SHARE,
    PROFILES,
    PROGRESS,
    SELF,
    SELF_COMMENTS,
    SPECIFIC,
    CertificateSpec,
    max_level,
)
from talent.competencies.demo.offer import CourseOffer, ensure_closable
from talent.competencies.demo.people import TalentPeople

# ---------------------------------------------------------------------------
# Ratings
# ---------------------------------------------------------------------------

#: How far a head's rating lies from the target (weights): mostly a little below.
DELTAS = ((-3, 0.08), (-2, 0.22), (-1, 0.35), (0, 0.25), (1, 0.1))


class _Ratings:
    def __init__(
        self,
        rng: random.Random,
        now: datetime,
        people: TalentPeople,
        competences: dict[str, int],
    ) -> None:
        self.rng = rng
        self.now = now
        self.today = to_berlin(now).date()
        self.people = people
        self.competences = competences
        self.rows: list[dict[str, Any]] = []
        self.deltas = [d for d, _ in DELTAS]
        self.weights = [w for _, w in DELTAS]

    # -- helpers ------------------------------------------------------------------------

    def add(
        self,
        employee_id: int,
        code: str,
        level: int,
        source: str,
        at: datetime,
        by: int | None,
        comment: str | None = None,
        title: str | None = None,
        valid_until: date | None = None,
    ) -> None:
        self.rows.append(
            {
                "employee_id": employee_id,
                "competence_id": self.competences[code],
                "level": level,
                "source": source,
                "rated_at": at,
                "rated_by_id": by,
                "comment": comment,
                "evidence_title": title,
                "valid_until": valid_until,
            }
        )

    def earliest_days(self, employee_id: int) -> int:
        """Ratings lie after the first month of service and within the history."""
        entry = self.people.people[employee_id].entry
        if entry is None:
            return HISTORY_DAYS
        return max(min(HISTORY_DAYS, (self.today - entry).days - 30), 0)

    def ago(self, low: float, high: float) -> datetime:
        """A moment ``low`` to ``high`` days before now (in whole seconds)."""
        seconds = int(self.rng.uniform(low, high) * 86400)
        return self.now - timedelta(seconds=seconds)

    def head_level(self, code: str, target: int) -> int:
        delta = self.rng.choices(self.deltas, self.weights)[0]
        return min(max(target + delta, 1), max_level(code))

    def comment(self, code: str, level: int, target: int) -> str:
        rng = self.rng
        if code in SPECIFIC and target - 1 <= level <= target and rng.random() < 0.5:
            return SPECIFIC[code]
        pool = BELOW if level < target else AT if level == target else ABOVE
        return rng.choice(pool)

    def targets(self, employee_id: int) -> tuple[tuple[str, int], ...]:
        role = self.people.people[employee_id].role
        return PROFILES.get(role, ()) if role is not None else ()

    # -- the demo head's team -----------------------------------------------------------

    def team(self, head_user: int | None) -> None:
        rng, p = self.rng, self.people
        for employee_id in p.team:
            if employee_id == p.employee:
                continue
            earliest = self.earliest_days(employee_id)
            targets = self.targets(employee_id)
            if earliest < 20 or not targets or rng.random() >= 0.9:
                continue
            rated: dict[str, int] = {}
            for code, target in targets:
                if rng.random() >= 0.8:
                    continue
                level = self.head_level(code, target)
                rated[code] = level
                if level > 1 and earliest > 300 and rng.random() < 0.3:
                    later = self.ago(20, min(330, earliest - 150))
                    days_before = (self.now - later).days
                    earlier = self.ago(min(days_before + 120, earliest), earliest)
                    before = max(level - rng.choice((1, 1, 2)), 1)
                    self.add(employee_id, code, before, HEAD, earlier, head_user,
                             rng.choice(EARLIER))  # fmt: skip
                    comment = f"{rng.choice(PROGRESS)} {self.comment(code, level, target)}"
                    self.add(employee_id, code, level, HEAD, later, head_user, comment)
                else:
                    at = self.ago(20, earliest)
                    self.add(employee_id, code, level, HEAD, at, head_user,
                             self.comment(code, level, target))  # fmt: skip
            if rated and rng.random() < 0.5:
                own = p.user_of.get(employee_id)
                codes = sorted(rated)
                for code in rng.sample(codes, min(len(codes), rng.randint(2, 4))):
                    level = min(rated[code] + rng.choice((0, 1, 1, 2)), max_level(code))
                    comment = rng.choice(SELF_COMMENTS) if rng.random() < 0.2 else None
                    self.add(employee_id, code, level, SELF, self.ago(3, 15), own, comment)

    def certificates(self, pool: Sequence[int], hr_user: int | None, expired: bool) -> int:
        """One holder per certificate among ``pool`` (matching role), the one that has
        run out first (with ``expired``; it needs the longest service). Someone may
        hold two when the pool is small. Returns the number of certificates."""
        rng = self.rng
        candidates = list(pool)
        rng.shuffle(candidates)
        held: dict[int, set[str]] = defaultdict(set)
        count = 0
        specs: list[tuple[CertificateSpec, bool]] = [(c, False) for c in CERTIFICATES]
        if expired:
            specs.insert(0, (EXPIRED_CERTIFICATE, True))
        for spec, runs_out in specs:
            eligible = [
                e
                for e in candidates
                if self.people.people[e].role in spec.roles
                and spec.title not in held[e]
                and self.earliest_days(e) > (700 if runs_out else 60)
            ]
            if not eligible:
                continue
            holder = min(eligible, key=lambda e: len(held[e]))  # the first with the fewest
            held[holder].add(spec.title)
            self.certificate(holder, spec, hr_user, runs_out)
            count += 1
        return count

    def certificate(
        self, employee_id: int, spec: CertificateSpec, hr_user: int | None, runs_out: bool
    ) -> None:
        if runs_out:  # recorded almost two years ago, valid until a few weeks ago
            at = self.ago(690, 700)
            until: date | None = self.today - timedelta(days=self.rng.randint(20, 60))
        else:
            at = self.ago(30, min(self.earliest_days(employee_id), 600))
            until = None
            if spec.valid_years is not None:
                until = to_berlin(at).date() + timedelta(days=365 * spec.valid_years)
        self.add(employee_id, spec.competence, spec.level, EXTERNAL, at, hr_user,
                 title=spec.title, valid_until=until)  # fmt: skip

    # -- the demo people ----------------------------------------------------------------

    def demo_employee(self, head_levels: dict[str, int], head_user: int | None) -> None:
        p, rng = self.people, self.rng
        if p.employee is None:
            return
        comments = {code: comment for code, _, comment in EMPLOYEE_HEAD_RATINGS}
        for code, level in sorted(head_levels.items()):
            comment = comments.get(code, rng.choice(BELOW))
            earlier = EMPLOYEE_EARLIER.get(code)
            if earlier is not None and earlier[0] < level:
                self.add(p.employee, code, earlier[0], HEAD, self.ago(420, 440), head_user,
                         earlier[1])  # fmt: skip
            self.add(p.employee, code, level, HEAD, self.ago(60, 120), head_user, comment)
        own = p.user_of.get(p.employee)
        for code, level, comment in EMPLOYEE_SELF:
            self.add(p.employee, code, level, SELF, self.ago(10, 25), own, comment)

    def demo_head(self) -> None:
        p = self.people
        if p.head is None:
            return
        own = p.user_of.get(p.head)
        for code, level, comment in HEAD_SELF:
            self.add(p.head, code, level, SELF, self.ago(30, 90), own, comment)

    # -- the rest of the organisation ---------------------------------------------------

    def others(self, hr_user: int | None) -> None:
        rng, p = self.rng, self.people
        sample = rng.sample(p.others, round(len(p.others) * OTHERS_SHARE))
        for employee_id in sample:
            earliest = self.earliest_days(employee_id)
            targets = self.targets(employee_id)
            if earliest < 20 or not targets:
                continue
            count = min(rng.choice((1, 1, 2, 2, 3)), len(targets))
            for code, target in rng.sample(targets, count):
                level = self.head_level(code, target)
                at = self.ago(5, earliest)
                own = p.user_of.get(employee_id)
                if rng.random() < 0.65 and own != hr_user:  # HR never rates herself
                    self.add(employee_id, code, level, HEAD, at, hr_user, rng.choice(HR_COMMENTS))
                else:
                    level = min(level + rng.choice((0, 1, 1)), max_level(code))
                    self.add(employee_id, code, level, SELF, at, own)
        holders = [e for e in sample if rng.random() < 0.1]
        for employee_id in holders:
            if p.user_of.get(employee_id) == hr_user:
                continue
            role = p.people[employee_id].role
            specs = [c for c in CERTIFICATES if role in c.roles]
            if specs and self.earliest_days(employee_id) > 60:
                self.certificate(employee_id, rng.choice(specs), hr_user, False)


# ---------------------------------------------------------------------------
# The step
# ---------------------------------------------------------------------------


def employee_targets(role: str | None, competences: dict[str, int]) -> dict[int, int]:
    return {competences[code]: level for code, level in PROFILES.get(role or "", ())}


def plan_employee_levels(
    offer: CourseOffer | None, role: str | None, competences: dict[str, int]
) -> dict[str, int]:
    """Her head's latest levels by competence code; lowered where needed so that a
    course with an open session closes one of her gaps."""
    levels = {code: level for code, level, _ in EMPLOYEE_HEAD_RATINGS}
    if offer is None:
        return levels
    codes = {id_: code for code, id_ in competences.items()}
    by_id = {competences[code]: level for code, level in levels.items()}
    adjusted = ensure_closable(offer, employee_targets(role, competences), by_id)
    return {codes[c]: level for c, level in adjusted.items()}


def build_ratings(
    rng: random.Random,
    now: datetime,
    people: TalentPeople,
    competences: dict[str, int],
    offer: CourseOffer | None,
) -> tuple[list[dict[str, Any]], int]:
    """Every rating row of the step, and the number of external certificates."""
    ratings = _Ratings(rng, now, people, competences)
    role = people.people[people.employee].role if people.employee in people.people else None
    ratings.demo_employee(plan_employee_levels(offer, role, competences), people.head_user)
    ratings.demo_head()
    ratings.team(people.head_user)
    certificates = ratings.certificates(people.team, people.hr_user, expired=True)
    before = len(ratings.rows)
    ratings.others(people.hr_user)
    certificates += sum(1 for r in ratings.rows[before:] if r["source"] == EXTERNAL)
    return ratings.rows, certificates
