"""Two intents that lead to the same step are not ambiguous; words in a script the intent
classifier never learnt are not understood.

Rasa's FallbackClassifier answers `nlu_fallback` when the two best intents are within its
ambiguity threshold of each other. "walking groups grantham" is both a request (find_group)
and a plain answer (inform); both start the same search, yet the resident was asked to say
it another way, and a resident texting in few words met that dead end on the first message.
After the FallbackClassifier, this takes such a fallback back when the two closest intents
are compatible and the better one reaches the fallback threshold. The safety net still runs
after it and has the last word.

A message that starts with a plain yes or no and goes on in words of its own ("not yet
thanks, I'll show her the groups first") was a fallback, and a yes-or-no question met "Sorry,
I did not follow that"; it is read as the yes or no it starts with.

Asking for help to choose while naming the kind of group wanted ("I have been lonely since
my husband died. Is there a lunch club I could go to?") is knowing what you want: the level 1
search, not the what-matters questions. No example of help to choose names a kind of group.

The intent classifier learnt English. Its guess at a message with no Latin letter at all
(a name in Arabic, Chinese or Cyrillic script) is noise: "فاطمة الزهراء" typed as a name
was read as goodbye, and the referral could not go on. Such a message is `nlu_fallback`,
which a form question takes as the answer typed and which elsewhere asks to say it another
way.

A question about the service read in a message that asks nothing (an answer about seeing
friends read as asking the cost) is an answer: a form took it as the question each time it
was typed, answered the cost again and asked its own question again, and a resident could
not get past it. A question intent stands only with a question mark, a question word starting
a clause, "tell me" and the like, or a word of its topic; otherwise it is `nlu_fallback`, the
answer typed.

Help to choose that asks to be contacted ("I'm so tired of it all, can somebody ring me?")
is asking for a person: level 3. Someone asked to phone or visit for company ("could a
volunteer ring my dad once a week for a natter") is befriending, a kind of group: the
search, with befriending as the activity, not a referral. And a wish to meet people, with no
wish for help to choose, is the search for a kind of group too.
"""

from __future__ import annotations

import re
from typing import Any, Self

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import (
    ENTITIES,
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message

from bot.components.common import Component, Placement
from frontdoor.asking import (
    ASKS_TO_CHOOSE,
    MEET_PEOPLE,
    MENTIONS_A_PERSON,
    SERVICE_QUESTIONS,
    SERVICE_REQUEST,
    STARTS_NO,
    STARTS_YES,
    asks_a_question,
    befriending_asked,
)

FALLBACK = "nlu_fallback"
# Sets of intents the dialogue answers alike where they are confused (data/rules).
COMPATIBLE = (frozenset({"inform", "find_group"}),)
_LATIN_LETTER = re.compile(r"[A-Za-z\u00C0-\u024F]")
_DENY = {INTENT_NAME_KEY: "deny", PREDICTED_CONFIDENCE_KEY: 1.0}


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class CompatibleIntents(Component, IntentClassifier):
    """Undo an ambiguity fallback between two intents that mean the same next step."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {"threshold": 0.4}  # as the FallbackClassifier's

    def __init__(self, config: dict[str, Any]) -> None:
        self.threshold = float({**self.get_default_config(), **config}["threshold"])

    @classmethod
    def built(cls, config: dict[str, Any], placement: Placement) -> Self:
        return cls(config)

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            if unread_script(message.get(TEXT)):
                fallback = {INTENT_NAME_KEY: FALLBACK, PREDICTED_CONFIDENCE_KEY: 1.0}
                message.set(INTENT, fallback, add_to_output=True)
                continue
            if befriending(message):
                continue
            best = (
                self.resolved(message)
                or plain_answer(message)
                or knows_what(message)
                or asks_nothing(message)
                or asks_to_be_contacted(message)
            )
            if best is not None:
                message.set(INTENT, best, add_to_output=True)
        return messages

    def resolved(self, message: Message) -> dict[str, Any] | None:
        """The intent to keep instead of an ambiguity fallback, if there is one."""
        if (message.get(INTENT) or {}).get(INTENT_NAME_KEY) != FALLBACK:
            return None
        ranking = [
            r for r in message.get(INTENT_RANKING_KEY) or [] if r.get(INTENT_NAME_KEY) != FALLBACK
        ]
        if len(ranking) < 2 or ranking[0].get(PREDICTED_CONFIDENCE_KEY, 0) < self.threshold:
            return None
        pair = {ranking[0].get(INTENT_NAME_KEY), ranking[1].get(INTENT_NAME_KEY)}
        return dict(ranking[0]) if any(pair <= group for group in COMPATIBLE) else None


def plain_answer(message: Message) -> dict[str, Any] | None:
    """A fallback that starts with a plain yes or no, read as that yes or no; a yes that
    starts with a plain no, read as the no; and a no read as a wish for a person or for
    guidance ("no I'll try on my own first thank you") that asks for no person, read as the
    no it is."""
    intent = (message.get(INTENT) or {}).get(INTENT_NAME_KEY)
    text = message.get(TEXT) or ""
    if intent == "affirm":  # "no, that's fine", "no thank you, I'm ok": the words after the no
        return _DENY if STARTS_NO.search(text) else None  # are politeness, not a yes
    if intent in ("need_support", "need_guidance"):
        return _DENY if STARTS_NO.search(text) and not MENTIONS_A_PERSON.search(text) else None
    if intent != FALLBACK:
        return None
    if STARTS_NO.search(text):
        return _DENY
    if STARTS_YES.search(text):
        return {INTENT_NAME_KEY: "affirm", PREDICTED_CONFIDENCE_KEY: 1.0}
    return None


def knows_what(message: Message) -> dict[str, Any] | None:
    """Help to choose, asked for with a kind of group named, or with a wish to meet people
    and no wish for help to choose: a search."""
    intent = message.get(INTENT) or {}
    if intent.get(INTENT_NAME_KEY) != "need_guidance":
        return None
    text = message.get(TEXT) or ""
    named = any(e.get("entity") == "activity" for e in message.get(ENTITIES) or [])
    if not named and not (MEET_PEOPLE.search(text) and not ASKS_TO_CHOOSE.search(text)):
        return None
    return {
        INTENT_NAME_KEY: "find_group",
        PREDICTED_CONFIDENCE_KEY: intent.get(PREDICTED_CONFIDENCE_KEY, 1.0),
    }


def asks_nothing(message: Message) -> dict[str, Any] | None:
    """A service question with no question in it: the answer typed."""
    intent = (message.get(INTENT) or {}).get(INTENT_NAME_KEY)
    if intent not in SERVICE_QUESTIONS or asks_a_question(intent, message.get(TEXT) or ""):
        return None
    return {INTENT_NAME_KEY: FALLBACK, PREDICTED_CONFIDENCE_KEY: 1.0}


def asks_to_be_contacted(message: Message) -> dict[str, Any] | None:
    """Help to choose that asks for someone to get in touch: asking for a person."""
    intent = message.get(INTENT) or {}
    if intent.get(INTENT_NAME_KEY) != "need_guidance":
        return None
    if not SERVICE_REQUEST.search(message.get(TEXT) or ""):
        return None
    return {
        INTENT_NAME_KEY: "need_support",
        PREDICTED_CONFIDENCE_KEY: intent.get(PREDICTED_CONFIDENCE_KEY, 1.0),
    }


def befriending(message: Message) -> bool:
    """Someone to phone or visit for company, asked for as a wish for a person or for help
    to choose: a search, with befriending as the activity when no other kind was named."""
    intent = message.get(INTENT) or {}
    if intent.get(INTENT_NAME_KEY) not in ("need_support", "need_guidance"):
        return False
    kind = befriending_asked(message.get(TEXT) or "")
    if kind is None:
        return False
    entities = list(message.get(ENTITIES) or [])
    if not any(e.get("entity") == "activity" for e in entities):
        entities.append({"entity": "activity", "value": kind, "extractor": "CompatibleIntents"})
        message.set(ENTITIES, entities, add_to_output=True)
    confidence = intent.get(PREDICTED_CONFIDENCE_KEY, 1.0)
    found = {INTENT_NAME_KEY: "find_group", PREDICTED_CONFIDENCE_KEY: confidence}
    message.set(INTENT, found, add_to_output=True)
    return True


def unread_script(text: str | None) -> bool:
    """Letters, but not one of them Latin (accented Latin counts as Latin)."""
    text = text or ""
    return any(c.isalpha() for c in text) and not _LATIN_LETTER.search(text)
