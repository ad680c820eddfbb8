"""What a message asks for, by its words: read beside the intent model, by the NLU pipeline
(bot/components/compatible_intents.py) and by the forms (actions/forms.py)."""

from __future__ import annotations

import re

STARTS_YES = re.compile(
    r"^\s*(?:yes|yeah|yep|yup|ok|okay|sure|please do|go on|go ahead|that's fine|thats fine)\b"
    r"(?!\s*(?:but|and)\b)",
    re.IGNORECASE,
)
STARTS_NO = re.compile(
    r"^\s*(?:no(?! idea| clue| one| body|-one|body| friends| family| longer| more| money| way"
    r"| problem| worries| bother| probs)"
    r"|nope|nah|not yet|not now|not really|not at the moment|not today|"
    r"maybe later|not just now)\b",
    re.IGNORECASE,
)
# Any word of wanting a person or guidance: a "no" that goes on in these words is not a plain no.
_PERSON_WORDS = (
    "call", "ring", "phone", "contact", "text", "email", "speak", "talk", "chat", "help",
    "someone", "somebody", "person", "link ?worker", "human", "advice", "guidance", "choose",
)  # fmt: skip
MENTIONS_A_PERSON = re.compile(rf"\b(?:{'|'.join(_PERSON_WORDS)})\b", re.IGNORECASE)
# A request to the service itself ("can someone ring me", "I want a link worker"), which
# changes the path, as against an answer about the resident's life ("having someone to talk
# to", "a reason to get dressed"), which the intent model may read as the same wish.
SERVICE_REQUEST = re.compile(
    r"\blink ?worker|\breal person\b|\bhuman\b|\b(?:call|ring|phone|contact|text|email) me\b"
    r"|\b(?:talk|speak|chat) (?:to|with) (?:a person|someone|somebody|anyone|a human|a real)"
    r"|\bsomeone (?:to )?(?:call|ring|phone|contact|get in touch)",
    re.IGNORECASE,
)
# Saying that typing, reading, screens or English are hard for them: another way to talk is
# wanted ("reading is hard for me", "I can't see the screen"), as against an answer that names
# such a thing ("I used to love reading", "a book club"), which the intent model may read alike.
OTHER_WAY_NEEDED = re.compile(
    r"\b(?:can'?t|cannot|can not|struggle|struggling|hard|difficult|difficulty|trouble|fiddly"
    r"|not (?:very |that |so )?(?:good|great)|no good|too (?:small|old|fiddly|much)"
    r"|don'?t understand|do not understand)\b"
    r"|\bdyslexi|\bpartially sighted\b|\bblind\b|\beyes(?:ight)?\b|\b(?:first|second) language\b"
    r"|\bmy english\b|\bnever been online\b|\b(?:another|some other|other) way\b|\bhow else\b",
    re.IGNORECASE,
)
ASKS_TO_CHOOSE = re.compile(
    r"\b(?:help me|choose|decide|not sure|unsure|no idea|guidance|ideas|suggest)\b"
    r"|\b(?:don'?t|do not) know(?! any(?:one|body)\b| a soul\b| many\b| people\b)",
    re.IGNORECASE,
)
# Wanting company in so many words: a kind of group (coffee mornings, befriending), not a
# need for guidance.
MEET_PEOPLE = re.compile(
    r"\b(?:meet|meeting|make) (?:(?:new|other|some|more|a few|nice) )*"
    r"(?:people|folk|friends|others)\b"
    r"|\b(?:don'?t|dont|do not) (?:really )?know (?:anyone|anybody|a soul|many people)\b"
    r"|\bget to know (?:people|folk|others)\b",
    re.IGNORECASE,
)

# A question about the service stands with a question mark, a question word starting a clause,
# "tell me" and the like, or a word of its own topic.
_QUESTION_WORD = (
    r"(?:how|what|whats|what's|when|whens|where|who|why|which|is|isn't|are|do|does|did|can|"
    r"could|will|would|should|shall|have|has|am)"
)
_QUESTION = re.compile(
    rf"\?|(?:^|[,;:.!-])\W*(?:(?:and|so|but|also|sorry|ok|okay|well|before i say yes|"
    rf"before i agree)\W+)*{_QUESTION_WORD}\b"
    r"|\b(?:tell me|wondering|want to know|like to know|need to know|let me know|explain|"
    r"is that ok|is that okay|is that alright|is it ok|is it okay|now what|what now)\b",
    re.IGNORECASE,
)
_TOPIC_WORDS = {
    "ask_cost": r"cost|costs|price|pay|paying|free|charge|charges|money|afford|pounds?|fees?|"
    r"expensive|cheap|£",
    "ask_transport": r"transport|bus|buses|drive|driving|lift|lifts|taxi|get there|getting there|"
    r"dial.a.ride|car|travel",
    "ask_times": r"times?|open|opening|hours|start|starts|finish|finishes|o'?clock",
    "ask_access": r"wheelchair|access|accessible|steps|stairs|ramp|toilets?|hearing|loop|"
    r"disabled|mobility|walker|walking frame|frame|scooter|parking|deaf|blind|sight|stick",
    "ask_what_next": r"next|happens|happen|then what|in touch|heard|hear back|yet|waiting",
    "ask_what_is_this": r"social prescribing|prescrib\w*|who are you|this service|link worker|"
    r"leaflet",
    "ask_confidential": r"confidential|private|privacy|secret|tell|told|knowing|know|share|"
    r"shared|sharing|anonymous|between us|find out|social services",
    "ask_data_kept": r"data|details|keep|kept|stored|store|records?|information|delete",
}
_TOPICS = {
    intent: re.compile(rf"(?<!\w)(?:{words})(?!\w)", re.IGNORECASE)
    for intent, words in _TOPIC_WORDS.items()
}
SERVICE_QUESTIONS = tuple(_TOPICS)

# Someone asked to phone or visit for company: befriending, a kind of group.
_VISIT_OR_CALL = re.compile(
    r"\b(?:phone|call|ring|visit|pop in|pop round|come round|come and see|chat to|chat with)\b",
    re.IGNORECASE,
)
_FOR_COMPANY = re.compile(
    r"\bfor (?:a|the odd) (?:chat|natter|catch up|catch-up)\b|\bfor company\b"
    r"|\bnow and (?:again|then)\b|\b(?:every|each|once a) week\b|\bregular(?:ly)?\b"
    r"|\bbefriend\w*",
    re.IGNORECASE,
)
_SOMEONE = re.compile(
    r"\b(?:someone|somebody|some one|a volunteer|volunteers|a befriender|anyone|anybody)\b",
    re.IGNORECASE,
)
_BY_PHONE = re.compile(r"\b(?:phone|call|ring|telephone)\b", re.IGNORECASE)
_FROM_THE_TEAM = re.compile(
    r"\b(?:link ?worker|the team|your team|the council|advice|benefits|support worker)\b",
    re.IGNORECASE,
)


def asks_a_question(intent: str, text: str) -> bool:
    """Whether a message read as a question about the service has a question in it."""
    topic = _TOPICS.get(intent)
    return topic is None or bool(_QUESTION.search(text) or topic.search(text))


def befriending_asked(text: str) -> str | None:
    """The kind of befriending asked for ("telephone befriending" or "befriending") when
    someone is wanted to phone or visit for company, not a person from the team."""
    wanted = _SOMEONE.search(text) and _VISIT_OR_CALL.search(text)
    if not (wanted and _FOR_COMPANY.search(text)):
        return None
    if _FROM_THE_TEAM.search(text):
        return None
    return "telephone befriending" if _BY_PHONE.search(text) else "befriending"
