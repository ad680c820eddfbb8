"""The greeting: who the assistant is, what it can do, where the privacy notice is."""

from __future__ import annotations

from rasa_sdk.events import EventType

from actions.base import FrontdoorAction, Turn
from frontdoor.settings import get_settings


class ActionGreet(FrontdoorAction):
    """Say hello with the three paths as choices."""

    action_name = "action_greet"

    def act(self, turn: Turn) -> list[EventType]:
        turn.say("greet", privacy_notice_url=get_settings().privacy_notice_url)
        return []
