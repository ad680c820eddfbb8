"""Each Rasa server's record of the web chat pages connected to it, kept in the store for the
console (frontdoor/store/presence.py), and never in the chat's way.

The pages this server holds are known here, in memory; the store is told as things happen
(a page joins a session, a page goes) and, every WEBCHAT_HEARTBEAT_SECONDS, that they are
all still here, with anything it missed put right. The writes go one at a time, in order, off
the event loop; a write the store does not take (down, slow, not migrated) is logged and
left for the next heartbeat. When the server stops, its pages are recorded as gone; when it
crashes, its rows go stale and any server's heartbeat ends them.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import os
import secrets
import socket
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from frontdoor.settings import Settings
from frontdoor.store import presence
from frontdoor.store.db import session_scope
from frontdoor.store.models import utcnow

logger = logging.getLogger(__name__)
Write = Callable[[Session], object]  # one write to the store, in its own session
WRITE_PATIENCE_SECONDS = 10.0  # a write not done by then is given up (the heartbeat redoes it)
QUEUE_MOST = 10_000  # writes waiting; more (the store down a long while) wait for a heartbeat
STOP_PATIENCE_SECONDS = 5.0


def server_name() -> str:
    """This server's id in the store: host, process and a random part (new at every start)."""
    return f"{socket.gethostname()[:80]}:{os.getpid()}:{secrets.token_hex(4)}"


class PresenceKeeper:
    """The pages connected to this server, and their record in the store."""

    def __init__(self, settings: Settings, server_id: str | None = None) -> None:
        self.server_id = server_id or server_name()
        self.database_url = settings.database_url
        self.every = settings.webchat_heartbeat_seconds
        self.gone_after = timedelta(seconds=settings.webchat_presence_seconds)
        self.live: dict[presence.Socket, datetime] = {}  # (sid, session) -> connected at
        self._writes: asyncio.Queue[Callable[[], Write]] | None = None
        self._tasks: list[asyncio.Task[None]] = []

    # What the channel tells it (never raises: a store failure must not break the chat)

    def joined(self, sid: str, conversation_id: str) -> None:
        """A page's connection has joined a session."""
        now = utcnow()
        self.live.setdefault((sid, conversation_id), now)
        self._queue(
            functools.partial(
                presence.connected,
                server_id=self.server_id,
                sid=sid,
                conversation_id=conversation_id,
                now=now,
            )
        )

    def left(self, sid: str) -> None:
        """A page's connection has gone (nothing to record if it never joined a session)."""
        gone = [key for key in self.live if key[0] == sid]
        if not gone:
            return
        for key in gone:
            del self.live[key]
        self._queue(
            functools.partial(
                presence.disconnected, server_id=self.server_id, sid=sid, now=utcnow()
            )
        )

    def beat(self) -> None:
        """Tell the store this server's pages are all still here (and tidy up after others)."""
        self._send(self._beat_write)

    def _beat_write(self) -> Write:
        """The heartbeat's write, with the pages held now (read in the event loop)."""
        since = dict(self.live)
        gone_after = self.gone_after

        def write(session: Session) -> None:
            now = utcnow()
            presence.keep_only(session, self.server_id, since, now, since)
            presence.heartbeat(session, self.server_id, now)
            presence.clean_up(session, now, gone_after)

        return write

    # Running

    def start(self) -> None:
        """Start writing, and beating every WEBCHAT_HEARTBEAT_SECONDS, in this event loop."""
        if self._tasks and not any(t.done() for t in self._tasks):
            return
        for task in self._tasks:  # one of them failed: start both afresh
            task.cancel()
        self._writes = asyncio.Queue(QUEUE_MOST)
        loop = asyncio.get_running_loop()
        self._tasks = [loop.create_task(self._write_all()), loop.create_task(self._beat_all())]

    async def stop(self) -> None:
        """Record every page as gone (the server is stopping), then stop."""
        self.live.clear()
        self._queue(functools.partial(presence.all_left, server_id=self.server_id, now=utcnow()))
        if self._writes is not None:
            try:
                await asyncio.wait_for(self._writes.join(), STOP_PATIENCE_SECONDS)
            except TimeoutError:
                logger.warning("web chat presence: the store did not hear this server stop")
        for task in self._tasks:
            task.cancel()
        self._tasks = []

    def _queue(self, write: Write) -> None:
        """A write whose every part is known now."""
        self._send(lambda: write)

    def _send(self, write: Callable[[], Write]) -> None:
        """A write, made when its turn comes (in the event loop), then done off it."""
        if self._writes is None:
            self.start()
        assert self._writes is not None
        try:
            self._writes.put_nowait(write)
        except asyncio.QueueFull:
            logger.warning("web chat presence: too many writes waiting; the heartbeat catches up")

    async def _beat_all(self) -> None:
        while True:
            self.beat()
            await asyncio.sleep(self.every)

    async def _write_all(self) -> None:
        assert self._writes is not None
        while True:
            prepare = await self._writes.get()
            try:
                await self._write(prepare())
            finally:
                self._writes.task_done()

    async def _write(self, write: Write) -> None:
        """One write in its own session, off the event loop; logged if the store fails."""

        def run() -> Any:
            with session_scope(self.database_url) as session:
                return write(session)

        try:
            await asyncio.wait_for(asyncio.to_thread(run), WRITE_PATIENCE_SECONDS)
        except Exception as problem:  # the chat goes on whatever the store does
            logger.warning("web chat presence: not recorded (%s); the next heartbeat will", problem)
