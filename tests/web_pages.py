"""A web chat page's socket.io connection, as the tests make it (web/chat.js uses polling)."""

from __future__ import annotations

import asyncio
import contextlib

import socketio

LEAVE_PATIENCE_SECONDS = 1.0


async def leave(client: socketio.AsyncClient) -> None:
    """Close the page's connection. The close is sent at once; the client would then wait
    out the server's pending long poll (about 25 seconds) before returning, which no test
    needs: the tab is gone either way."""
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(client.disconnect(), LEAVE_PATIENCE_SECONDS)
