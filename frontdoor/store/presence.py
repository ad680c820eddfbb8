"""Whether a resident has the web chat open: one row per page's socket.io connection that has
joined a web chat session, written by the Rasa server holding the connection.

A page's websocket lives on one Rasa server (bot/channels/websocket.py), so each server writes
only its own rows (its server id: host, process and a random part, new at every start):

- `connected` when a page joins a session, `disconnected` when the page goes;
- every WEBCHAT_HEARTBEAT_SECONDS, `heartbeat` refreshes seen_at of all its open rows, and
  `keep_only` puts right what it could not write while the store was down;
- `all_left` when it stops.

A row counts as open only while it is fresh (seen within WEBCHAT_PRESENCE_SECONDS): a server
that crashed writes nothing more, so its rows go stale by themselves, and whoever runs
`clean_up` ends them at the moment they were last seen. Ended rows are deleted after KEEP.
No personal data: a session's random id, a socket's, a server's, and times.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from frontdoor.store.db import rows_changed
from frontdoor.store.models import WebChatConnection, utcnow

GONE_AFTER = timedelta(seconds=60)  # not seen by its server for this long: gone
KEEP = timedelta(days=30)  # an ended connection is kept this long ("left the chat Tue 3 Dec")

Socket = tuple[str, str]  # a socket's sid and the session (conversation id) it joined


@dataclass(frozen=True)
class ChatPresence:
    """Whether a page has the conversation's web chat open now; if not, when the last one
    went (None: no connection is known)."""

    open: bool
    since: datetime | None = None  # open: when the earliest open page connected
    left_at: datetime | None = None


def _row(server_id: str, sid: str, conversation_id: str) -> sa.sql.ColumnElement[sa.Boolean]:
    return sa.and_(
        WebChatConnection.server_id == server_id,
        WebChatConnection.sid == sid,
        WebChatConnection.conversation_id == conversation_id,
    )


def connected(
    session: Session,
    server_id: str,
    sid: str,
    conversation_id: str,
    now: datetime | None = None,
    connected_at: datetime | None = None,
) -> None:
    """A page's connection on this server has joined the session (again, if it had before)."""
    now = now or utcnow()
    revived = sa.update(WebChatConnection).where(_row(server_id, sid, conversation_id))
    if rows_changed(session, revived.values(seen_at=now, left_at=None)):
        return
    session.add(
        WebChatConnection(
            server_id=server_id,
            sid=sid,
            conversation_id=conversation_id,
            connected_at=connected_at or now,
            seen_at=now,
        )
    )
    session.flush()


def _end(session: Session, where: sa.sql.ColumnElement[sa.Boolean], now: datetime) -> int:
    ending = sa.update(WebChatConnection).where(where, WebChatConnection.left_at.is_(None))
    return rows_changed(session, ending.values(left_at=now))


def disconnected(session: Session, server_id: str, sid: str, now: datetime | None = None) -> int:
    """The page's connection has gone: every session it joined on this server ends now."""
    mine = sa.and_(WebChatConnection.server_id == server_id, WebChatConnection.sid == sid)
    return _end(session, mine, now or utcnow())


def all_left(session: Session, server_id: str, now: datetime | None = None) -> int:
    """The server is stopping: all its connections end now."""
    return _end(session, sa.and_(WebChatConnection.server_id == server_id), now or utcnow())


def heartbeat(session: Session, server_id: str, now: datetime | None = None) -> int:
    """The server still holds its open connections: seen now. How many it refreshed."""
    refresh = sa.update(WebChatConnection).where(
        WebChatConnection.server_id == server_id, WebChatConnection.left_at.is_(None)
    )
    return rows_changed(session, refresh.values(seen_at=now or utcnow()))


def keep_only(
    session: Session,
    server_id: str,
    live: Collection[Socket],
    now: datetime | None = None,
    connected_at: dict[Socket, datetime] | None = None,
) -> tuple[int, int]:
    """Make the server's open rows the connections it holds: rows it missed are added, rows
    of pages gone (a disconnect not written) end now. How many were added and ended."""
    now = now or utcnow()
    query = sa.select(WebChatConnection.sid, WebChatConnection.conversation_id).where(
        WebChatConnection.server_id == server_id, WebChatConnection.left_at.is_(None)
    )
    stored: set[Socket] = {(row.sid, row.conversation_id) for row in session.execute(query)}
    wanted = set(live)
    for sid, conversation_id in wanted - stored:
        since = (connected_at or {}).get((sid, conversation_id))
        connected(session, server_id, sid, conversation_id, now, since)
    ended = sum(_end(session, _row(server_id, *gone), now) for gone in stored - wanted)
    return len(wanted - stored), ended


def clean_up(
    session: Session,
    now: datetime | None = None,
    gone_after: timedelta = GONE_AFTER,
    keep: timedelta = KEEP,
) -> tuple[int, int]:
    """End the stale rows (a server that died) when they were last seen; delete rows ended
    more than `keep` ago. How many were ended and deleted."""
    now = now or utcnow()
    stale = sa.update(WebChatConnection).where(
        WebChatConnection.left_at.is_(None), WebChatConnection.seen_at < now - gone_after
    )
    ended = rows_changed(session, stale.values(left_at=WebChatConnection.seen_at))
    old = sa.delete(WebChatConnection).where(WebChatConnection.left_at < now - keep)
    return ended, rows_changed(session, old)


def presence(
    session: Session,
    conversation_id: str,
    now: datetime | None = None,
    gone_after: timedelta = GONE_AFTER,
) -> ChatPresence:
    """Open if a page's connection to the session is open and fresh; else when the last ended
    (a stale one when it was last seen)."""
    now = now or utcnow()
    query = sa.select(
        WebChatConnection.connected_at, WebChatConnection.seen_at, WebChatConnection.left_at
    ).where(WebChatConnection.conversation_id == conversation_id)
    rows = session.execute(query).all()
    fresh = [r for r in rows if r.left_at is None and r.seen_at >= now - gone_after]
    if fresh:
        return ChatPresence(open=True, since=min(r.connected_at for r in fresh))
    ends = [r.left_at or r.seen_at for r in rows]
    return ChatPresence(open=False, left_at=max(ends) if ends else None)


def forget(session: Session, conversation_id: str) -> int:
    """Delete the conversation's connections (its resident's details are being erased)."""
    gone = sa.delete(WebChatConnection).where(WebChatConnection.conversation_id == conversation_id)
    return rows_changed(session, gone)
