"""The crisis reply: numbers first, then whether they are safe, then an offer of contact; and
the safety check, for a message the safety net is not sure of: 999 first, then one question
whose "yes" brings the crisis reply."""

from __future__ import annotations

import logging
from typing import Any

from rasa_sdk.events import ActiveLoop, EventType, FollowupAction, SlotSet
from rasa_sdk.interfaces import Tracker

from actions.base import FrontdoorAction, Turn
from actions.handover import start_handover
from actions.pause import PAUSED_SLOT
from frontdoor.redact import error_summary
from frontdoor.safety.categories import CATEGORIES, category_of_intent
from frontdoor.settings import get_settings
from frontdoor.store.db import session_scope
from frontdoor.store.referrals import record_risk

logger = logging.getLogger(__name__)

SAFETY_QUESTION = {
    "danger_now": "ask_help_coming",
    "medical": "ask_help_coming",
    "someone_else": "ask_safe_other",
    "child_abuse": "ask_safe_self",
    "adult_at_risk": "ask_everyone_safe",
    "domestic_abuse": "ask_safe_self",
    "harm_to_others": "ask_everyone_safe",
    "self_harm": "ask_safe_self",
}
# Emergencies need 999 and nothing else first; the reply for a child already names Childline.
NO_CLINICIAN_NOTE = {"danger_now", "medical"}
NO_CHILDLINE_NOTE = {"child_abuse"}


CHECK_SLOT = "risk_check"


def assessment(tracker: Tracker) -> dict[str, Any]:
    """What the safety net found in the latest message (or, after a "yes" to the safety check,
    in the message that raised it): category, source, words, under 19."""
    message = tracker.latest_message or {}
    safety = dict(message.get("safety") or tracker.get_slot(CHECK_SLOT) or {})
    intent = (message.get("intent") or {}).get("name", "")
    category = safety.get("category") or category_of_intent(intent) or "self_harm"
    safety["category"] = category if category in CATEGORIES else "self_harm"
    return safety


class ActionCrisisResponse(FrontdoorAction):
    """Give the right numbers at once, record the risk, and leave any form."""

    action_name = "action_crisis_response"

    def act(self, turn: Turn) -> list[EventType]:
        found = assessment(turn.tracker)
        category = found["category"]
        turn.say(f"crisis_{category}", safeguarding_phone=get_settings().adult_safeguarding_phone)
        if found.get("under_19") and category not in NO_CHILDLINE_NOTE:
            turn.say("crisis_childline")
        if category not in NO_CLINICIAN_NOTE:
            turn.say("not_a_clinician")
        turn.say(SAFETY_QUESTION[category])
        self._record(turn.tracker, found)
        return [
            ActiveLoop(None),
            SlotSet("requested_slot", None),
            SlotSet("risk", category),
            SlotSet(CHECK_SLOT, None),
            SlotSet(PAUSED_SLOT, None),
        ]

    @staticmethod
    def _record(tracker: Tracker, found: dict[str, Any]) -> None:
        """Keep the risk on the conversation; the reply never waits on or fails with the store."""
        try:
            with session_scope() as session:
                record_risk(
                    session,
                    tracker.sender_id,
                    tracker.get_latest_input_channel() or "rest",
                    found["category"],
                    source=found.get("source"),
                    words=found.get("words"),
                )
        except Exception as error:
            logger.error("could not record a risk: %s", error_summary(error))  # no words, no id


class ActionCheckSafety(FrontdoorAction):
    """Possible risk, not sure: 999 first, then one question about the risk found (a form
    that was running is paused first by action_pause_form, so the answer is not taken for
    its question)."""

    action_name = "action_check_safety"

    def act(self, turn: Turn) -> list[EventType]:
        found = assessment(turn.tracker)
        turn.say(f"check_{found['category']}")
        return [SlotSet(CHECK_SLOT, found)]


class ActionSafetyCleared(FrontdoorAction):
    """They said they are safe: thank them, keep a number with them, and forget the check."""

    action_name = "action_safety_cleared"

    def act(self, turn: Turn) -> list[EventType]:
        turn.say("check_cleared")
        return [SlotSet(CHECK_SLOT, None)]


# Entities of the checked message that a search keeps, when it asked for one.
SEARCH_ENTITIES = ("activity", "town", "day")


def checked_message(tracker: Tracker) -> dict[str, Any]:
    """The parse of the message that raised the latest safety check ({} if none)."""
    for event in reversed(tracker.events):
        parsed: dict[str, Any] = event.get("parse_data") or {}
        if event.get("event") == "user" and (parsed.get("intent") or {}).get("name") == (
            "safety_check"
        ):
            return parsed
    return {}


class ActionCarryOn(FrontdoorAction):
    """After "No, I am safe" (or "you got the wrong idea"), what the checked message asked
    for: a search (with the kind of group and place it named), help to choose, or a person.
    A resident asked the safety question by mistake loses one turn, not what they came for.
    With nothing asked for, the way back."""

    action_name = "action_carry_on"

    def act(self, turn: Turn) -> list[EventType]:
        checked = checked_message(turn.tracker)
        request = (checked.get("safety") or {}).get("request")
        if request == "need_support":
            return [*start_handover(turn), FollowupAction("referral_form")]
        if request == "need_guidance":
            turn.dispatcher.utter_message(response="utter_what_matters_intro")
            return [FollowupAction("what_matters_form")]
        if request in ("find_group", "inform"):
            named = {
                e["entity"]: e["value"]
                for e in checked.get("entities") or []
                if e.get("entity") in SEARCH_ENTITIES and e.get("value")
            }
            return [*(SlotSet(k, v) for k, v in named.items()), FollowupAction("group_search_form")]
        turn.dispatcher.utter_message(response="utter_way_back")
        return []
