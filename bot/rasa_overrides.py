"""Where Frontdoor changes Rasa's own behaviour, in one place, because Rasa 3.6 has no setting
for any of these changes:

- the wait for the action server (`shorten_action_timeout`): a resident is not kept waiting
  300 s for an apology;
- the check that lets a message through while a link worker holds the chat
  (bot/safety_while_paused.py): a crisis is answered at once even then;
- the check of each action server reply against Rasa's schema (`check_replies_quickly`): Rasa
  calls `jsonschema.validate`, which first checks the schema itself against JSON Schema's own
  metaschema, every call: 27 ms a call, over half of a turn's time in the Rasa server
  (scripts/benchmark_load.py). The same schema, built once and checked event by event
  (bot/reply_check.py), checks a reply in a fraction of a millisecond;
- the HTTP connection to the action server (`keep_action_connections`): Rasa opens a new
  client session, and so a new connection, for every call; here each endpoint keeps one
  session per event loop, whose connections are reused while the action server keeps them
  open;
- the loading of the DIET classifier (bot/model_loading.py): Rasa fits it on one example to
  make its weights, tracing the whole training graph; made by one prediction instead, the
  model loads in 6 s instead of 28 and the server holds about 470 MB less.

All reach into Rasa's internals, which a Rasa upgrade may change without notice, so they are
installed only by the server's entry point (bot/serve.py), after `check_rasa()` has made sure
this is a Rasa they were written and tested against; on any other, the server refuses to start
and says why, rather than run without its safety net. Tested by tests/test_rasa_overrides.py,
and end to end by tests/e2e (a crisis while paused) and tests/attacks/test_faults.py (a hanging
action server).
"""

from __future__ import annotations

import asyncio
from types import TracebackType
from typing import Any

import aiohttp
import rasa
import rasa.core.actions.action as rasa_action
import rasa.core.run as rasa_run
from rasa.core.constants import DEFAULT_REQUEST_TIMEOUT
from rasa.core.processor import MessageProcessor
from rasa.nlu.classifiers.diet_classifier import DIET
from rasa.utils.endpoints import EndpointConfig
from rasa.utils.tensorflow.models import RasaModel

from bot import memory, model_loading
from bot.reply_check import ReplyCheck
from bot.safety_while_paused import answer_crisis_while_paused

# The Rasa releases these overrides were written for and tested with.
CHECKED_RASA = ("3.6.",)


def check_rasa(version: str | None = None) -> None:
    """Refuse a Rasa these overrides were not checked against, or one whose internals moved."""
    version = version or rasa.__version__
    if not version.startswith(CHECKED_RASA):
        raise RuntimeError(
            f"Rasa {version} is not one bot/rasa_overrides.py was checked against "
            f"({', '.join(CHECKED_RASA)}x): check both overrides against its source, then add it"
        )
    missing = [
        name
        for name, present in (
            (
                "MessageProcessor._should_handle_message",
                hasattr(MessageProcessor, "_should_handle_message"),
            ),
            (
                "rasa.core.actions.action.DEFAULT_REQUEST_TIMEOUT",
                hasattr(rasa_action, "DEFAULT_REQUEST_TIMEOUT"),
            ),
            (
                "RemoteAction._validate_action_result",
                hasattr(rasa_action.RemoteAction, "_validate_action_result"),
            ),
            (
                "RemoteAction.action_response_format_spec",
                hasattr(rasa_action.RemoteAction, "action_response_format_spec"),
            ),
            ("EndpointConfig.session", hasattr(EndpointConfig, "session")),
            ("rasa.core.run.load_agent_on_start", hasattr(rasa_run, "load_agent_on_start")),
            ("RasaModel.load", hasattr(RasaModel, "load")),
            ("RasaModel.run_inference", hasattr(RasaModel, "run_inference")),
            ("DIET.prepare_for_predict", hasattr(DIET, "prepare_for_predict")),
        )
        if not present
    ]
    if missing:
        raise RuntimeError(
            f"Rasa {version} no longer has {', '.join(missing)}: see bot/rasa_overrides.py"
        )


def shorten_action_timeout(seconds: int) -> None:
    """Make Rasa give up on a call to the action server after `seconds` (Rasa's default: 300).

    `RemoteAction.run` passes `timeout=DEFAULT_REQUEST_TIMEOUT`, a name Rasa imported from
    rasa.core.constants into rasa.core.actions.action and looks up in that module's globals at
    every call. Rebinding that one name changes only the action server's calls (not the NLG
    server's, the model server's or the client sessions').
    """
    # Rasa imports the name without re-exporting it; rebinding it in that module is the point.
    rasa_action.DEFAULT_REQUEST_TIMEOUT = seconds  # type: ignore[attr-defined]


def check_replies_quickly() -> None:
    """Check each action server reply against Rasa's own schema, built once and checked
    event by event (bot/reply_check.py). A reply it does not pass goes to Rasa's own check,
    which decides, and raises Rasa's own error."""
    remote = rasa_action.RemoteAction
    check = ReplyCheck(remote.action_response_format_spec())
    rasa_check = remote._validate_action_result

    def validate_action_result(self: rasa_action.RemoteAction, result: dict[str, Any]) -> bool:
        if check.passes(result):
            return True
        return bool(rasa_check(self, result))  # raises ValidationError, worded by Rasa

    remote._validate_action_result = validate_action_result  # type: ignore[method-assign]


# Idle connections are dropped by the client before the action server (Sanic closes them after
# 5 seconds), so a call never goes out on a connection the server is closing.
IDLE_CONNECTION_SECONDS = 2.0
SESSIONS_ATTRIBUTE = "_frontdoor_sessions"  # an endpoint's kept sessions, one per event loop


class _Lent:
    """A kept client session, lent for one `async with` (Rasa's `request` closes what it
    gets at the end of its `async with`; a lent session stays open)."""

    def __init__(self, session: aiohttp.ClientSession) -> None:
        self.session = session

    async def __aenter__(self) -> aiohttp.ClientSession:
        return self.session

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        return None


def keep_action_connections() -> None:
    """Give each endpoint one client session per event loop, with Rasa's settings (its
    headers, basic auth and overall timeout), whose connections are kept between calls."""

    def session(self: EndpointConfig) -> Any:
        loop = asyncio.get_running_loop()
        # on the endpoint itself, so a session never outlives it or serves another
        kept: dict[asyncio.AbstractEventLoop, aiohttp.ClientSession]
        kept = self.__dict__.setdefault(SESSIONS_ATTRIBUTE, {})
        found = kept.get(loop)
        if found is None or found.closed:
            auth = self.basic_auth
            found = aiohttp.ClientSession(
                headers=self.headers,
                auth=aiohttp.BasicAuth(auth["username"], auth["password"]) if auth else None,
                timeout=aiohttp.ClientTimeout(total=DEFAULT_REQUEST_TIMEOUT),
                connector=aiohttp.TCPConnector(keepalive_timeout=IDLE_CONNECTION_SECONDS),
            )
            kept[loop] = found
        return _Lent(found)

    EndpointConfig.session = session  # type: ignore[method-assign]


def release_memory_after_loading(every_seconds: float) -> None:
    """Wrap Rasa's loading of the model at start: then hand back the memory it freed, and
    keep doing so every `every_seconds` (0: only then)."""
    load = rasa_run.load_agent_on_start
    releasing: set[asyncio.Task[None]] = set()  # the task, kept from the garbage collector

    async def load_agent_on_start(*args: Any, **kwargs: Any) -> Any:
        agent = await load(*args, **kwargs)
        memory.release_all()
        if every_seconds > 0:
            task = asyncio.get_running_loop().create_task(memory.keep_releasing(every_seconds))
            releasing.add(task)
            task.add_done_callback(releasing.discard)
        return agent

    rasa_run.load_agent_on_start = load_agent_on_start


def install(actions_timeout_seconds: int, memory_release_seconds: float = 0) -> None:
    """Every override, in this process, after the check."""
    check_rasa()
    shorten_action_timeout(actions_timeout_seconds)
    answer_crisis_while_paused()
    check_replies_quickly()
    keep_action_connections()
    model_loading.install()
    release_memory_after_loading(memory_release_seconds)
