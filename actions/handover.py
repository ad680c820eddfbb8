"""Starting the hand-over to a link worker, routine or urgent."""

from __future__ import annotations

from rasa_sdk.events import ActiveLoop, EventType, SlotSet

from actions.base import FrontdoorAction, Turn
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


def start_handover(turn: Turn) -> list[EventType]:
    """Explain what a link worker does, and start a referral (urgent after a risk)."""
    turn.say("link_worker_explain")
    return fresh_referral("urgent" if turn.slot("risk") else "routine")


class ActionStartHandover(FrontdoorAction):
    """Explain what a link worker does before asking for consent."""

    action_name = "action_start_handover"

    def act(self, turn: Turn) -> list[EventType]:
        return start_handover(turn)


class ActionStartUrgentHandover(FrontdoorAction):
    """After a crisis reply, a referral the console puts above everything else."""

    action_name = "action_start_urgent_handover"

    def act(self, turn: Turn) -> list[EventType]:
        return fresh_referral("crisis")
