"""Benchmark: errors and requests per second under concurrency, through a real server.

    .venv/bin/python -m bench.concurrency                      # 4 and 8 clients, SQLite
    .venv/bin/python -m bench.concurrency --clients 8 --requests 20
    .venv/bin/python -m bench.concurrency --database-url postgresql://…/empty_db

A fresh database (a temporary SQLite file unless ``--database-url`` names an empty one) is
migrated and filled with ``flask academy init`` and ``flask academy demo --employees N``;
gunicorn serves it with 2 workers on loopback. Per scenario and number of clients, every
client (a thread with its own cookie jar) sends a bounded number of requests; printed:
requests, answers with status 500, other statuses (0: no answer), req/s, and req/s
against the baseline: the same scenario with ONE client, measured first in the same run
(how much the server gains from parallel clients). The server's stderr is searched for
``database is locked``. Figures to read, not a test; ``tests/academy/test_concurrency.py``
runs the mixed load and asserts no 500.

The code served is the checkout this module is run from (``python -m`` puts the current
folder first): to measure another version, e.g. before a change, make a worktree
(``git worktree add /tmp/before HEAD``), copy this file into its ``bench/`` and run
``/path/to/.venv/bin/python -m bench.concurrency`` there.
"""

from __future__ import annotations

import argparse
import html
import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

LOCKED = "database is locked"
_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')
#: Settings for the served app: no login throttling gets in the way of the measured load
#: (the failed logins come from the same address as the successful ones); the names of
#: earlier versions are given too, so that the figures before a change can be measured.
SERVER_ENV = {
    "APP_ENV": "development",
    "SECRET_KEY": "bench-concurrency",
    "LOGIN_FREE_FAILURES": "100000",
    "LOGIN_MAX_FAILURES_PER_ADDRESS": "100000",
}


@dataclass(frozen=True)
class DemoFacts:
    """What the clients need from the demo database: accounts, people, course dates."""

    accounts: dict[str, tuple[str, str]]  #: demo key → (e-mail, password)
    employee_ids: list[int]
    session_ids: list[int]


def build_demo_database(url: str, employees: int) -> DemoFacts:
    """Migrate the (empty) database at ``url`` and load the demo through the real CLI."""
    from flask_migrate import upgrade
    from sqlalchemy import select

    from academy import create_app
    from academy.demo.accounts import DEMO_ACCOUNTS
    from academy.extensions import db
    from academy.org.models import Employee
    from courses.catalogue.models import Course
    from courses.sessions.models import CourseSession

    app = create_app({"SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade()
    runner = app.test_cli_runner()
    for args in (["academy", "init"], ["academy", "demo", "--employees", str(employees)]):
        result = runner.invoke(args=args)
        if result.exit_code != 0:
            raise RuntimeError(f"flask {' '.join(args)}: {result.output}")
    with app.app_context():
        employee_ids = list(db.session.scalars(select(Employee.id).order_by(Employee.id)))
        session_ids = list(
            db.session.scalars(
                select(CourseSession.id)
                .join(Course, Course.id == CourseSession.course_id)
                .where(CourseSession.cancelled_at.is_(None), Course.archived.is_(False))
                .order_by(CourseSession.starts_at.desc())
                .limit(40)
            )
        )
        db.session.remove()
        db.engine.dispose()
    accounts = {a.key: (a.email, a.password) for a in DEMO_ACCOUNTS}
    return DemoFacts(accounts, employee_ids, session_ids)


# ---------------------------------------------------------------------------
# The server
# ---------------------------------------------------------------------------


@dataclass
class Server:
    base_url: str
    stderr_path: Path
    process: subprocess.Popen[bytes]

    def stderr(self) -> str:
        return self.stderr_path.read_text(encoding="utf-8", errors="replace")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def code_root() -> Path:
    """The checkout whose ``academy`` package this interpreter imports (holds wsgi.py)."""
    import academy

    return Path(academy.__file__).resolve().parent.parent


@contextmanager
def gunicorn(
    database_url: str, instance: Path, *, workers: int = 2, timeout: float = 90
) -> Iterator[Server]:
    """gunicorn with ``workers`` sync workers serving ``wsgi:app`` on loopback; stopped
    (its own process only) when the block ends."""
    port = _free_port()
    root = code_root()
    env = {
        **os.environ,
        **SERVER_ENV,
        "DATABASE_URL": database_url,
        "INSTANCE_PATH": str(instance),
        "PYTHONPATH": os.pathsep.join(filter(None, [str(root), os.environ.get("PYTHONPATH")])),
    }
    stderr_path = instance / "gunicorn.stderr"
    command = [sys.executable, "-m", "gunicorn", "--workers", str(workers)]
    command += ["--bind", f"127.0.0.1:{port}", "--timeout", "120", "--chdir", str(root)]
    with stderr_path.open("wb") as stderr:
        process = subprocess.Popen(
            [*command, "wsgi:app"], env=env, stdout=subprocess.DEVNULL, stderr=stderr
        )
    server = Server(f"http://127.0.0.1:{port}", stderr_path, process)
    try:
        _wait_until_up(server, timeout)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_until_up(server: Server, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"gunicorn ended at start-up:\n{server.stderr()[-3000:]}")
        try:
            with urllib.request.urlopen(server.base_url + "/anmelden", timeout=5):
                return
        except (OSError, urllib.error.URLError):
            time.sleep(0.3)
    raise RuntimeError(f"gunicorn did not answer within {timeout:.0f} s")


# ---------------------------------------------------------------------------
# A client: one browser's cookie jar, no redirects followed
# ---------------------------------------------------------------------------


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


#: Status recorded for a request that got no HTTP answer (refused, reset, timed out).
NO_ANSWER = 0


class Client:
    def __init__(self, base_url: str, timeout: float = 60) -> None:
        self.base_url = base_url
        self.timeout = timeout
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), _NoRedirect()
        )
        self.statuses: list[int] = []

    def request(self, path: str, data: dict[str, str] | None = None) -> tuple[int, str]:
        body = None if data is None else urllib.parse.urlencode(data).encode()
        req = urllib.request.Request(self.base_url + path, data=body)
        try:
            with self.opener.open(req, timeout=self.timeout) as response:
                status, text = response.status, response.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as error:
            status, text = error.code, error.read().decode("utf-8", "replace")
        except OSError:
            status, text = NO_ANSWER, ""
        self.statuses.append(status)
        return status, text

    def csrf_token(self, path: str) -> str:
        _status, text = self.request(path)
        match = _CSRF.search(text)
        return html.unescape(match.group(1) or match.group(2)) if match else ""

    def log_in(self, email: str, password: str) -> int:
        token = self.csrf_token("/anmelden")
        data = {"csrf_token": token, "email": email, "password": password, "next": ""}
        return self.request("/anmelden", data)[0]


# ---------------------------------------------------------------------------
# Scenarios: what one client does for its n-th request
# ---------------------------------------------------------------------------

#: Logged-in clients of these demo accounts take turns (each an employee as well).
PEOPLE = ("employee", "head", "hr", "trainer", "council")


@dataclass
class Scenario:
    name: str
    account: str | None  #: demo account the client logs in with first (not counted)
    step: Callable[[Client, DemoFacts, int, int], None]  #: (client, facts, client no., n)


def _login(client: Client, facts: DemoFacts, index: int, n: int) -> None:
    fresh = Client(client.base_url, client.timeout)
    fresh.log_in(*facts.accounts[PEOPLE[(index + n) % len(PEOPLE)]])
    client.statuses.extend(fresh.statuses)


def _failed_login(client: Client, facts: DemoFacts, index: int, n: int) -> None:
    fresh = Client(client.base_url, client.timeout)
    email, _password = facts.accounts[PEOPLE[(index + n) % len(PEOPLE)]]
    fresh.log_in(email, "falsches-Passwort")
    client.statuses.extend(fresh.statuses)


def _record(client: Client, facts: DemoFacts, index: int, n: int) -> None:
    ids = facts.employee_ids
    client.request(f"/organisation/beschaeftigte/{ids[(index * 31 + n * 7) % len(ids)]}")


def _team(client: Client, facts: DemoFacts, index: int, n: int) -> None:
    client.request("/talente/team")


def _catalogue(client: Client, facts: DemoFacts, index: int, n: int) -> None:
    client.request("/kurse")


def _enrol(client: Client, facts: DemoFacts, index: int, n: int) -> None:
    token = client.csrf_token("/kurse/meine")
    session_id = facts.session_ids[(index * 5 + n) % len(facts.session_ids)]
    client.request(f"/kurse/termine/{session_id}/anmelden", {"csrf_token": token})


SCENARIOS = {
    "login": Scenario("Anmeldungen", None, _login),
    "failed": Scenario("Fehlgeschlagene Anmeldungen", None, _failed_login),
    "record": Scenario("Personalakte (PE, Zugriffsprotokoll)", "hr", _record),
    "team": Scenario("Team-Ansicht (Leitung, Zugriffsprotokoll)", "head", _team),
    "catalogue": Scenario("Kurskatalog (nur lesend)", "employee", _catalogue),
    "enrol": Scenario("Kursanmeldungen", "*", _enrol),
}


def _mixed(client: Client, facts: DemoFacts, index: int, n: int) -> None:
    """Each client in turn: log in, a failed login, the personnel record or the team
    view (as its account may), enrolling."""
    steps = (_login, _failed_login, _record if index % 2 else _team, _enrol)
    steps[n % len(steps)](client, facts, index, n)


SCENARIOS["mixed"] = Scenario("Gemischt (alles zugleich)", "mixed", _mixed)
_MIXED_ACCOUNTS = ("head", "hr")  # _record needs HR, _team the head


@dataclass
class Result:
    name: str
    clients: int
    seconds: float
    statuses: Counter[int] = field(default_factory=Counter)

    @property
    def requests(self) -> int:
        return sum(self.statuses.values())

    @property
    def errors(self) -> int:
        return self.statuses[500]


def run_scenario(
    server: Server, facts: DemoFacts, scenario: Scenario, clients: int, per_client: int
) -> Result:
    """``clients`` threads, each logged in as the scenario says, then ``per_client`` steps
    started at the same moment; only the steps' requests are counted."""
    prepared: list[Client] = []
    for index in range(clients):
        client = Client(server.base_url)
        account = scenario.account
        if account == "*":
            account = PEOPLE[index % len(PEOPLE)]
        elif account == "mixed":
            account = _MIXED_ACCOUNTS[index % 2]
        if account is not None:
            client.log_in(*facts.accounts[account])
            client.statuses.clear()
        prepared.append(client)
    start = threading.Barrier(clients + 1)

    def work(index: int) -> None:
        start.wait()
        for n in range(per_client):
            scenario.step(prepared[index], facts, index, n)

    threads = [threading.Thread(target=work, args=(i,), daemon=True) for i in range(clients)]
    for thread in threads:
        thread.start()
    start.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join(timeout=600)
    result = Result(scenario.name, clients, time.perf_counter() - began)
    for client in prepared:
        result.statuses.update(client.statuses)
    return result


def rate(result: Result) -> float:
    return result.requests / result.seconds if result.seconds else 0.0


def report(result: Result, baseline: Result | None = None) -> str:
    """One line: requests, 500s, req/s and, against ``baseline`` (the same scenario with
    one client, the same run), how much more the server answered per second."""
    others = ", ".join(f"{s or 'keine Antwort'}×{c}" for s, c in sorted(result.statuses.items()))
    ratio = f"{rate(result) / rate(baseline):5.2f}×" if baseline and rate(baseline) else "  –   "
    return (
        f"{result.name:<42} {result.clients:>2} Clients {result.requests:>4} Anfragen "
        f"{result.errors:>4} × 500 {rate(result):7.1f} Anfr./s {ratio} ({others})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, nargs="+", default=[4, 8])
    parser.add_argument("--requests", type=int, default=10, help="steps per client")
    parser.add_argument("--employees", type=int, default=200)
    parser.add_argument("--scenarios", nargs="+", default=list(SCENARIOS), choices=SCENARIOS)
    parser.add_argument("--database-url", default="", help="an EMPTY database (default SQLite)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-concurrency-") as folder:
        instance = Path(folder)
        url = args.database_url or f"sqlite:///{instance / 'bench.sqlite'}"
        print(f"Code: {code_root()}  Datenbank: {url.split('@')[-1]}")
        facts = build_demo_database(url, args.employees)
        print("Spalte nach Anfr./s: gegenüber 1 Client nacheinander (Basis, gleicher Lauf)")
        with gunicorn(url, instance) as server:
            for key in args.scenarios:
                baseline = run_scenario(server, facts, SCENARIOS[key], 1, args.requests)
                print(report(baseline), flush=True)
                for clients in args.clients:
                    result = run_scenario(server, facts, SCENARIOS[key], clients, args.requests)
                    print(report(result, baseline), flush=True)
            locked = server.stderr().count(LOCKED)
        print(f"„{LOCKED}“ im stderr des Servers: {locked}×")


if __name__ == "__main__":
    main()
