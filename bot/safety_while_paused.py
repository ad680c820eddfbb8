"""The safety net answers even while a link worker holds the chat.

When a link worker takes over, the console pauses the conversation: Rasa records what the
resident writes but does not answer (only "restart" gets through). A crisis cannot wait for
the link worker to notice it, so a message the safety net marked as a crisis is let through
too: the crisis numbers go out at once, the conversation stays paused, and the link worker
sees both in the console.

Rasa 3.6 has no setting for this; its processor asks `_should_handle_message` before every
prediction, and that one check is widened here.
"""

from __future__ import annotations

from rasa.core.processor import MessageProcessor
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY

CRISIS_PREFIX = "crisis_"
_rasa_check = MessageProcessor._should_handle_message


def is_crisis_message(tracker: DialogueStateTracker) -> bool:
    latest = tracker.latest_message
    name = (latest.intent or {}).get(INTENT_NAME_KEY) if latest is not None else None
    return bool(name) and str(name).startswith(CRISIS_PREFIX)


def should_handle_message(tracker: DialogueStateTracker) -> bool:
    """Rasa's rule (not paused, or a restart), or a crisis whatever the state."""
    return _rasa_check(tracker) or is_crisis_message(tracker)


def answer_crisis_while_paused() -> None:
    """Install the wider check in this process (idempotent)."""
    # Replacing Rasa's method is the point (Rasa 3.6 has no setting for it).
    MessageProcessor._should_handle_message = staticmethod(  # type: ignore[method-assign]
        should_handle_message
    )
