"""The resident's presence on the scaled run (2 Rasa servers behind nginx, one PostgreSQL): a
page connected to either server shows as open in the shared store; the chat is left only when
the last page, on whichever server, has gone."""

from __future__ import annotations

import asyncio
import time
from datetime import timedelta

import pytest
from scaled_run import Scaled
from web_pages import SocketPage

from frontdoor.store import presence
from frontdoor.store.db import session_scope
from frontdoor.store.models import WebChatConnection
from frontdoor.store.presence import ChatPresence

pytestmark = [pytest.mark.e2e, pytest.mark.postgres, pytest.mark.timeout(300)]


def shown(scaled: Scaled, conversation_id: str) -> ChatPresence:
    gone_after = timedelta(seconds=scaled.settings.webchat_presence_seconds)
    with session_scope(scaled.database_url) as session:
        return presence.presence(session, conversation_id, gone_after=gone_after)


async def until(scaled: Scaled, conversation_id: str, is_open: bool) -> ChatPresence:
    """The presence once it is (or is not) open; written off the servers' event loops, so
    it may take a moment."""
    deadline = time.monotonic() + 30
    while True:
        found = await asyncio.to_thread(shown, scaled, conversation_id)
        if found.open == is_open or time.monotonic() > deadline:
            return found
        await asyncio.sleep(0.2)


def ended(scaled: Scaled, conversation_id: str) -> int:
    """How many of the conversation's page connections have ended."""
    with session_scope(scaled.database_url) as session:
        rows = session.query(WebChatConnection).filter_by(conversation_id=conversation_id)
        return sum(row.left_at is not None for row in rows)


async def until_ended(scaled: Scaled, conversation_id: str, count: int) -> None:
    deadline = time.monotonic() + 30
    while await asyncio.to_thread(ended, scaled, conversation_id) < count:
        assert time.monotonic() < deadline, "the page's going was never recorded"
        await asyncio.sleep(0.2)


async def two_tabs(scaled: Scaled) -> list[ChatPresence]:
    origin = scaled.layout.public_url
    seen = []
    async with SocketPage.open(scaled.layout.rasa_url(0), origin=origin) as first:
        await first.emit("session_request", {"session_id": None})
        confirmed = await first.next("session_confirm")
        conversation, key = str(confirmed["session_id"]), str(confirmed["session_key"])
        seen.append(await until(scaled, conversation, is_open=True))
        async with SocketPage.open(scaled.layout.rasa_url(1), origin=origin) as second:
            await second.emit("session_request", {"session_id": conversation, "session_key": key})
            assert (await second.next("session_confirm"))["session_id"] == conversation
        await until_ended(scaled, conversation, 1)  # server 2 has recorded its tab going
        seen.append(await asyncio.to_thread(shown, scaled, conversation))
    seen.append(await until(scaled, conversation, is_open=False))
    return seen


def test_a_chat_open_on_either_replica_shows_until_the_last_page_goes(scaled: Scaled) -> None:
    first_open, still_open, left = asyncio.run(two_tabs(scaled))
    assert first_open.open
    assert still_open.open  # a tab on the other server closed; the first is still there
    assert not left.open and left.left_at is not None
