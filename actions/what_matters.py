"""Level 2: the what-matters-to-me conversation and the plan."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.forms import FrontdoorFormValidation, answer_read_as_leaving
from actions.messages import say
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


def _free_text_validator(slot: str):
    """A validator that keeps the resident's own words, or 'skip'."""

    def validate(
        self: FrontdoorFormValidation,
        slot_value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> dict[str, Any]:
        text = tidy(slot_value)
        if plan.is_skip(text):
            return self.accept(slot, "skip")
        if not has_words(text):
            return self.reject(slot, "answer_too_short", dispatcher, tracker)
        return self.accept(slot, text[:500])

    validate.__name__ = f"validate_{slot}"
    return validate


def _answer_extractor(slot: str):
    """An extract_<slot> that keeps an answer the intent model read as asking for a person,
    when it is not a request to the service: the form goes on instead of a referral."""

    def extract(
        self: FrontdoorFormValidation,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> dict[str, Any]:
        answer = answer_read_as_leaving(tracker, slot, ("need_support",))
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


class ActionReadBackPlan(Action):
    """Read the answers back as a short plan and keep it for the referral."""

    def name(self) -> str:
        return "action_read_back_plan"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        answers = plan.gather(tracker.current_slot_values())
        who = tracker.get_slot(slots.FOR_WHOM)
        text = plan.plan_text(answers, who)
        say(dispatcher, "plan", plan=text)
        kept = {**answers.as_dict(), slots.FOR_WHOM: who}
        return [
            SlotSet("plan", {"text": text, "answers": kept}),
            SlotSet("activity", None),
            SlotSet("day", None),
        ]
