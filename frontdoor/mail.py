"""Email to the team over SMTP (the settings' SMTP_*): STARTTLS unless turned off, and then
never sent in the clear by mistake; a login when a user is set."""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from frontdoor.settings import Settings

TIMEOUT_SECONDS = 20.0


class MailError(RuntimeError):
    """The email could not be sent; nothing, or not all of it, was accepted."""


@dataclass(frozen=True)
class MailServer:
    """Where and how email goes out."""

    host: str
    port: int
    sender: str
    tls: bool = True
    user: str = ""
    password: str = ""
    tls_context: ssl.SSLContext | None = None  # default: the system's trusted certificates
    timeout: float = TIMEOUT_SECONDS

    @classmethod
    def from_settings(cls, settings: Settings) -> MailServer | None:
        """The configured mail server; None when SMTP_HOST is empty (no email)."""
        if not settings.smtp_host:
            return None
        return cls(
            host=settings.smtp_host,
            port=settings.smtp_port,
            sender=settings.smtp_from,
            tls=settings.smtp_tls,
            user=settings.smtp_user,
            password=settings.smtp_password,
        )


def message(sender: str, to: str, subject: str, body: str) -> EmailMessage:
    """A plain-text email with its date and a unique Message-ID."""
    email = EmailMessage()
    email["From"] = sender
    email["To"] = to
    email["Subject"] = subject
    email["Date"] = formatdate(localtime=True)
    email["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    email.set_content(body)
    return email


def send(server: MailServer, to: str, subject: str, body: str) -> None:
    """Send one email; MailError if the server cannot be reached or refuses it."""
    try:
        smtp = smtplib.SMTP(server.host, server.port, timeout=server.timeout)
        try:
            _secure(smtp, server)
            if server.user:
                smtp.login(server.user, server.password)
            smtp.send_message(message(server.sender, to, subject, body))
        except BaseException:
            smtp.close()  # no QUIT on a connection gone wrong: it may wait out the timeout
            raise
    except (smtplib.SMTPException, OSError) as error:
        raise MailError(f"the email to {to} was not sent: {error}") from error
    _say_goodbye(smtp)


def _say_goodbye(smtp: smtplib.SMTP) -> None:
    """QUIT after a sent email; a failure here is not the email's (it went), so not raised."""
    try:
        smtp.quit()
    except (smtplib.SMTPException, OSError):
        smtp.close()


def _secure(smtp: smtplib.SMTP, server: MailServer) -> None:
    """STARTTLS when asked for; refused, rather than sent in the clear, if not offered."""
    smtp.ehlo()
    if not server.tls:
        return
    if not smtp.has_extn("starttls"):
        raise MailError(f"{server.host} does not offer STARTTLS, so nothing was sent")
    smtp.starttls(context=server.tls_context or ssl.create_default_context())
    smtp.ehlo()
