"""Wellbeing at the start: the ONS4 and UCLA loneliness questions, offered once a plan is
made or a routine referral is stored, one question at a time, any skipped, "stop" to end."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.interfaces import Tracker

from actions.base import FrontdoorAction, Turn
from actions.forms import FrontdoorFormValidation, SlotValues
from frontdoor import slots, wellbeing
from frontdoor.redact import error_summary
from frontdoor.store.db import session_scope
from frontdoor.store.wellbeing import record_wellbeing

logger = logging.getLogger(__name__)
OFFER = "utter_offer_wellbeing"
OFFERED_SLOT = "wellbeing_offered"
QUESTION_SLOTS = tuple(wellbeing.slot_of(q) for q in wellbeing.QUESTIONS)


def may_offer(tracker: Tracker, urgency: str | None = None) -> bool:
    """Offered once a conversation, about the resident's own life (not the person they ask
    for), and never after a crisis."""
    return not (
        tracker.get_slot(OFFERED_SLOT)
        or tracker.get_slot(slots.FOR_WHOM)
        or tracker.get_slot("risk")
        or urgency == "crisis"
    )


def offer(tracker: Tracker, urgency: str | None = None) -> list[EventType]:
    """The events that offer the questions next, when they may be offered."""
    if not may_offer(tracker, urgency):
        return []
    return [SlotSet(OFFERED_SLOT, True), FollowupAction(OFFER)]


# A form method as the class holds it (self first): validate_<slot>.
ScoreValidator = Callable[["ValidateWellbeingForm", Any, Turn], SlotValues]


def _score_validator(question: str) -> ScoreValidator:
    slot = wellbeing.slot_of(question)
    problem = "wellbeing_not_a_score" if question in wellbeing.ONS4 else "wellbeing_not_a_choice"

    def validate(self: ValidateWellbeingForm, slot_value: Any, turn: Turn) -> SlotValues:
        answer = wellbeing.score(question, str(slot_value or ""))
        if answer == wellbeing.STOPPED:
            return self.stop_here(turn)
        return self.checked(slot, answer, problem, turn)

    validate.__name__ = f"validate_{slot}"
    return validate


class ValidateWellbeingForm(FrontdoorFormValidation):
    """Each answer a score, or skipped; "done" (or "no more", "stop") passes on every question
    left. A text of "stop" alone opts the number out of SMS, so residents are told "done"."""

    def name(self) -> str:
        return "validate_wellbeing_form"

    def stop_here(self, turn: Turn) -> SlotValues:
        """Every question not answered yet is passed on: the form is done."""
        left = [
            s for s in QUESTION_SLOTS if turn.slot(s) is None or s == turn.slot("requested_slot")
        ]
        return {**{s: wellbeing.STOPPED for s in left}, slots.FORM_FAILURES: 0}


for _question in wellbeing.QUESTIONS:
    _validator = _score_validator(_question)
    setattr(ValidateWellbeingForm, _validator.__name__, _validator)


def answers_of(tracker: Tracker) -> dict[str, int | None]:
    """The scores given; None for a question skipped or stopped."""
    found: dict[str, int | None] = {}
    for question in wellbeing.QUESTIONS:
        value = tracker.get_slot(wellbeing.slot_of(question))
        found[question] = value if isinstance(value, int) and not isinstance(value, bool) else None
    return found


class ActionSaveWellbeing(FrontdoorAction):
    """Keep the answers with the conversation (and its referral), or say they were not kept."""

    action_name = "action_save_wellbeing"

    def act(self, turn: Turn) -> list[EventType]:
        answers = answers_of(turn.tracker)
        cleared: list[EventType] = [SlotSet(s, None) for s in QUESTION_SLOTS]
        if all(value is None for value in answers.values()):
            turn.say("wellbeing_nothing_kept")
            return cleared
        try:
            with session_scope() as session:
                record_wellbeing(session, turn.tracker.sender_id, "start", "assistant", answers)
        except Exception as error:  # the resident must hear that nothing was kept, whatever
            logger.error("wellbeing answers were not stored: %s", error_summary(error))
            turn.say("wellbeing_not_kept")
            return cleared
        turn.say("wellbeing_thanks")
        return cleared


class ActionPlanNoLinkWorker(FrontdoorAction):
    """The plan is theirs to follow alone; then the wellbeing questions are offered."""

    action_name = "action_plan_no_link_worker"

    def act(self, turn: Turn) -> list[EventType]:
        turn.say("plan_no_link_worker")
        return offer(turn.tracker)
