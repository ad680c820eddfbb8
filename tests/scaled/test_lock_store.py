"""The lock store bot/endpoints.yml names, built as Rasa builds it: the settings choose it
(SHARED_STATE); in Redis two Rasa servers see each other's locks, in memory each only its own."""

from __future__ import annotations

import asyncio
import threading
import time
import uuid

import pytest
import redis
from rasa.core.lock_store import LockStore
from rasa.core.utils import AvailableEndpoints
from scaled_run import unavailable

from frontdoor.scaled import SettingsLockStore, redis_lock_store
from frontdoor.settings import PROJECT_ROOT, get_settings


def rasa_lock_store(monkeypatch: pytest.MonkeyPatch, kind: str) -> LockStore:
    """A lock store as a Rasa server with these settings makes it from bot/endpoints.yml."""
    monkeypatch.setenv("SHARED_STATE", kind)
    monkeypatch.setenv("ACTIONS_URL", "http://127.0.0.1:5055/webhook")
    monkeypatch.setenv("ACTIONS_TOKEN", "locks")
    endpoints = AvailableEndpoints.read_endpoints(str(PROJECT_ROOT / "bot" / "endpoints.yml"))
    store = LockStore.create(endpoints.lock_store)
    assert isinstance(store, SettingsLockStore)
    return store


def need_redis(monkeypatch: pytest.MonkeyPatch) -> None:
    """The machine's Redis, at the default REDIS_URL."""
    monkeypatch.delenv("REDIS_URL", raising=False)
    try:
        redis_lock_store(get_settings().redis_url).red.ping()
    except redis.RedisError:
        unavailable(f"Redis is not reachable at {get_settings().redis_url}")


def test_two_rasa_servers_see_each_others_locks_in_redis(monkeypatch) -> None:
    need_redis(monkeypatch)
    one, other = rasa_lock_store(monkeypatch, "redis"), rasa_lock_store(monkeypatch, "redis")
    conversation = f"locks-{uuid.uuid4().hex}"
    first = one.issue_ticket(conversation)
    try:
        second = other.issue_ticket(conversation)
        lock = other.get_lock(conversation)
        assert second == first + 1
        assert lock is not None and lock.is_locked(second)  # waits for the first server's turn
    finally:
        one.cleanup(conversation, first)
    lock = other.get_lock(conversation)
    assert lock is not None and not lock.is_locked(second)  # and then takes its own
    other.cleanup(conversation, second)
    assert one.get_lock(conversation) is None


def test_rasa_servers_contending_for_one_conversation_take_turns(monkeypatch) -> None:
    """Three servers (threads, each with its own loop and store) enter one conversation's lock
    30 times each: never two at once, none stuck. Rasa's own Redis lock store, which reads a
    lock, changes it and writes it back unguarded, let two in at once and left some waiting
    for a ticket it had put back (every fifth entry or so)."""
    need_redis(monkeypatch)
    stores = [rasa_lock_store(monkeypatch, "redis") for _ in range(3)]
    conversation, inside, most, problems = f"locks-{uuid.uuid4().hex}", [0], [0], []
    counting = threading.Lock()
    deadline = time.monotonic() + 60

    async def take_turns(store: LockStore) -> None:
        for _ in range(30):
            try:
                async with asyncio.timeout(5), store.lock(conversation, 3, 0.005):
                    with counting:
                        inside[0] += 1
                        most[0] = max(most[0], inside[0])
                    await asyncio.sleep(0.002)
                    with counting:
                        inside[0] -= 1
            except Exception as error:  # recorded: the test fails on it
                problems.append(repr(error))
            if time.monotonic() > deadline:
                problems.append("out of time")
                return

    servers = [threading.Thread(target=asyncio.run, args=(take_turns(s),)) for s in stores]
    for server in servers:
        server.start()
    for server in servers:
        server.join(timeout=90)
    assert (most[0], problems) == (1, [])
    assert stores[0].get_lock(conversation) is None


def test_in_memory_each_rasa_server_sees_only_its_own_locks(monkeypatch) -> None:
    """Why replicas need Redis: in memory, the other server would answer at the same time."""
    one, other = (
        rasa_lock_store(monkeypatch, "in_memory"),
        rasa_lock_store(monkeypatch, "in_memory"),
    )
    conversation = f"locks-{uuid.uuid4().hex}"
    one.issue_ticket(conversation)
    assert one.get_lock(conversation) is not None
    assert other.get_lock(conversation) is None


def test_a_redis_address_gives_each_part_to_the_lock_store() -> None:
    store = redis_lock_store("rediss://frontdoor:p%40ss@locks.example.org:6380/3")
    given = store.red.connection_pool.connection_kwargs
    assert (given["host"], given["port"], given["db"]) == ("locks.example.org", 6380, 3)
    assert (given["username"], given["password"]) == ("frontdoor", "p@ss")
    assert store.red.connection_pool.connection_class is redis.SSLConnection
    plain = redis_lock_store("redis://127.0.0.1:6379/0").red.connection_pool
    assert plain.connection_kwargs["password"] is None
    assert plain.connection_class is redis.Connection
