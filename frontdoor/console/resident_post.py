"""Sending to a resident from the console: texts through Twilio exactly as the SMS channel
sends them (bot/channels/sender.py: GSM-7, retried, recorded in sms_outbound, never to a
number that said STOP), and email over SMTP (frontdoor/mail.py).

The SMS tables are read and written in the store the SMS channel uses (DATABASE_URL), as the
sender records every text there."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Literal, Protocol

import sqlalchemy as sa

from frontdoor import mail
from frontdoor.settings import Settings
from frontdoor.sms import segments
from frontdoor.store import messaging
from frontdoor.store.db import session_scope

PostProblem = Literal["refused", "unavailable"]
TEXT_ATTEMPTS = 3  # the link worker is waiting: fewer tries than the channel's own
TEXT_BACKOFF_SECONDS = 0.5
FAILED = ("failed", "undelivered", "suppressed")


class PostError(RuntimeError):
    """Nothing was sent: refused (the number said STOP) or the service is not there."""

    def __init__(self, problem: PostProblem, message: str) -> None:
        super().__init__(message)
        self.problem: PostProblem = problem
        self.message = message


class ResidentPost(Protocol):
    """What the console sends residents through, and the team's number to sign off with."""

    @property
    def team_phone(self) -> str: ...

    def text(self, number: str, bodies: list[str]) -> int:
        """Send texts to a number (E.164) in order; how many SMS parts they took."""
        ...

    def email(self, to: str, subject: str, body: str) -> None: ...


@dataclass(frozen=True)
class Post:
    """Texts through Twilio and email over SMTP, as the settings say."""

    settings: Settings

    @property
    def team_phone(self) -> str:
        return self.settings.team_phone

    def text(self, number: str, bodies: list[str]) -> int:
        if not (self.settings.twilio_account_sid and self.settings.twilio_number):
            raise PostError(
                "unavailable",
                "texts cannot be sent from here: Twilio is not set up "
                "(TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_NUMBER)",
            )
        with session_scope() as session:
            if messaging.is_opted_out(session, number):
                raise PostError(
                    "refused",
                    "the resident has asked for no texts from us (they texted STOP): "
                    "send the groups by email, or call them",
                )
            before = _last_outbound_id(session)
        _run(self._send_texts(number, bodies))
        with session_scope() as session:
            sent = [row for row in messaging.outbound_for(session, number) if row.id > before]
            statuses = [row.status for row in sent]
        if len(statuses) < len(bodies) or any(status in FAILED for status in statuses):
            raise PostError(
                "unavailable", "the text could not be sent: Twilio refused it or was not reached"
            )
        return sum(segments(body) for body in bodies)

    async def _send_texts(self, number: str, bodies: list[str]) -> None:
        from bot.channels.sender import Outgoing, TwilioSender

        sender = TwilioSender(
            self.settings, attempts=TEXT_ATTEMPTS, backoff_seconds=TEXT_BACKOFF_SECONDS
        )
        for body in bodies:
            sender.send(Outgoing(number, body, kind="push"))
        try:
            await sender.drain()
        finally:
            await sender.client().http_client.close()

    def email(self, to: str, subject: str, body: str) -> None:
        server = mail.MailServer.from_settings(self.settings)
        if server is None:
            raise PostError("unavailable", "email cannot be sent from here: SMTP_HOST is not set")
        try:
            mail.send(server, to, subject, body)
        except mail.MailError as problem:
            raise PostError("unavailable", str(problem)) from problem


def _last_outbound_id(session: sa.orm.Session) -> int:
    """The newest text's id in sms_outbound (nought when none was sent yet)."""
    return int(session.execute(sa.select(sa.func.max(messaging.SmsOutbound.id))).scalar() or 0)


def _run(work: Coroutine[Any, Any, None]) -> None:
    """Run a coroutine to its end in a thread of its own, whether or not this thread already
    runs an event loop (the pages' routes are async, the API's are not)."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(asyncio.run, work).result()
