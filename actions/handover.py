"""Starting the hand-over to a link worker, routine or urgent."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.messages import say
from frontdoor import slots

REFERRAL_FORM_SLOTS = (
    "consent_share",
    "contact_name",
    "contact_method",
    "contact_detail",
    "contact_time",
    "referral_confirmed",
)


def fresh_referral(urgency: str) -> list[EventType]:
    """Leave any other path, clear an earlier referral's answers and set level 3."""
    events: list[EventType] = [ActiveLoop(None), SlotSet("requested_slot", None)]
    events += [SlotSet(slot, None) for slot in REFERRAL_FORM_SLOTS]
    events += [
        SlotSet(slots.TRIAGE_LEVEL, 3),
        SlotSet("urgency", urgency),
        SlotSet("referral_reference", None),
        SlotSet(slots.FORM_FAILURES, 0),
    ]
    return events


class ActionStartHandover(Action):
    """Explain what a link worker does before asking for consent."""

    def name(self) -> str:
        return "action_start_handover"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        say(dispatcher, "link_worker_explain")
        urgency = "urgent" if tracker.get_slot("risk") else "routine"
        return fresh_referral(urgency)


class ActionStartUrgentHandover(Action):
    """After a crisis reply, a referral the console puts above everything else."""

    def name(self) -> str:
        return "action_start_urgent_handover"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        return fresh_referral("crisis")
