"""Alert emails to the team, against a real SMTP server (aiosmtpd) on a free port: STARTTLS and
a login, never sent in the clear when TLS is asked for, one email per round and each alert
emailed once (two replicas at once, a restart, a mail server that was down)."""

from __future__ import annotations

import email
import email.policy
import socket
import ssl
import subprocess
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from console_helpers import add_referral

from frontdoor.alerts.loop import run_once
from frontdoor.mail import MailError, MailServer, send
from frontdoor.runner import free_port
from frontdoor.settings import Settings, get_settings
from frontdoor.store.db import session_scope
from frontdoor.store.models import Alert

TEAM = "team@example.org"
CONSOLE = "https://console.example.org"
USER, PASSWORD = "frontdoor", "a mail password"


@dataclass
class Inbox:
    """What the SMTP server accepted."""

    messages: list[EmailMessage] = field(default_factory=list)
    recipients: list[list[str]] = field(default_factory=list)

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 (aiosmtpd's name)
        self.messages.append(
            email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        )
        self.recipients.append(list(envelope.rcpt_tos))
        return "250 OK"


def check_login(server, session, envelope, mechanism, auth_data) -> AuthResult:
    good = isinstance(auth_data, LoginPassword) and (
        auth_data.login.decode(),
        auth_data.password.decode(),
    ) == (USER, PASSWORD)
    return AuthResult(success=good)


@pytest.fixture()
def inbox() -> Iterator[tuple[Inbox, int]]:
    """A plain SMTP server on a free port (no STARTTLS), and what it received."""
    received = Inbox()
    port = free_port()
    controller = Controller(received, hostname="127.0.0.1", port=port)
    controller.start()
    yield received, port
    controller.stop()


@pytest.fixture()
def certificate(tmp_path: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1, and its key."""
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-keyout", str(key), "-out", str(cert), "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1"],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return cert, key


@pytest.fixture()
def tls_inbox(certificate: tuple[Path, Path]) -> Iterator[tuple[Inbox, int]]:
    """An SMTP server that needs STARTTLS and then a login."""
    cert, key = certificate
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    received = Inbox()
    port = free_port()
    controller = Controller(
        received,
        hostname="127.0.0.1",
        port=port,
        tls_context=context,
        require_starttls=True,
        authenticator=check_login,
        auth_required=True,
    )
    controller.start()
    yield received, port
    controller.stop()


def team_settings(port: int, **more: object) -> Settings:
    return get_settings().copy(
        update={
            "smtp_host": "127.0.0.1",
            "smtp_port": port,
            "smtp_tls": False,
            "team_email": TEAM,
            "console_public_url": CONSOLE,
            **more,
        }
    )


def statuses(url: str) -> list[tuple[str, str, int]]:
    with session_scope(url) as session:
        rows = session.execute(sa.select(Alert).order_by(Alert.id)).scalars()
        return [(a.reference, a.email_status, a.email_attempts) for a in rows]


def test_starttls_and_a_login(tls_inbox, certificate) -> None:
    received, port = tls_inbox
    trusted = ssl.create_default_context(cafile=str(certificate[0]))
    server = MailServer(
        "127.0.0.1", port, "frontdoor@example.org", True, USER, PASSWORD, tls_context=trusted
    )
    send(server, TEAM, "Frontdoor alert: test", "A line.\n")
    assert [m["Subject"] for m in received.messages] == ["Frontdoor alert: test"]
    assert received.recipients == [[TEAM]]
    # aiosmtpd leaves a refused login unanswered, so the client gives up at its timeout.
    wrong = MailServer(
        "127.0.0.1", port, "frontdoor@example.org", True, USER, "wrong", trusted, timeout=1
    )
    with pytest.raises(MailError):
        send(wrong, TEAM, "Frontdoor alert: test", "A line.\n")
    untrusted = MailServer("127.0.0.1", port, "frontdoor@example.org", True, USER, PASSWORD)
    with pytest.raises(MailError):  # a certificate the system does not trust: nothing sent
        send(untrusted, TEAM, "Frontdoor alert: test", "A line.\n")
    assert len(received.messages) == 1


def test_nothing_is_sent_in_the_clear_when_tls_is_asked_for(inbox) -> None:
    received, port = inbox
    server = MailServer("127.0.0.1", port, "frontdoor@example.org", tls=True)
    with pytest.raises(MailError, match="does not offer STARTTLS"):
        send(server, TEAM, "Frontdoor alert: test", "A line.\n")
    assert received.messages == []


def test_an_urgent_referral_is_emailed_to_the_team_once(inbox, sqlite_url: str) -> None:
    received, port = inbox
    reference = add_referral(sqlite_url, "crisis", contact_name="Margaret Oyelaran")
    settings = team_settings(port)
    assert run_once(sqlite_url, settings).emailed >= 1
    assert run_once(sqlite_url, settings).emailed == 0  # the next round, or after a restart
    assert len(received.messages) == 1
    message = received.messages[0]
    body = message.get_content()
    assert (message["From"], message["To"]) == ("frontdoor@example.org", TEAM)
    assert message["Subject"].startswith("Frontdoor")
    assert f"New crisis referral: {reference}." in body
    assert f"{CONSOLE}/referrals/{reference}" in body
    assert f"{CONSOLE}/alerts" in body
    assert "Margaret" not in body and "07700" not in body  # no personal details by email
    assert statuses(sqlite_url)[0][:2] == (reference, "sent")


def test_two_replicas_at_once_email_each_alert_once(inbox, store_url: str) -> None:
    received, port = inbox
    references = [add_referral(store_url, "urgent") for _ in range(4)]
    settings = team_settings(port)
    start = threading.Barrier(2)

    def replica() -> None:
        start.wait()
        run_once(store_url, settings)

    threads = [threading.Thread(target=replica) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    bodies = "".join(m.get_content() for m in received.messages)
    for reference in references:
        assert bodies.count(f"New urgent referral: {reference}.") == 1


def test_a_mail_server_that_was_down_gets_the_email_later(sqlite_url: str) -> None:
    reference = add_referral(sqlite_url, "urgent")
    port = free_port()  # nothing listens here yet
    settings = team_settings(port)
    assert run_once(sqlite_url, settings).emailed == 0
    assert (reference, "pending", 1) in statuses(sqlite_url)
    received = Inbox()
    controller = Controller(received, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        assert run_once(sqlite_url, settings).emailed >= 1
    finally:
        controller.stop()
    assert (reference, "sent", 2) in statuses(sqlite_url)
    assert len(received.messages) == 1


def test_without_a_mail_server_alerts_stay_in_the_console(sqlite_url: str) -> None:
    reference = add_referral(sqlite_url, "urgent")
    settings = get_settings().copy(update={"smtp_host": "", "team_email": TEAM})
    assert run_once(sqlite_url, settings).emailed == 0
    assert (reference, "off", 0) in statuses(sqlite_url)


def hangs_up_on_quit(listener: socket.socket, received: list[str]) -> None:
    """A mail server that takes one email, then answers QUIT with an error and hangs up."""
    connection, _ = listener.accept()
    with connection, connection.makefile("rwb") as talk:
        talk.write(b"220 mail.example.org\r\n")
        talk.flush()
        for line in talk:
            command = line.decode().strip()
            received.append(command)
            if command.upper() == "QUIT":
                talk.write(b"421 4.3.0 going away\r\n")  # not the 221 a goodbye should get
                talk.flush()
                return
            if command.upper() == "DATA":
                talk.write(b"354 go on\r\n")
                talk.flush()
                while talk.readline() != b".\r\n":
                    pass
            talk.write(b"250 OK\r\n")
            talk.flush()


def test_an_email_taken_is_sent_once_though_the_goodbye_fails() -> None:
    """The server took the email, so a QUIT that goes wrong is no reason to send it again."""
    received: list[str] = []
    with socket.create_server(("127.0.0.1", 0)) as listener:
        server_thread = threading.Thread(target=hangs_up_on_quit, args=(listener, received))
        server_thread.start()
        port = listener.getsockname()[1]
        send(MailServer("127.0.0.1", port, "frontdoor@example.org", tls=False), TEAM, "S", "B\n")
        server_thread.join(5)
    commands = [c.split(":")[0].upper() for c in received]
    assert [c for c in commands if c in ("MAIL FROM", "DATA")] == ["MAIL FROM", "DATA"]
    assert commands[-1] == "QUIT"
