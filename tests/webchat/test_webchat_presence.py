"""Whether the resident has the web chat open, as the console says it: a page connected over a
real websocket to the real Rasa server is "Chat open now" until it goes; each server's record
of its pages (bot/channels/webchat_presence.py) survives a store that fails, ends its pages
when it stops, and a server that dies has its pages ended by another's heartbeat."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from store_helpers import referral_draft
from web_pages import SocketPage

from bot.channels.webchat import WebChatInput
from bot.channels.webchat_presence import PresenceKeeper
from frontdoor.console import schemas
from frontdoor.console.conversation import read_transcript
from frontdoor.console.workflow import views
from frontdoor.settings import Settings
from frontdoor.store import presence
from frontdoor.store.db import init_db, session_scope
from frontdoor.store.models import Referral, WebChatConnection
from frontdoor.store.referrals import create_referral

GONE_AFTER = timedelta(seconds=1)
CHAT = "0f3c9a7e5b1d2c4a0f3c9a7e5b1d2c4a"


def eventually(check: Callable[[], Any], seconds: float = 30) -> Any:
    """check()'s first true answer, asked again until it gives one (within seconds)."""
    deadline = time.monotonic() + seconds
    while not (answer := check()):
        assert time.monotonic() < deadline, "never happened"
        time.sleep(0.1)
    return answer


def console_says(database_url: str, reference: str) -> schemas.Presence:
    """What the console's conversation panel says of the resident's presence."""
    with session_scope(database_url) as session:
        referral = session.query(Referral).filter_by(reference=reference).one()
        transcript = read_transcript(database_url, referral.conversation_id)
        return views.conversation(session, referral, transcript).presence


def ended(url: str, conversation_id: str) -> list[bool]:
    """Whether each of the conversation's connections has ended, first connected first."""
    with session_scope(url) as session:
        rows = session.query(WebChatConnection).filter_by(conversation_id=conversation_id)
        return [row.left_at is not None for row in rows.order_by(WebChatConnection.id)]


async def join(page: SocketPage, session_id: str | None, key: str | None) -> dict[str, str]:
    """Ask for a session (a new one, or the one whose key the page shows); the confirmation."""
    await page.emit("session_request", {"session_id": session_id, "session_key": key})
    confirmed: dict[str, str] = await page.next("session_confirm")
    return confirmed


def test_a_page_on_the_rasa_server_makes_the_console_say_the_chat_is_open(assistant) -> None:
    url = assistant.database_url
    said: list[tuple[str, str]] = []

    def read(reference: str, state: str) -> schemas.Presence:
        shown = eventually(
            lambda: (p := console_says(url, reference)).state == state and p, seconds=30
        )
        said.append((shown.state, shown.text))
        return shown

    async def chat() -> None:
        async with SocketPage.open(assistant.rasa_url) as first:
            session = await join(first, None, None)
            conversation = session["session_id"]
            with session_scope(url) as store:
                reference = create_referral(
                    store, referral_draft(conversation, "socketio")
                ).reference
            await asyncio.to_thread(read, reference, "on_web_chat")
            async with SocketPage.open(assistant.rasa_url) as second:  # the chat in a new tab
                await join(second, conversation, session["session_key"])
                await asyncio.to_thread(eventually, lambda: len(ended(url, conversation)) == 2)
            await asyncio.to_thread(eventually, lambda: ended(url, conversation) == [False, True])
            assert console_says(url, reference).state == "on_web_chat"  # the first tab is open
        left = await asyncio.to_thread(read, reference, "left")
        assert left.left_at is not None

    asyncio.run(chat())
    assert said[0] == ("on_web_chat", "Chat open now.")
    assert said[1][1].startswith("Left the chat today at "), said


def keeper_settings(database_url: str, every: float, gone_after: float = 1.0) -> Settings:
    return Settings(
        database_url=database_url,
        webchat_heartbeat_seconds=every,
        webchat_presence_seconds=max(gone_after, every * 2),
    )


def is_open(url: str, conversation_id: str = CHAT) -> bool:
    with session_scope(url) as session:
        return presence.presence(session, conversation_id, gone_after=GONE_AFTER).open


def test_a_server_records_its_pages_and_ends_them_when_it_stops(sqlite_url: str) -> None:
    async def run() -> None:
        keeper = PresenceKeeper(keeper_settings(sqlite_url, every=0.1))
        keeper.start()
        keeper.joined("sid-1", CHAT)
        keeper.joined("sid-2", "a" * 32)
        await asyncio.to_thread(eventually, lambda: is_open(sqlite_url))
        keeper.left("sid-1")
        keeper.left("sid-never-joined")  # a page that went before joining: nothing to say
        await asyncio.to_thread(eventually, lambda: not is_open(sqlite_url))
        assert is_open(sqlite_url, "a" * 32)
        await keeper.stop()
        assert not is_open(sqlite_url, "a" * 32)

    asyncio.run(run())


class GoesOnConfirm:
    """Stands in for the socket.io server: the page goes the moment it hears its session
    confirmed (its disconnect handled before the emit returns, as a busy server may)."""

    def __init__(self, channel: WebChatInput) -> None:
        self.channel = channel

    async def enter_room(self, sid: str, room: str, namespace: str | None = None) -> None:
        return None

    async def emit(self, event: str, data: Any = None, **_: Any) -> None:
        await self.channel.disconnected("sid-gone")


def test_a_page_that_goes_as_soon_as_it_is_confirmed_is_not_left_open(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    channel = WebChatInput.from_credentials({"session_persistence": True})
    channel.blueprint(lambda message: asyncio.sleep(0))
    keeper = PresenceKeeper(keeper_settings(sqlite_url, every=60))
    channel.presence = keeper
    monkeypatch.setattr(channel, "sockets", lambda: GoesOnConfirm(channel))

    async def run() -> None:
        keeper.start()
        await channel.session_request("sid-gone", {"session_id": None})
        assert keeper.live == {}  # nothing held: its going found it joined
        await keeper.stop()

    asyncio.run(run())


def test_a_store_that_fails_never_reaches_the_chat_and_the_heartbeat_catches_up(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    url = f"sqlite:///{tmp_path}/not-yet-migrated.db"  # no table: every write fails

    async def run() -> None:
        keeper = PresenceKeeper(keeper_settings(url, every=0.1))
        keeper.start()
        keeper.joined("sid-1", CHAT)
        keeper.joined("sid-2", "b" * 32)
        keeper.left("sid-2")
        await asyncio.to_thread(
            eventually, lambda: "web chat presence: not recorded" in caplog.text
        )
        await asyncio.to_thread(init_db, url)  # the store is back
        await asyncio.to_thread(eventually, lambda: is_open(url))
        assert not is_open(url, "b" * 32)
        await keeper.stop()

    with caplog.at_level(logging.WARNING, logger="bot.channels.webchat_presence"):
        asyncio.run(run())


def test_a_dead_servers_pages_go_and_the_others_stay(store_url: str) -> None:
    async def run() -> None:
        # server one beats once as it starts and never again: as good as crashed
        dead = PresenceKeeper(keeper_settings(store_url, every=3600, gone_after=7200), "one")
        alive = PresenceKeeper(keeper_settings(store_url, every=0.1), "two")
        dead.start()
        alive.start()
        dead.joined("sid-1", CHAT)
        alive.joined("sid-2", "c" * 32)
        await asyncio.to_thread(eventually, lambda: is_open(store_url))
        # ended by server two's heartbeat, when it was last seen
        await asyncio.to_thread(eventually, lambda: ended(store_url, CHAT) == [True])
        assert not is_open(store_url)
        with session_scope(store_url) as session:
            row = session.query(WebChatConnection).filter_by(sid="sid-1").one()
            assert row.left_at == row.seen_at
        assert is_open(store_url, "c" * 32)
        await alive.stop()
        await dead.stop()

    asyncio.run(run())
