"""Route × role × object: every route of the URL map, for every role, with the ids of
another person's objects (the stranger B, outside every prober's scope).

For each request: no 2xx answer that shows B's data (name, personnel number, e-mail —
also inside XLSX/ZIP/PDF files) unless the table ``MAY_SEE`` below says that role may,
and no state change for a POST unless ``MAY_CHANGE`` says so (checksum of every table
but the logs, each POST inside a savepoint that is rolled back afterwards).

The expectations are written down here per route family — not asked from the policy —
so the test fails when the policy is wrong. A route that is in no family, or whose URL
takes a parameter this test cannot fill, fails the test: a new route cannot slip through.
"""

from __future__ import annotations

import fnmatch
import hashlib
import io
import re
import zipfile
import zlib
from typing import Any

import pytest
from sqlalchemy import inspect, text

from academy.accounts.models import User
from reports.analytics.catalogue import REPORTS
from tests.conftest import log_in
from tests.object_world import ROLES, STRANGER_MARKERS, World, build_world

ALL = frozenset(ROLES)
HR = frozenset({"hr"})
NOBODY: frozenset[str] = frozenset()

# ---------------------------------------------------------------------------
# Expectations: (endpoint pattern, roles that may SEE B's data, roles that may CHANGE
# state with this request). The first matching pattern wins; every route must match.
# ---------------------------------------------------------------------------
EXPECTATIONS: list[tuple[str, frozenset[str], frozenset[str]]] = [
    # Signing out/in, language, own notifications, own calendar link: one's own state.
    ("auth.logout", NOBODY, ALL),
    ("auth.login", NOBODY, NOBODY),
    ("auth.account", NOBODY, ALL),
    # Sign-on through the directory: public ways in (not configured here: 404).
    ("signon.*", NOBODY, NOBODY),
    ("signon_admin.*", frozenset({"admin"}), frozenset({"admin"})),
    ("academy.set_language", NOBODY, ALL),
    ("academy.home", NOBODY, NOBODY),
    ("academy.healthz", NOBODY, NOBODY),
    ("notifications.index", NOBODY, NOBODY),
    ("notifications.mark_all_read", NOBODY, ALL),
    ("notifications.open_notification", NOBODY, NOBODY),  # B's notice: nobody else
    ("notifications.outbox*", frozenset({"admin"}), frozenset({"admin"})),
    # Background exports: only the requester's own (B's job: nobody else).
    ("jobs.*", NOBODY, NOBODY),
    # Public certificate verification by its code shows the holder by design.
    ("reports.verify*", ALL, NOBODY),
    ("reports.assertion", ALL, NOBODY),
    ("reports.badge*", ALL, NOBODY),
    ("reports.issuer", NOBODY, NOBODY),
    # Certificates: holder, head of the holder's subtree, HR.
    ("reports.certificate*", HR, HR),
    ("reports.session_zip", HR, NOBODY),
    ("reports.issue_external", HR, HR),
    # HR reports: single people for HR; heads only their subtree; council aggregates.
    ("reports.index", NOBODY, NOBODY),
    ("reports.report", HR, NOBODY),
    ("reports.export", HR, NOBODY),
    # Organisation: HR everything, admins the staff list (to link accounts), heads
    # their subtree only.
    ("org.index", frozenset({"hr", "admin"}), NOBODY),
    ("org.employees", frozenset({"hr", "admin"}), NOBODY),
    ("org.department", frozenset({"hr", "admin"}), NOBODY),
    ("org.employee", HR, NOBODY),
    ("org.set_head", HR, HR),
    ("staff.*", NOBODY, NOBODY),  # another HR person's upload: not even HR
    ("frameworks.import_*", NOBODY, NOBODY),
    ("frameworks.*", NOBODY, NOBODY),
    ("admin.*", frozenset({"admin"}), frozenset({"admin"})),
    # Invitations: the link's page shows only the invited person (a wrong link nothing);
    # HR and administrators list and invite staff without an account.
    ("invitations.accept_invitation", NOBODY, NOBODY),
    ("invitations.*", frozenset({"hr", "admin"}), frozenset({"hr", "admin"})),
    ("audit.audit_log", frozenset({"admin", "hr", "council"}), NOBODY),
    ("audit.access_log", frozenset({"admin", "council"}), NOBODY),
    ("access_overview.*", frozenset({"admin", "council"}), NOBODY),
    # Art. 15: one's own data; HR produces a person's on request.
    ("privacy.my_data*", NOBODY, NOBODY),
    ("privacy.disclosure", HR, HR),
    # Privacy notice and accessibility statement: no people; administrators edit them.
    ("site_texts.privacy", NOBODY, NOBODY),
    ("site_texts.accessibility", NOBODY, NOBODY),
    ("site_texts.*", NOBODY, frozenset({"admin"})),
    # Courses: the catalogue holds no people; rosters are the session's trainer's (the
    # prober trains another session) and HR's; approvals are B's head's and HR's.
    ("courses.catalogue", NOBODY, NOBODY),
    ("courses.course", NOBODY, NOBODY),
    ("courses.session_ics", NOBODY, NOBODY),
    ("courses.enrol", NOBODY, ALL),  # every prober may enrol themselves
    ("courses.enrol_override", HR, HR),
    ("courses.cancel_enrolment", HR, HR),
    ("courses.approvals", HR, NOBODY),
    ("courses.approve_selected", HR, HR),
    ("courses.approve_enrolment", HR, HR),
    ("courses.decline_enrolment", HR, HR),
    ("courses.calendar_feed", NOBODY, NOBODY),  # B's revoked link
    ("courses.calendar_*", NOBODY, ALL),  # one's own link
    ("courses.my_learning", NOBODY, NOBODY),
    ("courses.trainer_sessions", NOBODY, NOBODY),
    ("courses.session_roster", HR, NOBODY),
    ("courses.sign_in_sheet", HR, NOBODY),
    ("courses.roster_*", HR, HR),
    ("courses.manage_*", HR, HR),
    # Budgets: no names on the overview and in the finance files; a unit's bookings name
    # people (B's unit: HR only); HR sets budgets. External training: B's request and its
    # file for HR (the prober head heads another unit); only B withdraws it.
    ("courses.budgets", NOBODY, NOBODY),
    ("courses.budget_unit", HR, NOBODY),
    ("courses.budget_set", HR, HR),
    ("courses.budget_*_csv", NOBODY, NOBODY),
    ("courses.external_mine", NOBODY, NOBODY),
    ("courses.external_new", NOBODY, ALL),  # one's own request
    ("courses.external_course", NOBODY, NOBODY),
    ("courses.external_withdraw", NOBODY, NOBODY),
    ("courses.external_decisions", HR, NOBODY),
    ("courses.external_*", HR, HR),
    # Mandatory training: HR's pages show everyone (B is named by an assignment and has
    # evidence); the prober head's team and one's own page do not hold B.
    ("courses.mandatory_assignments", NOBODY, NOBODY),
    ("courses.mandatory_new", NOBODY, NOBODY),
    ("courses.mandatory_mine", NOBODY, NOBODY),
    ("courses.mandatory_team", NOBODY, NOBODY),
    ("courses.mandatory_*", HR, HR),
    # Team bookings: the prober head books only A's unit; HR may release B's unit's
    # reservation and withdraw a suggestion; only B answers B's suggestion.
    ("courses.teambooking", NOBODY, NOBODY),
    ("courses.teambooking_session", NOBODY, NOBODY),
    ("courses.teambooking_reserve", NOBODY, NOBODY),
    ("courses.teambooking_*", HR, HR),
    ("courses.proposal_*", NOBODY, NOBODY),
    # Course evaluations: no page names anyone who answered; HR keeps questionnaires,
    # settings and rounds; the prober took no part in B's session.
    ("courses.my_evaluations", NOBODY, NOBODY),
    ("courses.evaluation_answer", NOBODY, NOBODY),
    ("courses.questionnaire*", NOBODY, HR),
    ("courses.question_*", NOBODY, HR),
    ("courses.evaluation_*", NOBODY, HR),
    ("reports.evaluation*", NOBODY, NOBODY),
    # Talent: profiles of B for HR only (the prober head heads another unit).
    ("talent.my_competencies", NOBODY, NOBODY),
    ("talent.self_assessment", NOBODY, frozenset({"employee", "head", "hr", "trainer"})),
    ("talent.member", HR, NOBODY),
    ("talent.member_rate", HR, HR),
    # Starting a background export of one's own team view stores one's own job.
    ("talent.team_export_job", HR, frozenset({"head", "hr"})),
    ("talent.team*", HR, NOBODY),
    ("talent.profile*", HR, HR),
    ("talent.evidence", HR, HR),
    ("talent.mapping*", NOBODY, frozenset({"hr", "admin"})),
    ("talent.council_review*", frozenset({"council"}), NOBODY),
    ("talent.council_decision", frozenset({"council"}), frozenset({"council"})),
    ("talent.candidates", NOBODY, NOBODY),
    ("talent.endorse_application", NOBODY, NOBODY),
    ("talent.nominate_candidate", NOBODY, NOBODY),
    ("talent.my_programme", NOBODY, NOBODY),
    ("talent.my_programmes", NOBODY, NOBODY),
    ("talent.mentees", HR, NOBODY),  # HR sees every member
    ("talent.apply_to_cohort", NOBODY, ALL - {"head"}),  # may apply themselves
    ("talent.accept_nomination_view", NOBODY, NOBODY),
    ("talent.decline_nomination_view", NOBODY, NOBODY),
    ("talent.withdraw_application", NOBODY, NOBODY),
    ("talent.member_progress", HR, NOBODY),
    ("talent.member_sign_off", HR, HR),
    ("talent.member_*", HR, HR),
    ("talent.selection_*", HR, HR),
    ("talent.cohort_*", HR, HR),
    ("talent.programme*", HR, HR),
    # Read API: a login session is no token (401); its documentation holds no people;
    # administrators manage the tokens (which are about no one).
    ("api.*", NOBODY, NOBODY),
    ("api_docs.*", NOBODY, NOBODY),
    ("api_tokens.*", NOBODY, frozenset({"admin"})),
]

# ---------------------------------------------------------------------------
# How to fill URL parameters: by name (B's object of that kind), or per endpoint.
# ---------------------------------------------------------------------------
#: Parameters named after an object kind get B's object of that kind (World.ids).
#: ``token`` / ``key`` / ``fmt`` differ per route and are filled per endpoint below.
TOKEN_ROUTES = {
    "courses.calendar_feed": "calendar_revoked",
    "invitations.accept_invitation": "calendar_revoked",  # a token of another kind
    "staff.preview": "staff_upload",
    "staff.result": "staff_upload",
    "staff.problems_file": "staff_upload",
    "staff.apply": "staff_upload",
    "staff.discard": "staff_upload",
    "frameworks.import_preview": "staff_upload",  # another person's upload, other kind
    "talent.mapping_import_preview": "staff_upload",
}
#: Routes with a file format in the URL: the format probed.
FORMATS = {
    "privacy.my_data_file": "json",
    "access_overview.overview_file": "csv",
    "reports.evaluations_export": "csv",
    "reports.evaluation_session_export": "csv",
}
#: Routes taking a report key: every report, as page and CSV export.
KEY_ROUTES = {"reports.report", "reports.export"}
#: Per endpoint: parameters that are not B's object of the parameter's name.
OVERRIDES = {
    "courses.roster_promote": {"enrolment_id": "waitlisted_id"},
    "courses.roster_rerank": {"enrolment_id": "waitlisted_id"},
    "site_texts.reset": {"key": "site_text_key"},
}
#: Form fields sent with every POST (names used by the forms of the app); unknown
#: fields are ignored by WTForms.
POST_BODY = {
    "reason": "Prüfung der Berechtigungen",
    "comment": "Prüfung der Berechtigungen",
    "statement": "Prüfung der Berechtigungen durch den Test.",
    "confirm": "y",
    "level": "3",
    "score": "4",
    "position": "1",
    "capacity": "5",
    "decision": "consent",
    "endorsement": "endorsed",
    "personnel_no": "PZB4711",
    "employee_id": "",
    "enrolment_ids": "",
    "token": "",
    "state": "attended",
    "motivation": "Ich möchte die Digitalisierung der Verwaltung voranbringen, " * 2,
}
#: Tables that change as a side effect of any request (sign-in sessions, logs).
VOLATILE_TABLES = {"user_sessions", "login_attempts", "access_log", "audit_log"}
SKIPPED_ENDPOINTS = {"static", "bootstrap.static"}


def expectation(endpoint: str) -> tuple[frozenset[str], frozenset[str]] | None:
    for pattern, see, change in EXPECTATIONS:
        if fnmatch.fnmatchcase(endpoint, pattern):
            return see, change
    return None


def _fill(world: World, endpoint: str, arg: str) -> Any:
    name = OVERRIDES.get(endpoint, {}).get(arg, arg)
    if name == "token":
        return world.tokens[TOKEN_ROUTES[endpoint]]
    if name == "fmt":
        return FORMATS[endpoint]
    return world.ids[name]


def probes(app: Any, world: World) -> tuple[list[tuple[str, str, str]], list[str]]:
    """(endpoint, method, url) for every route, and the routes this test cannot fill."""
    result, unclassified = [], []
    for rule in app.url_map.iter_rules():
        endpoint = rule.endpoint
        if endpoint in SKIPPED_ENDPOINTS or endpoint.endswith(".static"):
            continue
        if expectation(endpoint) is None:
            unclassified.append(f"{endpoint}: in no family of EXPECTATIONS")
            continue
        methods = sorted((rule.methods or set()) - {"HEAD", "OPTIONS"})
        if endpoint in KEY_ROUTES:
            fmt = {"fmt": "csv"} if "fmt" in rule.arguments else {}
            assert rule.arguments <= {"key", "fmt"}, endpoint
            for key in sorted(REPORTS):
                url = rule.build({"key": key, **fmt}, append_unknown=False)[1]
                result += [(endpoint, m, url) for m in methods]
            continue
        try:
            values = {arg: _fill(world, endpoint, arg) for arg in rule.arguments}
        except KeyError as missing:
            unclassified.append(f"{endpoint}: parameter {missing} has no object kind")
            continue
        url = rule.build(values, append_unknown=False)[1]
        result += [(endpoint, m, url) for m in methods]
    return result, unclassified


# ---------------------------------------------------------------------------
# Looking for B in an answer, and for changes in the database
# ---------------------------------------------------------------------------


def _texts(body: bytes) -> list[str]:
    """The text of a page or file: ZIP members (XLSX, certificate archives) unpacked,
    PDF streams inflated."""
    parts = [body]
    if body[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            parts += [archive.read(name) for name in archive.namelist()]
    if body[:4] == b"%PDF":
        for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", body, re.S):
            try:
                parts.append(zlib.decompress(stream))
            except zlib.error:
                continue
    texts = []
    for part in parts:
        texts.append(part.decode("utf-8", "replace"))
        texts.append(part.decode("utf-16-be", "ignore").replace("\x00", ""))
    return texts


def shows_stranger(body: bytes) -> str | None:
    for content in _texts(body):
        for marker in STRANGER_MARKERS:
            if marker.lower() in content.lower():
                return marker
    return None


def checksum(connection: Any) -> str:
    digest = hashlib.sha256()
    for table in sorted(inspect(connection).get_table_names()):
        if table in VOLATILE_TABLES or table == "alembic_version":
            continue
        rows = connection.execute(text(f"SELECT * FROM {table}")).all()
        for row in sorted(repr(tuple(row)) for row in rows):
            digest.update(f"{table}:{row}\n".encode())
    return digest.hexdigest()


def staff_upload_of(client: Any, account: Any) -> str:
    """A staff file with B's row, uploaded by ``account`` through the real page."""
    log_in(client, account)
    header = "Personalnummer;Vorname;Nachname;E-Mail;Organisationseinheit;Aktiv"
    row = "PZB4711;Bertha;Zwiebelfisch;bertha.zwiebelfisch@stadt.example;T9999;ja"
    data = {"file": (io.BytesIO(f"{header}\r\n{row}\r\n".encode()), "personal.csv")}
    response = client.post("/personal/import", data=data, content_type="multipart/form-data")
    location = response.headers.get("Location", "")
    match = re.search(r"/personal/import/([^/?]+)", location)
    assert match, (response.status_code, location)
    return match.group(1)


def _post(client: Any, db: Any, url: str) -> tuple[Any, bool]:
    """POST inside a savepoint that is rolled back: the answer and whether it changed
    anything."""
    db.session.commit()
    db.session.close()
    connection = db.session.get_bind()
    savepoint = connection.begin_nested()
    try:
        before = checksum(connection)
        response = client.post(url, data=POST_BODY)
        db.session.close()
        changed = checksum(connection) != before
    finally:
        savepoint.rollback()
    return response, changed


# ---------------------------------------------------------------------------
# The test
# ---------------------------------------------------------------------------


def test_every_route_has_an_expectation_and_fillable_parameters(app, db):
    world = build_world()
    world.tokens["staff_upload"] = "an-upload-token"
    _routes, unclassified = probes(app, world)
    assert unclassified == [], "\n".join(unclassified)


@pytest.mark.parametrize("role", ROLES)
def test_no_foreign_data_and_no_foreign_change(app, client, db, role):
    world = build_world()
    hr2 = db.session.get(User, world.account_ids["hr2"])
    world.tokens["staff_upload"] = staff_upload_of(client, hr2)
    account_id = world.account_ids[role]
    log_in(client, db.session.get(User, account_id))
    routes, _unclassified = probes(app, world)
    leaks, changes = [], []
    for endpoint, method, url in routes:
        see, change = expectation(endpoint) or (NOBODY, NOBODY)
        if method == "POST":
            response, changed = _post(client, db, url)
            if changed and role not in change:
                changes.append(f"{endpoint} {url} → {response.status_code}")
        else:
            response = client.get(url)
        assert response.status_code < 500, (role, endpoint, url, response.status_code)
        if endpoint in ("auth.logout",) or response.status_code >= 300:
            if endpoint == "auth.logout":
                log_in(client, db.session.get(User, account_id))
            continue
        marker = shows_stranger(response.get_data())
        if marker and role not in see:
            leaks.append(f"{endpoint} {method} {url}: {marker!r}")
    assert leaks == [], f"{role} sees the stranger's data"
    assert changes == [], f"{role} changed state through another person's object"


def test_markers_are_found_where_hr_may_look(app, client, db):
    """The probe itself works: HR sees B on B's record page and in the CSV export."""
    world = build_world()
    log_in(client, world.accounts["hr"])
    page = client.get(f"/organisation/beschaeftigte/{world.stranger.id}")
    assert page.status_code == 200
    assert shows_stranger(page.get_data()) == "Zwiebelfisch"
