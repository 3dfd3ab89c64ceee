"""A small known data set for the HR report tests, built with the factories.

Two department subtrees (A with A1 below it, B with B1 below it), three job roles (R1
and R2 with targets, R3 without), competences in two areas plus a mapped one (C4 is an
equivalent of C1; C5 is only "related" to C2, which does not count), head ratings (also
a superseded one), self-assessments (never count), external certificates (valid and
expired), course completions (valid and expired), no-shows, a failed result, late and
on-time cancellations, a cancelled session, waiting lists, declined and expired
requests, and two fast-track cohorts.

``build_known_data(copies=n)`` repeats the people (and their enrolments, ratings and
cohort memberships) ``n`` times in the same departments, for the constant-query tests.
Everything is dated relative to ``NOW`` (Monday 4 March 2030).

Per copy (R1 targets C1=3, C2=2; R2 targets C1=2, C3=1; R1 also has an ended target):

| person        | dept | role | evidence                                        | gaps          |
|---------------|------|------|-------------------------------------------------|---------------|
| a_meets       | A    | R1   | head C1 4 then 3; course K1 → C2 2              | none          |
| a_self        | A    | R1   | head C1 1; self C1 4; external C2 3 (valid)     | C1 2          |
| a_none        | A    | R1   | –                                               | C1 3, C2 2    |
| a_expired     | A    | R2   | course C1 2 expired; external C3 1 expired      | C1 2, C3 1    |
| a_norole      | A    | R3   | – (heads A)                                     | no target     |
| a_left        | A    | R1   | – (inactive)                                    | not counted   |
| a1_mapped     | A1   | R2   | head C4 2 (→ C1)                                | C3 1          |
| a1_related    | A1   | R1   | head C1 3; head C5 3 (related: ignored)         | C2 2          |
| b_ext         | B    | R1   | external C1 3 (no end); course K2 → C2 1        | C2 1          |
| b_meets       | B    | R2   | head C1 2, C3 1                                 | none          |
| b1_none       | B1   | R2   | –                                               | C1 2, C3 1    |
| b1_headhigh   | B1   | R1   | head C1 5                                       | C2 2          |
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from academy.accounts.models import Role, User
from academy.extensions import db
from academy.frameworks.models import Competence, CompetenceArea
from academy.org.models import Department, Employee, JobRole
from courses.catalogue.models import Course
from courses.enrolment.models import EnrolmentState
from courses.sessions.models import CourseSession
from talent.programmes.models import Cohort, CohortStatus, MemberState
from tests import factories
from tests.courses import factories as cf
from tests.talent import factories as tf
from tests.talent import programme_factories as pf

NOW = datetime(2030, 3, 4, 9, 0, tzinfo=UTC)
TODAY = NOW.date()
S = EnrolmentState

PEOPLE = (
    ("a_meets", "A", "R1"),
    ("a_self", "A", "R1"),
    ("a_none", "A", "R1"),
    ("a_expired", "A", "R2"),
    ("a_norole", "A", "R3"),
    ("a_left", "A", "R1"),
    ("a1_mapped", "A1", "R2"),
    ("a1_related", "A1", "R1"),
    ("b_ext", "B", "R1"),
    ("b_meets", "B", "R2"),
    ("b1_none", "B1", "R2"),
    ("b1_headhigh", "B1", "R1"),
)


def at(day: date, hour: int = 7) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


@dataclass
class KnownData:
    departments: dict[str, Department]
    roles: dict[str, JobRole]
    areas: dict[str, CompetenceArea]
    competences: dict[str, Competence]
    courses: dict[str, Course]
    sessions: dict[str, CourseSession]
    cohorts: dict[str, Cohort]
    #: name → one employee per copy
    people: dict[str, list[Employee]] = field(default_factory=dict)
    head_user: User | None = None  # heads A (and so A1)

    def all(self, name: str) -> list[Employee]:
        return self.people[name]

    def one(self, name: str) -> Employee:
        return self.people[name][0]


def _session(course: Course, starts: datetime, capacity: int, **fields: object) -> CourseSession:
    return cf.session(
        course,
        starts_at=starts,
        capacity=capacity,
        enrolment_deadline=starts - timedelta(days=7),
        cancellation_deadline=starts - timedelta(days=3),
        **fields,
    )


def build_known_data(copies: int = 1) -> KnownData:
    dept_a = factories.department("Amt A")
    dept_a1 = factories.department("Abteilung A1", parent=dept_a)
    dept_b = factories.department("Amt B")
    dept_b1 = factories.department("Abteilung B1", parent=dept_b)
    departments = {"A": dept_a, "A1": dept_a1, "B": dept_b, "B1": dept_b1}
    roles = {r: factories.job_role(f"Rolle {r}") for r in ("R1", "R2", "R3")}

    framework = tf.framework()
    area_x, area_y = tf.area(framework), tf.area(framework)
    area_z = tf.area(tf.framework())
    comps = {
        "C1": tf.competence(area_x),
        "C2": tf.competence(area_x),
        "C3": tf.competence(area_y),
        "C4": tf.competence(area_z),
        "C5": tf.competence(area_z),
    }
    tf.mapping(comps["C4"], comps["C1"])
    tf.mapping(comps["C5"], comps["C2"], relation="related")
    tf.target(roles["R1"], comps["C1"], 3)
    tf.target(roles["R1"], comps["C2"], 2)
    tf.target(roles["R1"], comps["C3"], 4, ended=True)
    tf.target(roles["R2"], comps["C1"], 2)
    tf.target(roles["R2"], comps["C3"], 1)

    courses = {
        "K1": tf.course_with_outcomes({comps["C2"]: 2}, duration_ue=8, title="Kurs Eins"),
        "K2": tf.course_with_outcomes({comps["C2"]: 1}, duration_ue=4, title="Kurs Zwei"),
        "K3": cf.course("Kurs Drei", duration_ue=16),
        "KX": tf.course_with_outcomes(
            {comps["C1"]: 2}, duration_ue=2, validity_months=12, title="Kurs Alt"
        ),
    }
    sessions = {
        "past1": _session(courses["K1"], at(date(2029, 5, 6)), 20 * copies),
        "past2": _session(courses["K2"], at(date(2029, 11, 12)), 20 * copies),
        "recent": _session(courses["K1"], at(date(2030, 2, 18)), 20 * copies),
        "cancelled": _session(
            courses["K2"],
            at(date(2029, 12, 3)),
            20 * copies,
            cancelled_at=at(date(2029, 11, 20)),
            cancel_reason="Krank",
        ),
        "old": _session(courses["KX"], at(date(2027, 6, 1)), 20 * copies),
        "k3_past": _session(courses["K3"], at(date(2030, 2, 1)), 10 * copies),
        "full": _session(courses["K1"], at(date(2030, 4, 15)), 2 * copies),
        "open": _session(courses["K3"], at(date(2030, 5, 10)), 10 * copies),
    }

    programme = pf.programme(courses=[courses["K1"], courses["K2"]], milestones=1)
    cohorts = {
        "running": pf.cohort(
            programme,
            status=CohortStatus.RUNNING,
            opens=date(2029, 6, 1),
            closes=date(2029, 7, 1),
            starts=date(2029, 10, 1),
            ends=date(2031, 3, 31),
        ),
        "completed": pf.cohort(
            programme,
            status=CohortStatus.COMPLETED,
            opens=date(2027, 6, 1),
            closes=date(2027, 7, 1),
            starts=date(2027, 10, 1),
            ends=date(2029, 3, 31),
        ),
        "draft": pf.cohort(programme, status=CohortStatus.DRAFT),
    }

    data = KnownData(
        departments, roles, {"X": area_x, "Y": area_y}, comps, courses, sessions, cohorts
    )
    for copy in range(copies):
        for name, dept, role in PEOPLE:
            emp = factories.employee(
                departments[dept],
                job_role_id=roles[role].id,
                first_name=name,
                last_name=f"Person{copy}",
                active=name != "a_left",
            )
            data.people.setdefault(name, []).append(emp)
        _evidence(data, copy)
        _enrolments(data, copy)
        _cohort_members(data, copy)
    data.head_user = factories.user(Role.HEAD, emp=data.one("a_norole"))
    db.session.flush()
    return data


def _evidence(data: KnownData, copy: int) -> None:
    c, p = data.competences, {name: emps[copy] for name, emps in data.people.items()}
    tf.head_rating(p["a_meets"], c["C1"], 4, at=NOW - timedelta(days=300))
    tf.head_rating(p["a_meets"], c["C1"], 3, at=NOW - timedelta(days=10))
    tf.head_rating(p["a_self"], c["C1"], 1)
    tf.self_rating(p["a_self"], c["C1"], 4)
    tf.external(p["a_self"], c["C2"], 3, valid_until=date(2031, 1, 1))
    tf.external(p["a_expired"], c["C3"], 1, valid_until=date(2030, 1, 1))
    tf.head_rating(p["a1_mapped"], c["C4"], 2)
    tf.head_rating(p["a1_related"], c["C1"], 3)
    tf.head_rating(p["a1_related"], c["C5"], 3)
    tf.external(p["b_ext"], c["C1"], 3)
    tf.head_rating(p["b_meets"], c["C1"], 2)
    tf.head_rating(p["b_meets"], c["C3"], 1)
    tf.head_rating(p["b1_headhigh"], c["C1"], 5)


def _enrolments(data: KnownData, copy: int) -> None:
    s, p = data.sessions, {name: emps[copy] for name, emps in data.people.items()}
    done = cf.enrolment
    done(s["past1"], p["a_meets"], state=S.COMPLETED, completed_on=date(2029, 5, 10))
    done(s["past2"], p["a_meets"], state=S.COMPLETED, completed_on=date(2029, 11, 14))
    done(s["past1"], p["a_self"], state=S.NO_SHOW)
    done(
        s["past2"],
        p["a_self"],
        state=S.CANCELLED,
        confirmed_at=at(date(2029, 10, 1)),
        cancelled_at=at(date(2029, 11, 11)),
        late_cancellation=True,
    )
    done(s["past1"], p["a_none"], state=S.FAILED)
    done(
        s["past2"],
        p["a_none"],
        state=S.CANCELLED,
        confirmed_at=at(date(2029, 10, 1)),
        cancelled_at=at(date(2029, 10, 20)),
    )
    done(s["old"], p["a_expired"], state=S.COMPLETED, completed_on=date(2027, 6, 2))
    done(s["past2"], p["b_ext"], state=S.COMPLETED, completed_on=date(2029, 11, 13))
    done(s["recent"], p["b_meets"], state=S.COMPLETED, completed_on=date(2030, 2, 20))
    done(s["recent"], p["b1_none"], state=S.ATTENDED)
    done(
        s["cancelled"],
        p["b1_headhigh"],
        state=S.CANCELLED,
        confirmed_at=at(date(2029, 11, 1)),
        cancelled_at=at(date(2029, 11, 20)),
    )
    # the full future session of K1 and its waiting list
    done(s["full"], p["a1_mapped"], state=S.CONFIRMED, requested_at=at(date(2030, 2, 1)))
    done(s["full"], p["a1_related"], state=S.CONFIRMED, requested_at=at(date(2030, 2, 2)))
    for name in ("a_none", "a_self", "b_ext", "a_meets"):  # a_meets completed K1 already
        done(s["full"], p[name], state=S.WAITLISTED, requested_at=at(date(2030, 2, 10)))
    # K3: declined and expired requests, a confirmed place, a pending one
    done(
        s["open"],
        p["b1_none"],
        state=S.DECLINED,
        requested_at=at(date(2030, 1, 10)),
        decided_at=at(date(2030, 1, 15)),
    )
    done(s["k3_past"], p["a_norole"], state=S.EXPIRED, requested_at=at(date(2030, 1, 5)))
    done(s["open"], p["a_meets"], state=S.CONFIRMED, requested_at=at(date(2030, 3, 1)))
    done(s["open"], p["b1_headhigh"], state=S.PENDING, requested_at=at(date(2030, 3, 2)))


def _cohort_members(data: KnownData, copy: int) -> None:
    p = {name: emps[copy] for name, emps in data.people.items()}
    running, completed = data.cohorts["running"], data.cohorts["completed"]
    pf.member(running, p["a_meets"])  # K1 + K2 done, milestone open → behind, 2/3
    pf.member(running, p["b_meets"])  # K1 done → behind, 1/3
    graduated = pf.member(running, p["a_self"])
    graduated.state = MemberState.GRADUATED.value
    graduated.graduated_on = date(2030, 2, 1)
    dropped = pf.member(running, p["a_none"])
    dropped.state = MemberState.DROPPED_OUT.value
    dropped.dropped_out_on = date(2029, 12, 1)
    pf.member(completed, p["b_ext"])  # K2 done: 1/3
    db.session.flush()
