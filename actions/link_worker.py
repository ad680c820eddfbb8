"""What the resident sees while a link worker holds the chat from the console.

The console pauses the conversation and runs these actions through Rasa's HTTP API
(`/conversations/{id}/execute`), so they reach the resident on their own channel.
"""

from __future__ import annotations

from rasa_sdk.events import EventType, SlotSet

from actions.base import FrontdoorAction, Turn
from frontdoor.text import tidy

DEFAULT_NAME = "A link worker"


def worker_name(turn: Turn) -> str:
    return tidy(turn.slot("link_worker_name")) or DEFAULT_NAME


class ActionLinkWorkerJoined(FrontdoorAction):
    """Tell the resident a person has joined the chat."""

    action_name = "action_link_worker_joined"

    def act(self, turn: Turn) -> list[EventType]:
        turn.say("link_worker_joined", name=worker_name(turn))
        return []


class ActionLinkWorkerMessage(FrontdoorAction):
    """Pass on what the link worker wrote, with their name in front."""

    action_name = "action_link_worker_message"

    def act(self, turn: Turn) -> list[EventType]:
        message = tidy(turn.slot("link_worker_message"))
        if message:
            turn.say("link_worker_message", name=worker_name(turn), message=message)
        return [SlotSet("link_worker_message", None)]


class ActionLinkWorkerLeft(FrontdoorAction):
    """Tell the resident the assistant is back."""

    action_name = "action_link_worker_left"

    def act(self, turn: Turn) -> list[EventType]:
        turn.say("link_worker_left", name=worker_name(turn))
        return [SlotSet("link_worker_name", None)]
