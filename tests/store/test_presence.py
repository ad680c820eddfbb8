"""Who has the web chat open (frontdoor/store/presence.py), on SQLite and PostgreSQL: pages
connecting and going, each Rasa server's heartbeat, two servers, and a server that dies."""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa

from frontdoor.store import presence
from frontdoor.store.db import session_scope
from frontdoor.store.models import WebChatConnection
from frontdoor.store.presence import ChatPresence
from frontdoor.store.referrals import erase_personal_data

NOW = datetime(2026, 7, 14, 12, 0)
ONE = "server-one:101:aa11"
TWO = "server-two:202:bb22"
CHAT = "0f3c9a7e5b1d2c4a0f3c9a7e5b1d2c4a"
OTHER_CHAT = "1e2d3c4b5a69788796a5b4c3d2e1f0a9"


def at(seconds: float) -> datetime:
    return NOW + timedelta(seconds=seconds)


def seen(url: str, conversation_id: str = CHAT, when: float = 0) -> ChatPresence:
    with session_scope(url) as session:
        return presence.presence(session, conversation_id, at(when))


def rows(url: str) -> list[tuple[str, str, str, datetime | None]]:
    with session_scope(url) as session:
        query = sa.select(
            WebChatConnection.server_id,
            WebChatConnection.sid,
            WebChatConnection.conversation_id,
            WebChatConnection.left_at,
        ).order_by(WebChatConnection.id)
        return [tuple(r) for r in session.execute(query)]


def test_a_conversation_never_opened_on_the_web_chat_is_closed_with_no_time(
    store_url: str,
) -> None:
    assert seen(store_url) == ChatPresence(open=False, since=None, left_at=None)


def test_a_page_that_joins_is_there_until_it_goes(store_url: str) -> None:
    with session_scope(store_url) as session:
        presence.connected(session, ONE, "sid-a", CHAT, at(0))
    assert seen(store_url, when=5) == ChatPresence(open=True, since=at(0))
    assert seen(store_url, OTHER_CHAT, when=5) == ChatPresence(open=False)
    with session_scope(store_url) as session:
        assert presence.disconnected(session, ONE, "sid-a", at(30)) == 1
    assert seen(store_url, when=31) == ChatPresence(open=False, left_at=at(30))
    with session_scope(store_url) as session:  # a second close changes nothing
        assert presence.disconnected(session, ONE, "sid-a", at(40)) == 0
    assert seen(store_url, when=41).left_at == at(30)


def test_the_heartbeat_keeps_a_page_there_and_its_absence_lets_it_go(store_url: str) -> None:
    with session_scope(store_url) as session:
        presence.connected(session, ONE, "sid-a", CHAT, at(0))
    for beat in (20, 40, 60, 80):
        with session_scope(store_url) as session:
            assert presence.heartbeat(session, ONE, at(beat)) == 1
    assert seen(store_url, when=135) == ChatPresence(open=True, since=at(0))
    # no heartbeat after 80 s: the server died; a minute on, the page counts as gone then
    assert seen(store_url, when=140) == ChatPresence(open=True, since=at(0))
    assert seen(store_url, when=141) == ChatPresence(open=False, left_at=at(80))


def test_a_dead_servers_pages_go_stale_and_the_other_server_ends_them(store_url: str) -> None:
    with session_scope(store_url) as session:
        presence.connected(session, ONE, "sid-a", CHAT, at(0))
        presence.connected(session, TWO, "sid-b", OTHER_CHAT, at(0))
    with session_scope(store_url) as session:  # server one has crashed; two goes on beating
        for beat in (20, 40, 60, 80):
            presence.heartbeat(session, TWO, at(beat))
            presence.clean_up(session, at(beat))
    assert [r[3] for r in rows(store_url)] == [at(0), None]  # ended when last seen
    assert seen(store_url, when=80) == ChatPresence(open=False, left_at=at(0))
    assert seen(store_url, OTHER_CHAT, when=80) == ChatPresence(open=True, since=at(0))
    with session_scope(store_url) as session:  # its heartbeat, late, does not bring them back
        assert presence.heartbeat(session, ONE, at(90)) == 0
    assert not seen(store_url, when=90).open


def test_two_tabs_on_two_servers_the_chat_is_open_until_both_go(store_url: str) -> None:
    with session_scope(store_url) as session:
        presence.connected(session, ONE, "sid-a", CHAT, at(0))
        presence.connected(session, TWO, "sid-b", CHAT, at(10))
        presence.disconnected(session, ONE, "sid-a", at(20))
    assert seen(store_url, when=25) == ChatPresence(open=True, since=at(10))
    with session_scope(store_url) as session:
        presence.disconnected(session, TWO, "sid-b", at(30))
        presence.disconnected(session, TWO, "sid-a", at(31))  # another server's sid: not its
    assert seen(store_url, when=35) == ChatPresence(open=False, left_at=at(30))


def test_a_socket_that_joins_again_is_one_row(store_url: str) -> None:
    with session_scope(store_url) as session:
        presence.connected(session, ONE, "sid-a", CHAT, at(0))
        presence.connected(session, ONE, "sid-a", CHAT, at(5))
    assert len(rows(store_url)) == 1
    assert seen(store_url, when=6) == ChatPresence(open=True, since=at(0))


def test_the_heartbeat_puts_right_what_the_store_missed(store_url: str) -> None:
    with session_scope(store_url) as session:  # written: a and b; missed: c joined, b went
        presence.connected(session, ONE, "sid-a", CHAT, at(0))
        presence.connected(session, ONE, "sid-b", OTHER_CHAT, at(0))
        presence.connected(session, TWO, "sid-z", OTHER_CHAT, at(0))
    live = {("sid-a", CHAT): at(0), ("sid-c", "c" * 32): at(5)}
    with session_scope(store_url) as session:
        assert presence.keep_only(session, ONE, live, at(20), live) == (1, 1)
        assert presence.keep_only(session, ONE, live, at(40), live) == (0, 0)
    assert rows(store_url) == [
        (ONE, "sid-a", CHAT, None),
        (ONE, "sid-b", OTHER_CHAT, at(20)),
        (TWO, "sid-z", OTHER_CHAT, None),  # another server's rows are its own business
        (ONE, "sid-c", "c" * 32, None),
    ]
    assert seen(store_url, "c" * 32, when=21) == ChatPresence(open=True, since=at(5))


def test_a_server_that_stops_ends_only_its_own_pages(store_url: str) -> None:
    with session_scope(store_url) as session:
        presence.connected(session, ONE, "sid-a", CHAT, at(0))
        presence.connected(session, ONE, "sid-b", OTHER_CHAT, at(0))
        presence.connected(session, TWO, "sid-c", OTHER_CHAT, at(0))
        assert presence.all_left(session, ONE, at(10)) == 2
    assert seen(store_url, when=11) == ChatPresence(open=False, left_at=at(10))
    assert seen(store_url, OTHER_CHAT, when=11).open


def test_old_ended_connections_are_deleted_and_erasure_forgets_them(store_url: str) -> None:
    with session_scope(store_url) as session:
        presence.connected(session, ONE, "sid-a", CHAT, at(0))
        presence.disconnected(session, ONE, "sid-a", at(10))
        presence.connected(session, ONE, "sid-b", OTHER_CHAT, at(0))
    with session_scope(store_url) as session:
        later = at(10) + presence.KEEP
        assert presence.clean_up(session, later) == (1, 1)  # sid-b: stale, ended at 0 s
        assert presence.clean_up(session, later + timedelta(seconds=1)) == (0, 1)  # sid-a
    assert rows(store_url) == []
    with session_scope(store_url) as session:
        presence.connected(session, ONE, "sid-c", CHAT, at(0))
        presence.connected(session, ONE, "sid-d", OTHER_CHAT, at(0))
        assert presence.forget(session, CHAT) == 1
    assert [r[2] for r in rows(store_url)] == [OTHER_CHAT]


def test_delete_my_details_forgets_the_web_chat_connections(store_url: str) -> None:
    with session_scope(store_url) as session:
        presence.connected(session, ONE, "sid-a", CHAT, at(0))
        presence.connected(session, ONE, "sid-b", OTHER_CHAT, at(0))
    with session_scope(store_url) as session:
        erase_personal_data(session, CHAT)
    assert [r[2] for r in rows(store_url)] == [OTHER_CHAT]
