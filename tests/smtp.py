"""A real SMTP server on loopback (aiosmtpd) for the tests that send e-mail: the
``mail_port`` fixture points the app at a free port (nothing listening yet), ``smtp``
starts a server there that keeps every message. Import the fixtures into a test module:
``from tests.smtp import mail_port_fixture, smtp_fixture  # noqa: F401``."""

from __future__ import annotations

import email
import socket
import threading
from collections.abc import Iterator
from email import policy
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from flask import Flask


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Inbox:
    """An aiosmtpd handler that keeps every delivered message."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.envelopes: list[Any] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        with self.lock:
            self.envelopes.append(envelope)
        return "250 Message accepted for delivery"

    @property
    def messages(self) -> list[email.message.EmailMessage]:
        with self.lock:
            return [
                email.message_from_bytes(e.content, policy=policy.default) for e in self.envelopes
            ]


class SMTPServer:
    def __init__(self, port: int) -> None:
        self.port = port
        self.inbox = Inbox()
        self.controller: Controller | None = None

    def start(self) -> None:
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


def point_app_at(app: Flask, monkeypatch: pytest.MonkeyPatch, port: int) -> None:
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", port)
    monkeypatch.setitem(app.config, "MAIL_FROM", "Digitalakademie <akademie@stadt.example>")
    monkeypatch.setitem(app.config, "BASE_URL", "https://akademie.stadt.example/")


@pytest.fixture(name="mail_port")
def mail_port_fixture(app: Flask, monkeypatch: pytest.MonkeyPatch) -> int:
    """The app configured to send to 127.0.0.1:<free port> (nothing listens yet)."""
    port = free_port()
    point_app_at(app, monkeypatch, port)
    return port


@pytest.fixture(name="smtp")
def smtp_fixture(mail_port: int) -> Iterator[SMTPServer]:
    server = SMTPServer(mail_port)
    server.start()
    try:
        yield server
    finally:
        server.stop()


def part(message: email.message.EmailMessage, content_type: str) -> Any:
    """The first MIME part of ``message`` with this content type (None if none)."""
    for piece in message.walk():
        if piece.get_content_type() == content_type:
            return piece
    return None
