"""The residents' web chat over socket.io: Rasa's channel, made safe and dependable.

Rasa 3.6's socket.io channel, with `session_persistence` on, has three faults this fixes:

- A custom payload goes to `emit` as keyword arguments, so `{"type": "groups", ...}` fails
  with a TypeError and the rest of the turn (the cards, the choices) never arrives. Here it
  goes as `{"custom": payload}`, as the REST channel sends it and web/chat.js reads it.
- Joining the session's room is not awaited under python-socketio 5.1x, so a page that
  reconnects (a reload, a dropped mobile signal) never hears the replies. Here it is.
- A message's conversation is whatever `session_id` the page claims, so anyone could write
  into another resident's conversation, an SMS one named by a phone number included. Here
  session ids are issued by the server (random, 32 hex digits), and a message counts only
  from a connection that joined that session.

The channel keeps Rasa's name, `socketio`, which referrals and `output_channel=latest` use.
"""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.socketio import SocketIOInput, SocketIOOutput
from sanic import Blueprint

from bot.channels.limits import limited

logger = logging.getLogger(__name__)
SESSION_ID = re.compile(r"[0-9a-f]{32}")


def is_session_id(value: Any) -> bool:
    """A web chat session id this server could have issued."""
    return isinstance(value, str) and SESSION_ID.fullmatch(value) is not None


class WebChatOutput(SocketIOOutput):
    async def send_custom_json(
        self, recipient_id: str, json_message: dict[str, Any], **kwargs: Any
    ) -> None:
        await self._send_message(recipient_id, {"custom": json_message})


class WebChatInput(SocketIOInput):
    """Rasa's socket.io input with server-issued sessions and WebChatOutput."""

    def get_output_channel(self) -> WebChatOutput | None:
        """The output for messages pushed outside a turn (a link worker's reply)."""
        return WebChatOutput(self.sio, self.bot_message_evt) if self.sio is not None else None

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        on_new_message = limited(on_new_message)
        blueprint = super().blueprint(on_new_message)
        self._on_new_message = on_new_message
        # python-socketio keeps one handler an event: these replace Rasa's.
        self.sio.on("session_request", namespace=self.namespace)(self.session_request)
        self.sio.on(self.user_message_evt, namespace=self.namespace)(self.user_uttered)
        return blueprint

    async def session_request(self, sid: str, data: Any) -> None:
        """Join the session the page had (if it is one of ours) or a new one, and confirm it."""
        requested = data.get("session_id") if isinstance(data, dict) else None
        session_id = requested if is_session_id(requested) else uuid.uuid4().hex
        await self.sio.enter_room(sid, session_id, namespace=self.namespace)
        await self.sio.emit("session_confirm", session_id, room=sid, namespace=self.namespace)

    async def user_uttered(self, sid: str, data: Any) -> None:
        """Pass on a resident's message, only for the session this connection joined."""
        if not isinstance(data, dict):
            return
        session_id = data.get("session_id")
        if not is_session_id(session_id) or session_id not in self.sio.rooms(
            sid, namespace=self.namespace
        ):
            logger.warning("web chat: a message for a session this connection has not joined")
            return
        metadata = data.get(self.metadata_key)
        message = UserMessage(
            str(data.get("message") or ""),
            WebChatOutput(self.sio, self.bot_message_evt),
            session_id,
            input_channel=self.name(),
            metadata=metadata if isinstance(metadata, dict) else None,
        )
        await self._on_new_message(message)
