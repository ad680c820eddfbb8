"""What we keep about a resident, and deleting it when they ask."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import AllSlotsReset, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.messages import say
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


class ActionTellDataKept(Action):
    """Tell the resident what the service keeps about them."""

    def name(self) -> str:
        return "action_tell_data_kept"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        with session_scope() as session:
            kept = personal_data_for(session, tracker.sender_id)
        details = describe(kept)
        if details:
            say(dispatcher, "data_kept", details=details)
        else:
            say(dispatcher, "data_kept_none")
        return []


class ActionDeleteMyData(Action):
    """Erase the resident's personal details; the tracker store then drops the chat."""

    def name(self) -> str:
        return "action_delete_my_data"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        with session_scope() as session:
            erase_personal_data(session, tracker.sender_id)
        say(dispatcher, "deleted")
        return [AllSlotsReset(), SlotSet(slots.ERASE_CONVERSATION, True)]
