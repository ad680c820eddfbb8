"""Conversations stay whole across Rasa replicas (the scaled run, 2 + 2 behind nginx): one
conversation's messages sent to both replicas at once all arrive, in order, straight and
through nginx; a replica killed mid-load loses no conversation, and the other carries on.

Each pair of messages overlaps: the second is sent GAP after the first, to the other replica,
while the first is still being answered (a turn takes 50 ms or more here). Without a lock
store the replicas share (SHARED_STATE=in_memory), about half the messages are lost and some
arrive out of order.
"""

from __future__ import annotations

import os
import signal
import threading
import time
import urllib.error
import uuid
from pathlib import Path
from typing import Any

import pytest
import yaml
from assistant_servers import rest_replies
from scaled_run import Scaled

from frontdoor.runner import COMMANDS, local_command
from frontdoor.settings import PROJECT_ROOT

pytestmark = [pytest.mark.e2e, pytest.mark.postgres, pytest.mark.timeout(600)]

PAIRS = 25  # 50 messages in one conversation
GAP = 0.02  # seconds between a pair's two messages: the first has its place in the queue
RETRIED = {502, 503, 504}  # what a browser tries again: nginx found no replica to answer


def conversation(name: str) -> str:
    return f"{name}-{uuid.uuid4().hex[:10]}"


def send_in_overlapping_pairs(urls: tuple[str, str], sender: str, texts: list[str]) -> int:
    """Send the texts two at a time, the first of each pair to urls[0] and the second to
    urls[1] GAP later, every one answered; how many pairs were answered at once."""
    overlapping = 0
    answered: dict[int, tuple[float, list[dict[str, Any]]]] = {}  # when, and what

    def send(index: int, url: str) -> None:
        replies = rest_replies(url, sender, texts[index])
        answered[index] = (time.monotonic(), replies)

    for first in range(0, len(texts), 2):
        threads = [
            threading.Thread(target=send, args=(first + n, url)) for n, url in enumerate(urls)
        ]
        threads[0].start()
        time.sleep(GAP)
        second_sent = time.monotonic()
        threads[1].start()
        for thread in threads:
            thread.join(timeout=120)
        assert all(answered.get(i, (0.0, []))[1] for i in (first, first + 1)), texts[first]
        overlapping += second_sent < answered[first][0]
    return overlapping


def numbered(count: int) -> list[str]:
    return [f"thanks {n}" for n in range(count)]


def test_each_replica_runs_the_command_the_compose_file_gives_it(scaled: Scaled) -> None:
    """The processes of the scaled run are the compose file's commands (the model aside)."""
    services = yaml.safe_load((PROJECT_ROOT / "docker-compose.yml").read_text())["services"]
    running = {
        tuple(Path(f"/proc/{part.process.pid}/cmdline").read_bytes().decode().split("\0")[:-1])
        for part in scaled.run.parts
        if part.process is not None
    }
    started = [kind for kind in COMMANDS if kind in services and kind != "migrate"]
    assert started, "the compose file runs none of the scaled run's servers"
    for kind in started:
        assert tuple(services[kind]["command"]) == COMMANDS[kind], kind
        expected = tuple(local_command(kind))  # a script's own line starts with its python
        assert any(line[-len(expected) :] == expected for line in running), kind


def test_one_conversation_sent_to_both_replicas_arrives_whole_and_in_order(
    scaled: Scaled,
) -> None:
    sender, texts = conversation("both"), numbered(2 * PAIRS)
    replicas = (scaled.layout.rasa_url(0), scaled.layout.rasa_url(1))
    overlapping = send_in_overlapping_pairs(replicas, sender, texts)
    assert overlapping > PAIRS // 2, f"only {overlapping} pairs overlapped: nothing was tested"
    assert scaled.user_texts(sender) == texts


def test_the_same_through_nginx_which_takes_turns_between_replicas(scaled: Scaled) -> None:
    sender, texts = conversation("nginx"), numbered(2 * PAIRS)
    before = len(scaled.access_log().splitlines())
    public = scaled.layout.public_url
    overlapping = send_in_overlapping_pairs((public, public), sender, texts)
    assert overlapping > PAIRS // 2, f"only {overlapping} pairs overlapped: nothing was tested"
    assert scaled.user_texts(sender) == texts
    webhooks = [
        line for line in scaled.access_log().splitlines()[before:] if "/webhooks/rest/" in line
    ]
    for port in scaled.layout.rasa:
        served = sum(f"upstream=127.0.0.1:{port} " in line for line in webhooks)
        assert served >= PAIRS // 2, f"replica :{port} answered {served} of {len(webhooks)}"


class Residents:
    """Residents talking through nginx at once, each message tried again on a 502 (or no
    answer in time) the way the web chat page would, until answered or the deadline."""

    def __init__(self, url: str, conversations: dict[str, list[str]], deadline: float):
        self.url = url
        self.conversations = conversations
        self.deadline = time.monotonic() + deadline
        self.answered: list[tuple[str, str, list[dict[str, Any]]]] = []
        self.failures: list[str] = []
        self.threads = [
            threading.Thread(target=self.talk, args=(sender, texts), daemon=True)
            for sender, texts in conversations.items()
        ]

    def start(self) -> None:
        for thread in self.threads:
            thread.start()

    def join(self) -> None:
        for thread in self.threads:
            thread.join(timeout=max(1.0, self.deadline - time.monotonic()))

    def talk(self, sender: str, texts: list[str]) -> None:
        for text in texts:
            try:
                self.answered.append((sender, text, self.say(sender, text)))
            except Exception as error:  # recorded, and the test fails on it
                self.failures.append(f"{sender} {text!r}: {error!r}")
                return

    def say(self, sender: str, text: str) -> list[dict[str, Any]]:
        while True:
            try:
                return rest_replies(self.url, sender, text)
            except urllib.error.HTTPError as error:
                if error.code not in RETRIED:
                    raise
            except (TimeoutError, ConnectionError, urllib.error.URLError):
                pass
            if time.monotonic() > self.deadline:
                raise TimeoutError(f"no answer before the deadline to {text!r}")
            time.sleep(0.5)


def without_repeats(texts: list[str]) -> list[str]:
    """A message tried again after its answer was lost may be kept twice, one after the other."""
    return [text for n, text in enumerate(texts) if n == 0 or texts[n - 1] != text]


def test_a_replica_killed_mid_load_loses_no_conversation(scaled: Scaled) -> None:
    """Six residents at once through nginx; Rasa server 1 is killed (SIGKILL) once a quarter
    of their messages are answered. A conversation it held locked waits until Rasa lets the
    lock go (60 s), then carries on, on Rasa server 2."""
    conversations = {conversation(f"killed{n}"): ["hello", *numbered(7)] for n in range(6)}
    total = sum(len(texts) for texts in conversations.values())
    residents = Residents(scaled.layout.public_url, conversations, deadline=180)
    victim = scaled.part("Rasa server 1").process
    assert victim is not None
    residents.start()
    while len(residents.answered) < total // 4 and time.monotonic() < residents.deadline:
        time.sleep(0.01)
    os.kill(victim.pid, signal.SIGKILL)
    answered_at_kill = len(residents.answered)
    residents.join()
    assert victim.wait(timeout=10) == -signal.SIGKILL
    assert not residents.failures, residents.failures
    assert answered_at_kill < total, "every message was answered before the kill"
    assert len(residents.answered) == total
    assert all(replies for _, _, replies in residents.answered)
    for sender, texts in conversations.items():
        assert without_repeats(scaled.user_texts(sender)) == texts, sender
    survivor = scaled.layout.rasa_url(1)
    assert rest_replies(survivor, conversation("after"), "hello"), "Rasa server 2 stopped"
