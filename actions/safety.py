"""The crisis reply: numbers first, then whether they are safe, then an offer of contact."""

from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.messages import say
from frontdoor.store.db import session_scope
from frontdoor.store.referrals import record_risk

logger = logging.getLogger(__name__)

CATEGORY_OF_INTENT = {
    "crisis_self_harm": "self_harm",
    "crisis_someone_else": "someone_else",
    "crisis_domestic_abuse": "domestic_abuse",
    "crisis_medical": "medical",
}
SAFETY_QUESTION = {
    "self_harm": "ask_safe_self",
    "domestic_abuse": "ask_safe_self",
    "someone_else": "ask_safe_other",
    "medical": "ask_help_coming",
}


def assessment(tracker: Tracker) -> tuple[str, bool]:
    """The risk category and whether the resident may be under 19."""
    message = tracker.latest_message or {}
    safety = message.get("safety") or {}
    intent = (message.get("intent") or {}).get("name", "")
    category = safety.get("category") or CATEGORY_OF_INTENT.get(intent, "self_harm")
    return category, bool(safety.get("under_19"))


class ActionCrisisResponse(Action):
    """Give the right numbers at once, record the risk, and leave any form."""

    def name(self) -> str:
        return "action_crisis_response"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        category, under_19 = assessment(tracker)
        say(dispatcher, f"crisis_{category}")
        if under_19:
            say(dispatcher, "crisis_childline")
        if category != "medical":
            say(dispatcher, "not_a_clinician")
        say(dispatcher, SAFETY_QUESTION[category])
        self._record(tracker, category)
        return [ActiveLoop(None), SlotSet("requested_slot", None), SlotSet("risk", category)]

    @staticmethod
    def _record(tracker: Tracker, category: str) -> None:
        """Keep the risk on the conversation; the reply never waits on or fails with the store."""
        try:
            with session_scope() as session:
                record_risk(
                    session,
                    tracker.sender_id,
                    tracker.get_latest_input_channel() or "rest",
                    category,
                )
        except Exception:
            logger.exception("could not record risk for %s", tracker.sender_id)
