"""Conversations this Rasa server handled lately, kept between turns, so a turn does not read
and rebuild the whole conversation from the database.

Rasa's SQL tracker store reads every event of the conversation's session and replays them into
a tracker at the start of each turn: on SQLite over a third of a turn's time under load
(scripts/benchmark_load.py). Here the tracker saved at the end of a turn is kept with the
conversation's *version* in the database (how many events it has and the highest event id).
The next turn asks the database only for that version, one indexed query; if it is unchanged,
no one else has written to the conversation (another Rasa server, Rasa's HTTP API, an erasure)
and the kept tracker is the one the database would give. Otherwise the conversation is read as
Rasa reads it.

A kept tracker is handed out once (taken out of the cache) and only if it has exactly the
events it had when it was saved, so a turn that fails half way, or code that changes a tracker
after saving it, never leaves a wrong conversation behind: the next turn reads the database.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass

from rasa.shared.core.trackers import DialogueStateTracker

# (number of events, highest event id) of one conversation, all sessions, in the database
Version = tuple[int, int | None]


@dataclass(frozen=True)
class Snapshot:
    """A tracker, the conversation's version in the database, and how many events the
    tracker had, at one moment (when it was read, or saved)."""

    tracker: DialogueStateTracker
    version: Version
    events: int

    @classmethod
    def of(cls, tracker: DialogueStateTracker, version: Version) -> Snapshot:
        return cls(tracker, version, len(tracker.events))


class TrackerCache:
    """The trackers saved last, at most `size` conversations, least recently saved dropped."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._kept: OrderedDict[str, Snapshot] = OrderedDict()
        self._lock = threading.Lock()

    def take(self, sender_id: str, version: Version) -> DialogueStateTracker | None:
        """The kept tracker if the database still holds exactly what it was saved as."""
        with self._lock:
            kept = self._kept.pop(sender_id, None)
        if kept is None or kept.version != version or len(kept.tracker.events) != kept.events:
            return None
        return kept.tracker

    def keep(self, tracker: DialogueStateTracker, version: Version) -> None:
        if self._size <= 0:
            return
        kept = Snapshot.of(tracker, version)
        with self._lock:
            self._kept[tracker.sender_id] = kept
            self._kept.move_to_end(tracker.sender_id)
            while len(self._kept) > self._size:
                self._kept.popitem(last=False)

    def forget(self, sender_id: str) -> None:
        with self._lock:
            self._kept.pop(sender_id, None)

    def __len__(self) -> int:
        return len(self._kept)
