"""The residents' web chat over socket.io: Rasa's channel, made safe and dependable.

Rasa 3.6's socket.io channel, with `session_persistence` on, has three faults this fixes:

- A custom payload goes to `emit` as keyword arguments, so `{"type": "groups", ...}` fails
  with a TypeError and the rest of the turn (the cards, the choices) never arrives. Here it
  goes as `{"custom": payload}`, as the REST channel sends it and web/chat.js reads it.
- Joining the session's room is not awaited under python-socketio 5.1x, so a page that
  reconnects (a reload, a dropped mobile signal) never hears the replies. Here it is.
- A message's conversation is whatever `session_id` the page claims, so anyone could write
  into another resident's conversation, an SMS one named by a phone number included. Here
  session ids are issued by the server (random, 32 hex digits) with a session key (an HMAC
  of the id under WEBCHAT_SECRET); a page rejoins a session only with its key, and a
  message counts only from a connection that joined that session.

The channel keeps Rasa's name, `socketio`, which referrals and `output_channel=latest` use.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
import uuid
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.socketio import SocketIOInput, SocketIOOutput
from sanic import Blueprint
from socketio import AsyncServer

from bot.channels.limits import OnNewMessage, limited
from frontdoor.settings import get_settings

logger = logging.getLogger(__name__)
SESSION_ID = re.compile(r"[0-9a-f]{32}")


def is_session_id(value: Any) -> bool:
    """A web chat session id this server could have issued."""
    return isinstance(value, str) and SESSION_ID.fullmatch(value) is not None


def session_key(session_id: str, secret: str) -> str:
    """The key that proves a page was given this session (HMAC-SHA256, hex)."""
    return hmac.new(secret.encode(), session_id.encode(), hashlib.sha256).hexdigest()


def holds(session_id: Any, key: Any, secret: str) -> bool:
    """Whether a page's session id is one of ours and its key is the one issued with it."""
    return (
        is_session_id(session_id)
        and isinstance(key, str)
        and hmac.compare_digest(key.encode(), session_key(session_id, secret).encode())
    )


Handler = Callable[[str, Any], Awaitable[None]]


class SocketServer(Protocol):
    """What the web chat uses of python-socketio's AsyncServer, typed (socketio's own code
    has no annotations)."""

    def on(self, event: str, handler: Handler, namespace: str | None = None) -> object: ...

    async def enter_room(self, sid: str, room: str, namespace: str | None = None) -> None: ...

    async def emit(
        self, event: str, data: object, *, room: str | None = None, namespace: str | None = None
    ) -> None: ...

    def rooms(self, sid: str, namespace: str | None = None) -> list[str]: ...


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

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        on_new_message = limited(
            on_new_message, channel=self.name(), output=self.get_output_channel
        )
        blueprint = super().blueprint(on_new_message)
        self._on_new_message = on_new_message
        # python-socketio keeps one handler an event: these replace Rasa's.
        self.sockets().on("session_request", self.session_request, namespace=self.namespace)
        self.sockets().on(self.user_message_evt, self.user_uttered, namespace=self.namespace)
        return blueprint

    def server(self) -> AsyncServer:
        """The socket.io server Rasa's blueprint made (the events come through it)."""
        if self.sio is None:
            raise RuntimeError("the web chat has no socket.io server before its blueprint")
        return self.sio

    def sockets(self) -> SocketServer:
        """The socket.io server, typed as far as this channel uses it."""
        server: SocketServer = self.server()
        return server

    async def session_request(self, sid: str, data: Any) -> None:
        """Join the session the page had (when it shows the key issued with it) or a new one,
        and confirm it with its key."""
        data = data if isinstance(data, dict) else {}
        requested, key = data.get("session_id"), data.get("session_key")
        secret = get_settings().webchat_secret
        if holds(requested, key, secret):
            session_id = requested
        else:
            if requested:
                logger.warning("web chat: a session asked for without its key; a new one given")
            session_id = uuid.uuid4().hex
        confirmed = {"session_id": session_id, "session_key": session_key(session_id, secret)}
        await self.sockets().enter_room(sid, session_id, namespace=self.namespace)
        await self.sockets().emit("session_confirm", confirmed, room=sid, namespace=self.namespace)

    async def user_uttered(self, sid: str, data: Any) -> None:
        """Pass on a resident's message, only for the session this connection joined."""
        if not isinstance(data, dict):
            return
        session_id = data.get("session_id")
        if not is_session_id(session_id) or session_id not in self.sockets().rooms(
            sid, namespace=self.namespace
        ):
            logger.warning("web chat: a message for a session this connection has not joined")
            return
        metadata = data.get(self.metadata_key)
        message = UserMessage(
            str(data.get("message") or ""),
            WebChatOutput(self.server(), self.bot_message_evt),
            session_id,
            input_channel=self.name(),
            metadata=metadata if isinstance(metadata, dict) else None,
        )
        await self._on_new_message(message)
