"""The outbox that keeps residents' messages while the store is down (frontdoor/outbox.py), and
how `limited` and the tracker store use it (bot/channels/limits.py, bot/tracker_store.py)."""

from __future__ import annotations

import asyncio
import json
import os
import stat
import threading
import time
from pathlib import Path

import pytest
import sqlalchemy as sa
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.tracker_store import FailSafeTrackerStore

from bot.channels import limits
from bot.channels.limits import OUTAGE_TEXT, StoreUnavailable, limited
from frontdoor.outbox import Outbox, store_reachable
from frontdoor.runner import free_port

TEAM = "01632 960000"


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_held_message_is_one_private_file_written_whole(tmp_path: Path) -> None:
    box = Outbox(tmp_path / "outbox")
    held = box.hold("rest", "resident-1", "yes", {"a": 1})
    assert held is not None and held.path.exists()
    assert _mode(tmp_path / "outbox") == 0o700
    assert _mode(held.path) == 0o600
    record = json.loads(held.path.read_text())
    assert record["channel"] == "rest" and record["sender_id"] == "resident-1"
    assert record["text"] == "yes" and record["metadata"] == {"a": 1} and record["received_at"]
    assert [p.name for p in (tmp_path / "outbox").iterdir()] == [held.path.name]  # no temp


def test_a_write_that_fails_leaves_nothing_half_written(tmp_path: Path, monkeypatch) -> None:
    box = Outbox(tmp_path)

    def power_cut(_descriptor: int) -> None:
        raise OSError("disk gone")

    monkeypatch.setattr(os, "fsync", power_cut)
    with pytest.raises(OSError):
        box.hold("rest", "resident-1", "yes")
    assert list(tmp_path.iterdir()) == []


def test_an_old_folder_is_made_private(tmp_path: Path) -> None:
    folder = tmp_path / "outbox"
    folder.mkdir(mode=0o755)
    os.chmod(folder, 0o755)
    Outbox(folder).hold("rest", "r", "hi")
    assert _mode(folder) == 0o700


def test_messages_come_back_oldest_first_and_keep_their_place(tmp_path: Path) -> None:
    box = Outbox(tmp_path)
    for n in range(5):
        box.hold("rest", f"resident-{n % 2}", f"message {n}")
    assert [h.text for h in box.pending()] == [f"message {n}" for n in range(5)]
    first = box.claim(box.pending()[0])
    assert first is not None
    assert [h.text for h in box.pending()] == [f"message {n}" for n in range(1, 5)]
    box.release(first)  # given back: first again, not last
    assert [h.text for h in box.pending()] == [f"message {n}" for n in range(5)]


def test_a_message_is_claimed_once_and_gone_when_done(tmp_path: Path) -> None:
    box = Outbox(tmp_path)
    held = box.hold("sms_webhook", "+447700900001", "yes", key="SM1")
    assert box.holds_key("SM1") and box.holds_sender("+447700900001", "sms_webhook")
    assert box.hold("sms_webhook", "+447700900001", "yes", key="SM1") is None  # redelivered
    claimed = box.claim(held)
    assert claimed is not None and box.claim(held) is None
    assert box.pending() == [] and box.holds_key("SM1")  # claimed still counts as held
    box.done(claimed)
    assert len(box) == 0 and not box.holds_sender("+447700900001")


def test_two_workers_never_replay_the_same_message(tmp_path: Path) -> None:
    Outbox(tmp_path).hold("rest", "resident-1", "yes")
    [held] = Outbox(tmp_path).pending()
    won: list[bool] = []
    start = threading.Barrier(8)

    def worker() -> None:
        start.wait()
        won.append(Outbox(tmp_path).claim(held) is not None)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert won.count(True) == 1


def test_a_claim_left_by_a_stopped_worker_is_given_back(tmp_path: Path) -> None:
    box = Outbox(tmp_path)
    claimed = box.claim(box.hold("rest", "resident-1", "yes"))
    assert claimed is not None
    assert box.recover_stale(older_than=60) == 0
    old = time.time() - 3600
    os.utime(claimed.path, (old, old))
    assert box.recover_stale(older_than=60) == 1
    assert [h.text for h in box.pending()] == ["yes"]


def test_the_store_check_is_quick_and_never_hangs(tmp_path: Path) -> None:
    assert store_reachable(f"sqlite:///{tmp_path}/ok.db")
    assert not store_reachable(f"sqlite:///{tmp_path}/no/such/folder/x.db")
    began = time.monotonic()
    assert not store_reachable(f"postgresql://postgres@127.0.0.1:{free_port()}/none", 1.0)
    assert time.monotonic() - began < 5


# `limited` with the store down.


@pytest.fixture()
def down(tmp_path: Path, monkeypatch) -> Path:
    """The store unreachable, an outbox of the test's own, a fresh Holding."""
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/missing/folder/store.db")
    monkeypatch.setenv("OUTBOX_DIR", str(tmp_path / "outbox"))
    monkeypatch.setenv("TEAM_PHONE", TEAM)
    monkeypatch.setattr(limits, "_holding", None)
    return tmp_path


def rasa_reading(handled: list[str]):
    """A stand-in for Rasa's handler that, as Rasa does, reads the conversation first: the
    tracker store raises StoreUnavailable when the store cannot be read."""

    async def on_new_message(message: UserMessage) -> None:
        if not store_reachable(limits.holding().database_url, 1.0):
            raise StoreUnavailable("OperationalError")
        handled.append(message.text)

    return on_new_message


def test_a_turn_with_the_store_down_is_held_and_the_resident_told(down: Path) -> None:
    handled: list[str] = []
    on_new_message = rasa_reading(handled)

    async def scenario() -> list[str]:
        handle = limited(on_new_message, channel="rest", output=CollectingOutputChannel)
        output = CollectingOutputChannel()
        await handle(UserMessage("yes", output, "resident-1", input_channel="rest"))
        assert handled == []  # Rasa never saw it: no empty conversation
        box = limits.holding()
        assert [(h.sender_id, h.text) for h in box.outbox.pending()] == [("resident-1", "yes")]
        await handle(UserMessage("still there?", output, "resident-1", input_channel="rest"))
        box.database_url = f"sqlite:///{down}/store.db"  # the store is back
        await box.replay()  # (or the background replay, started with the first hold, did)
        assert len(box.outbox) == 0
        return [m["text"] for m in output.messages]

    told = asyncio.run(scenario())
    assert told == [OUTAGE_TEXT.format(team_phone=TEAM)] * 2
    assert "999" in told[0] and "116 123" in told[0] and TEAM in told[0]
    assert handled == ["yes", "still there?"]  # in order, once each


def test_a_newer_message_waits_behind_held_ones(down: Path) -> None:
    handled: list[str] = []
    on_new_message = rasa_reading(handled)

    async def scenario() -> None:
        handle = limited(on_new_message, channel="rest", output=CollectingOutputChannel)
        await handle(UserMessage("first", CollectingOutputChannel(), "r", input_channel="rest"))
        limits.holding().database_url = f"sqlite:///{down}/store.db"
        await handle(UserMessage("second", CollectingOutputChannel(), "r", input_channel="rest"))

    asyncio.run(scenario())
    assert handled == ["first", "second"]


def test_no_store_check_is_made_while_nothing_is_held(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/store.db")
    monkeypatch.setenv("OUTBOX_DIR", str(tmp_path / "outbox"))
    monkeypatch.setattr(limits, "_holding", None)
    checks: list[str] = []
    monkeypatch.setattr(limits, "store_reachable", lambda url, timeout: checks.append(url) or True)
    handled: list[str] = []

    async def on_new_message(message: UserMessage) -> None:
        handled.append(message.text)

    async def scenario() -> None:
        handle = limited(on_new_message, channel="rest", output=CollectingOutputChannel)
        for text in ["hello", "knitting", "yes"]:
            await handle(UserMessage(text, CollectingOutputChannel(), "r", input_channel="rest"))

    asyncio.run(scenario())
    assert handled == ["hello", "knitting", "yes"]
    assert checks == []  # the hot path makes no query of its own


def test_a_store_failure_inside_the_turn_holds_the_message(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/store.db")
    monkeypatch.setenv("OUTBOX_DIR", str(tmp_path / "outbox"))
    monkeypatch.setattr(limits, "_holding", None)

    async def on_new_message(message: UserMessage) -> None:
        raise StoreUnavailable("OperationalError")  # what the tracker store raises

    async def scenario() -> list[dict]:
        output = CollectingOutputChannel()
        await limited(on_new_message)(UserMessage("yes", output, "r-2", input_channel="rest"))
        return output.messages

    messages = asyncio.run(scenario())
    assert [m["text"] for m in messages] == [limits.holding().outage_text()]
    assert [h.text for h in limits.holding().outbox.pending()] == ["yes"]


# The tracker store: a failed read in a turn must not become an empty conversation.


@pytest.fixture()
def broken_tracker_store(tmp_path: Path, monkeypatch) -> FailSafeTrackerStore:
    """The tracker store as Rasa wraps it, on a database that then fails every query."""
    from bot.tracker_store import FrontdoorTrackerStore

    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/tracker.db")
    store = FrontdoorTrackerStore()

    def no_database() -> None:
        raise sa.exc.OperationalError("SELECT", {}, Exception("database is down"))

    store.sessionmaker = no_database
    return FailSafeTrackerStore(store)


def test_a_failed_read_in_a_turn_stops_the_turn(broken_tracker_store) -> None:
    async def in_a_turn() -> None:
        turn, _ = limits.start_turn(lambda m: broken_tracker_store.retrieve(m.sender_id), _msg())
        await asyncio.wait({turn})
        with pytest.raises(StoreUnavailable):
            turn.result()

    asyncio.run(in_a_turn())


def test_a_failed_read_outside_a_turn_is_left_to_rasa(broken_tracker_store) -> None:
    assert asyncio.run(broken_tracker_store.retrieve("resident-1")) is None


def _msg() -> UserMessage:
    return UserMessage("yes", CollectingOutputChannel(), "resident-1", input_channel="rest")
