"""Conversations kept between turns (bot/tracker_cache.py, used by bot/tracker_store.py): used
again only while the database holds exactly what was saved; any other writer, an erasure or a
change after saving makes the next turn read the database."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, Event, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.tracker_cache import TrackerCache
from bot.tracker_store import FrontdoorTrackerStore
from frontdoor import slots
from frontdoor.store.db import engine_for, session_scope
from frontdoor.store.retention import delete_events

DOMAIN = Domain.from_yaml(
    """
version: "3.1"
intents: [greet, inform]
slots:
  town:
    type: text
    mappings: [{type: custom}]
  erase_conversation:
    type: bool
    influence_conversation: false
    mappings: [{type: custom}]
"""
)


def turn(text: str, town: str) -> list[Event]:
    return [
        UserUttered(text, {"name": "inform", "confidence": 1.0}),
        SlotSet("town", town),
        ActionExecuted("action_listen"),
    ]


def run(coroutine):  # type: ignore[no-untyped-def]
    return asyncio.run(coroutine)


@pytest.fixture()
def servers(store_url: str) -> Iterator[tuple[FrontdoorTrackerStore, FrontdoorTrackerStore]]:
    """Two Rasa servers' tracker stores on one database (store_url is DATABASE_URL)."""
    first, second = FrontdoorTrackerStore(DOMAIN), FrontdoorTrackerStore(DOMAIN)
    yield first, second
    first.engine.dispose()
    second.engine.dispose()


def saved(store: FrontdoorTrackerStore, sender_id: str = "resident-1") -> DialogueStateTracker:
    """A conversation's second turn, saved: the tracker the store may keep (the first turn's,
    new, not one the store handed out, is saved as Rasa saves it)."""
    first = DialogueStateTracker.from_events(sender_id, turn("Boston", "Boston"), DOMAIN.slots)
    run(store.save(first))
    tracker = run(store.retrieve(sender_id))
    for event in turn("near Boston", "Boston"):
        tracker.update(event)
    run(store.save(tracker))
    return tracker


def test_the_next_turn_uses_the_saved_conversation_as_the_database_holds_it(servers) -> None:
    first, second = servers
    tracker = saved(first)
    kept = run(first.retrieve("resident-1"))
    assert kept is tracker
    from_database = run(second.retrieve("resident-1"))
    assert from_database is not None and from_database is not tracker
    assert list(from_database.events) == list(kept.events)
    assert from_database.current_slot_values() == kept.current_slot_values()


def test_a_turn_on_another_server_makes_the_next_one_read_the_database(servers) -> None:
    first, second = servers
    tracker = saved(first)
    elsewhere = run(second.retrieve("resident-1"))
    for event in turn("Lincoln then", "Lincoln"):
        elsewhere.update(event)
    run(second.save(elsewhere))
    back = run(first.retrieve("resident-1"))
    assert back is not tracker
    assert back.get_slot("town") == "Lincoln" and len(back.events) == 9


def test_an_erased_conversation_is_not_brought_back(servers, store_url: str) -> None:
    first, _ = servers
    saved(first)
    with session_scope(store_url) as session:
        assert delete_events(session, "resident-1") == 6
    assert run(first.retrieve("resident-1")) is None


def test_a_tracker_changed_after_it_was_saved_is_not_used(servers) -> None:
    first, _ = servers
    tracker = saved(first)
    tracker.update(SlotSet("town", "Skegness"))  # never saved
    back = run(first.retrieve("resident-1"))
    assert back is not tracker and back.get_slot("town") == "Boston"


def test_a_new_session_is_read_from_the_database_as_rasa_reads_it(servers) -> None:
    first, _ = servers
    saved(first)
    tracker = run(first.retrieve("resident-1"))
    for event in [ActionExecuted("action_session_start"), SessionStarted(), *turn("hi", "Louth")]:
        tracker.update(event)
    run(first.save(tracker))
    back = run(first.retrieve("resident-1"))
    assert back is not tracker
    # the new session only, from its SessionStarted, as Rasa's own read gives it
    assert [type(event) for event in back.events] == [
        SessionStarted,
        UserUttered,
        SlotSet,
        ActionExecuted,
    ]


def test_a_kept_conversation_is_handed_out_once(servers) -> None:
    first, _ = servers
    tracker = saved(first)
    assert run(first.retrieve("resident-1")) is tracker
    again = run(first.retrieve("resident-1"))  # a turn that failed never saved it back
    assert again is not tracker and list(again.events) == list(tracker.events)


def test_a_conversation_another_wrote_to_during_the_turn_is_not_used_again(servers) -> None:
    """Only if the locks failed: the turn's save keeps its events, and the next turn reads
    the database, which holds both writers' events."""
    first, second = servers
    saved(first)
    tracker = run(first.retrieve("resident-1"))
    elsewhere = run(second.retrieve("resident-1"))
    elsewhere.update(SlotSet("town", "Louth"))
    run(second.save(elsewhere))
    tracker.update(SlotSet("town", "Spalding"))
    run(first.save(tracker))
    back = run(first.retrieve("resident-1"))
    assert back is not tracker and len(back.events) == 8
    assert back.get_slot("town") == "Spalding"  # the last event written


def test_a_tracker_the_store_did_not_hand_out_is_saved_as_rasa_saves_it(servers) -> None:
    first, second = servers
    saved(first)
    whole = DialogueStateTracker.from_events(
        "resident-1",
        [*turn("Boston", "Boston"), *turn("near Boston", "Boston"), *turn("Sleaford", "Sleaford")],
        DOMAIN.slots,
    )
    run(first.save(whole))  # Rasa counts what is stored and adds the rest
    back = run(second.retrieve("resident-1"))
    assert list(back.events) == list(whole.events)


def test_a_conversation_asked_to_be_deleted_is_forgotten(servers) -> None:
    first, _ = servers
    tracker = saved(first)
    assert run(first.retrieve("resident-1")) is tracker
    tracker.update(SlotSet(slots.ERASE_CONVERSATION, True))
    run(first.save(tracker))
    assert len(first.cache) == 0
    assert run(first.retrieve("resident-1")) is None


def test_the_cache_holds_at_most_its_size_dropping_the_oldest() -> None:
    cache = TrackerCache(2)
    trackers = [DialogueStateTracker(f"resident-{n}", DOMAIN.slots) for n in range(3)]
    for tracker in trackers:
        cache.keep(tracker, (0, None))
    assert len(cache) == 2
    assert cache.take("resident-0", (0, None)) is None
    assert cache.take("resident-2", (0, None)) is trackers[2]


def test_no_cache_when_its_size_is_nought() -> None:
    cache = TrackerCache(0)
    tracker = DialogueStateTracker("resident-1", DOMAIN.slots)
    cache.keep(tracker, (0, None))
    assert cache.take("resident-1", (0, None)) is None


def pragma(connection: sa.engine.Connection, name: str) -> object:
    return connection.exec_driver_sql(f"PRAGMA {name}").scalar()


def test_on_sqlite_turns_keep_one_connection_open(sqlite_url: str) -> None:
    store = FrontdoorTrackerStore(DOMAIN)
    opened: list[object] = []
    sa.event.listen(store.engine, "connect", lambda connection, _record: opened.append(connection))
    try:
        tracker = saved(store)
        for n in range(5):
            tracker = run(store.retrieve("resident-1"))
            for event in turn(f"turn {n}", "Boston"):
                tracker.update(event)
            run(store.save(tracker))
        assert len(opened) == 1
        back = FrontdoorTrackerStore(DOMAIN)
        assert len(run(back.retrieve("resident-1")).events) == len(tracker.events)
        back.engine.dispose()
    finally:
        store.engine.dispose()


def test_on_sqlite_turns_do_not_wait_for_the_disk_but_the_store_does(sqlite_url: str) -> None:
    store = FrontdoorTrackerStore(DOMAIN)
    try:
        with store.engine.connect() as connection:
            assert pragma(connection, "journal_mode") == "wal"
            assert pragma(connection, "synchronous") == 1  # NORMAL
        with engine_for(sqlite_url).connect() as connection:
            assert pragma(connection, "synchronous") == 2  # FULL: referrals wait for the disk
    finally:
        store.engine.dispose()


def test_on_sqlite_a_turn_may_run_in_another_thread(sqlite_url: str) -> None:
    store = FrontdoorTrackerStore(DOMAIN)
    try:
        tracker = saved(store)  # the connection is opened in this thread
        in_thread = run(asyncio.to_thread(lambda: run(store.retrieve("resident-1"))))
        assert in_thread is tracker
    finally:
        store.engine.dispose()
