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

What else the page needs: `welcome_request` has the assistant welcome a new chat; after
each turn, `bot_turn_end` tells the page the turn's messages are all out (it shows and
announces them as one); and POST /webhooks/socketio/transcript gives the conversation so
far, read from the tracker store, to a page that shows the session's key (a reload draws
the chat again).

Pages connect by websocket alone, and with SHARED_STATE=redis an emit from any Rasa server
reaches the page wherever it is connected (bot/channels/websocket.py). Each server records in
the store which pages have joined a session and when they go, for the console
(bot/channels/webchat_presence.py).

The channel keeps Rasa's name, `socketio`, which referrals and `output_channel=latest` use.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import re
import uuid
from collections.abc import Awaitable, Callable
from typing import Any, Literal, Protocol, TypedDict, TypeGuard

from rasa.core.agent import Agent
from rasa.core.channels.channel import UserMessage
from rasa.core.channels.socketio import SocketIOInput, SocketIOOutput
from rasa.shared.core.events import BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from sanic import Blueprint, Request, response
from sanic.response import HTTPResponse
from socketio import AsyncServer

from bot.channels.limits import OnNewMessage, StoreUnavailable, limited
from bot.channels.webchat_presence import PresenceKeeper
from bot.channels.websocket import share
from frontdoor.settings import get_settings

logger = logging.getLogger(__name__)
SESSION_ID = re.compile(r"[0-9a-f]{32}")
TURN_END = "bot_turn_end"
WELCOME_EVENT = "welcome_request"
WELCOME = "/greet"  # the greeting intent: action_greet's welcome with its three choices
TRANSCRIPT_PATH = "/transcript"


def is_session_id(value: object) -> TypeGuard[str]:
    """A web chat session id this server could have issued."""
    return isinstance(value, str) and SESSION_ID.fullmatch(value) is not None


def session_key(session_id: str, secret: str) -> str:
    """The key that proves a page was given this session (HMAC-SHA256, hex)."""
    return hmac.new(secret.encode(), session_id.encode(), hashlib.sha256).hexdigest()


def holds(session_id: object, key: object, secret: str) -> TypeGuard[str]:
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


class Turn(TypedDict):
    """One side's turn as the page draws it: a resident's words, or the assistant's (or a
    link worker's) messages as they came over socket.io (text, buttons, custom)."""

    sender: Literal["resident", "assistant"]
    messages: list[dict[str, Any]]


class Transcript(TypedDict):
    turns: list[Turn]
    link_worker: str | None  # the first name of the link worker holding the chat, if one is


def transcript(tracker: DialogueStateTracker) -> Transcript:
    """The conversation as the resident saw it: a choice as its title ("Find a group", not
    "/find_group"); an intent the page sent by itself (the welcome's "/greet") not at all."""
    turns: list[Turn] = []
    offered: list[dict[str, Any]] = []  # the choices given since the resident last spoke
    for event in tracker.events:
        if isinstance(event, UserUttered):
            shown = as_shown(event.text or "", offered)
            offered = []
            if shown:
                turns.append({"sender": "resident", "messages": [{"text": shown}]})
        elif isinstance(event, BotUttered) and (message := bot_message(event)):
            offered += message.get("buttons", [])
            if not turns or turns[-1]["sender"] != "assistant":
                turns.append({"sender": "assistant", "messages": []})
            turns[-1]["messages"].append(message)
    held_by = tracker.get_slot("link_worker_name") if tracker.is_paused() else None
    return {"turns": turns, "link_worker": str(held_by) if held_by else None}


def as_shown(text: str, offered: list[dict[str, Any]]) -> str | None:
    """What the page showed for a resident's message: a payload as its choice's title."""
    if not text.startswith("/"):
        return text
    return next((str(b.get("title")) for b in offered if b.get("payload") == text), None)


def bot_message(event: BotUttered) -> dict[str, Any]:
    """A message as the page gets it over socket.io; empty when there is nothing to show."""
    data = event.data or {}
    message: dict[str, Any] = {"text": event.text} if event.text else {}
    buttons = data.get("buttons") or data.get("quick_replies")
    if buttons:
        message["buttons"] = [
            {"title": b.get("title"), "payload": b.get("payload")} for b in buttons
        ]
    if data.get("custom"):
        message["custom"] = data["custom"]
    return message


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
        self._rasa_on_new_message = on_new_message
        on_new_message = limited(
            on_new_message, channel=self.name(), output=self.get_output_channel
        )
        blueprint = super().blueprint(on_new_message)
        share(self.server(), get_settings())
        self._on_new_message = on_new_message
        # python-socketio keeps one handler an event: these replace Rasa's.
        self.sockets().on("session_request", self.session_request, namespace=self.namespace)
        self.sockets().on(self.user_message_evt, self.user_uttered, namespace=self.namespace)
        self.sockets().on(WELCOME_EVENT, self.welcome, namespace=self.namespace)
        self.sockets().on("disconnect", self.disconnected, namespace=self.namespace)
        self.presence = PresenceKeeper(get_settings())

        async def start_presence(*_: Any) -> None:
            self.presence.start()

        async def stop_presence(*_: Any) -> None:
            await self.presence.stop()

        async def read_transcript(request: Request) -> HTTPResponse:
            return await self.read_transcript(request)

        # Sanic names the function it registers: a function of its own, not a bound method.
        blueprint.add_route(read_transcript, TRANSCRIPT_PATH, methods=["POST"])
        blueprint.listener(start_presence, "after_server_start")
        blueprint.listener(stop_presence, "before_server_stop")
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
        # Recorded before the page hears it: a page may go the moment it is confirmed, and its
        # going must find it joined (else its row would stay open while the server runs).
        self.presence.joined(sid, session_id)
        await self.sockets().emit("session_confirm", confirmed, room=sid, namespace=self.namespace)

    async def disconnected(self, sid: str, _reason: Any = None) -> None:
        """The page's connection has gone (python-socketio gives a reason, or none)."""
        self.presence.left(sid)

    def joined(self, sid: str, data: Any) -> str | None:
        """The session a page's event is for, when this connection joined it."""
        session_id = data.get("session_id") if isinstance(data, dict) else None
        if not is_session_id(session_id) or session_id not in self.sockets().rooms(
            sid, namespace=self.namespace
        ):
            logger.warning("web chat: a message for a session this connection has not joined")
            return None
        return session_id

    async def user_uttered(self, sid: str, data: Any) -> None:
        """Pass on a resident's message, only for the session this connection joined."""
        session_id = self.joined(sid, data)
        if session_id is None:
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
        await self.turn_ended(session_id)

    async def welcome(self, sid: str, data: Any) -> None:
        """The assistant's welcome, which a page asks for when its chat is new: the greeting
        intent, given by the server (so straight to Rasa: only a resident's own words go
        through the checks in bot/channels/limits.py, which read a typed "/greet" as words)."""
        session_id = self.joined(sid, data)
        if session_id is None:
            return
        output = WebChatOutput(self.server(), self.bot_message_evt)
        message = UserMessage(WELCOME, output, session_id, input_channel=self.name())
        try:
            await self._rasa_on_new_message(message)
        except StoreUnavailable:  # the resident can still type; the page says nothing more
            logger.warning("web chat: no welcome, the store is unavailable")
        await self.turn_ended(session_id)

    async def turn_ended(self, session_id: str) -> None:
        """Tell the session's pages the turn's messages are all out."""
        await self.sockets().emit(TURN_END, {}, room=session_id, namespace=self.namespace)

    async def read_transcript(self, request: Request) -> HTTPResponse:
        """The conversation so far, for the page holding the session's key; 403 for anyone
        else. The body is JSON sent as text/plain, a request browsers make across origins
        without asking first (CORS still says which pages may read the answer)."""
        try:
            asked = json.loads(request.body or b"{}")
        except ValueError:
            asked = None
        asked = asked if isinstance(asked, dict) else {}
        session_id = asked.get("session_id")
        if not holds(session_id, asked.get("session_key"), get_settings().webchat_secret):
            return response.json({"detail": "not your chat"}, status=403)
        agent: Agent = request.app.ctx.agent
        tracker = await agent.tracker_store.retrieve(session_id)
        found = transcript(tracker) if tracker else {"turns": [], "link_worker": None}
        return response.json(found, headers={"Cache-Control": "no-store"})
