"""What the load benchmark's residents say to Frontdoor: ten turns a conversation, in three
kinds (find a group and narrow it down; talk about what matters; ask for a person and answer
the questions yes or no), each turn worded one of a few ways and filled in with a town, a
kind of group, a name, a number.

No two conversations say quite the same, as residents do not: Frontdoor keeps the sentence
embeddings of recent messages, and a benchmark that said the same words every time would
measure that memory rather than the work a new message costs. Bare Rasa gets its own greet
and mood phrases (benchmark_bare.TURNS).
"""

from __future__ import annotations

import random

Turn = tuple[str, ...]  # the ways a resident may word one turn
Script = list[Turn]

HELLO: Turn = ("hello", "hi", "good morning", "hiya", "hello there")
THANKS: Turn = ("thank you", "thanks, that's helpful", "lovely, thank you", "thanks very much")
BYE: Turn = ("bye", "goodbye", "that's all, bye", "bye for now")
TIMES: Turn = ("weekday mornings", "Tuesday afternoons", "most mornings", "any time really")

FIND_A_GROUP: Script = [
    HELLO,
    ("I'm looking for a {kind}", "is there a {kind} I could join?", "I'd like to find a {kind}"),
    ("{town}",),
    ("only free ones", "just the free ones please", "are any of them free?"),
    ("any closer?", "something nearer please", "closer ones"),
    ("what about on {day}s", "anything on {day}s?"),
    ("something else", "can I look for something different"),
    ("a {other_kind}", "maybe a {other_kind}"),
    THANKS,
    BYE,
]

WHAT_MATTERS: Script = [
    HELLO,
    (
        "I've felt a bit lost since {event} and I don't know where to start",
        "I'm not sure what I need, I've been lonely since {event}",
        "I don't really know what would help, things have been hard since {event}",
    ),
    (
        "getting out and meeting people",
        "having a reason to get up in the morning",
        "feeling less on my own",
        "getting my confidence back",
    ),
    (
        "I lost my confidence after my hip operation",
        "I don't know anyone round here",
        "my nerves, I get anxious in groups",
        "I don't drive any more",
    ),
    ("I'd like a reason to leave the house", "I'd like to make a few friends", "to feel useful"),
    ("{hobby} and {other_hobby}", "I used to love {hobby}"),
    ("I have no car and the buses are not great", "none", "money is tight", "my knees are bad"),
    ("{town}",),
    TIMES,
    ("no thanks", "no, I'll ring them myself", "no, that's fine"),
]

ASK_FOR_A_PERSON: Script = [
    HELLO,
    (
        "can someone call me please",
        "I'd like to talk to a person",
        "could a link worker ring me?",
    ),
    ("yes", "yes that's fine", "yes please"),
    ("{name}",),
    ("phone call", "a phone call please"),
    ("{phone}",),
    TIMES,
    ("yes", "yes that's right", "yes, correct"),
    THANKS,
    BYE,
]

FRONTDOOR_SCRIPTS = [FIND_A_GROUP, WHAT_MATTERS, ASK_FOR_A_PERSON]

# What fills the turns in (the sample directory's towns; made-up names; drama numbers).
TOWNS = ["Boston", "Louth", "Sleaford", "Spalding", "Grantham", "Skegness", "Stamford"]
TOWNS += ["Lincoln", "Gainsborough", "Horncastle", "Market Rasen", "Bourne", "Holbeach"]
KINDS = ["walking group", "choir", "lunch club", "craft group", "gardening club"]
KINDS += ["memory cafe", "coffee morning", "book club", "men's shed", "singing group"]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]
EVENTS = ["I retired", "my husband died", "I moved here", "my wife passed", "my son moved away"]
HOBBIES = ["gardening", "baking", "singing", "walking", "knitting", "painting"]
HOBBIES += ["dancing", "fishing", "local history", "cards", "cooking"]
NAMES = ["Margaret", "Ahmed", "Joan", "Priya", "Derek", "Siobhan", "Tomasz", "Elaine", "Winston"]


def details(rng: random.Random) -> dict[str, str]:
    """One resident's particulars, to fill their turns in."""
    kind, other_kind = rng.sample(KINDS, 2)
    hobby, other_hobby = rng.sample(HOBBIES, 2)
    return {
        "town": rng.choice(TOWNS),
        "kind": kind,
        "other_kind": other_kind,
        "day": rng.choice(DAYS),
        "event": rng.choice(EVENTS),
        "hobby": hobby,
        "other_hobby": other_hobby,
        "name": rng.choice(NAMES),
        "phone": f"07700 900{rng.randrange(1000):03d}",
    }


def conversation(script: Script, rng: random.Random) -> list[str]:
    """One resident's words for a script: a wording of each turn, filled in."""
    filled = details(rng)
    return [rng.choice(turn).format(**filled) for turn in script]
