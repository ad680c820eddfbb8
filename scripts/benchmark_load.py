"""Frontdoor under load, side by side with a bare `rasa init` assistant on the same Rasa and
Python, alternately in one run; then Frontdoor's hot path profiled under load.

    .venv/bin/python scripts/benchmark_load.py [--quick] [--no-scaled] [--no-profile] [--show]
    make benchmark-load

1. The bare assistant: Rasa's mood bot (`rasa init --no-prompt`), trained once with this
   virtual environment and kept in ~/.cache/frontdoor/bare-rasa-<Rasa version>/.
2. One replica each (Frontdoor on SQLite with its action server; bare Rasa in memory), then
   two each behind nginx (Frontdoor as `make run-scaled`; bare Rasa on Rasa's SQL tracker store
   and Redis lock store), on a fresh PostgreSQL database and Redis: conversations of ten turns
   over the REST channel, one at a time, 20 and 50 at once, the two assistants in turn.
3. A table: messages per second, median and 95th percentile latency, errors, each process's
   peak memory; Frontdoor against bare Rasa and two replicas against one, with issue #12's aims.
4. Both assistants once more, profiled (scripts/benchmark_profiled.py), one conversation at a
   time and then 20 at once: each step of a turn timed, and pyinstrument's costliest functions.

Servers' output and the profiles go to var/benchmark-load/<time>/. Everything runs on this
machine: the load generator shares its cores with the servers, the same for both assistants.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import sys
import time
from collections.abc import Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

from benchmark_bare import bare_project
from benchmark_profiled import window_files
from benchmark_report import Results, memory_lines, profile_report, ratios, table
from benchmark_setups import (
    Target,
    bare_scaled,
    bare_single,
    frontdoor_scaled,
    frontdoor_single,
)
from benchmark_traffic import run_load, transcript

from frontdoor.runner import DEFAULT_MODEL, Log
from frontdoor.settings import PROJECT_ROOT, get_settings

SINGLE, SCALED = "one replica", "2 replicas"
POSTGRES_ADMIN_URL = os.environ.get(
    "DATABASE_URL_TEST", "postgresql://postgres@127.0.0.1:5432/test"
)


@dataclass(frozen=True)
class Plan:
    """How much load: conversations at once (1: one at a time), turns, rounds."""

    levels: tuple[int, ...]
    turns: int
    rounds: int
    one_at_a_time: int  # conversations had one after another for the single-conversation figure
    profile_level: int

    def conversations(self, level: int) -> int:
        return self.one_at_a_time if level == 1 else level


def progress(setup: str, target: Target, level: int, text: str) -> None:
    """A line as each load ends, with the machine's load average (other work skews figures)."""
    load = os.getloadavg()[0]
    print(
        f"  {setup}, {target.name}, {level} at once: {text} (load average {load:.1f})", flush=True
    )


def warm_up(targets: Sequence[Target]) -> None:
    """One conversation of each script per assistant, not counted (first calls load things)."""
    for target in targets:
        run_load(target.url, target.conversations(len(target.scripts)), len(target.scripts))


def compare(results: Results, setup: str, targets: Sequence[Target], plan: Plan) -> None:
    """Each load on each assistant, in turn, round after round (the first to go alternates)."""
    warm_up(targets)
    for number in range(plan.rounds):
        order = targets if number % 2 == 0 else list(reversed(targets))
        for level in (1, *plan.levels):
            for target in order:
                target.memory.reset()
                conversations = target.conversations(plan.conversations(level), plan.turns)
                sample = run_load(target.url, conversations, level)
                results.add((setup, target.name, level), sample, target.memory.window())
                progress(setup, target, level, f"{sample.per_second:.1f} msg/s")


def show(targets: Sequence[Target]) -> None:
    """Print one conversation of each script, to check the turns still make sense."""
    for target in targets:
        for words in target.conversations(len(target.scripts)):
            print(f"\n== {target.name}")
            for said, replies in asyncio.run(transcript(target.url, words)):
                print(f"> {said}\n  " + "\n  ".join(r.replace("\n", " ") for r in replies))


def run_single(
    results: Results, overall: dict[str, dict[str, int]], args: argparse.Namespace, log: Log
) -> None:
    project = bare_project(log)
    with ExitStack() as stack:
        bare = stack.enter_context(bare_single(project, log))
        ours = stack.enter_context(frontdoor_single(args.out / "single", args.model, log))
        if args.show:
            show([bare, ours])
        compare(results, SINGLE, [bare, ours], args.plan)
        for target in (bare, ours):
            overall[f"{SINGLE}, {target.name}"] = target.memory.overall()


def run_scaled(
    results: Results, overall: dict[str, dict[str, int]], args: argparse.Namespace, log: Log
) -> None:
    project = bare_project(log)
    redis_url = get_settings().redis_url
    with ExitStack() as stack:
        bare = stack.enter_context(
            bare_scaled(project, args.out, log, args.postgres, redis_url, args.replicas)
        )
        ours = stack.enter_context(
            frontdoor_scaled(args.out / "scaled", args.model, log, args.postgres, args.replicas)
        )
        compare(results, SCALED, [bare, ours], args.plan)
        for target in (bare, ours):
            overall[f"{SCALED}, {target.name}"] = target.memory.overall()


def profile_windows(target: Target, plan: Plan, profiles: Sequence[Path]) -> None:
    """Profile the target one conversation at a time (window 1), then under load (window 2)."""
    for number, level in enumerate((1, plan.profile_level), start=1):
        target.signal(signal.SIGUSR1)
        conversations = target.conversations(plan.conversations(level), plan.turns)
        sample = run_load(target.url, conversations, level)
        target.signal(signal.SIGUSR2)
        progress("profiled", target, level, f"{sample.per_second:.1f} msg/s")
        for profile in profiles:
            wait_for(window_files(profile, number)[0])


def wait_for(path: Path, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while not path.exists():
        if time.monotonic() > deadline:
            raise TimeoutError(f"{path} was not written")
        time.sleep(0.2)


def run_profile(args: argparse.Namespace, log: Log) -> str:
    """Both assistants, one replica, profiled; the report of their steps and top costs."""
    prefix = args.out / "profile"
    plan: Plan = args.plan
    with ExitStack() as stack:
        bare = stack.enter_context(bare_single(bare_project(log), log, prefix))
        ours = stack.enter_context(frontdoor_single(args.out / "profiled", args.model, log, prefix))
        warm_up([bare, ours])
        for target, processes in ((bare, ["bare"]), (ours, ["rasa", "actions"])):
            profile_windows(target, plan, [prefix.with_name(f"profile-{p}") for p in processes])
    windows = [
        ("one conversation at a time", plan.one_at_a_time * plan.turns),
        (f"{plan.profile_level} conversations at once", plan.profile_level * plan.turns),
    ]
    return "\n\n".join(
        profile_report(prefix, process, windows, args.hot_spots)
        for process in ("rasa", "actions", "bare")
    )


def arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=DEFAULT_MODEL)
    parser.add_argument("--levels", type=int, nargs="+", default=[20, 50])
    parser.add_argument("--turns", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--one-at-a-time", type=int, default=5, help="conversations, in turn")
    parser.add_argument("--replicas", type=int, default=2)
    parser.add_argument("--postgres", default=POSTGRES_ADMIN_URL, help="server for the scaled")
    parser.add_argument("--hot-spots", type=int, default=25, help="profile lines to print")
    parser.add_argument("--no-scaled", action="store_true")
    parser.add_argument("--no-profile", action="store_true")
    parser.add_argument("--profile-only", action="store_true", help="skip the comparisons")
    parser.add_argument("--show", action="store_true", help="print a conversation of each")
    parser.add_argument("--quick", action="store_true", help="a smoke run: small loads")
    parser.add_argument("--out", type=Path, default=PROJECT_ROOT / "var" / "benchmark-load")
    args = parser.parse_args(argv)
    if args.quick:
        args.plan = Plan((5,), turns=3, rounds=1, one_at_a_time=2, profile_level=5)
    else:
        args.plan = Plan(tuple(args.levels), args.turns, args.rounds, args.one_at_a_time, 20)
    args.out = args.out / time.strftime("%Y%m%d-%H%M%S")
    return args


def _interrupt(signum: int, frame: object) -> None:
    """SIGTERM stops the run as Ctrl-C does: every server started is stopped."""
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    args = arguments(argv)
    signal.signal(signal.SIGTERM, _interrupt)
    if not args.model.exists():
        print(f"no trained model at {args.model}: run `make train`", file=sys.stderr)
        return 1
    for folder in ("single", "scaled", "profiled"):
        (args.out / folder).mkdir(parents=True, exist_ok=True)
    print(f"Servers' output and profiles: {args.out}", flush=True)
    results, overall = Results(), dict[str, dict[str, int]]()
    with open(args.out / "servers.log", "w") as log:
        if not args.profile_only:
            run_single(results, overall, args, log)
            print("\n" + table(results), flush=True)
        if not (args.no_scaled or args.profile_only):
            run_scaled(results, overall, args, log)
            print("\n" + table(results), flush=True)
        profile = "" if args.no_profile else run_profile(args, log)
    if results:
        print("\n" + ratios(results, SINGLE, SCALED, args.plan.levels))
        print("\nPeak memory of each process since it started (MB):\n" + memory_lines(overall))
    if profile:
        print("\nProfiles (one replica each, under load)\n" + profile)
    return 0


if __name__ == "__main__":
    sys.exit(main())
