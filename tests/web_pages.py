"""A web chat page's socket.io connection, as the tests make it: python-socketio's client
(long polling: its websocket needs a newer aiohttp than Rasa allows), or `SocketPage`, which
connects as web/chat.js does, by websocket alone."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator
from typing import Any

import socketio
import websockets

LEAVE_PATIENCE_SECONDS = 1.0


async def leave(client: socketio.AsyncClient) -> None:
    """Close the page's connection. The close is sent at once; the client would then wait
    out the server's pending long poll (about 25 seconds) before returning, which no test
    needs: the tab is gone either way."""
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(client.disconnect(), LEAVE_PATIENCE_SECONDS)


class SocketPage:
    """A page's socket.io connection over a websocket alone (engine.io 4, socket.io 5)."""

    def __init__(self, ws: Any) -> None:
        self.ws = ws
        self.events: asyncio.Queue[tuple[str, Any]] = asyncio.Queue()
        self.reader: asyncio.Task[None] | None = None
        self.session_id = ""

    @classmethod
    @contextlib.asynccontextmanager
    async def open(cls, url: str, origin: str | None = None) -> AsyncIterator[SocketPage]:
        """Connect to the Rasa server (or nginx) at url, as a page of origin would."""
        address = url.replace("http", "ws", 1).rstrip("/")
        headers = {"Origin": origin} if origin else {}
        async with websockets.connect(
            f"{address}/socket.io/?EIO=4&transport=websocket", extra_headers=headers
        ) as ws:
            page = cls(ws)
            opened = await asyncio.wait_for(ws.recv(), 10)
            assert str(opened).startswith("0"), opened  # engine.io's open packet
            await ws.send("40")
            joined = await asyncio.wait_for(ws.recv(), 10)
            assert str(joined).startswith("40"), joined  # socket.io's connect
            page.reader = asyncio.create_task(page.read())
            try:
                yield page
            finally:
                page.reader.cancel()

    async def read(self) -> None:
        """Answer the server's pings; queue every event."""
        async for packet in self.ws:
            if packet == "2":
                await self.ws.send("3")
            elif isinstance(packet, str) and packet.startswith("42"):
                event, *data = json.loads(packet[2:])
                await self.events.put((event, data[0] if data else None))

    async def emit(self, event: str, data: Any) -> None:
        await self.ws.send("42" + json.dumps([event, data]))

    async def next(self, event: str, timeout: float = 30) -> Any:
        """The next event of this name (others before it are dropped)."""
        async with asyncio.timeout(timeout):
            while True:
                name, data = await self.events.get()
                if name == event:
                    return data

    async def session(self) -> str:
        """A new chat session, as the page asks for one; its id."""
        await self.emit("session_request", {"session_id": None})
        confirmed = await self.next("session_confirm")
        self.session_id = str(confirmed["session_id"])
        return self.session_id

    async def say(self, text: str) -> None:
        await self.emit("user_uttered", {"message": text, "session_id": self.session_id})
