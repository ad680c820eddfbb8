"""The web chat's websocket transport and its shared rooms, for Rasa 3.6's Sanic on Python 3.11.

Behind a round-robin proxy every long poll may reach a different Rasa server, which does not
know the connection, so the page connects by websocket alone (web/chat.js): one connection, one
server. Two things make that work:

- python-engineio's Sanic websocket reads with Sanic 21.12's `recv`, which hands a coroutine to
  `asyncio.wait`; Python 3.11 refuses that, so every websocket closed straight after opening.
  `SanicWebSocket` reads the same way with the coroutine wrapped in a task.
- Browsers let any site open a websocket anywhere: only the chat's own sites (CHAT_ORIGINS,
  as for the rest of the Rasa server) may.
- A resident's socket lives on one server, but a link worker's reply may be sent by any: with
  SHARED_STATE=redis, python-socketio's Redis client manager passes every emit to all servers,
  and the one holding the resident's socket delivers it.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from typing import Any

from engineio.async_drivers.sanic import WebSocket
from socketio import AsyncRedisManager, AsyncServer

from frontdoor.settings import Settings

logger = logging.getLogger(__name__)
CHANNEL = "frontdoor-webchat"  # the Redis pub/sub channel the Rasa servers share


class SanicWebSocket(WebSocket):
    """engineio's Sanic websocket, reading in a way Python 3.11's asyncio accepts, and only
    for pages of the chat's own sites (browsers apply no CORS to websockets)."""

    def __init__(self, handler: Any, server: Any, origins: tuple[str, ...]) -> None:
        super().__init__(handler, server)  # type: ignore[no-untyped-call]
        self.origins = origins

    async def __call__(self, environ: dict[str, Any]) -> Any:
        origin = environ.get("HTTP_ORIGIN")
        if origin and origin not in self.origins:
            logger.warning("web chat: a websocket from %s, not one of CHAT_ORIGINS", origin)
            return self.server._bad_request("not one of the chat's sites")
        return await super().__call__(environ)  # type: ignore[no-untyped-call]

    async def wait(self) -> str | bytes:
        """The next message from the page; OSError once the connection has closed."""
        sock: Any = self._sock  # sanic's WebsocketImplProtocol
        async with sock.recv_lock:
            closed = asyncio.get_running_loop().create_future()
            sock.recv_cancel = closed  # sanic cancels it when the connection goes
            reading = asyncio.ensure_future(sock.assembler.get(None))
            try:
                await asyncio.wait((closed, reading), return_when=asyncio.FIRST_COMPLETED)
            finally:
                sock.recv_cancel = None
                closed.cancel()
            if not reading.done():
                reading.cancel()
                raise OSError("the web chat's websocket closed")
            data = reading.result()
        if not isinstance(data, str | bytes):
            raise OSError("the web chat's websocket ended")
        return data


def share(server: AsyncServer, settings: Settings) -> None:
    """Fit a new socket.io server for several Rasa servers: websockets that read, and with
    SHARED_STATE=redis, emits that reach a socket held by any server. Call before it serves."""
    eio: Any = server.eio
    websocket = functools.partial(SanicWebSocket, origins=settings.chat_origins)
    eio._async = {**eio._async, "websocket": websocket}  # this server's own copy
    if settings.shared_state == "redis":
        manager = AsyncRedisManager(settings.redis_url, channel=CHANNEL)
        manager.set_server(server)
        server.manager = manager
        logger.info("web chat: emits shared through Redis")
