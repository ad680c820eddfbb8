"""The words residents use, and the topics of the directory they point to."""

from __future__ import annotations

import difflib
import re
from functools import lru_cache

from frontdoor.directory.places import place_words
from frontdoor.text import folded

# Words residents use, and the words groups are described with.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "walking": ("walk", "walks", "walking", "rambling", "ramble", "stroll", "hike"),
    "singing": ("choir", "choirs", "sing", "singing", "songs", "music"),
    "crafts": (
        "craft",
        "crafts",
        "knit",
        "knitting",
        "sewing",
        "stitch",
        "art",
        "arts",
        "painting",
        "crochet",
        "creative",
        "drawing",
        "pottery",
    ),
    "gardening": (
        "garden",
        "gardening",
        "allotment",
        "grow",
        "growing",
        "plants",
        "outdoors",
    ),
    "shed": ("shed", "sheds", "woodwork", "diy", "tools", "making", "mend"),
    "social": (
        "lonely",
        "loneliness",
        "alone",
        "isolated",
        "befriending",
        "befriender",
        "friend",
        "friends",
        "friendship",
        "company",
        "social",
        "companionship",
        "meet",
        "meeting",
        "people",
        "chat",
        "chatting",
        "natter",
        "coffee",
        "cuppa",
        "cafe",
        "drop",
    ),
    "lunch": ("lunch", "lunches", "meal", "meals", "food", "dinner"),
    "carers": ("carer", "carers", "caring"),  # and "look after", read as one word in words()
    "bereavement": (
        "bereavement",
        "bereaved",
        "grief",
        "grieving",
        "loss",
        "died",
        "widow",
        "widower",
    ),
    "dementia": ("dementia", "memory", "alzheimers", "forgetful"),
    "wellbeing": (
        "anxious",
        "anxiety",
        "worry",
        "stress",
        "low",
        "mood",
        "depressed",
        "depression",
        "wellbeing",
        "mental",
        "calm",
    ),
    "money": (
        "money",
        "debt",
        "debts",
        "benefits",
        "bills",
        "budget",
        "budgeting",
        "advice",
        "cost",
    ),
    "digital": (
        "computer",
        "computers",
        "digital",
        "online",
        "internet",
        "phone",
        "tablet",
        "ipad",
        "email",
        "laptop",
    ),
    "exercise": (
        "exercise",
        "fitness",
        "fit",
        "active",
        "activity",
        "gym",
        "tai",
        "chi",
        "balance",
        "strength",
        "keep",
        "moving",
        "yoga",
        "dance",
        "dancing",
    ),
    "housing": (
        "housing",
        "rent",
        "renting",
        "landlord",
        "repairs",
        "evicted",
        "eviction",
        "homeless",
        "damp",
        "heating",
    ),
    "employment": (
        "job",
        "jobs",
        "employment",
        "cv",
        "career",
        "unemployed",
        "interview",
    ),
    "volunteering": (
        "volunteer",
        "volunteering",
        "volunteers",
        "helping",
        "useful",
    ),
    "learning": (
        "learn",
        "learning",
        "course",
        "courses",
        "book",
        "books",
        "reading",
        "history",
        "talks",
        "education",
    ),
    "faith": (
        "faith",
        "church",
        "mosque",
        "temple",
        "culture",
        "cultural",
        "religious",
        "prayer",
        "multicultural",
    ),
    "parents": (
        "parent",
        "parents",
        "mums",
        "dads",
        "baby",
        "babies",
        "toddler",
        "toddlers",
        "children",
        "kids",
        "family",
        "play",
    ),
    "young": ("young", "youth", "teenager", "teenagers", "teen", "teens", "teenage"),
    "conditions": (
        "diabetes",
        "stroke",
        "copd",
        "breathing",
        "lungs",
        "parkinsons",
        "condition",
        "conditions",
        "arthritis",
        "heart",
        "illness",
    ),
    "sport": ("sport", "sports", "bowls", "football", "badminton", "swimming", "cycling", "tennis"),
    "nature": (
        "nature",
        "wildlife",
        "birds",
        "birdwatching",
        "park",
        "parks",
        "conservation",
        "trees",
    ),
}
WORD_TO_TOPIC = {word: topic for topic, words in SYNONYMS.items() for word in words}
_KNOWN_WORDS = sorted(WORD_TO_TOPIC)
TOPIC_WORDS = {topic: set(words) | {topic} for topic, words in SYNONYMS.items()}
STOP = {
    "a",
    "an",
    "the",
    "and",
    "or",
    "to",
    "in",
    "on",
    "for",
    "of",
    "some",
    "group",
    "groups",
    "club",
    "clubs",
    "any",
    "near",
    "me",
    "my",
    "i",
    "im",
    "want",
    "like",
    "would",
    "find",
    "looking",
    "something",
    "with",
    "more",
    "get",
    "out",
}


def words(text: str | None) -> list[str]:
    """The words that carry meaning, lower case and without accents ("look after" is caring;
    "after" alone, as in "after 6" or "After Loss", is not; a memory cafe is for memory, not a
    cafe; the fresh air is the outdoors)."""
    text = re.sub(r"'s\b", "", folded(text or ""))
    text = re.sub(r"\b(?:look|looks|looking|looked) after\b", "caring", text)
    text = re.sub(r"\b(memory|dementia|alzheimers?) (?:cafe|cafes)\b", r"\1", text)
    text = re.sub(r"\bfresh air\b", "outdoors", text)
    return [w for w in re.findall(r"[a-z]+", text) if len(w) > 1 and w not in STOP]


# Words close to a known word but meaning something else ("support" is not "sport").
_NOT_TYPOS = frozenset({"support", "supported", "sorting", "banking", "parking", "talking"})


@lru_cache(maxsize=4096)
def corrected(word: str) -> str:
    """A resident's misspelling of a word we know ("coir", "knittin"), or the word itself (and
    a place is a place: Louth is not a misspelt "youth")."""
    if len(word) < 4 or word in WORD_TO_TOPIC or word in _NOT_TYPOS or word in place_words():
        return word
    close = difflib.get_close_matches(word, _KNOWN_WORDS, n=1, cutoff=0.8)
    return close[0] if close else word


def request_words(text: str | None) -> list[str]:
    """The words of what a resident asked for, misspellings put right."""
    return [corrected(w) for w in words(text)]


# Words that name a family of kinds, not one: "something creative" is art and crafts, and
# singing and music too.
BROAD_WORDS: dict[str, frozenset[str]] = {
    "creative": frozenset({"crafts", "singing"}),
    "arty": frozenset({"crafts", "singing"}),
    # "something outdoors", "out in the fresh air": walks, gardens and nature alike
    "outdoors": frozenset({"gardening", "walking", "nature"}),
    "outdoor": frozenset({"gardening", "walking", "nature"}),
}


_KIND_NAMED = re.compile(
    r"\b(?:a|an|any|some|the)\s+((?:[\w']+\s+){0,2}?[\w']+)\s+"
    r"(?:group|groups|club|clubs|cafe|class|classes|session|sessions|society)\b",
    re.IGNORECASE,
)


def kind_named(text: str | None) -> str | None:
    """The kind of group a request names before "group", "club" or "class" ("Is there a
    Parkinson's group ...?"), when its words are kinds the directory knows."""
    for found in _KIND_NAMED.finditer(text or ""):
        named = [w for w in request_words(found.group(1)) if w in WORD_TO_TOPIC]
        if named:
            return " ".join(named)
    return None


_ASKING = re.compile(
    r"\b(?:is there|are there|any|anything|looking for|look for|want|wants|would like|'d like|"
    r"like to|find|need|needs|interested|join|try|fancy|recommend|know of|where|somewhere|"
    r"something|group|groups|club|clubs|class|classes)\b",
    re.IGNORECASE,
)


_PREFERRING = re.compile(r"\b(?:rather|prefer|instead|more|sumthin|summat)\b", re.IGNORECASE)


def asks_for_something(text: str | None) -> bool:
    """Whether a message asks for something ("anything with music?", "I'd rather paint"),
    not only tells ("thanks, my friend goes there")."""
    return bool(_ASKING.search(text or "") or _PREFERRING.search(text or ""))


def kind_instead(intent: str | None, text: str | None, shown: str | None) -> str | None:
    """The other kind of group a message right after suggestions asks for, when the assistant
    read it as not understood, thanks or no: its kind words if it asks for something (a
    message not understood at all needs only the words)."""
    kind = another_kind(text, shown)
    if kind is None or not (intent == "nlu_fallback" or asks_for_something(text)):
        return None
    return kind


def asking_part(text: str | None) -> str:
    """The sentences of a message that ask for something ("Is there a choir?"), without those
    that tell of the person ("He spends all day on that computer"); the whole message when
    no sentence, or only one, asks."""
    sentences = [s for s in re.split(r"(?<=[.!?])\s+|\n+", text or "") if s.strip()]
    asking = [s for s in sentences if _ASKING.search(s)]
    return " ".join(asking) if asking and len(sentences) > 1 else (text or "")


def topics(text_words: list[str]) -> set[str]:
    """The directory topics a resident's words point to."""
    found = {WORD_TO_TOPIC[w] for w in text_words if w in WORD_TO_TOPIC}
    for word in text_words:
        found |= BROAD_WORDS.get(word, frozenset())
    return found


def another_kind(text: str | None, shown: str | None) -> str | None:
    """The kind of group a resident asks for instead of the one just searched for ("walking's
    not for me, anything with songs?"): the words of the message that name a kind, left out
    those of the search shown; None when it names no other kind."""
    before = topics(request_words(shown))
    for part in (asking_part(text), text):  # "nah. sumthin more active? need 2 get movin"
        said = request_words(part)
        other = [w for w in said if topics([w]) and not topics([w]) <= before]
        if other:
            return " ".join(dict.fromkeys(other))
    return None


def same_kind(named: str, shown: str | None) -> bool:
    """Whether a kind a resident names is the one just searched for ("walking" after walking
    groups), as when they turn it down."""
    if not shown:
        return False
    kinds = topics(request_words(named))
    if kinds:
        return kinds <= topics(request_words(shown))
    return named.strip().lower() in shown.lower()


# Answers to "What kind of group?" that ask for no kind in particular: a resident who says
# "dunno" wants a choice shown, not a search for the word "dunno" (nor a gap recorded).
_VAGUE_CORE = {
    "anything", "any", "everything", "something", "whatever", "owt", "dunno", "idk", "sure",
    "idea", "surprise", "bothered", "fussy", "choose", "mind", "preference", "suggest",
    "suggestions", "ideas", "options", "else", "anyone", "there", "on",
}  # fmt: skip
_VAGUE_FILLER = {
    "i", "im", "i'm", "am", "not", "no", "don't", "dont", "do", "know", "really", "just",
    "me", "you", "at", "all", "up", "to", "it's", "its", "is", "on", "what", "whats", "what's",
    "there", "please", "ok", "okay", "well", "um", "erm", "hmm", "honestly", "open", "got",
    "any", "have", "a", "an", "the", "can", "could", "would", "like", "be", "nice", "fine",
    "by", "totally", "of", "for", "and", "or", "some", "kind", "type", "group",
    "groups", "thing", "things", "stuff", "activity", "activities", "going", "that", "too",
    "tbh", "lol", "where", "round", "here", "near", "local", "locally",
}  # fmt: skip


# What "anything" means: groups to go along to and enjoy, not advice services or groups for
# a particular situation (carers, bereavement, parents, young people).
POPULAR_TOPICS = frozenset(
    {"walking", "singing", "crafts", "gardening", "shed", "social", "lunch", "exercise", "sport",
     "nature", "learning", "wellbeing", "volunteering"}
)  # fmt: skip
FOR_A_SITUATION = frozenset(
    {"carers", "bereavement", "dementia", "parents", "young", "conditions", "money", "housing",
     "employment", "faith"}
)  # fmt: skip


def is_vague(text: str | None) -> bool:
    """ "anything really", "not sure", "dunno", "surprise me": no kind of group asked for;
    nor is "find a group", in which no word but the asking is left."""
    found = re.findall(r"[a-z']+", (text or "").lower())
    if found and not words(text):
        return True
    return (
        bool(found)
        and any(w in _VAGUE_CORE for w in found)
        and all(w in _VAGUE_CORE or w in _VAGUE_FILLER for w in found)
    )
