"""The SMS front door: a Twilio channel fit for a public service.

POST /webhooks/sms/webhook takes residents' texts and POST /webhooks/sms/status takes
delivery reports; both must carry Twilio's signature. The webhook answers at once and the
turn runs in the background. A message Twilio delivers twice is processed once. STOP, START
and HELP are honoured, options are numbered, a turn goes as one text where it can, and one
number cannot make the assistant send without limit.

A resident's conversation is never named by their phone number: it is an opaque id keyed with
SMS_ID_SECRET (frontdoor.sms.sms_conversation_id), and the store keeps which number each id
belongs to, so texts pushed later (a link worker's reply) still reach the phone.

A text being handled when Rasa stopped is not lost: its row stays "received", so Twilio's
redelivery of it after UNFINISHED_GRACE is handled again (not ignored as a repeat), and on
start-up every row left "received" is closed and its resident told to text again
(frontdoor.store.messaging.claim_inbound, take_interrupted).

A text that comes while the store is down is not lost and not answered with an error (Twilio
would give up on it): it is kept in the outbox (frontdoor/outbox.py, once per MessageSid) and
the resident is told at once in the webhook's TwiML answer, which Twilio sends as a reply
with no database needed (sending through Twilio's API is recorded in the store first). When
the store is back the text is recorded as usual and handled, in order: a later text from the
same number waits behind it. The answers go by text as for any other turn.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections import defaultdict
from collections.abc import Awaitable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from xml.sax.saxutils import escape

from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.limits import SORRY_TEXT as LOST_TURN_TEXT
from bot.channels.limits import Holding, OnNewMessage, holding, limited
from bot.channels.sender import Outgoing, TwilioSender, in_store
from bot.channels.signature import called_url, form_params, is_signed
from frontdoor.outbox import Held
from frontdoor.responses import words
from frontdoor.settings import Settings, get_settings
from frontdoor.sms import (
    Option,
    choose_option,
    format_turn,
    is_sms_conversation_id,
    keyword,
    sms_conversation_id,
)
from frontdoor.store import messaging
from frontdoor.store.models import utcnow

logger = logging.getLogger(__name__)

EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response/>'
HELD_TEXT = "sms_webhook"  # the outbox's name for a text held before it could be recorded

# The channel's own words (bot/domain/channels.yml); {team_phone} is filled in when sent.
HELP_TEXT = words("utter_sms_help")
STOP_TEXT = words("utter_sms_stop")
START_TEXT = words("utter_sms_start")
LIMIT_TEXT = words("utter_sms_limit")
SORRY_TEXT = words("utter_sms_sorry")
TELL_INTERRUPTED_WITHIN = timedelta(hours=1)  # older lost texts are closed without a word


class TurnOutput(OutputChannel):
    """Collects one turn's bot messages whole, so they can go as one text."""

    @classmethod
    def name(cls) -> str:
        return "sms"

    def __init__(self) -> None:
        self.messages: list[dict[str, Any]] = []

    async def send_response(self, recipient_id: str, message: dict[str, Any]) -> None:
        self.messages.append(dict(message))

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        self.messages.append({"text": text})


class SmsOutput(OutputChannel):
    """Texts pushed to a resident outside a turn, such as a link worker's reply from the console."""

    @classmethod
    def name(cls) -> str:
        return "sms"

    def __init__(self, sender: TwilioSender, status_callback: str | None) -> None:
        self.sender = sender
        self.status_callback = status_callback

    async def send_response(self, recipient_id: str, message: dict[str, Any]) -> None:
        number = await self._number(recipient_id)
        if number is None:
            return
        bodies, options = format_turn([message])
        if options:
            await in_store(messaging.remember_options, number, _as_dicts(options))
        for body in bodies:
            outgoing = Outgoing(number, body, "push", False, self.status_callback, recipient_id)
            self.sender.send(outgoing)

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        await self.send_response(recipient_id, {"text": text})

    async def _number(self, conversation_id: str) -> str | None:
        """The phone number behind an SMS conversation id; None (and a warning) if none."""
        if not is_sms_conversation_id(conversation_id):
            logger.warning("not an SMS conversation id: nothing sent")  # it may be a number
            return None
        number = await in_store(messaging.number_for_conversation, conversation_id)
        if number is None:
            logger.warning(
                "SMS conversation %s has no number (erased?): nothing sent", conversation_id
            )
        return number


@dataclass(frozen=True)
class Incoming:
    """A resident's text: the number it came from, its words, Twilio's MessageSid (None when
    only an idempotency token names it) and where the delivery reports of replies go."""

    number: str
    text: str
    sid: str | None
    callback: str | None


def _as_dicts(options: list[Option]) -> list[dict[str, str]]:
    return [{"title": o.title, "payload": o.payload} for o in options]


class SmsInput(InputChannel):
    """Residents' texts from Twilio; secrets come from the environment, never credentials.yml."""

    @classmethod
    def name(cls) -> str:
        return "sms"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> SmsInput:
        settings = get_settings()
        if not (settings.twilio_auth_token and settings.twilio_account_sid):
            logger.warning("SMS: TWILIO_ACCOUNT_SID or TWILIO_AUTH_TOKEN unset; webhooks get 403")
        return cls(settings)

    def __init__(self, settings: Settings, sender: TwilioSender | None = None) -> None:
        self.settings = settings
        self.sender = sender or TwilioSender(settings)
        self.status_callback_url = (
            f"{settings.sms_public_base_url}/webhooks/sms/status"
            if settings.sms_public_base_url
            else None
        )
        self._locks: dict[str, asyncio.Lock] = defaultdict(asyncio.Lock)
        self._tasks: set[asyncio.Future[None]] = set()
        self.started_at = utcnow()
        self._on_new_message: OnNewMessage | None = None

    def get_output_channel(self) -> OutputChannel:
        return SmsOutput(self.sender, self.status_callback_url)

    def conversation_id(self, number: str) -> str:
        """The opaque conversation id this number talks under."""
        return sms_conversation_id(number, self.settings.sms_id_secret)

    async def drain(self) -> None:
        """Wait for every turn under way and every text queued (for tests and shutdown)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)
        await self.sender.drain()

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        hook = Blueprint("sms_webhook", __name__)
        on_new_message = limited(
            on_new_message, channel=self.name(), output=self.get_output_channel
        )
        self._on_new_message = on_new_message
        holding().replayers[HELD_TEXT] = self.replay_held

        async def recover(*_: Any) -> None:
            holding().ensure_replaying()  # texts held before a restart are not left waiting
            try:
                await self.recover_interrupted()
            except Exception:  # the store may be down: start anyway, the rows wait
                logger.exception("SMS: could not close texts left by an earlier run")

        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        async def receive(request: Request) -> HTTPResponse:
            return await self._receive(request, on_new_message)

        async def status(request: Request) -> HTTPResponse:
            return await self._status(request)

        # Sanic's registering calls, not its decorators (which carry no types).
        hook.listener(recover, "after_server_start")
        hook.add_route(health, "/", methods=["GET"])
        hook.add_route(receive, "/webhook", methods=["POST"])
        hook.add_route(status, "/status", methods=["POST"])
        return hook

    async def recover_interrupted(self, before: datetime | None = None) -> list[str]:
        """Close texts left unfinished by an earlier run; tell their residents (recent ones)."""
        before = before or self.started_at
        since = utcnow() - TELL_INTERRUPTED_WITHIN
        numbers = await in_store(messaging.take_interrupted, before, since)
        for number in numbers:
            logger.warning(
                "SMS: a text in %s was cut off by a restart", self.conversation_id(number)
            )
            self._say(number, LOST_TURN_TEXT, "notice", self.status_callback_url)
        return numbers

    def _signed(self, request: Request) -> bool:
        return is_signed(
            request, self.settings.twilio_auth_token, self.settings.sms_public_base_url
        )

    async def _receive(self, request: Request, on_new_message: OnNewMessage) -> HTTPResponse:
        """Check, record and answer at once; the turn runs after."""
        if not self._signed(request):
            logger.warning("SMS webhook refused: no valid Twilio signature")
            return response.text("Forbidden", status=403)
        params = form_params(request)
        number, text = params.get("From", ""), params.get("Body", "")
        sid = params.get("MessageSid") or params.get("SmsSid")
        token = request.headers.get("i-twilio-idempotency-token")
        if not number or not (sid or token):
            return response.text("Missing From or MessageSid", status=400)
        callback = self.status_callback_url or _status_url(request, self.settings)
        box = holding()
        if box.outbox.holds_key(str(sid or token)):
            return _twiml()  # Twilio sent a held text again: it is kept once
        held = {"message_sid": sid, "idempotency_token": token, "status_callback": callback}
        if box.outbox.holds_sender(number, HELD_TEXT):  # earlier texts wait: this goes behind
            return await self._hold(box, number, text, held, failed=False)
        try:
            inbound = await in_store(messaging.claim_inbound, number, sid, token)
        except Exception:  # the store is down: keep the text, tell the resident
            logger.warning("SMS: a text in %s could not be recorded", self.conversation_id(number))
            return await self._hold(box, number, text, held, failed=True)
        if inbound is not None:
            incoming = Incoming(number, text, sid, callback)
            self._in_background(self._handle(inbound, incoming, on_new_message))
        return _twiml()

    async def _hold(
        self, box: Holding, number: str, text: str, held: dict[str, Any], failed: bool
    ) -> HTTPResponse:
        """Keep a text in the outbox; tell the resident (in the TwiML) unless the store is up
        and the text only waits behind earlier ones, which are replayed now."""
        box.ensure_replaying()
        box.outbox.hold(
            HELD_TEXT, number, text, held, key=held["message_sid"] or held["idempotency_token"]
        )
        if not failed and await box.reachable():
            box.replay_soon()
            return _twiml()
        if keyword(text) == "stop":
            return _twiml()  # no reply to STOP now; it is honoured, and confirmed, on replay
        return _twiml(box.outage_text())

    async def replay_held(self, held: Held) -> bool:
        """A text held before it could be recorded: recorded now (once, by its MessageSid)
        and handled as any text; False (kept) if the store still cannot take it."""
        if self._on_new_message is None:
            return False  # the channel is not started in this process yet
        meta = held.metadata
        sid, token = meta.get("message_sid"), meta.get("idempotency_token")
        inbound = await in_store(messaging.claim_inbound, held.sender_id, sid, token)
        if inbound is not None:
            incoming = Incoming(held.sender_id, held.text or "", sid, meta.get("status_callback"))
            await self._handle(inbound, incoming, self._on_new_message)
        return True

    async def _status(self, request: Request) -> HTTPResponse:
        """A delivery report (queued, sent, delivered, undelivered, failed) for a text we sent."""
        if not self._signed(request):
            return response.text("Forbidden", status=403)
        params = form_params(request)
        sid, state = params.get("MessageSid", ""), params.get("MessageStatus", "")
        if sid and state:
            await in_store(messaging.record_delivery, sid, state, params.get("ErrorCode"))
        return response.text("", status=204)

    def _in_background(self, work: Awaitable[None]) -> None:
        task = asyncio.ensure_future(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _handle(
        self, inbound_id: int, incoming: Incoming, on_new_message: OnNewMessage
    ) -> None:
        """One text: STOP first, then the flood limit, START and HELP, then the assistant."""
        number, callback = incoming.number, incoming.callback
        async with self._locks[number]:
            try:
                outcome = await self._route(incoming, on_new_message)
            except Exception:  # the resident must not be left without an answer
                logger.exception("SMS turn in %s failed", self.conversation_id(number))
                self._say(number, SORRY_TEXT, "notice", callback)
                outcome = "error"
            await in_store(messaging.set_outcome, inbound_id, outcome)

    async def _route(self, incoming: Incoming, on_new_message: OnNewMessage) -> str:
        number, text, callback = incoming.number, incoming.text, incoming.callback
        word = keyword(text)
        if word == "stop":
            await in_store(messaging.opt_out, number)
            self._say(number, STOP_TEXT, "notice", callback, exempt=True)
            return "stop"
        if await self._over_limit(number, callback):
            return "limited"
        opted_out = await in_store(messaging.is_opted_out, number)
        if word == "start" and (opted_out or re.sub(r"[^A-Za-z]", "", text).upper() != "YES"):
            await in_store(messaging.opt_in, number)
            self._say(number, START_TEXT, "notice", callback)
            return "start"
        if word == "help":
            self._say(number, HELP_TEXT, "notice", callback, exempt=True)
            return "help"
        if opted_out:
            return "opted_out"  # nothing goes to a number that said STOP until START
        await self._turn(incoming, await self._chosen(number, text), on_new_message)
        return "turn"

    def _say(
        self, number: str, text: str, kind: str, callback: str | None, exempt: bool = False
    ) -> None:
        body = text.format(team_phone=self.settings.team_phone)
        conversation = self.conversation_id(number)
        self.sender.send(Outgoing(number, body, kind, exempt, callback, conversation))

    async def _over_limit(self, number: str, callback: str | None) -> bool:
        """More texts than the limit in the window: tell the resident once, then stay quiet."""
        window = timedelta(minutes=self.settings.sms_rate_window_minutes)
        count = await in_store(messaging.recent_count, number, utcnow() - window)
        if count <= self.settings.sms_rate_limit:
            return False
        if await in_store(messaging.should_warn_limited, number, window):
            logger.warning(
                "SMS: %s is over the limit; replies paused", self.conversation_id(number)
            )
            self._say(number, LIMIT_TEXT, "notice", callback)
        return True

    async def _chosen(self, number: str, text: str) -> str:
        """A reply of "1" or an option's words becomes that option's payload."""
        offered = await in_store(messaging.options_for, number)
        option = choose_option(text, [Option(o["title"], o["payload"]) for o in offered])
        return option.payload if option else text

    async def _turn(self, incoming: Incoming, text: str, on_new_message: OnNewMessage) -> None:
        """The assistant's turn on `text` (the words, or the payload of an option chosen),
        its answer sent as few texts as it can be."""
        number, sid, callback = incoming.number, incoming.sid, incoming.callback
        collector = TurnOutput()
        conversation = self.conversation_id(number)
        await in_store(messaging.link_conversation, conversation, number)
        message = UserMessage(
            text,
            collector,
            sender_id=conversation,
            input_channel=self.name(),
            message_id=sid,
            metadata={"sms": {"message_sid": sid}},
        )
        await on_new_message(message)
        bodies, options = format_turn(collector.messages)
        # "Delete my details" took the number away in this turn: the confirmation still goes
        # to it, but nothing of the number is kept again (no choices, the text under no number).
        erased = await in_store(messaging.number_for_conversation, conversation) is None
        if not erased:
            await in_store(messaging.remember_options, number, _as_dicts(options))
        for body in bodies:
            self.sender.send(
                Outgoing(number, body, "reply", False, callback, conversation, erased=erased)
            )


def _twiml(text: str | None = None) -> HTTPResponse:
    """The webhook's answer: nothing, or one text Twilio sends back to the resident."""
    if text is None:
        return response.text(EMPTY_TWIML, content_type="text/xml")
    body = f'<?xml version="1.0" encoding="UTF-8"?><Response><Message>{escape(text)}</Message></Response>'
    return response.text(body, content_type="text/xml")


def _status_url(request: Request, settings: Settings) -> str:
    """Where delivery reports go: beside the webhook Twilio just called."""
    url = called_url(request, settings.sms_public_base_url).split("?", 1)[0]
    return url.rsplit("/", 1)[0] + "/status"
