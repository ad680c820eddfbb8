"""Who the help is for: the resident, or someone they are asking for ("for my mum", "my dad
needs some company"). A carer asking for themselves ("I look after my husband") is asking for
themselves; somewhere to go together ("with my husband") is for the resident too. And how
old the person is, when it is said ("I'm 15", "she's 90", "my grandson is 15").
"""

from __future__ import annotations

import re

RELATIVES = (
    "mum", "mam", "mom", "mother", "dad", "father", "husband", "wife", "partner", "son",
    "daughter", "nan", "nana", "nanna", "gran", "granny", "grandma", "grandad", "grandpa",
    "grandson", "granddaughter", "grandchild", "brother", "sister", "aunt", "auntie", "uncle",
    "neighbour", "friend", "cousin", "nephew", "niece", "mother in law", "father in law",
    "mother-in-law", "father-in-law", "stepmum", "stepdad", "fiance", "fiancee",
)  # fmt: skip
_WHO = "|".join(sorted((re.escape(r) for r in RELATIVES), key=len, reverse=True))
_FOR = re.compile(
    rf"(?<!care )(?<!caring )(?<!cares )(?<!carer )"
    rf"\b(?:for|on behalf of|asking about|about|help|helping|get|getting|find)\s+(?:my|our)\s+"
    rf"(?:elderly\s+|old\s+|older\s+|late\s+|little\s+|teenage\s+|\d+\s*(?:year|yr)s?\s*old\s+)?"
    rf"(?P<who>{_WHO})\b",
    re.IGNORECASE,
)
_THEY_NEED = re.compile(
    rf"\b(?:my|our)\s+(?P<who>{_WHO})(?:\s+[A-Z][\w'-]+)?(?:,?\s+(?:who|she|he)\b[^.?!]{{0,40}}?)?\s*(?:'s|is|needs|need|"
    rf"would|wants|could|can|has|hasn't|lives|used|gets|doesn't|does not|hardly|never|isn't|"
    rf"won't|feels|seems|spends|sits|struggles|is\s+lonely)\b",
    re.IGNORECASE,
)
# The resident speaks of their own need: a carer, or something to do together.
_FOR_ME_TOO_WORDS = (
    "for me", "for myself", "for us", "with my", "me and my", "my own", "we can", "together",
    "i need (?:a break|some|something|help|support|a rest)", "look(?:ing)? after my",
    "car(?:e|ing) for my", "i'?m (?:a|her|his|the|their) carer",
)  # fmt: skip
_FOR_ME_TOO = re.compile(rf"\b(?:{'|'.join(_FOR_ME_TOO_WORDS)})\b", re.I)


def for_whom(text: str | None) -> str | None:
    """The person asked for ("mum", "neighbour"), or None when the help is for the resident."""
    if not text:
        return None
    found = _FOR.search(text) or (None if _FOR_ME_TOO.search(text) else _THEY_NEED.search(text))
    return " ".join(found.group("who").lower().replace("-", " ").split()) if found else None


_AGE = re.compile(
    r"\b(?:i'?m|i am|he'?s|she'?s|he is|she is|they'?re|they are|aged?|is)\s+(?:aged\s+)?"
    r"(\d{1,3})\b(?!\s*(?:pounds|miles|minutes|mins|%|quid|p\b|am\b|pm\b))"
    r"|\b(\d{1,3})\s*(?:years?|yrs?)\s*old\b",
    re.IGNORECASE,
)


def age_in(text: str | None) -> int | None:
    """The age said in a message, if one is ("I'm 15", "aged 80", "my nan is 92")."""
    found = _AGE.search(text or "")
    if not found:
        return None
    age = int(found.group(1) or found.group(2))
    return age if 5 <= age <= 110 else None
