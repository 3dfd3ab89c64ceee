"""The employees' catalogue search: words ANDed over code, title and description, each
filter, archived courses left out, order by next session then title, pagination, and a
fixed number of SQL statements per page however many courses there are."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from academy.extensions import db
from academy.frameworks.models import Competence, CompetenceArea, Framework, FrameworkLevel
from courses.catalogue.models import Course, CourseOutcome
from courses.catalogue.search import CatalogueFilters, search_catalogue, search_words
from courses.enrolment.models import EnrolmentState
from tests.courses import factories as cf
from tests.querycount import count_queries

#: Monday 4 March 2030, 10:00 in Berlin.
NOW = datetime(2030, 3, 4, 9, 0, tzinfo=UTC)


def at(days: int, hour_utc: int = 8) -> datetime:
    return (NOW + timedelta(days=days)).replace(hour=hour_utc, minute=0)


def codes(filters: CatalogueFilters | None = None, **kwargs: object) -> list[str]:
    result = search_catalogue(filters or CatalogueFilters(**kwargs), now=NOW, per_page=100)
    return [e.course.code for e in result.entries]


def competences(n: int = 2) -> list[Competence]:
    fw = Framework(code="SFW", name_de="Suchrahmen", name_en="Search framework")
    fw.levels = [FrameworkLevel(level=i, name_de=f"S{i}", name_en=f"L{i}") for i in (1, 2, 3)]
    area = CompetenceArea(code="A", name_de="Bereich", name_en="Area", framework=fw)
    db.session.add_all([fw, area])
    db.session.flush()
    items = [
        Competence(
            framework_id=fw.id,
            area_id=area.id,
            code=f"S.{i}",
            name_de=f"Kompetenz {i}",
            name_en=f"Competence {i}",
        )
        for i in range(n)
    ]
    db.session.add_all(items)
    db.session.flush()
    return items


def only_mine(found: list[str], prefix: str) -> list[str]:
    """Leave out courses other tests' data might add (the test database is shared)."""
    return [c for c in found if c.startswith(prefix)]


def described(code: str, title: str, description: str) -> Course:
    course = cf.course(code=code, title=title)
    course.description = description
    db.session.flush()
    return course


def test_words_are_anded_over_code_title_and_description(db):
    described("SW-SCRUM", "Scrum für Einsteiger", "Agile Rollen")
    described("SW-KANBAN", "Kanban im Team", "Agile Boards, Scrum-Vergleich")
    described("SW-OZG", "Onlinezugangsgesetz", "Digitale Verwaltung")
    assert sorted(only_mine(codes(text="scrum"), "SW-")) == ["SW-KANBAN", "SW-SCRUM"]
    assert only_mine(codes(text="SCRUM rollen"), "SW-") == ["SW-SCRUM"]
    assert only_mine(codes(text="agile   boards"), "SW-") == ["SW-KANBAN"]
    assert only_mine(codes(text="sw-ozg"), "SW-") == ["SW-OZG"]
    assert only_mine(codes(text="scrum verwaltung"), "SW-") == []


def test_like_wildcards_are_taken_literally(db):
    cf.course(code="SW-PCT", title="100% digital")
    cf.course(code="SW-UND", title="E_Akte kompakt")
    cf.course(code="SW-OTHER", title="1000 digitale Ideen")
    assert only_mine(codes(text="100%"), "SW-") == ["SW-PCT"]
    assert only_mine(codes(text="e_akte"), "SW-") == ["SW-UND"]


def test_search_words_are_limited():
    assert search_words("  a  b a ") == ["a", "b"]
    assert len(search_words(" ".join(f"w{i}" for i in range(30)))) == 10
    assert search_words(None) == []


def test_filters_category_format_level(db):
    cat = cf.category()
    cf.course(code="FL-1", in_category=cat, format="online", level="basic")
    cf.course(code="FL-2", in_category=cat, format="in_person", level="advanced")
    cf.course(code="FL-3", format="online", level="advanced")
    assert sorted(codes(category_id=cat.id)) == ["FL-1", "FL-2"]
    assert only_mine(codes(category_id=cat.id, format="online"), "FL-") == ["FL-1"]
    assert only_mine(sorted(codes(level="advanced")), "FL-") == ["FL-2", "FL-3"]
    assert only_mine(codes(format="online", level="advanced"), "FL-") == ["FL-3"]


def test_filter_by_competence(db):
    first, second = competences()
    with_first = cf.course(code="CP-1")
    db.session.add(CourseOutcome(course_id=with_first.id, competence_id=first.id, level=2))
    both = cf.course(code="CP-2")
    db.session.add_all(
        [
            CourseOutcome(course_id=both.id, competence_id=first.id, level=1),
            CourseOutcome(course_id=both.id, competence_id=second.id, level=3),
        ]
    )
    cf.course(code="CP-3")
    db.session.flush()
    assert sorted(codes(competence_id=first.id)) == ["CP-1", "CP-2"]
    assert codes(competence_id=second.id) == ["CP-2"]
    entry = search_catalogue(CatalogueFilters(competence_id=second.id), now=NOW).entries[0]
    assert sorted(o.competence.code for o in entry.outcomes) == ["S.0", "S.1"]


def test_period_filter_uses_berlin_calendar_days(db):
    march = cf.course(code="PD-MAR")
    cf.session(march, starts_at=datetime(2030, 3, 20, 8, 0, tzinfo=UTC))
    april = cf.course(code="PD-APR")
    # 1 April 2030, 00:30 in Berlin (CEST) is still 31 March in UTC.
    cf.session(april, starts_at=datetime(2030, 3, 31, 22, 30, tzinfo=UTC))
    cf.course(code="PD-NONE")
    in_march = CatalogueFilters(date_from=date(2030, 3, 1), date_to=date(2030, 3, 31))
    assert only_mine(codes(in_march), "PD-") == ["PD-MAR"]
    from_april = CatalogueFilters(date_from=date(2030, 4, 1))
    assert only_mine(codes(from_april), "PD-") == ["PD-APR"]
    until_20 = CatalogueFilters(date_to=date(2030, 3, 20))
    assert only_mine(codes(until_20), "PD-") == ["PD-MAR"]


def test_free_seats_filter(db):
    free = cf.course(code="FS-FREE")
    cf.session(free, starts_at=at(20), capacity=2)
    full = cf.course(code="FS-FULL")
    full_session = cf.session(full, starts_at=at(20), capacity=1)
    cf.enrolment(full_session, state=EnrolmentState.CONFIRMED)
    late = cf.course(code="FS-LATE")  # seats, but the enrolment deadline has passed
    cf.session(late, starts_at=at(2), enrolment_deadline=NOW - timedelta(hours=1))
    cancelled = cf.course(code="FS-CANC")
    cf.session(cancelled, starts_at=at(20), cancelled_at=NOW)
    past = cf.course(code="FS-PAST")
    cf.session(past, starts_at=at(-5), enrolment_deadline=at(-12), cancellation_deadline=at(-8))
    mixed = cf.course(code="FS-MIXED")  # the full session first, a free one later
    mixed_full = cf.session(mixed, starts_at=at(10), capacity=1)
    cf.enrolment(mixed_full, state=EnrolmentState.CONFIRMED)
    later = cf.session(mixed, starts_at=at(40), capacity=5)

    found = only_mine(codes(free_seats=True), "FS-")
    assert sorted(found) == ["FS-FREE", "FS-MIXED"]
    every = only_mine(codes(), "FS-")
    assert sorted(every) == sorted(
        ["FS-FREE", "FS-FULL", "FS-LATE", "FS-CANC", "FS-PAST", "FS-MIXED"]
    )
    entries = {
        e.course.code: e
        for e in search_catalogue(CatalogueFilters(free_seats=True), now=NOW, per_page=100).entries
    }
    assert entries["FS-MIXED"].next_session.id == later.id  # the one with free seats
    assert entries["FS-FREE"].seats_left == 2


def test_archived_courses_are_left_out(db):
    cf.course(code="AR-OPEN", title="Archivtest offen")
    gone = cf.course(code="AR-GONE", title="Archivtest alt", archived=True)
    cf.session(gone, starts_at=at(10))
    assert only_mine(codes(text="archivtest"), "AR-") == ["AR-OPEN"]


def test_order_by_next_session_then_title(db):
    cat = cf.category()
    late = cf.course(code="OR-LATE", title="Alpha", in_category=cat)
    cf.session(late, starts_at=at(30))
    soon = cf.course(code="OR-SOON", title="Zeta", in_category=cat)
    cf.session(soon, starts_at=at(5))
    cf.session(soon, starts_at=at(50))
    cf.session(soon, starts_at=at(1), cancelled_at=NOW)  # cancelled: not the next one
    cf.session(soon, starts_at=at(-3))  # in the past: not the next one
    cf.course(code="OR-NONE-B", title="Beta", in_category=cat)
    cf.course(code="OR-NONE-A", title="alpha", in_category=cat)
    result = search_catalogue(CatalogueFilters(category_id=cat.id), now=NOW)
    assert [e.course.code for e in result.entries] == [
        "OR-SOON",
        "OR-LATE",
        "OR-NONE-A",
        "OR-NONE-B",
    ]
    first = result.entries[0]
    assert first.next_session.starts_at == at(5)
    assert result.entries[2].next_session is None and result.entries[2].seats_left is None


def test_pagination(db):
    cat = cf.category()
    for i in range(45):
        cf.course(code=f"PG-{i:02d}", title=f"Kurs {i:02d}", in_category=cat)
    filters = CatalogueFilters(category_id=cat.id)
    pages = [search_catalogue(filters, now=NOW, page=n) for n in (1, 2, 3)]
    assert [len(p.entries) for p in pages] == [20, 20, 5]
    assert pages[0].pagination.total == 45 and pages[0].pagination.pages == 3
    seen = [e.course.code for p in pages for e in p.entries]
    assert seen == [f"PG-{i:02d}" for i in range(45)]
    assert search_catalogue(filters, now=NOW, page=9).entries == []


def populate(cat_name: str, n: int, comps: list[Competence]) -> CatalogueFilters:
    cat = cf.category(cat_name)
    for i in range(n):
        course = cf.course(code=f"{cat_name}-{i:03d}", in_category=cat, format="online")
        for days in (10 + i % 7, 40):
            cf.session(course, starts_at=at(days), location="Raum 1")
        for comp in comps:
            db.session.add(CourseOutcome(course_id=course.id, competence_id=comp.id, level=2))
    db.session.flush()
    db.session.expire_all()
    return CatalogueFilters(category_id=cat.id, format="online")


@pytest.mark.parametrize("free_seats", [False, True])
def test_query_count_is_constant(db, free_seats):
    comps = competences()
    small = populate("QCS", 5, comps)
    large = populate("QCL", 50, comps)
    counts = []
    for filters in (small, large):
        filters = CatalogueFilters(
            category_id=filters.category_id, format="online", free_seats=free_seats
        )
        with count_queries(db.engine) as queries:
            result = search_catalogue(filters, now=NOW)
            for entry in result.entries:  # what the page shows
                _ = (entry.course.category.name, entry.seats_left)
                _ = [o.competence.name_de for o in entry.outcomes]
        counts.append(queries.count)
    assert len(result.entries) == 20 and result.pagination.total == 50
    assert counts[0] == counts[1] == 4, counts


def test_entry_for_course_without_anything(db):
    course = cf.course(code="EMPTY-1")
    entry = next(e for e in search_catalogue(CatalogueFilters(text="EMPTY-1"), now=NOW).entries)
    assert entry.course.id == course.id and entry.outcomes == []
    assert isinstance(entry.course, Course)
