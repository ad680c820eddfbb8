"""Sending the assistant's words from custom actions: each is a domain response (bot/domain),
which Rasa fills in and renders for the channel; and the form questions."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import Restarted, UserUtteranceReverted
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from frontdoor import slots
from frontdoor.responses import responses

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


def response_name(key: str) -> str:
    """The domain response a key names ("greet" -> "utter_greet"); a key with no response
    is a mistake in the code, so it fails here and not as a silent turn in Rasa."""
    name = f"utter_{key}"
    if name not in responses():
        raise KeyError(f"no response {name} in bot/domain")
    return name


def exists(key: str) -> bool:
    return f"utter_{key}" in responses()


def say(dispatcher: CollectingDispatcher, key: str, **values: Any) -> None:
    """Send one response, its {placeholders} filled from values (Rasa fills them in and picks
    the channel's variant); extra keyword json_message adds a structured payload."""
    payload = values.pop("json_message", None)
    dispatcher.utter_message(response=response_name(key), json_message=payload, **values)


def _question(slot: str) -> type[Action]:
    """An action_ask_<slot> that asks the form's question for that slot."""

    class AskQuestion(Action):
        def name(self) -> str:
            return f"action_ask_{slot}"

        async def run(
            self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
        ) -> list[dict[str, Any]]:
            who = tracker.get_slot(slots.FOR_WHOM)
            variant = f"ask_{slot}_for_other"
            if who and exists(variant):
                say(dispatcher, variant, who=who)
            else:
                say(dispatcher, f"ask_{slot}")
            return []

    AskQuestion.__name__ = AskQuestion.__qualname__ = f"Ask_{slot}"
    return AskQuestion


QUESTIONS = [_question(slot) for slot in SIMPLE_QUESTIONS]


class ActionRestart(Action):
    """Start again: say so, then forget the conversation so far."""

    def name(self) -> str:
        return "action_restart"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        say(dispatcher, "restart")
        return [Restarted()]


class ActionDefaultFallback(Action):
    """When no step fits: say what can be done, and forget the message that did not fit."""

    def name(self) -> str:
        return "action_default_fallback"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        say(dispatcher, "default")
        return [UserUtteranceReverted()]
