"""Shared form behaviour: counting failed answers and offering a way out."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from typing import Any

from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction
from rasa_sdk.interfaces import ActionExecutionRejection, Tracker
from rasa_sdk.types import DomainDict

from actions.base import Turn
from frontdoor.asking import ASKS_TO_CHOOSE, OTHER_WAY_NEEDED, SERVICE_REQUEST
from frontdoor.directory.places import place_in
from frontdoor.for_whom import for_whom
from frontdoor.slots import FOR_WHOM as FOR_WHOM_SLOT
from frontdoor.slots import FORM_FAILURES as FAILURES_SLOT
from frontdoor.slots import TRIAGE_LEVEL as LEVEL_SLOT

WAY_OUT_AFTER = 2


def said_since_start(tracker: Tracker) -> list[dict[str, Any]]:
    """The resident's messages (user events) since the conversation last started again."""
    said: list[dict[str, Any]] = []
    for event in tracker.events:
        if event.get("event") in ("restart", "session_started"):
            said = []
        elif event.get("event") == "user":
            said.append(event)
    return said


# Intents that would leave a form's questions, and the words that really ask to leave.
LEAVING = {
    "need_support": SERVICE_REQUEST,
    "need_guidance": ASKS_TO_CHOOSE,
    "need_other_way": OTHER_WAY_NEEDED,
}


def answer_read_as_leaving(tracker: Tracker, slot: str, intents: tuple[str, ...]) -> str | None:
    """The answer to `slot`'s question when the intent model read it as one of `intents`
    (a wish for a person, or for help to choose) but its words do not ask for that:
    "something to meet people" answers; "can someone ring me" leaves."""
    message = tracker.latest_message or {}
    intent = (message.get("intent") or {}).get("name")
    text = str(message.get("text") or "")
    if tracker.get_slot("requested_slot") != slot or intent not in intents:
        return None
    return None if LEAVING[intent].search(text) else text


# The welcome's choices, typed as words in the middle of another path's questions: a change
# of path, not an answer ("Find a group" is not what matters most to someone).
PATH_CHOICES = {
    "find a group": "find_group",
    "find groups": "find_group",
    "help me choose": "need_guidance",
    "talk to a person": "need_support",
    "speak to a person": "need_support",
}


# What a form keeps of one answer: slots and their values ({} keeps nothing).
SlotValues = dict[str, Any]
# A form's check of one answer (validate_<slot>), as FrontdoorFormValidation calls it.
Validator = Callable[[Any, Turn], SlotValues]


class FrontdoorFormValidation(FormValidationAction, ABC):
    """A form that says kindly what was wrong and, after repeated failures, how to get out.

    Each answer given is checked by the form's `validate_<slot>(value, turn)`, which returns
    the slots to set (`accept`, or `reject` to ask again)."""

    level: int | None = None  # the care navigation level this form belongs to
    path_intent: str | None = None  # the welcome choice that leads to this form

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """As any form, but a typed choice of another path hands the turn back to Rasa, which
        takes that path (the form is put aside, as for any answer it cannot use)."""
        text = " ".join(str((tracker.latest_message or {}).get("text") or "").lower().split())
        chosen = PATH_CHOICES.get(text.strip(" .!"))
        if chosen is not None and chosen != self.path_intent:
            raise ActionExecutionRejection(self.name(), f"the resident chose {chosen}")
        return await super().run(dispatcher, tracker, domain)

    @abstractmethod
    def name(self) -> str:
        """validate_<form name>."""

    async def get_extraction_events(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Also who the help is for, once it is said ("for my mum")."""
        events = await super().get_extraction_events(dispatcher, tracker, domain)
        if tracker.get_slot(FOR_WHOM_SLOT):
            return events
        said = [e.get("text") for e in said_since_start(tracker)]
        said.append((tracker.latest_message or {}).get("text"))
        who = next((w for w in map(for_whom, reversed(said)) if w), None)
        return events + [SlotSet(FOR_WHOM_SLOT, who)] if who else events

    async def get_validation_events(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Check each answer given this turn. A slot merely cleared (set to nothing, as
        starting a referral does) is not an answer: it is not checked, and the form asks for
        it in turn, instead of a burst of "Sorry, I did not get that" for every question."""
        wanted = await self.required_slots(self.domain_slots(domain), dispatcher, tracker, domain)
        turn = Turn(dispatcher, tracker, domain)
        given = tracker.slots_to_validate()
        slots = {k: v for k, v in given.items() if k in wanted}
        # Slots this form keeps beside its questions (who it is for, the day asked for) are
        # returned as they were found: rasa_sdk returns only the validated ones.
        beside = {k: v for k, v in given.items() if k not in wanted}
        for name, value in list(slots.items()):
            check: Validator | None = getattr(self, f"validate_{name}", None)
            if value is None or check is None:
                continue
            output = check(value, turn)
            slots.update(output)
            tracker.slots.update(output)  # later checks see this answer
        kept = {**beside, **slots}
        return [SlotSet(slot, value) for slot, value in kept.items()] + self._level(tracker)

    def _level(self, tracker: Tracker) -> list[EventType]:
        """The highest level the conversation has reached: a search inside a plan stays 2,
        but a search chosen instead of the what-matters questions, before any plan, is 1."""
        current = tracker.get_slot(LEVEL_SLOT)
        if self.level is None or (current is not None and int(current) == self.level):
            return []
        left_the_plan = current is not None and int(current) == 2 and not tracker.get_slot("plan")
        if current is not None and int(current) > self.level and not left_the_plan:
            return []
        return [SlotSet(LEVEL_SLOT, self.level)]

    def accept(self, slot: str, value: Any) -> SlotValues:
        """Keep the answer and forget earlier failures."""
        return {slot: value, FAILURES_SLOT: 0}

    def reject(self, slot: str, response: str, turn: Turn) -> SlotValues:
        """Say what was wrong, ask again, and offer a way out when it keeps failing; a
        question typed instead of an answer is answered, and the form asks again."""
        from actions.questions import answer_in_passing  # it imports the group actions

        if answer_in_passing(turn):
            return {slot: None}
        failures = int(turn.slot(FAILURES_SLOT) or 0) + 1
        turn.say(response)
        if failures >= WAY_OUT_AFTER:
            turn.say("form_way_out")
        return {slot: None, FAILURES_SLOT: failures}

    def checked(self, slot: str, value: Any, response: str, turn: Turn) -> SlotValues:
        """Accept the value a check made of the answer, or, when it made none (None), reject
        the answer with that response."""
        return self.reject(slot, response, turn) if value is None else self.accept(slot, value)

    def validate_town(self, slot_value: Any, turn: Turn) -> SlotValues:
        """A Lincolnshire town, village or postcode, stored by its usual name."""
        place = place_in(str(slot_value or ""))
        return self.checked("town", None if place is None else place.name, "unknown_place", turn)
