"""A real SMTP server on 127.0.0.1 (aiosmtpd) for the tests that send mails: it keeps
what it accepted, refuses the addresses it is told to, and can hold a message at a
given step so that a test kills the sender there."""

from __future__ import annotations

import socket
import ssl
import subprocess
import threading
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


@dataclass
class Received:
    sender: str
    recipients: list[str]
    data: bytes

    @property
    def message(self) -> EmailMessage:
        parsed = message_from_bytes(self.data, policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        return parsed


@dataclass
class Handler:
    received: list[Received] = field(default_factory=list)
    refused: set[str] = field(default_factory=set)
    # Hold the n-th message (1 for the first) at « rcpt » (before it is sent) or at
    # « data » (once the server has it, before it answers), until `release` is set.
    hold_at: tuple[int, str] | None = None
    held: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)
    _rcpt_count: int = 0

    async def handle_RCPT(self, server, session, envelope, address, options):
        if address in self.refused:
            return "550 5.1.1 Adresse inconnue"
        self._rcpt_count += 1
        if self.hold_at == (self._rcpt_count, "rcpt"):
            self._hold()
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos),
                                      envelope.original_content))
        if self.hold_at == (len(self.received), "data"):
            self._hold()
        return "250 Message accepted"

    def _hold(self) -> None:
        # Blocks the server's loop on purpose: nothing else happens until released.
        self.held.set()
        self.release.wait(60)

    def by_recipient(self) -> dict[str, list[Received]]:
        found: dict[str, list[Received]] = {}
        for message in self.received:
            for recipient in message.recipients:
                found.setdefault(recipient, []).append(message)
        return found


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def self_signed(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 and its key, made by openssl."""
    certificate, key = folder / "serveur.pem", folder / "serveur.key"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                    "-keyout", str(key), "-out", str(certificate)],
                   check=True, capture_output=True)
    return certificate, key


def start(handler: Handler, password: str | None = None,
          tls: tuple[Path, Path] | None = None) -> Controller:
    """The server, started; `password`: AUTH LOGIN/PLAIN required, for user « mot »;
    `tls` (certificate, key): STARTTLS required."""
    def check(server, session, envelope, mechanism, auth_data):
        ok = isinstance(auth_data, LoginPassword) and auth_data.password == (password or "").encode()
        return AuthResult(success=ok, handled=False)

    extra = ({"authenticator": check, "auth_required": True, "auth_require_tls": False}
             if password is not None else {})
    if tls is not None:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(*tls)
        extra |= {"tls_context": context, "require_starttls": True}
    controller = Controller(handler, hostname="127.0.0.1", port=free_port(), **extra)
    controller.start()
    return controller
