"""The words the action server sends, from actions/messages.yml, and the form questions."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from rasa_sdk import Action, Tracker
from rasa_sdk.events import Restarted, UserUtteranceReverted
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from frontdoor import slots

MESSAGES_FILE = Path(__file__).with_name("messages.yml")

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


@lru_cache(maxsize=1)
def messages() -> dict[str, dict[str, Any]]:
    return yaml.safe_load(MESSAGES_FILE.read_text(encoding="utf-8"))


def render(key: str, **values: Any) -> dict[str, Any]:
    """The message as text (placeholders filled) and buttons."""
    entry = messages()[key]
    return {"text": entry["text"].format(**values), "buttons": entry.get("buttons", [])}


def say(dispatcher: CollectingDispatcher, key: str, **values: Any) -> None:
    """Send one message from the catalogue; extra keyword json_message adds a payload."""
    payload = values.pop("json_message", None)
    message = render(key, **values)
    dispatcher.utter_message(text=message["text"], buttons=message["buttons"], json_message=payload)


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
            if who and variant in messages():
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
