"""What the resident sees while a link worker holds the chat from the console.

The console pauses the conversation and runs these actions through Rasa's HTTP API
(`/conversations/{id}/execute`), so they reach the resident on their own channel.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.messages import say
from frontdoor.text import tidy

DEFAULT_NAME = "A link worker"


def worker_name(tracker: Tracker) -> str:
    return tidy(tracker.get_slot("link_worker_name")) or DEFAULT_NAME


class ActionLinkWorkerJoined(Action):
    """Tell the resident a person has joined the chat."""

    def name(self) -> str:
        return "action_link_worker_joined"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        say(dispatcher, "link_worker_joined", name=worker_name(tracker))
        return []


class ActionLinkWorkerMessage(Action):
    """Pass on what the link worker wrote, with their name in front."""

    def name(self) -> str:
        return "action_link_worker_message"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        message = tidy(tracker.get_slot("link_worker_message"))
        if message:
            say(dispatcher, "link_worker_message", name=worker_name(tracker), message=message)
        return [SlotSet("link_worker_message", None)]


class ActionLinkWorkerLeft(Action):
    """Tell the resident the assistant is back."""

    def name(self) -> str:
        return "action_link_worker_left"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        say(dispatcher, "link_worker_left", name=worker_name(tracker))
        return [SlotSet("link_worker_name", None)]
