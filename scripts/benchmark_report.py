"""What the load benchmark prints: the table of loads, the ratios against the aims, and the
profiles' top costs."""

from __future__ import annotations

import json
import re
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from benchmark_profiled import window_files
from benchmark_traffic import Sample, percentile
from pyinstrument.renderers import ConsoleRenderer
from pyinstrument.session import Session

BARE, FRONTDOOR = "bare Rasa", "Frontdoor"
# Issue #12's aims.
AIM_THROUGHPUT = 1.0  # Frontdoor's messages per second over bare Rasa's, one replica
AIM_SINGLE_MEDIAN = 1.2  # Frontdoor's single-conversation median over bare Rasa's, at most
AIM_SCALING = 1.5  # two replicas' messages per second over one's, at least
AIM_MEMORY_MB = 1400  # per Rasa process


SECONDS = re.compile(r"^\s*\d+\.\d+ ")  # a line of pyinstrument's flat list


def megabytes(mib: int) -> int:
    return round(mib * 1024 * 1024 / 1e6)


@dataclass
class Result:
    """One setup, assistant and number of conversations at once, over every round."""

    sample: Sample = field(default_factory=Sample)
    peaks: dict[str, int] = field(default_factory=dict)  # process -> MiB, during the loads

    def add(self, sample: Sample, peaks: dict[str, int]) -> None:
        self.sample.add(sample)
        for name, mib in peaks.items():
            self.peaks[name] = max(self.peaks.get(name, 0), mib)


Key = tuple[str, str, int]  # setup, assistant, conversations at once (1: one at a time)


class Results(dict[Key, Result]):
    """Every load measured, by setup, assistant and conversations at once."""

    def add(self, key: Key, sample: Sample, peaks: dict[str, int]) -> None:
        self.setdefault(key, Result()).add(sample, peaks)

    def rate(self, setup: str, target: str, level: int) -> float | None:
        result = self.get((setup, target, level))
        return result.sample.per_second if result else None


def concurrency(level: int) -> str:
    return "1 at a time" if level == 1 else f"{level} at once"


def table(results: Results) -> str:
    """The loads, one line each, in the order measured."""
    header = (
        f"{'setup':<13} {'assistant':<10} {'conversations':<14} {'msgs':>5} {'msg/s':>6} "
        f"{'median ms':>9} {'p95 ms':>7} {'errors':>6}  peak RSS during the load (MB)"
    )
    lines = [header, "-" * len(header)]
    for (setup, target, level), result in results.items():
        sample = result.sample
        memory = ", ".join(f"{name} {megabytes(mib)}" for name, mib in result.peaks.items())
        lines.append(
            f"{setup:<13} {target:<10} {concurrency(level):<14} {sample.messages:>5} "
            f"{sample.per_second:>6.1f} {sample.median_ms():>9.0f} {sample.p95_ms():>7.0f} "
            f"{sample.errors:>6}  {memory}"
        )
    return "\n".join(lines)


def verdict(value: float | None, aim: float | None, at_least: bool = True) -> str:
    """Whether a ratio meets its aim, in words (nothing when it has no aim)."""
    if value is None or aim is None:
        return ""
    met = value >= aim if at_least else value <= aim
    return f"(aim {'at least' if at_least else 'at most'} {aim}x: {'met' if met else 'NOT met'})"


def compared(label: str, top: float | None, bottom: float | None, aim: float | None) -> list[str]:
    """One ratio's line, with its aim (at least) when it has one; none unless both were had."""
    if not (top and bottom):
        return []
    return [f"{label}: {top / bottom:.2f}x {verdict(top / bottom, aim)}".rstrip()]


def ratios(results: Results, single: str, scaled: str, levels: Iterable[int]) -> str:
    """Frontdoor against bare Rasa, and two replicas against one, against the issue's aims."""
    lines: list[str] = []
    for level in levels:
        when = concurrency(level)
        for setup in (single, scaled):
            label = f"Frontdoor / bare Rasa, msg/s, {setup}, {when}"
            rates = results.rate(setup, FRONTDOOR, level), results.rate(setup, BARE, level)
            lines += compared(label, *rates, AIM_THROUGHPUT if setup == single else None)
        for target in (FRONTDOOR, BARE):
            label = f"{target}, {scaled} / {single}, msg/s, {when}"
            rates = results.rate(scaled, target, level), results.rate(single, target, level)
            lines += compared(label, *rates, AIM_SCALING)
    ours, theirs = results.get((single, FRONTDOOR, 1)), results.get((single, BARE, 1))
    if ours and theirs:
        value = ours.sample.median_ms() / theirs.sample.median_ms()
        lines.append(
            f"Frontdoor / bare Rasa, single-conversation median, {single}: {value:.2f}x "
            f"{verdict(value, AIM_SINGLE_MEDIAN, at_least=False)}"
        )
    return "\n".join(lines)


def memory_lines(overall: dict[str, dict[str, int]]) -> str:
    """Each process's peak since it started (model loading included), against the aim."""
    lines = []
    for setup, peaks in overall.items():
        for name, mib in peaks.items():
            mb = megabytes(mib)
            aim = ""
            if "Rasa" in name:
                aim = f" (aim under {AIM_MEMORY_MB}: {'met' if mb < AIM_MEMORY_MB else 'NOT met'})"
            lines.append(f"{setup}: {name}: {mb} MB{aim}")
    return "\n".join(lines)


def step_lines(timers: Path, messages: int) -> str:
    """Each timed step of a turn: calls, per message, median, 95th percentile, total."""
    steps: dict[str, list[float]] = json.loads(timers.read_text())
    header = (
        f"  {'step':<34} {'calls':>6} {'per msg':>7} {'median ms':>9} {'p95 ms':>7} "
        f"{'ms per msg':>10}"
    )
    lines = [header]
    ordered = sorted(steps.items(), key=lambda item: -sum(item[1]))
    for step, durations in ordered:
        if not durations:
            continue
        lines.append(
            f"  {step:<34} {len(durations):>6} {len(durations) / messages:>7.2f} "
            f"{1000 * statistics.median(durations):>9.1f} "
            f"{1000 * percentile(durations, 0.95):>7.1f} "
            f"{1000 * sum(durations) / messages:>10.1f}"
        )
    return "\n".join(lines)


def hot_spots(session_file: Path, lines: int, flat_time: str) -> str:
    """pyinstrument's flat list, the costliest first: by self time or by total time."""
    session = Session.load(str(session_file))
    renderer = ConsoleRenderer(flat=True, flat_time=flat_time, unicode=False, color=False)  # type: ignore[arg-type]
    timed = [line for line in renderer.render(session).splitlines() if SECONDS.match(line)]
    header = f"  over {session.duration:.2f} s, of which {session.cpu_time:.2f} s on a CPU"
    return "\n".join([header, *("  " + line for line in timed[:lines])])


def profile_report(
    prefix: Path, process: str, windows: Sequence[tuple[str, int]], lines: int
) -> str:
    """One profiled process's windows (written beside prefix): the steps of its turns and
    where its time went. windows: what each was, and how many messages it had."""
    parts = []
    for number, (title, messages) in enumerate(windows, start=1):
        timers, session = window_files(prefix.with_name(f"{prefix.name}-{process}"), number)
        if not timers.exists():
            parts.append(f"{process}, {title}: no profile was written ({timers})")
            continue
        parts += [
            f"{process}, {title}: the steps of a turn, over {messages} messages",
            step_lines(timers, messages),
            f"{process}, {title}: the top {lines} functions by own time (pyinstrument)",
            hot_spots(session, lines, "self"),
            f"{process}, {title}: the top {lines} functions by total time (pyinstrument)",
            hot_spots(session, lines, "total"),
        ]
    return "\n".join(parts)
