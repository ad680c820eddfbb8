"""What we keep about a resident, and deleting it when they ask."""

from __future__ import annotations

from typing import Any

from rasa_sdk.events import AllSlotsReset, EventType, SlotSet

from actions.base import FrontdoorAction, Turn
from frontdoor import contact, slots
from frontdoor.store.db import session_scope
from frontdoor.store.referrals import erase_personal_data, personal_data_for


def describe(kept: dict[str, Any]) -> str:
    """The stored details in plain words."""
    parts = []
    for referral in kept.get("referrals", []):
        method = contact.METHOD_NAMES.get(referral.get("contact_method"), "contact")
        parts.append(
            f"Referral {referral['reference']}: your name, {referral.get('contact_name')}, "
            f"and your {method} details, {referral.get('contact_detail')}."
        )
        if referral.get("plan"):
            parts.append("The plan we made together.")
    if kept.get("risk_flags"):
        parts.append(
            "Some words you wrote that our safety check noted, so a person can check you are OK."
        )
    return " ".join(parts)


class ActionDeleteMyData(FrontdoorAction):
    """Erase the resident's personal details; the tracker store then drops the chat."""

    action_name = "action_delete_my_data"

    def act(self, turn: Turn) -> list[EventType]:
        with session_scope() as session:
            erase_personal_data(session, turn.tracker.sender_id)
        turn.say("deleted")
        return [AllSlotsReset(), SlotSet(slots.ERASE_CONVERSATION, True)]


class ActionTellDataKept(FrontdoorAction):
    """Tell the resident what the service keeps about them."""

    action_name = "action_tell_data_kept"

    def act(self, turn: Turn) -> list[EventType]:
        with session_scope() as session:
            kept = personal_data_for(session, turn.tracker.sender_id)
        details = describe(kept)
        if details:
            turn.say("data_kept", details=details)
        else:
            turn.say("data_kept_none")
        return []
