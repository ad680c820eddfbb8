"""Residents' messages held on disk while the store is down, to be answered when it is back.

One JSON file per held message in OUTBOX_DIR: the channel, the sender, the text, its metadata
and when it came. The folder is the service's alone (mode 0700, files 0600) and a file appears
whole or not at all (written to a temporary name, flushed to disk, then renamed). Replay takes
the oldest first; each file is claimed by renaming it before it is handled, so of two workers
only one replays it, and it is deleted once its turn is done (or given back if it failed).

No database is needed for any of this: it is what runs when the database is not there.
"""

from __future__ import annotations

import itertools
import json
import os
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

HELD = ".json"
CLAIMED = ".claimed"
TEMPORARY = ".tmp"
STALE_CLAIM_SECONDS = 600.0  # a claim this old was left by a worker that stopped mid-replay

_sequence = itertools.count()  # orders files made in the same nanosecond by this process


@dataclass(frozen=True)
class Held:
    """One message waiting in the outbox."""

    path: Path
    channel: str
    sender_id: str
    text: str | None
    metadata: dict[str, Any] = field(default_factory=dict)
    received_at: str = ""
    key: str | None = None  # the channel's own id for it (an SMS's MessageSid): held once

    @property
    def name(self) -> str:
        """The file's name without its ending: the same whether held or claimed."""
        return self.path.name.split(".", 1)[0]


class Outbox:
    """A folder of held messages: hold, list oldest first, claim, finish or give back."""

    def __init__(self, folder: Path | str) -> None:
        self.folder = Path(folder)

    def _ensure_folder(self) -> None:
        self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.chmod(self.folder, 0o700)  # mkdir's mode is cut by the umask; an old folder kept

    def hold(
        self,
        channel: str,
        sender_id: str,
        text: str | None,
        metadata: dict[str, Any] | None = None,
        key: str | None = None,
    ) -> Held | None:
        """Keep a message; None if one with the same key is already held."""
        if key is not None and self.holds_key(key):
            return None
        self._ensure_folder()
        record = {
            "channel": channel,
            "sender_id": sender_id,
            "text": text,
            "metadata": metadata or {},
            "received_at": datetime.now(UTC).isoformat(),
            "key": key,
        }
        name = f"{time.time_ns():020d}-{next(_sequence) % 10**6:06d}-{uuid.uuid4().hex[:12]}"
        path = self.folder / f"{name}{HELD}"
        _write_atomically(path, json.dumps(record, default=str).encode())
        return _held(path, record)

    def pending(self) -> list[Held]:
        """The messages waiting (not claimed), oldest first."""
        return [h for h in (self._read(p) for p in self._paths(HELD)) if h is not None]

    def claimed(self) -> list[Held]:
        """The messages being replayed now (or left claimed by a worker that stopped)."""
        return [h for h in (self._read(p) for p in self._paths(CLAIMED)) if h is not None]

    def holds_sender(self, sender_id: str, channel: str | None = None) -> bool:
        """Whether a message of this sender is waiting or being replayed."""
        return any(
            h.sender_id == sender_id and (channel is None or h.channel == channel)
            for h in [*self.claimed(), *self.pending()]
        )

    def holds_key(self, key: str) -> bool:
        """Whether the message with this key is waiting or being replayed."""
        return any(h.key == key for h in [*self.claimed(), *self.pending()])

    def claim(self, held: Held) -> Held | None:
        """Take a waiting message to replay it; None if another worker took it first."""
        target = held.path.with_name(f"{held.name}{CLAIMED}")
        try:
            os.rename(held.path, target)
        except FileNotFoundError:
            return None
        os.utime(target)  # the claim's age, for recover_stale
        return _held(target, _as_record(held))

    def done(self, claimed: Held) -> None:
        """The message's turn is complete: forget it."""
        claimed.path.unlink(missing_ok=True)
        _sync_folder(self.folder)

    def release(self, claimed: Held) -> Held:
        """Give a claimed message back, in its place in the queue, to try again later."""
        target = claimed.path.with_name(f"{claimed.name}{HELD}")
        os.rename(claimed.path, target)
        return _held(target, _as_record(claimed))

    def recover_stale(self, older_than: float = STALE_CLAIM_SECONDS) -> int:
        """Give back claims older than `older_than` seconds (their worker stopped); how many."""
        now = time.time()
        recovered = 0
        for path in self._paths(CLAIMED):
            try:
                if now - path.stat().st_mtime > older_than:
                    os.rename(path, path.with_name(path.name.split(".", 1)[0] + HELD))
                    recovered += 1
            except FileNotFoundError:
                continue
        return recovered

    def __len__(self) -> int:
        return len(self._paths(HELD)) + len(self._paths(CLAIMED))

    def _paths(self, ending: str) -> list[Path]:
        if not self.folder.is_dir():
            return []
        return sorted(p for p in self.folder.iterdir() if p.name.endswith(ending))

    @staticmethod
    def _read(path: Path) -> Held | None:
        try:
            return _held(path, json.loads(path.read_bytes()))
        except FileNotFoundError:  # claimed or finished by another worker meanwhile
            return None


def _held(path: Path, record: dict[str, Any]) -> Held:
    return Held(
        path=path,
        channel=str(record["channel"]),
        sender_id=str(record["sender_id"]),
        text=record.get("text"),
        metadata=dict(record.get("metadata") or {}),
        received_at=str(record.get("received_at") or ""),
        key=record.get("key"),
    )


def _as_record(held: Held) -> dict[str, Any]:
    return {
        "channel": held.channel,
        "sender_id": held.sender_id,
        "text": held.text,
        "metadata": held.metadata,
        "received_at": held.received_at,
        "key": held.key,
    }


def _write_atomically(path: Path, data: bytes) -> None:
    """Write a new file whole or not at all: temporary file, fsync, rename, fsync the folder."""
    temporary = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}{TEMPORARY}")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.rename(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    _sync_folder(path.parent)


def _sync_folder(folder: Path) -> None:
    """Make a rename or delete in the folder survive a power cut."""
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _connect_arguments(database_url: str, timeout: float) -> dict[str, Any]:
    """Driver arguments that make a connection attempt give up after about `timeout` s."""
    backend = make_url(database_url).get_backend_name()
    if backend == "sqlite":
        return {"timeout": timeout}
    if backend == "postgresql":  # no startup options: a pooler such as PgBouncer refuses them
        return {"connect_timeout": max(1, round(timeout))}
    return {}


@lru_cache(maxsize=8)
def _probe_engine(database_url: str, timeout: float) -> sa.engine.Engine:
    """An engine that opens a fresh connection for each check (no stale pooled ones)."""
    return sa.create_engine(
        database_url,
        future=True,
        poolclass=NullPool,
        connect_args=_connect_arguments(database_url, timeout),
    )


def store_reachable(database_url: str, timeout: float = 3.0) -> bool:
    """Whether the store answers `SELECT 1` now (connecting gives up after `timeout` s)."""
    try:
        with _probe_engine(database_url, timeout).connect() as connection:
            connection.execute(sa.text("SELECT 1"))
        return True
    except Exception:  # any failure to answer is "not reachable"
        return False
