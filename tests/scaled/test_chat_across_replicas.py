"""The web chat across Rasa replicas (the scaled run, 2 + 2 behind nginx): pages connect by
websocket alone, so no poll can land on a replica that does not know the connection; a link
worker's reply sent through one replica reaches a resident whose page is connected to the
other (python-socketio's Redis client manager), every time; only the chat's own sites may
open a websocket.
"""

from __future__ import annotations

import asyncio
import statistics
import time
from typing import Any

import pytest
import websockets
from scaled_run import Scaled
from web_pages import SocketPage

from frontdoor.console.rasa_client import RasaClient

pytestmark = [pytest.mark.e2e, pytest.mark.postgres, pytest.mark.timeout(600)]

REPLIES = 100
LINK_WORKER = "Sam"


async def turn(page: SocketPage, timeout: float = 60) -> list[dict[str, Any]]:
    """The assistant's messages of one turn, up to its end (bot_turn_end)."""
    messages: list[dict[str, Any]] = []
    async with asyncio.timeout(timeout):
        while True:
            event, data = await page.events.get()
            if event == "bot_turn_end":
                return messages
            if event == "bot_uttered":
                messages.append(data)


async def text_containing(page: SocketPage, words: str, timeout: float = 30) -> str:
    """The next thing the page shows that contains words."""
    async with asyncio.timeout(timeout):
        while True:
            event, data = await page.events.get()
            if event == "bot_uttered" and words in str(data.get("text", "")):
                return str(data["text"])


async def replies_to_the_other_replica(scaled: Scaled) -> list[float]:
    """A page on Rasa server 1; a link worker takes over and replies REPLIES times through
    Rasa server 2; how long each reply took to reach the page, in seconds."""
    origin = scaled.layout.public_url
    async with SocketPage.open(scaled.layout.rasa_url(0), origin=origin) as page:
        session = await page.session()
        await page.say("hello")
        assert await turn(page), "the assistant did not answer the page"
        other = RasaClient(scaled.layout.rasa_url(1), scaled.settings.rasa_api_token)
        await asyncio.to_thread(other.take_over, session, LINK_WORKER)
        await text_containing(page, f"this is {LINK_WORKER}")
        delays = []
        for n in range(REPLIES):
            words = f"Reply number {n} from your link worker"
            sent = time.monotonic()
            await asyncio.to_thread(other.reply, session, words)
            shown = await text_containing(page, words)
            delays.append(time.monotonic() - sent)
            assert shown.startswith(f"{LINK_WORKER} (link worker): "), shown
        return delays


def test_a_link_worker_reply_reaches_a_resident_on_the_other_replica_every_time(
    scaled: Scaled,
) -> None:
    delays = asyncio.run(replies_to_the_other_replica(scaled))
    assert len(delays) == REPLIES
    p95 = statistics.quantiles(delays, n=20)[-1]
    print(
        f"\nlink worker replies across replicas: {len(delays)}/{REPLIES} delivered; "
        f"median {statistics.median(delays) * 1000:.0f} ms, 95th percentile {p95 * 1000:.0f} ms "
        "(sent through Rasa server 2 to a page on Rasa server 1, the console's whole call)"
    )


async def chat_through_nginx(scaled: Scaled) -> tuple[list[dict[str, Any]], ...]:
    """The welcome, then the answer to a search, on a page connected through nginx."""
    origin = scaled.layout.public_url
    async with SocketPage.open(origin, origin=origin) as page:
        await page.session()
        await page.emit("welcome_request", {"session_id": page.session_id})
        welcome = await turn(page)
        await page.say("is there a walking group in Boston")
        return welcome, await turn(page)


def socket_io_requests(scaled: Scaled, before: int) -> list[str]:
    """nginx's log lines for socket.io since line before (written when each one ends)."""
    lines = scaled.access_log().splitlines()[before:]
    return [line for line in lines if "/socket.io/" in line]


def test_the_chat_page_talks_through_nginx_on_one_websocket(scaled: Scaled) -> None:
    before = len(scaled.access_log().splitlines())
    welcome, answer = asyncio.run(chat_through_nginx(scaled))
    assert "community support" in str(welcome[0].get("text")), welcome
    cards = [m["custom"] for m in answer if (m.get("custom") or {}).get("type") == "groups"]
    assert cards and cards[0]["groups"], answer
    deadline = time.monotonic() + 10
    while not (socket_io := socket_io_requests(scaled, before)) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert len(socket_io) == 1, socket_io  # one request for the whole chat: no polls
    assert "transport=websocket" in socket_io[0] and '" 101 ' in socket_io[0], socket_io


async def open_from(scaled: Scaled, origin: str) -> None:
    async with SocketPage.open(scaled.layout.public_url, origin=origin):
        pass


def test_a_page_of_another_site_cannot_open_the_chat(scaled: Scaled) -> None:
    with pytest.raises(websockets.InvalidStatusCode) as refused:
        asyncio.run(open_from(scaled, "https://elsewhere.example.org"))
    assert refused.value.status_code == 400
