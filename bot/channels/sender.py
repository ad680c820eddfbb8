"""Sending texts through Twilio's REST client: in the background, in order, retried, recorded."""

from __future__ import annotations

import asyncio
import logging
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import aiohttp
from tenacity import AsyncRetrying, retry_if_exception, stop_after_attempt, wait_exponential
from twilio.base.exceptions import TwilioRestException
from twilio.http.async_http_client import AsyncTwilioHttpClient
from twilio.rest import Client

from frontdoor.settings import Settings
from frontdoor.sms import is_gsm7, segments, to_gsm7
from frontdoor.store import messaging
from frontdoor.store.db import session_scope

logger = logging.getLogger(__name__)
T = TypeVar("T")

REFERENCE = re.compile(r"\bFD-[A-Z0-9]{4,}\b")
CRISIS = re.compile(r"116 123|0808 2000 247|call 999 now", re.I)
PHONE_NUMBER = re.compile(r"(?<![\w+(])(?:\+|\(?0)\d[\d ()-]{5,}\d|\b\d{10,15}\b")


def without_numbers(text: str) -> str:
    """Text for a log: phone numbers (Twilio's errors can name the To number) blanked out."""
    return PHONE_NUMBER.sub("[number]", text)


async def in_store(work: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run a store function in its own session, off the event loop."""

    def run() -> T:
        with session_scope() as session:
            return work(session, *args, **kwargs)

    return await asyncio.to_thread(run)


@dataclass(frozen=True)
class Outgoing:
    number: str
    body: str
    kind: str = "reply"  # reply, push (from the console), notice (STOP, HELP, flood), crisis
    exempt: bool = False  # goes even to an opted-out number (the STOP confirmation, HELP)
    status_callback: str | None = None
    conversation_id: str = ""  # the opaque SMS conversation id, for logs (never the number)
    erased: bool = False  # the resident's details were just deleted: kept under no number


def kind_of(body: str, kind: str) -> tuple[str, str | None, bool]:
    """What a text is, the referral it confirms, and whether its delivery matters."""
    reference = REFERENCE.search(body)
    if reference:
        return "referral", reference.group(0), True
    if CRISIS.search(body):
        return "crisis", None, True
    return kind, None, kind == "push"


def worth_trying_again(problem: BaseException) -> bool:
    """A network error, or Twilio busy (5xx) or asking us to slow down (429)."""
    if isinstance(problem, TwilioRestException):
        status: int = problem.status  # an HTTP status (twilio has no type annotations)
        return status >= 500 or status == 429
    return isinstance(problem, TimeoutError | aiohttp.ClientError | OSError)


class TwilioSender:
    """Queues texts per number and sends them one after another without blocking the server."""

    def __init__(
        self,
        settings: Settings,
        attempts: int = 5,
        backoff_seconds: float = 1.0,
        timeout_seconds: float = 10.0,
    ) -> None:
        self.settings = settings
        self.attempts = attempts
        self.backoff_seconds = backoff_seconds
        self.timeout_seconds = timeout_seconds
        self._client: Client | None = None
        self._locks: dict[str, asyncio.Lock] = defaultdict(asyncio.Lock)
        self._tasks: set[asyncio.Task[None]] = set()

    def client(self) -> Client:
        """Twilio's client over aiohttp, made inside the running loop; its base URL is a setting."""
        if self._client is None:
            http = AsyncTwilioHttpClient(timeout=self.timeout_seconds)
            client = Client(
                self.settings.twilio_account_sid, self.settings.twilio_auth_token, http_client=http
            )
            client.api.base_url = self.settings.twilio_api_base_url.rstrip("/")
            self._client = client
        return self._client

    def send(self, outgoing: Outgoing) -> asyncio.Task[None]:
        """Queue a text; it goes after earlier texts to the same number."""
        task = asyncio.get_running_loop().create_task(self._deliver(outgoing))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    async def drain(self) -> None:
        """Wait until everything queued so far has been sent or has failed."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    async def _deliver(self, outgoing: Outgoing) -> None:
        async with self._locks[outgoing.number]:
            try:
                await self._deliver_in_turn(outgoing)
            except Exception:  # a background task must never fail silently
                logger.exception("sending a text in %s failed", outgoing.conversation_id)

    async def _deliver_in_turn(self, outgoing: Outgoing) -> None:
        body = to_gsm7(outgoing.body)
        assert is_gsm7(body)
        kind, reference, track = kind_of(body, outgoing.kind)
        opted_out = await in_store(messaging.is_opted_out, outgoing.number)
        outbound_id = await in_store(
            messaging.record_outbound,
            messaging.ERASED_NUMBER if outgoing.erased else outgoing.number,
            kind=kind,
            segments=segments(body),
            reference=reference,
            track=track and bool(outgoing.status_callback),
            status="suppressed" if opted_out and not outgoing.exempt else "queued",
        )
        if opted_out and not outgoing.exempt:
            return
        callback = outgoing.status_callback if track else None
        await self._with_retries(outbound_id, outgoing, body, callback)

    async def _with_retries(
        self, outbound_id: int, outgoing: Outgoing, body: str, callback: str | None
    ) -> None:
        """Network errors and Twilio's 5xx and 429 are tried again, waiting longer each time
        (tenacity); any other refusal, such as an opted-out number, is final at once."""
        retrying = AsyncRetrying(
            stop=stop_after_attempt(self.attempts),
            wait=wait_exponential(multiplier=self.backoff_seconds, exp_base=2),
            retry=retry_if_exception(worth_trying_again),
            reraise=True,
        )
        attempts, error = 0, ""
        try:
            async for attempt in retrying:
                with attempt:
                    attempts = attempt.retry_state.attempt_number
                    sent = await self._create(outgoing.number, body, callback)
        except TwilioRestException as problem:
            error = f"Twilio {problem.status} {problem.code or ''}: {problem.msg}"[:255]
        except (TimeoutError, aiohttp.ClientError, OSError) as problem:
            error = f"network: {problem!r}"[:255]
        else:
            await in_store(
                messaging.update_outbound,
                outbound_id,
                status="sent",
                twilio_sid=sent.sid,
                attempts=attempts,
            )
            return
        logger.error(
            "text %s in %s failed for good: %s",
            outbound_id,
            outgoing.conversation_id,
            without_numbers(error),
        )
        await in_store(
            messaging.update_outbound, outbound_id, status="failed", error=error, attempts=attempts
        )

    async def _create(self, number: str, body: str, callback: str | None) -> Any:
        fields: dict[str, Any] = {"to": number, "from_": self.settings.twilio_number, "body": body}
        if callback:
            fields["status_callback"] = callback
        return await self.client().messages.create_async(**fields)
