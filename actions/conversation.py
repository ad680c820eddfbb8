"""Actions of every path: the form questions that need nothing but their words, starting
again, and the fallback."""

from __future__ import annotations

from rasa_sdk.events import EventType, Restarted, UserUtteranceReverted

from actions.base import FrontdoorAction, Turn
from actions.messages import exists
from frontdoor import slots

# Form questions that need nothing but their words; the others have their own actions.
SIMPLE_QUESTIONS = (
    "activity",
    "town",
    "what_matters",
    "getting_in_way",
    "would_like_different",
    "enjoys",
    "barriers",
    "what_matters_form_town",
    "free_when",
    "consent_share",
    "contact_name",
    "contact_method",
    "contact_time",
)


def _question(slot: str) -> type[FrontdoorAction]:
    """An action_ask_<slot> that asks the form's question for that slot."""

    class AskQuestion(FrontdoorAction):
        action_name = f"action_ask_{slot}"

        def act(self, turn: Turn) -> list[EventType]:
            who = turn.slot(slots.FOR_WHOM)
            variant = f"ask_{slot}_for_other"
            if who and exists(variant):
                turn.say(variant, who=who)
            else:
                turn.say(f"ask_{slot}")
            return []

    AskQuestion.__name__ = AskQuestion.__qualname__ = f"Ask_{slot}"
    return AskQuestion


QUESTIONS = [_question(slot) for slot in SIMPLE_QUESTIONS]


class ActionRestart(FrontdoorAction):
    """Start again: say so, then forget the conversation so far."""

    action_name = "action_restart"

    def act(self, turn: Turn) -> list[EventType]:
        turn.say("restart")
        return [Restarted()]


class ActionDefaultFallback(FrontdoorAction):
    """When no step fits: say what can be done, and forget the message that did not fit."""

    action_name = "action_default_fallback"

    def act(self, turn: Turn) -> list[EventType]:
        turn.say("default")
        return [UserUtteranceReverted()]
