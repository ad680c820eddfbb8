"""The greeting: who the assistant is, what it can do, where the privacy notice is."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.messages import say
from frontdoor.settings import get_settings


class ActionGreet(Action):
    """Say hello with the three paths as choices."""

    def name(self) -> str:
        return "action_greet"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        say(dispatcher, "greet", privacy_notice_url=get_settings().privacy_notice_url)
        return []
