"""Stepping out of a form for a moment (to confirm deleting details, or to offer a phone
call) and back into it."""

from __future__ import annotations

from rasa_sdk.events import ActiveLoop, EventType, SlotSet
from rasa_sdk.interfaces import Tracker

from actions.base import FrontdoorAction, Turn

PAUSED_SLOT = "paused_form"
FORMS = ("group_search_form", "what_matters_form", "referral_form", "wellbeing_form")


def pause(tracker: Tracker, forms: tuple[str, ...] = FORMS) -> list[EventType] | None:
    """The events that leave the running form and remember it; None when none of these
    forms is running."""
    form = tracker.active_loop.get("name")
    if form not in forms:
        return None
    return [ActiveLoop(None), SlotSet("requested_slot", None), SlotSet(PAUSED_SLOT, form)]


class ActionPauseForm(FrontdoorAction):
    """Leave the form that is running, remembering it, so the next answer is not taken for
    the question it was asking."""

    action_name = "action_pause_form"

    def act(self, turn: Turn) -> list[EventType]:
        return pause(turn.tracker) or []


class ActionResumeForm(FrontdoorAction):
    """Forget which form was paused: the rules start it again, at the question it asked."""

    action_name = "action_resume_form"

    def act(self, turn: Turn) -> list[EventType]:
        return [SlotSet(PAUSED_SLOT, None)]
