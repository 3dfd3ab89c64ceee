"""The decisions of the fast-track programmes demo (``talent.programmes.demo.steps``), in plain
Python from the people and course records the step read: who applied to which intake,
the heads' statements, HR's scores, who was accepted, their mentors, sign-offs and
drop-outs, and the completed enrolments added for the curriculum. Reads nothing but the
members' busy times (through the ``BusyLoader`` it is given). Deterministic with the
generator it is given.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from decimal import Decimal

from academy.clock import to_berlin
from courses.enrolment.models import EnrolmentState
from talent.programmes.demo.content import (
    CLOSINGS,
    CRITERIA,
    CURRICULUM,
    DECISIONS,
    EMPLOYEE_ENDORSEMENT,
    EMPLOYEE_MOTIVATION,
    ENDORSED,
    MIDDLES,
    NOMINATION_NOTES,
    NOMINEE_MOTIVATION,
    NOT_ENDORSED,
    OPENINGS,
    RUNNING_REJECTED,
    RUNNING_SEATS,
    SCORE_COMMENTS,
    SCORING_DAYS,
    SELECTION_APPLICATIONS,
    PlannedApplication,
    PlannedMember,
    ProgrammePlan,
    between,
    office_time,
)
from talent.programmes.demo.members import MemberPlanner
from talent.programmes.models import ApplicationState, Endorsement

S = EnrolmentState


class Planner(MemberPlanner):
    """Builds the ``ProgrammePlan`` (see ``talent.programmes.demo.steps.build_programme_plan``)."""

    # -- texts ------------------------------------------------------------------------

    def motivation(self, employee_id: int, on: date) -> str:
        rng, person = self.rng, self.staff.people[employee_id]
        unit = self.staff.unit_names.get(person.department, person.department)
        years = max(self.staff.service_years(employee_id, on), 1)
        parts = [rng.choice(OPENINGS).format(years=years, unit=unit)]
        parts.extend(rng.sample(MIDDLES, rng.choice((1, 1, 2))))
        parts.append(rng.choice(CLOSINGS))
        return " ".join(parts)

    def score(
        self, app: PlannedApplication, values: Sequence[int], days: tuple[date, date]
    ) -> None:
        rng = self.rng
        first, last = days
        at = office_time(rng, first + timedelta(days=rng.randint(0, (last - first).days)))
        for position, value in enumerate(values):
            band = "low" if value <= 1 else "mid" if value <= 3 else "high"
            comment = rng.choice(SCORE_COMMENTS[position][band])
            app.scores[position] = (value, comment, at + timedelta(minutes=2 * position))

    # -- the running intake -------------------------------------------------------------

    def spread(self, candidates: list[int]) -> list[int]:
        """The candidates shuffled, then taken office by office in turn, so that the
        first ones come from all over the organisation."""
        rng = self.rng
        shuffled = list(candidates)
        rng.shuffle(shuffled)
        by_office: dict[str, list[int]] = defaultdict(list)
        for e in shuffled:
            by_office[self.staff.people[e].office].append(e)
        offices = list(by_office)
        rng.shuffle(offices)
        out: list[int] = []
        while any(by_office.values()):
            for office in offices:
                if by_office[office]:
                    out.append(by_office[office].pop(0))
        return out

    def running(self) -> None:
        t, staff, record = self.t, self.staff, self.record
        data_course = record.course_ids.get(CURRICULUM[0][0])
        # The demo head's team is kept for the next intake (his nominations).
        reserved = {e for e in staff.team if staff.eligible(e, t.selection_close)}
        pool = [
            e for e in self.ordinary if staff.eligible(e, t.running_close) and e not in reserved
        ]
        members: list[PlannedMember] = []
        if self.employee is not None and staff.eligible(self.employee, t.running_close):
            members.append(PlannedMember(self.employee, None, role="behind"))
        behind = dropped = False
        rest: list[int] = []
        for e in self.spread(pool):
            if len(members) >= RUNNING_SEATS:
                rest.append(e)
            elif not behind:
                behind = True
                members.append(PlannedMember(e, None, role="behind"))
            elif not dropped:
                dropped = True
                members.append(PlannedMember(e, None, role="dropped"))
            elif (
                data_course is None
                or (e, data_course) in record.completed
                or ((e, data_course) not in record.enrolled and self.complete(e, data_course))
            ):
                # On schedule: the course due by now is completed (or completed now).
                members.append(PlannedMember(e, None))
            else:
                rest.append(e)
        self.members = members
        self.load_busy(record, [m.employee_id for m in members])
        self.mentors(members)
        for member in members:
            self.progress(member)
        self.running_applications(members, rest)

    def running_applications(self, members: list[PlannedMember], rest: list[int]) -> None:
        """Applications of the running intake: the members' (accepted), rejected ones,
        one withdrawal; every submitted one scored, members above everyone rejected."""
        rng, t = self.rng, self.t
        window = (t.running_open, t.running_close)
        decided = office_time(rng, t.running_step(DECISIONS), 9, 12)
        scoring = (t.running_step(SCORING_DAYS[0]), t.running_step(SCORING_DAYS[1]))
        rejected_count = min(rng.randint(*RUNNING_REJECTED), max(len(rest) - 1, 0))
        accepted: list[PlannedApplication] = []
        rejected: list[PlannedApplication] = []
        for member in members:
            app = self.submitted("running", member.employee_id, window)
            app.state, app.proposed, app.decided_at = ApplicationState.ACCEPTED, True, decided
            if member.employee_id == self.employee:
                app.motivation = EMPLOYEE_MOTIVATION
            self.endorse(app, endorsed=True, latest=t.running_close + timedelta(days=10))
            if member.employee_id == self.employee:
                app.endorsement_comment = EMPLOYEE_ENDORSEMENT
            values = [rng.choice((3, 4, 4, 5, 5)) for _ in CRITERIA]
            if member.employee_id == self.employee:
                values = [5, 4, 4]
            self.score(app, values, scoring)
            accepted.append(app)
        for e in rest[:rejected_count]:
            app = self.submitted("running", e, window)
            app.state, app.decided_at = ApplicationState.REJECTED, decided
            self.endorse(
                app, endorsed=rng.random() < 0.7, latest=t.running_close + timedelta(days=10)
            )
            self.score(app, [rng.choice((1, 2, 2, 3, 3, 4)) for _ in CRITERIA], scoring)
            rejected.append(app)
        withdrawn: list[PlannedApplication] = []
        if len(rest) > rejected_count:
            app = self.submitted("running", rest[rejected_count], window)
            app.state = ApplicationState.WITHDRAWN
            app.withdrawn_at = between(
                rng,
                (app.submitted_at or decided) + timedelta(days=3),
                office_time(rng, t.running_step(10)),
            )
            withdrawn.append(app)
        # Everyone accepted ranks above everyone rejected.
        floor = min((a.weighted() or Decimal(0) for a in accepted), default=Decimal(5))
        for app in rejected:
            while (app.weighted() or Decimal(0)) >= floor:
                position = max(app.scores, key=lambda p: (app.scores[p][0], -p))
                value, _comment, at = app.scores[position]
                if value == 0:
                    break
                band = "low" if value - 1 <= 1 else "mid" if value - 1 <= 3 else "high"
                app.scores[position] = (value - 1, SCORE_COMMENTS[position][band][0], at)
        self.applications.extend(accepted + rejected + withdrawn)

    def submitted(
        self, cohort: str, employee_id: int, window: tuple[date, date]
    ) -> PlannedApplication:
        rng = self.rng
        first, last = window
        day = first + timedelta(days=rng.randint(0, (last - first).days))
        at = office_time(rng, day, 7, 22)
        app = PlannedApplication(
            cohort=cohort,
            employee_id=employee_id,
            state=ApplicationState.SUBMITTED,
            submitted_at=at,
            motivation=self.motivation(employee_id, day),
            created_at=at,
        )
        return app

    def endorse(self, app: PlannedApplication, *, endorsed: bool | None, latest: date) -> None:
        """The head's statement a few days after the application (``None``: still
        missing)."""
        if endorsed is None:
            return
        rng = self.rng
        submitted = app.submitted_at or app.created_at or self.cap
        day = min(to_berlin(submitted).date() + timedelta(days=rng.randint(1, 9)), latest)
        app.endorsement = Endorsement.ENDORSED if endorsed else Endorsement.NOT_ENDORSED
        app.endorsement_comment = rng.choice(ENDORSED if endorsed else NOT_ENDORSED)
        app.endorsed_at = max(office_time(rng, day), submitted + timedelta(hours=1))
        app.endorsed_by = self.staff.endorser(app.employee_id)

    # -- the intake in selection --------------------------------------------------------

    def selection(self) -> None:
        rng, t, staff = self.rng, self.t, self.staff
        window = (t.selection_open, t.selection_close)
        members = {m.employee_id for m in self.members}
        pool = [
            e for e in self.ordinary if e not in members and staff.eligible(e, t.selection_close)
        ]
        team = [e for e in pool if e in staff.team]
        others = [e for e in self.spread(pool) if e not in staff.team]
        wanted = min(rng.randint(*SELECTION_APPLICATIONS), len(pool))
        rng.shuffle(team)
        nominees, team_applicants = team[:2], team[2:5]
        chosen_others = others[: max(wanted - len(nominees) - len(team_applicants), 0)]
        latest_statement = self.today - timedelta(days=1)

        # The demo head's nominations: one accepted (submitted), one still awaiting consent.
        for i, e in enumerate(nominees):
            day = t.selection_open + timedelta(days=rng.randint(3, 20))
            at = office_time(rng, day)
            app = PlannedApplication(
                cohort="selection",
                employee_id=e,
                state=ApplicationState.NOMINATED,
                submitted_at=None,
                motivation=None,
                nominated_by=self.head_user,
                nomination_note=NOMINATION_NOTES[i % len(NOMINATION_NOTES)],
                endorsement=Endorsement.ENDORSED,
                endorsed_by=self.head_user,
                endorsement_comment=NOMINATION_NOTES[i % len(NOMINATION_NOTES)],
                endorsed_at=at,
                created_at=at,
            )
            if i == 0:
                app.state = ApplicationState.SUBMITTED
                app.motivation = NOMINEE_MOTIVATION
                app.submitted_at = office_time(
                    rng, min(day + timedelta(days=rng.randint(2, 6)), t.selection_close)
                )
                app.submitted_at = max(app.submitted_at, at + timedelta(hours=1))
            self.applications.append(app)

        # Applications from the demo head's team: his statement still missing for some.
        for i, e in enumerate(team_applicants):
            app = self.submitted("selection", e, window)
            self.endorse(app, endorsed=True if i == 1 else None, latest=latest_statement)
            self.applications.append(app)

        # Everyone else: statements of heads without an account (some not yet given).
        withdrawn = chosen_others[-1] if len(chosen_others) >= 6 else None
        for e in chosen_others:
            app = self.submitted("selection", e, window)
            roll = rng.random()
            endorsed = True if roll < 0.68 else False if roll < 0.85 else None
            self.endorse(app, endorsed=endorsed, latest=latest_statement)
            if e == withdrawn:
                app.state = ApplicationState.WITHDRAWN
                app.withdrawn_at = between(
                    rng, (app.submitted_at or self.cap) + timedelta(days=1), self.cap
                )
            self.applications.append(app)

        # HR scored about two thirds of the submitted applications.
        submitted = [
            a
            for a in self.applications
            if a.cohort == "selection" and a.state == ApplicationState.SUBMITTED
        ]
        order = list(submitted)
        rng.shuffle(order)
        scoring = (t.selection_close + timedelta(days=1), self.today - timedelta(days=1))
        for app in order[: round(len(order) * 2 / 3)]:
            base = rng.choice((2, 3, 3, 4, 4, 5))
            values = [min(max(base + rng.choice((-1, 0, 0, 1)), 0), 5) for _ in CRITERIA]
            if app.endorsement == Endorsement.NOT_ENDORSED:
                values[2] = min(values[2], 2)
            self.score(app, values, scoring)

    def plan(self) -> ProgrammePlan:
        self.running()
        self.selection()
        return ProgrammePlan(
            timeline=self.t,
            applications=self.applications,
            members=self.members,
            enrolments=self.enrolments,
            seats_added=dict(self.seats_added),
        )


def ranking(apps: Iterable[PlannedApplication]) -> list[PlannedApplication]:
    """Fully scored applications, best first; ties: endorsed first, then submitted earlier."""
    scored = [a for a in apps if a.weighted() is not None]
    return sorted(
        scored,
        key=lambda a: (
            -(a.weighted() or Decimal(0)),
            a.endorsement != Endorsement.ENDORSED,
            a.submitted_at or a.created_at,
        ),
    )
