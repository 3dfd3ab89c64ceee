"""The parts of ``bench.http``: gunicorn on loopback and a bounded HTTP client.

The client is deliberately lean (a raw socket per request, the request bytes built once)
so that on a small machine it costs little beside the servers it measures; it sends
``Connection: close`` as gunicorn's sync workers close every connection anyway.
"""

from __future__ import annotations

import html
import json
import os
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

#: Settings of the served app: production, and no login throttling in the way.
SERVER_ENV = {
    "APP_ENV": "production",
    "SECRET_KEY": "bench-http-secret-key-bench-http-secret-key",
    "LOGIN_FREE_FAILURES": "100000",
    "LOGIN_MAX_FAILURES_PER_ADDRESS": "100000",
    "LOG_LEVEL": "WARNING",
}
_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
#: Status recorded for a request without an HTTP answer (refused, reset, timed out).
NO_ANSWER = 0


@dataclass
class Server:
    name: str
    port: int
    stderr_path: Path
    process: subprocess.Popen[bytes]

    def stderr(self) -> str:
        return self.stderr_path.read_text(encoding="utf-8", errors="replace")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def code_root() -> Path:
    import academy

    return Path(academy.__file__).resolve().parent.parent


@contextmanager
def gunicorn(spec: str, database_url: str, instance: Path, name: str) -> Iterator[Server]:
    """gunicorn (2 sync workers, its default timeout) serving ``spec`` on loopback; only
    this process is stopped when the block ends."""
    port, root = _free_port(), code_root()
    env = {
        **os.environ,
        **SERVER_ENV,
        "DATABASE_URL": database_url,
        "INSTANCE_PATH": str(instance),
        "PYTHONPATH": os.pathsep.join(filter(None, [str(root), os.environ.get("PYTHONPATH")])),
    }
    stderr_path = instance / f"gunicorn-{name}.stderr"
    command = [sys.executable, "-m", "gunicorn", "--workers", "2", "--chdir", str(root)]
    command += ["--bind", f"127.0.0.1:{port}", spec]
    with stderr_path.open("wb") as stderr:
        process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=stderr)
    server = Server(name, port, stderr_path, process)
    try:
        _wait_until_up(server)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_until_up(server: Server, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"gunicorn ended at start-up:\n{server.stderr()[-3000:]}")
        try:
            status, _headers, _body = request(
                server, "/anmelden" if server.name == "app" else "/ping", ""
            )
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"gunicorn ({server.name}) did not answer within {timeout:.0f} s")


# ---------------------------------------------------------------------------
# Requests
# ---------------------------------------------------------------------------


def _request_bytes(server: Server, path: str, cookie: str, body: bytes | None = None) -> bytes:
    method = "GET" if body is None else "POST"
    lines = [
        f"{method} {path} HTTP/1.1",
        f"Host: 127.0.0.1:{server.port}",
        "Accept-Language: de",
        "Connection: close",
    ]
    if cookie:
        lines.append(f"Cookie: {cookie}")
    if body is not None:
        lines += ["Content-Type: application/x-www-form-urlencoded", f"Content-Length: {len(body)}"]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + (body or b"")


def _send(port: int, data: bytes, timeout: float) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(data)
        chunks = []
        while chunk := sock.recv(262144):
            chunks.append(chunk)
    return b"".join(chunks)


def _status(raw: bytes) -> int:
    try:
        return int(raw[9:12])
    except ValueError:
        return NO_ANSWER


def request(
    server: Server, path: str, cookie: str, body: bytes | None = None, timeout: float = 120
) -> tuple[int, list[tuple[str, str]], bytes]:
    raw = _send(server.port, _request_bytes(server, path, cookie, body), timeout)
    head, _sep, payload = raw.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = [tuple(part.strip() for part in h.split(":", 1)) for h in lines[1:] if ":" in h]
    return _status(raw), headers, payload  # type: ignore[return-value]


def _cookies(headers: list[tuple[str, str]], jar: dict[str, str]) -> None:
    for name, value in headers:
        if name.lower() == "set-cookie":
            key, _sep, rest = value.partition("=")
            jar[key] = rest.split(";", 1)[0]


def _cookie_header(jar: dict[str, str]) -> str:
    return "; ".join(f"{k}={v}" for k, v in jar.items() if v)


def log_in(server: Server, email: str, password: str) -> str:
    """Log in through the login form; the session cookie to send afterwards."""
    jar: dict[str, str] = {}
    status, headers, body = request(server, "/anmelden", "")
    _cookies(headers, jar)
    match = _CSRF.search(body.decode("utf-8", "replace"))
    token = html.unescape(match.group(1)) if match else ""
    form = urllib.parse.urlencode(
        {"csrf_token": token, "email": email, "password": password, "next": ""}
    ).encode()
    status, headers, _body = request(server, "/anmelden", _cookie_header(jar), form)
    _cookies(headers, jar)
    if status != 302:
        raise RuntimeError(f"login of {email} answered {status}")
    # Follow the redirect as a browser does and keep the cookie it answers with: the
    # first page after the login adds the form token to the session (login starts a new
    # one). Without this the load would send the login's cookie and every measured
    # answer would sign and set the session cookie anew, which no browser causes.
    location = dict((k.lower(), v) for k, v in headers).get("location", "/")
    path = urllib.parse.urlsplit(location)._replace(scheme="", netloc="").geturl() or "/"
    status, headers, _body = request(server, path, _cookie_header(jar))
    _cookies(headers, jar)
    if status != 200:
        raise RuntimeError(f"first page after the login of {email} answered {status}")
    return _cookie_header(jar)


# ---------------------------------------------------------------------------
# Load
# ---------------------------------------------------------------------------


@dataclass
class Measurement:
    seconds: float
    latencies: list[float] = field(default_factory=list)  # ms, answered with 200
    statuses: Counter[int] = field(default_factory=Counter)

    @property
    def requests(self) -> int:
        return sum(self.statuses.values())

    @property
    def errors(self) -> int:
        return self.requests - self.statuses[200]

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        if not self.latencies:
            return 0.0
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def load(
    server: Server,
    path: str,
    cookie: str,
    *,
    concurrency: int,
    seconds: float,
    min_requests: int,
) -> Measurement:
    """``concurrency`` threads, one request at a time each, until ``seconds`` have passed
    and at least ``min_requests`` were sent in all."""
    data = _request_bytes(server, path, cookie)
    lock = threading.Lock()
    sent = [0]
    result = Measurement(0.0)
    start = threading.Barrier(concurrency + 1)
    began = [0.0]

    def work() -> None:
        start.wait()
        while True:
            with lock:
                if time.perf_counter() - began[0] >= seconds and sent[0] >= min_requests:
                    return
                sent[0] += 1
            t0 = time.perf_counter()
            try:
                status = _status(_send(server.port, data, 120))
            except OSError:
                status = NO_ANSWER
            elapsed = (time.perf_counter() - t0) * 1000
            with lock:
                result.statuses[status] += 1
                if status == 200:
                    result.latencies.append(elapsed)

    threads = [threading.Thread(target=work, daemon=True) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    began[0] = time.perf_counter()
    start.wait()
    for thread in threads:
        thread.join()
    result.seconds = time.perf_counter() - began[0]
    return result


def timed_download(server: Server, path: str, cookie: str) -> tuple[float, int, int]:
    """One export (seconds, status, bytes). A view too large for the request answers with
    a redirect: then the export is asked for in the background (the page's form, POST),
    the job's state is polled every half second and the finished file downloaded."""
    started = time.perf_counter()
    status, _headers, body = request(server, path, cookie, timeout=600)
    if status in (302, 303):
        status, body = _background(server, path, cookie)
    return time.perf_counter() - started, status, len(body)


def _background(server: Server, path: str, cookie: str) -> tuple[int, bytes]:
    split = urllib.parse.urlsplit(path)
    kind = split.path.rsplit(".", 1)[-1]
    jar = dict(part.split("=", 1) for part in cookie.split("; ") if "=" in part)
    _status, headers, page = request(server, "/talente/team", cookie, timeout=600)
    _cookies(headers, jar)  # the page may have put a new CSRF token into the session
    cookie = _cookie_header(jar)
    match = _CSRF.search(page.decode("utf-8", "replace"))
    token = html.unescape(match.group(1)) if match else ""
    form = urllib.parse.urlencode({"csrf_token": token, "format": kind}).encode()
    target = "/talente/team/export" + (f"?{split.query}" if split.query else "")
    status, headers, _body = request(server, target, cookie, form, timeout=600)
    location = dict((k.lower(), v) for k, v in headers).get("location", "")
    job = urllib.parse.urlsplit(location).path
    if status != 303 or not job:
        return status, b""
    while True:
        time.sleep(0.5)
        _s, _h, raw = request(server, f"{job}/stand", cookie, timeout=600)
        state = json.loads(raw.decode("utf-8") or "{}")
        if state.get("status") in ("done", "failed"):
            break
    if state["status"] == "failed":
        return 500, b""
    status, _headers, body = request(server, state["download"], cookie, timeout=600)
    return status, body
