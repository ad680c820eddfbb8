"""Rasa's REST channel with the length cap (bot/channels/limits.py), behind a setting.

Anyone who can reach the Rasa port can name any conversation through REST, so production
turns it off (REST_CHANNEL_ENABLED=false): /webhooks/rest/* then answers 404. Even when it is
on, it refuses to speak in an SMS conversation (ids starting "sms-") or in one named by a
phone number (as SMS conversations were before their ids were made opaque), and a message
always counts as REST's (Rasa's lets the caller claim "input_channel": "sms").

A message held while the store was down (bot/channels/limits.py) is answered into the
conversation when it is replayed: the caller's request was answered long before.
"""

from __future__ import annotations

import logging
import re
from typing import Any
from urllib.parse import unquote

from rasa.core.channels.channel import CollectingOutputChannel
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.exceptions import Forbidden, InvalidUsage
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.limits import OnNewMessage, holding, limited
from frontdoor.settings import get_settings
from frontdoor.sms import SMS_CONVERSATION_PREFIX

logger = logging.getLogger(__name__)

# A sender that looks like a phone number: "+447700900123", "07700 900123", "(01632) 960000",
# also behind a scheme ("tel:+44...") or percent-encoded ("%2B44...").
PHONE_LIKE = re.compile(r"^\s*([a-z]+:)?\s*\+?[\d\s().-]{7,}$", re.I)


def is_reserved_sender(sender: Any) -> bool:
    """True for a conversation REST must not speak in: an SMS one, or one named by a number."""
    text = unquote(str(sender or "")).strip()
    return text.lower().startswith(SMS_CONVERSATION_PREFIX) or bool(PHONE_LIKE.match(text))


class LimitedRestInput(RestInput):
    """POST /webhooks/rest/webhook {"sender", "message"}, as Rasa's, with long messages cut."""

    def __init__(self, enabled: bool | None = None) -> None:
        self.enabled = get_settings().rest_channel_enabled if enabled is None else enabled

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> LimitedRestInput:
        return cls()

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        if not self.enabled:
            logger.info("REST channel off (REST_CHANNEL_ENABLED=false): /webhooks/rest gives 404")
            return self._switched_off()
        limited_handler = limited(
            on_new_message, channel=self.name(), output=CollectingOutputChannel
        )
        blueprint = super().blueprint(limited_handler)

        async def replay_held(*_: Any) -> None:
            holding().ensure_replaying()  # messages held before a restart are not left waiting

        blueprint.listener(replay_held, "after_server_start")  # Sanic's decorators carry no types
        return blueprint

    def _switched_off(self) -> Blueprint:
        """The channel's addresses, each answering 404 (as if nothing were there)."""
        off = Blueprint(f"custom_webhook_{type(self).__name__}", __name__)

        async def not_found(_: Request) -> HTTPResponse:
            return response.json({"error": "Not found"}, status=404)

        for uri in ("/", "/webhook"):  # Sanic's registering call: its decorators carry no types
            off.add_route(not_found, uri, methods=["GET", "POST"])
        return off

    async def _extract_sender(self, req: Request) -> str | None:
        sender = await super()._extract_sender(req)
        if sender is not None and not isinstance(sender, str):
            raise InvalidUsage("The sender must be a string.")
        if is_reserved_sender(sender):
            raise Forbidden("This conversation cannot be reached through the REST channel.")
        return sender

    def _extract_input_channel(self, req: Request) -> str:
        return self.name()  # never what the caller claims: replies would go out by SMS
