"""Level 2: the what-matters-to-me conversation and the plan."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.interfaces import Tracker
from rasa_sdk.types import DomainDict

from actions.base import FrontdoorAction, Turn
from actions.forms import FrontdoorFormValidation, SlotValues, answer_read_as_leaving
from frontdoor import plan, slots
from frontdoor.text import has_words, tidy

FREE_TEXT_SLOTS = (
    "what_matters",
    "getting_in_way",
    "would_like_different",
    "enjoys",
    "barriers",
    "free_when",
)


# A form method as the class holds it (self first): validate_<slot>, extract_<slot>.
FreeTextValidator = Callable[[FrontdoorFormValidation, Any, Turn], SlotValues]
AnswerExtractor = Callable[
    [FrontdoorFormValidation, CollectingDispatcher, Tracker, DomainDict], SlotValues
]


def _free_text_validator(slot: str) -> FreeTextValidator:
    """A validator that keeps the resident's own words, or 'skip'."""

    def validate(self: FrontdoorFormValidation, slot_value: Any, turn: Turn) -> SlotValues:
        text = tidy(slot_value)
        if plan.is_skip(text):
            return self.accept(slot, "skip")
        if not has_words(text):
            return self.reject(slot, "answer_too_short", turn)
        return self.accept(slot, text[:500])

    validate.__name__ = f"validate_{slot}"
    return validate


def _answer_extractor(slot: str) -> AnswerExtractor:
    """An extract_<slot> that keeps an answer the intent model read as asking for a person,
    when it is not a request to the service: the form goes on instead of a referral."""

    def extract(
        self: FrontdoorFormValidation,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> SlotValues:
        answer = answer_read_as_leaving(tracker, slot, ("need_support", "need_other_way"))
        if answer is None:
            return {}
        return {slot: answer, slots.TRIAGE_LEVEL: 2}  # not the level 3 a request for a person sets

    extract.__name__ = f"extract_{slot}"
    return extract


class ValidateWhatMattersForm(FrontdoorFormValidation):
    """Each answer is the resident's own words; any can be skipped."""

    level = 2
    path_intent = "need_guidance"

    def name(self) -> str:
        return "validate_what_matters_form"


for _slot in FREE_TEXT_SLOTS:
    setattr(ValidateWhatMattersForm, f"validate_{_slot}", _free_text_validator(_slot))
    setattr(ValidateWhatMattersForm, f"extract_{_slot}", _answer_extractor(_slot))


class ActionReadBackPlan(FrontdoorAction):
    """Read the answers back as a short plan and keep it for the referral."""

    action_name = "action_read_back_plan"

    def act(self, turn: Turn) -> list[EventType]:
        answers = plan.gather(turn.tracker.current_slot_values())
        who = turn.slot(slots.FOR_WHOM)
        text = plan.plan_text(answers, who)
        turn.say("plan", plan=text)
        kept = {**answers.as_dict(), slots.FOR_WHOM: who}
        return [
            SlotSet("plan", {"text": text, "answers": kept}),
            SlotSet("activity", None),
            SlotSet("day", None),
        ]
