"""Run actions as the action server would, on an in-memory tracker."""

from __future__ import annotations

import asyncio
from functools import lru_cache
from pathlib import Path
from typing import Any

from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.base import Turn

DOMAIN = Path(__file__).resolve().parents[2] / "bot" / "domain"
# The slots of a referral form filled in and read back, ready to be stored.
READY = {
    "consent_share": True,
    "contact_name": "Margaret",
    "contact_method": "phone",
    "contact_detail": "07700 900123",
    "contact_time": "weekday mornings",
    "triage_level": 3,
    "urgency": "routine",
    "town": "Boston",
    "referral_confirmed": True,
}


def tracker(
    slots: dict[str, Any] | None = None,
    text: str = "",
    intent: str = "inform",
    entities: list[dict[str, Any]] | None = None,
    active_loop: str | None = None,
) -> Tracker:
    message = {
        "text": text,
        "intent": {"name": intent, "confidence": 1.0},
        "entities": entities or [],
    }
    return Tracker(
        sender_id="test-resident",
        slots=slots or {},
        latest_message=message,
        events=[],
        paused=False,
        followup_action=None,
        active_loop={"name": active_loop} if active_loop else {},
        latest_action_name="action_listen",
    )


def turn(state: Tracker) -> Turn:
    """A turn on this tracker, its words collected (for a form's checks)."""
    return Turn(CollectingDispatcher(), state, {})


@lru_cache(maxsize=1)
def words() -> TemplatedNaturalLanguageGenerator:
    """Rasa's own response generator over the domain, as the Rasa server fills responses in."""
    return TemplatedNaturalLanguageGenerator(Domain.load(str(DOMAIN)).responses)


def rendered(
    message: dict[str, Any], slots: dict[str, Any], channel: str | None = None
) -> dict[str, Any]:
    """A message as the channel receives it: a response named by the action is filled in
    from the slots and the values sent with it, in the channel's own variant."""
    values = dict(message)
    name = values.pop("response", None)
    if not name:
        return message
    draft = words().generate_from_slots(name, slots, channel, **values)
    assert draft is not None, f"{name} has no variant for {channel}"
    draft.update({key: value for key, value in values.items() if value})
    return {**draft, "response": name}


def run(
    action: Action, state: Tracker, channel: str | None = None
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(messages as the channel gets them, events returned)."""
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, state, {}))
    slots = state.current_slot_values()
    return [rendered(m, slots, channel) for m in dispatcher.messages], events


def slots_set(events: list[dict[str, Any]]) -> dict[str, Any]:
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
