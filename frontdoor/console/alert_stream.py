"""Alerts pushed to the console's pages as server-sent events (text/event-stream).

Every open page holds one stream. It reads the shared store every POLL_SECONDS, so an alert
raised by any process (the action server, another console replica) reaches every page:

- `alert`: one new alert (its words and its referral's address), with the unseen count;
- `count`: how many alerts nobody has seen yet, whenever that changes (someone marked one);
- `end`: the login has ended; the page stops listening.

Each event's id is the newest alert id sent, so a browser that reconnects (EventSource does,
with Last-Event-ID) gets what it missed and nothing twice. A stream lasts STREAM_SECONDS,
then the browser reconnects, its login checked afresh.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from starlette.concurrency import run_in_threadpool

from frontdoor.alerts import words
from frontdoor.store import alerts
from frontdoor.store.db import session_scope
from frontdoor.store.models import Alert

POLL_SECONDS = 2.0
CHECK_LOGIN_SECONDS = 15.0  # and a comment line, so proxies keep the connection open
STREAM_SECONDS = 120.0
RETRY_MILLISECONDS = 3000  # how soon the browser reconnects after a stream ends


def event(name: str, data: dict[str, Any], event_id: int | None = None) -> str:
    """One server-sent event."""
    head = f"event: {name}\n" + (f"id: {event_id}\n" if event_id is not None else "")
    return head + f"data: {json.dumps(data)}\n\n"


@dataclass
class News:
    """What the store holds that this stream has not sent."""

    alerts: list[dict[str, Any]] = field(default_factory=list)
    cursor: int = 0
    unseen: int = 0


def alert_payload(alert: Alert) -> dict[str, Any]:
    """An alert as the page shows it."""
    return {
        "id": alert.id,
        "kind": alert.kind,
        "headline": words.headline(alert),
        "text": words.detail(alert),
        "reference": alert.reference,
        "url": f"/referrals/{alert.reference}",
    }


def read_news(database_url: str, cursor: int) -> News:
    with session_scope(database_url) as session:
        found = [alert_payload(a) for a in alerts.alerts_after(session, cursor)]
        return News(
            alerts=found,
            cursor=found[-1]["id"] if found else cursor,
            unseen=alerts.unseen_count(session),
        )


def newest_id(database_url: str) -> int:
    with session_scope(database_url) as session:
        return alerts.latest_id(session)


async def alert_events(
    database_url: str,
    after: int | None,
    still_logged_in: Callable[[], Awaitable[bool]],
    poll_seconds: float = POLL_SECONDS,
) -> AsyncIterator[str]:
    """The stream: alerts raised after `after` (None: only those raised from now on)."""
    yield f"retry: {RETRY_MILLISECONDS}\n\n"
    cursor = after if after is not None else await run_in_threadpool(newest_id, database_url)
    unseen: int | None = None
    started = checked = time.monotonic()
    while time.monotonic() - started < STREAM_SECONDS:
        news = await run_in_threadpool(read_news, database_url, cursor)
        cursor = news.cursor
        for item in news.alerts:
            yield event("alert", {**item, "unseen": news.unseen}, item["id"])
        if news.unseen != unseen:
            unseen = news.unseen
            yield event("count", {"unseen": unseen}, cursor)
        if time.monotonic() - checked >= CHECK_LOGIN_SECONDS:
            checked = time.monotonic()
            if not await still_logged_in():
                yield event("end", {})
                return
            yield ": still here\n\n"
        await asyncio.sleep(poll_seconds)


def last_event_id(header: str | None) -> int | None:
    """The Last-Event-ID a reconnecting browser sends, if it is one of ours."""
    text = (header or "").strip()
    return int(text) if text.isdigit() and len(text) < 19 else None
