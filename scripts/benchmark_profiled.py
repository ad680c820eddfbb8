"""Run one of Frontdoor's servers (or bare Rasa) as usual, profiled in windows: pyinstrument
samples the whole process, and the steps of a turn are timed one by one (wall clock, awaiting
included).

    python scripts/benchmark_profiled.py OUTPUT_PREFIX -m MODULE [ARGUMENTS...]

SIGUSR1 opens a window (the model's loading and the warm-up stay out of it); SIGUSR2 closes it
and writes OUTPUT_PREFIX-N.pyisession (pyinstrument's session) and OUTPUT_PREFIX-N.timers.json
(each step's durations in seconds), N counting windows from 1. Steps whose code this process
has not got are left out.
"""

from __future__ import annotations

import functools
import importlib
import inspect
import json
import runpy
import signal
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pyinstrument import Profiler

# What is timed: "module:Class.function" (or "module:function") -> the step's name.
STEPS = {
    "rasa.core.agent:Agent.handle_message": "turn, lock wait included",
    "rasa.core.processor:MessageProcessor.handle_message": "turn, after the lock",
    "rasa.core.processor:MessageProcessor.parse_message": "NLU, whole pipeline",
    "bot.components.sentence_featurizer:SentenceEmbeddingFeaturizer.process": "NLU: embedding",
    "rasa.nlu.classifiers.diet_classifier:DIETClassifier.process": "NLU: DIET",
    "bot.components.safety_net:SafetyNet.process": "NLU: safety net",
    "rasa.core.processor:MessageProcessor._predict_next_with_tracker": "next action",
    "rasa.core.processor:MessageProcessor.fetch_tracker_and_update_session": "tracker load",
    "rasa.core.processor:MessageProcessor.save_tracker": "tracker save",
    "rasa.core.tracker_store:SQLTrackerStore.retrieve": "SQL tracker store: read",
    "rasa.core.tracker_store:SQLTrackerStore.save": "SQL tracker store: write",
    "rasa.core.actions.action:RemoteAction.run": "action server round trip",
    "rasa.core.actions.action:RemoteAction._action_call_format": "action call: tracker, domain",
    "rasa.utils.endpoints:EndpointConfig.request": "action call: HTTP",
    "rasa.core.actions.action:RemoteAction._validate_action_result": "action reply: schema check",
    "rasa_sdk.executor:ActionExecutor.run": "action run, in the action server",
    "frontdoor.directory.search:search_services": "directory search",
}

# Frontdoor's servers (`-m bot.serve`, `-m actions.server`); any other is bare Rasa's.
OUR_SERVERS = ("bot.", "actions.")
# Frontdoor's own modules: not looked for when the server profiled is bare Rasa (`-m rasa`).
OURS = ("bot.", "frontdoor.")

durations: dict[str, list[float]] = defaultdict(list)


def profiled(command: list[str], prefix: Path) -> list[str]:
    """A `python -m MODULE ...` command run under this profiler, writing beside prefix."""
    python, flag, *rest = command
    if flag != "-m":
        raise ValueError(f"not a `python -m` command: {command}")
    return [python, str(Path(__file__).resolve()), str(prefix), flag, *rest]


def timed(function: Callable[..., Any], step: str) -> Callable[..., Any]:
    """The function, its every call's wall-clock time kept under step."""
    if inspect.iscoroutinefunction(function):

        @functools.wraps(function)
        async def awaited(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return await function(*args, **kwargs)
            finally:
                durations[step].append(time.perf_counter() - started)

        return awaited

    @functools.wraps(function)
    def called(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            durations[step].append(time.perf_counter() - started)

    return called


def install_timers(bare: bool) -> list[str]:
    """Wrap every step whose module imports here (not ours for bare Rasa); the steps wrapped.
    Imported before the server's own modules, so those that import a function by name get the
    timed one."""
    wrapped = []
    for where, step in STEPS.items():
        module_name, _, path = where.partition(":")
        owner_name, _, name = path.rpartition(".")
        if bare and module_name.startswith(OURS):
            continue
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            continue
        owner = getattr(module, owner_name) if owner_name else module
        setattr(owner, name, timed(getattr(owner, name), step))
        wrapped.append(step)
    return wrapped


class Windows:
    """The profiling windows: SIGUSR1 opens one, SIGUSR2 closes it and writes it out."""

    def __init__(self, prefix: Path) -> None:
        self.prefix = prefix
        self.profiler = Profiler(interval=0.001, async_mode="disabled")
        self.written = 0

    def open(self, signum: int = 0, frame: object = None) -> None:
        durations.clear()
        if not self.profiler.is_running:
            self.profiler.start()

    def close(self, signum: int = 0, frame: object = None) -> None:
        if not self.profiler.is_running:
            return
        session = self.profiler.stop()
        self.written += 1
        timers, session_file = window_files(self.prefix, self.written)
        session.save(str(session_file))
        timers.write_text(json.dumps(durations))  # last: its file says the window is written
        self.profiler = Profiler(interval=0.001, async_mode="disabled")


def window_files(prefix: Path, number: int) -> tuple[Path, Path]:
    """A window's timers and pyinstrument session, as Windows.close writes them."""
    base = prefix.with_name(f"{prefix.name}-{number}")
    return base.with_suffix(".timers.json"), base.with_suffix(".pyisession")


def _stop(signum: int, frame: object) -> None:
    """A stop asked for ends the server as Ctrl-C does."""
    raise KeyboardInterrupt


def main(argv: list[str]) -> None:
    if len(argv) < 3 or argv[1] != "-m":
        raise SystemExit(__doc__)
    prefix, module, arguments = Path(argv[0]), argv[2], argv[3:]
    install_timers(bare=not module.startswith(OUR_SERVERS))
    windows = Windows(prefix)
    signal.signal(signal.SIGUSR1, windows.open)
    signal.signal(signal.SIGUSR2, windows.close)
    signal.signal(signal.SIGTERM, _stop)
    sys.argv = [module, *arguments]
    try:
        runpy.run_module(module, run_name="__main__", alter_sys=True)
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        windows.close()


if __name__ == "__main__":
    main(sys.argv[1:])
