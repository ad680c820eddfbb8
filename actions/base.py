"""What every custom action shares: its name from a class attribute, and one typed `act` that
gets the turn (the conversation so far, and where its words go) instead of rasa_sdk's three
arguments."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Any, ClassVar

from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.interfaces import Action, Tracker
from rasa_sdk.types import DomainDict

from actions.messages import say


@dataclass(frozen=True)
class Turn:
    """One call of an action: the conversation so far, and the dispatcher its words go to."""

    dispatcher: CollectingDispatcher
    tracker: Tracker
    domain: DomainDict

    def say(self, key: str, **values: Any) -> None:
        """Send the domain response utter_<key> (actions.messages.say)."""
        say(self.dispatcher, key, **values)

    def slot(self, name: str) -> Any:
        """A slot's value (None when unset); slots hold whatever the domain lets them."""
        return self.tracker.get_slot(name)

    @property
    def message(self) -> dict[str, Any]:
        """The latest message as Rasa parsed it ({} when there is none)."""
        return self.tracker.latest_message or {}

    @property
    def intent(self) -> str | None:
        """The latest message's intent, if it has one."""
        name = (self.message.get("intent") or {}).get("name")
        return None if name is None else str(name)

    @property
    def text(self) -> str:
        """The latest message's words ("" when none)."""
        return str(self.message.get("text") or "")


class FrontdoorAction(Action, ABC):
    """A custom action named by `action_name` (the name the domain and rules use), whose
    work is `act`: rasa_sdk's `run` is typed here once."""

    action_name: ClassVar[str]

    def name(self) -> str:
        return self.action_name

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        return self.act(Turn(dispatcher, tracker, domain))

    @abstractmethod
    def act(self, turn: Turn) -> list[EventType]:
        """Say what the turn needs and return the events that change the conversation."""
