"""The risk taxonomy: what the evaluation and training data label, and what the reply answers."""

from __future__ import annotations

# Kinds of risk, after the Columbia scale (C-SSRS) and safeguarding practice.
CRISIS_KINDS = (
    "passive_wish",
    "active_thoughts",
    "method_plan_intent",
    "preparation",
    "attempt_in_progress",
    "self_harm",
    "harm_to_others",
    "domestic_abuse",
    "child_abuse",
    "adult_at_risk",
    "medical_emergency",
    "someone_else_at_risk",
    "risk_in_request",
)

# Messages that share words with a crisis but show no risk to life.
NEGATIVE_KINDS = (
    "figure_of_speech",
    "carer_describing_care",
    "falls_and_illness",
    "recovery_story",
    "bereavement",
    "low_mood_without_risk",
    "frustration",
    "nonsense",
    "everyday_request",
    "form_answers",
)

# The reply each kind gets: one crisis intent per set of numbers and words.
CATEGORY_OF_KIND = {
    "passive_wish": "self_harm",
    "active_thoughts": "self_harm",
    "method_plan_intent": "self_harm",
    "preparation": "self_harm",
    "self_harm": "self_harm",
    "attempt_in_progress": "danger_now",
    "harm_to_others": "harm_to_others",
    "domestic_abuse": "domestic_abuse",
    "child_abuse": "child_abuse",
    "adult_at_risk": "adult_at_risk",
    "medical_emergency": "medical",
    "someone_else_at_risk": "someone_else",
}

# Reply categories, each answered by the intent "crisis_<category>".
CATEGORIES = (
    "danger_now",
    "medical",
    "someone_else",
    "child_abuse",
    "adult_at_risk",
    "domestic_abuse",
    "harm_to_others",
    "self_harm",
)

CRISIS_PREFIX = "crisis_"


def intent_of(category: str) -> str:
    return CRISIS_PREFIX + category


def category_of_intent(intent: str) -> str | None:
    """'crisis_medical' -> 'medical'; None for an intent that is not a crisis."""
    if not intent.startswith(CRISIS_PREFIX):
        return None
    category = intent[len(CRISIS_PREFIX) :]
    return category if category in CATEGORIES else None
