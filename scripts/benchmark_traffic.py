"""Residents for the load benchmark: conversations over Rasa's REST channel, many at once,
timed message by message; and the memory of the processes that answer them.

Frontdoor's residents say what residents say (benchmark_residents.py): find a group,
talk about what matters, answer yes or no. A reply that is Frontdoor's apology ("something went
wrong") counts as an error, as does a failed request.
"""

from __future__ import annotations

import asyncio
import statistics
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp

APOLOGY = "something went wrong"  # Frontdoor's words when a turn failed (bot/domain/channels.yml)
TIMEOUT_SECONDS = 120.0  # a reply slower than this is an error


@dataclass
class Sample:
    """What one load of conversations measured."""

    latencies: list[float] = field(default_factory=list)  # seconds, one per answered message
    errors: int = 0
    seconds: float = 0.0  # from the first message sent to the last reply
    messages: int = 0

    def add(self, other: Sample) -> None:
        """Fold another load's figures into this one (pooled latencies, summed time)."""
        self.latencies += other.latencies
        self.errors += other.errors
        self.seconds += other.seconds
        self.messages += other.messages

    @property
    def per_second(self) -> float:
        return self.messages / self.seconds if self.seconds else 0.0

    def median_ms(self) -> float:
        return 1000 * statistics.median(self.latencies) if self.latencies else float("nan")

    def p95_ms(self) -> float:
        return 1000 * percentile(self.latencies, 0.95) if self.latencies else float("nan")


def percentile(values: Sequence[float], fraction: float) -> float:
    """The value below which `fraction` of the values lie (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def webhook(base_url: str) -> str:
    return f"{base_url}/webhooks/rest/webhook"


def failed(replies: Any) -> bool:
    """Whether an answer is not a list of replies, or is the assistant's apology."""
    if not isinstance(replies, list):
        return True
    return any(APOLOGY in str(reply.get("text", "")).lower() for reply in replies)


async def say(
    session: aiohttp.ClientSession, url: str, sender: str, text: str
) -> tuple[float, list[dict[str, Any]] | None]:
    """Send one message; how long the reply took, and the replies (None when it failed)."""
    started = time.perf_counter()
    try:
        async with session.post(url, json={"sender": sender, "message": text}) as response:
            replies = await response.json() if response.status == 200 else None
    except (TimeoutError, aiohttp.ClientError, ValueError):
        replies = None
    elapsed = time.perf_counter() - started
    return elapsed, None if replies is None or failed(replies) else replies


async def converse(
    session: aiohttp.ClientSession, url: str, turns: Sequence[str], sample: Sample
) -> None:
    """One resident: each turn in order, the next sent when the last is answered."""
    sender = f"bench-{uuid.uuid4().hex[:12]}"
    for text in turns:
        elapsed, replies = await say(session, url, sender, text)
        sample.messages += 1
        if replies is None:
            sample.errors += 1
        else:
            sample.latencies.append(elapsed)


async def load(base_url: str, conversations: Sequence[Sequence[str]], concurrency: int) -> Sample:
    """Hold `concurrency` conversations at once until every one has been had."""
    sample = Sample()
    queue = list(conversations)
    timeout = aiohttp.ClientTimeout(total=TIMEOUT_SECONDS)
    connector = aiohttp.TCPConnector(limit=0, force_close=False)
    async with aiohttp.ClientSession(timeout=timeout, connector=connector) as session:

        async def resident() -> None:
            while queue:
                await converse(session, webhook(base_url), queue.pop(), sample)

        started = time.perf_counter()
        await asyncio.gather(*(resident() for _ in range(concurrency)))
        sample.seconds = time.perf_counter() - started
    return sample


def run_load(base_url: str, conversations: Sequence[Sequence[str]], concurrency: int) -> Sample:
    return asyncio.run(load(base_url, conversations, concurrency))


async def transcript(base_url: str, turns: Sequence[str]) -> list[tuple[str, list[str]]]:
    """One conversation: each turn and the texts it got back (to check the turns make sense)."""
    sender = f"bench-show-{uuid.uuid4().hex[:8]}"
    said = []
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=60)) as session:
        for text in turns:
            _, replies = await say(session, webhook(base_url), sender, text)
            said.append((text, [str(r.get("text", r)) for r in replies or [{"text": "ERROR"}]]))
    return said


class Memory:
    """Each process's peak resident memory: during each load, and since it started."""

    def __init__(self, processes: dict[str, int]) -> None:
        self.processes = processes  # name -> process id
        self.since_start: dict[str, int] = {}

    def peak_kib(self, pid: int) -> int:
        """The process's peak resident set size so far (VmHWM), in KiB."""
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
        raise RuntimeError(f"no VmHWM for process {pid}")

    def reset(self) -> None:
        """Start a new window: the peak so far is kept, then the kernel's is reset."""
        for name, pid in self.processes.items():
            self.since_start[name] = max(self.since_start.get(name, 0), self.peak_kib(pid))
            Path(f"/proc/{pid}/clear_refs").write_text("5")  # 5: reset the peak RSS

    def window(self) -> dict[str, int]:
        """Each process's peak since the last reset, in MiB."""
        peaks = {name: self.peak_kib(pid) for name, pid in self.processes.items()}
        for name, kib in peaks.items():
            self.since_start[name] = max(self.since_start.get(name, 0), kib)
        return {name: kib // 1024 for name, kib in peaks.items()}

    def overall(self) -> dict[str, int]:
        """Each process's peak since it started, in MiB."""
        self.window()
        return {name: kib // 1024 for name, kib in self.since_start.items()}
