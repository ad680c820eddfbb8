"""Stepping out of a form for a moment (to confirm deleting details, or to offer a phone
call) and back into it."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

PAUSED_SLOT = "paused_form"
FORMS = ("group_search_form", "what_matters_form", "referral_form")


def pause(tracker: Tracker, forms: tuple[str, ...] = FORMS) -> list[dict[str, Any]] | None:
    """The events that leave the running form and remember it; None when none of these
    forms is running."""
    form = tracker.active_loop.get("name")
    if form not in forms:
        return None
    return [ActiveLoop(None), SlotSet("requested_slot", None), SlotSet(PAUSED_SLOT, form)]


class ActionPauseForm(Action):
    """Leave the form that is running, remembering it, so the next answer is not taken for
    the question it was asking."""

    def name(self) -> str:
        return "action_pause_form"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        return pause(tracker) or []


class ActionResumeForm(Action):
    """Forget which form was paused: the rules start it again, at the question it asked."""

    def name(self) -> str:
        return "action_resume_form"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        return [SlotSet(PAUSED_SLOT, None)]
