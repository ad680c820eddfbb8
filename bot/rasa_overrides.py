"""Where Frontdoor changes Rasa's own behaviour, in one place, because Rasa 3.6 has no setting
for either change:

- the wait for the action server (`shorten_action_timeout`): a resident is not kept waiting
  300 s for an apology;
- the check that lets a message through while a link worker holds the chat
  (bot/safety_while_paused.py): a crisis is answered at once even then.

Both reach into Rasa's internals, which a Rasa upgrade may change without notice, so they are
installed only by the server's entry point (bot/serve.py), after `check_rasa()` has made sure
this is a Rasa they were written and tested against; on any other, the server refuses to start
and says why, rather than run without its safety net. Tested by tests/test_rasa_overrides.py,
and end to end by tests/e2e (a crisis while paused) and tests/attacks/test_faults.py (a hanging
action server).
"""

from __future__ import annotations

import rasa
import rasa.core.actions.action as rasa_action
from rasa.core.processor import MessageProcessor

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


def install(actions_timeout_seconds: int) -> None:
    """Both overrides, in this process, after the check."""
    check_rasa()
    shorten_action_timeout(actions_timeout_seconds)
    answer_crisis_while_paused()
