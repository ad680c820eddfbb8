"""Checking and tidying the contact details a resident gives."""

from __future__ import annotations

import re

import phonenumbers
from phonenumbers import (
    Leniency,
    NumberParseException,
    PhoneNumber,
    PhoneNumberFormat,
    PhoneNumberType,
)

# An email address: the one pattern, for residents' contact details, console accounts and
# telling an address used as a conversation id.
_EMAIL_BODY = r"[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"
_EMAIL = re.compile(rf"^{_EMAIL_BODY}$")
_METHOD_WORDS = {
    "phone": ("call", "phone", "ring", "telephone", "landline", "speak", "talk", "voice"),
    "text": ("text", "txt", "sms", "message me", "texts"),
    "email": ("email", "e-mail", "mail", "e mail"),
}
METHOD_NAMES = {"phone": "phone call", "text": "text", "email": "email"}


# "no", "don't like" and the like, a few words before a way of contact, in the same clause
_NEGATION = re.compile(
    r"\b(?:no|not|never|don'?t|do not|can'?t|cannot|won'?t|hate|without|rather not)\b"
    r"(?:\s+(?!(?:please|just|but|so|instead|only|rather)\b)[\w']+){0,3}\s*$"
)


def contact_method(text: str) -> str | None:
    """phone, text or email from what the resident typed, or None when it is unclear.

    A way they turn down does not count: "text please, I don't like calls" means text."""
    words = text.lower().strip()
    if words in ("1", "2", "3"):
        return ("phone", "text", "email")[int(words) - 1]
    if "@" in words:
        return "email"
    wanted: set[str] = set()
    refused: set[str] = set()
    for method, cues in _METHOD_WORDS.items():
        for cue in cues:
            for found in re.finditer(re.escape(cue), words):
                before = words[: found.start()]
                (refused if _NEGATION.search(before) else wanted).add(method)
    chosen = wanted - refused or (
        {"phone", "text", "email"} - refused if len(refused) == 2 else set()
    )
    return next(iter(chosen)) if len(chosen) == 1 else None


_NOT_NAMES = {
    "yes", "yes please", "yeah", "yep", "no", "nope", "no thanks", "ok", "okay", "hello", "hi",
    "skip", "none", "nothing", "dunno", "not sure", "why", "what", "thanks", "thank you",
    "please", "anonymous", "n/a", "na", "test", "help", "start again", "menu",
}  # fmt: skip
# A question typed where an answer was asked for: "is this confidential?", "how much is it"
_QUESTION = re.compile(
    r"\?\s*$|^(?:is|are|what|whats|what's|how|who|why|when|where|can|could|does|do|will|"
    r"would|should)\b.*\b(?:this|it|you|i|me|there|they|that|cost|pay|free|safe|private|"
    r"confidential|happen|happens|work|works)\b",
    re.IGNORECASE,
)
_SAME_NUMBER = re.compile(
    r"\b(?:this|same|my|the)\s+(?:number|one|mobile|phone)\b|\buse this\b|"
    r"\b(?:texting|messaging)\s+(?:you\s+)?(?:from|on)\b|\bthis\s+phone\b",
    re.IGNORECASE,
)


def is_a_name(text: str) -> bool:
    """A name as a person might type it, in any script; not "yes", "skip" or a number."""
    words = " ".join(text.split()).strip(" .!?").lower()
    letters = [ch for ch in words if ch.isalpha()]
    return (
        len(letters) >= 2
        and words not in _NOT_NAMES
        and not any(ch.isdigit() for ch in words)
        and not is_a_question(text)
        and len(words.split()) <= 6
    )


def is_a_question(text: str) -> bool:
    """True for a question typed where an answer was asked for."""
    return bool(_QUESTION.search(" ".join(text.split())))


def means_same_number(text: str) -> bool:
    """ "this number", "the one I'm texting from": the number the resident is texting from."""
    return bool(_SAME_NUMBER.search(text)) and not re.search(r"\d{5}", text)


# A UK phone number as residents type it: "07700 900123", "+44 (0)7700 900123",
# "0044 7700-900-123", "(01632) 960 123". Read with the phonenumbers library as dialled in the
# UK; kept as E.164 (+447700900123) and shown in the national form (07700 900123).
_DIALLED = re.compile(r"[\s(]*[+0][\d\s().-]*")  # from 0 or +: no letters, no extension
# The national number after the 0: ten digits, or nine for a few small-town 01 exchanges; 01
# and 02 landlines, 03, 07 mobiles, 08 and 09. The library calls Ofcom's drama numbers
# (07700 900xxx, 01632 960xxx) invalid, so this, not validity, decides.
_UK_NATIONAL = re.compile(r"[1-37-9]\d{9}|1\d{8}")
_UK_CODE = 44
_MOBILE_TYPES = (PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE)


def _uk_number(text: str) -> PhoneNumber | None:
    """The UK number the text is, or None (too short or long, letters, another country's)."""
    if not _DIALLED.fullmatch(text.strip()):
        return None
    try:
        number = phonenumbers.parse(text, "GB")
    except NumberParseException:
        return None
    national = phonenumbers.national_significant_number(number)
    if number.country_code != _UK_CODE or not _UK_NATIONAL.fullmatch(national):
        return None
    return number if phonenumbers.is_possible_number(number) else None


def _is_mobile(number: PhoneNumber) -> bool:
    """07, and a mobile range where the library knows the range (not a 070 personal number or
    a 076 pager); Ofcom's drama range 07700 900xxx, which it does not know, counts."""
    if not phonenumbers.national_significant_number(number).startswith("7"):
        return False
    known = phonenumbers.is_valid_number(number)
    return not known or phonenumbers.number_type(number) in _MOBILE_TYPES


def _national(number: PhoneNumber) -> str:
    return phonenumbers.format_number(number, PhoneNumberFormat.NATIONAL)


def uk_phone(text: str) -> str | None:
    """A UK phone number in the national form (07700 900123, 020 7946 0000), or None."""
    number = _uk_number(text)
    return _national(number) if number else None


def uk_mobile(text: str) -> str | None:
    """A UK mobile number in the national form, or None."""
    number = _uk_number(text)
    return _national(number) if number and _is_mobile(number) else None


def phone_e164(text: str) -> str | None:
    """A UK phone number as E.164 (+447700900123), the form to store and to match the SMS
    tables by (Twilio's), or None when the text is not one."""
    number = _uk_number(text)
    return phonenumbers.format_number(number, PhoneNumberFormat.E164) if number else None


def phone_for_display(detail: str) -> str:
    """A contact detail as shown to people: a UK number, however it was stored, in the
    national form; anything else (an email address) as it is."""
    return uk_phone(detail) or detail


def _number_in(text: str) -> str | None:
    """The first UK phone number written in a message, in the national form."""
    for found in phonenumbers.PhoneNumberMatcher(text, "GB", leniency=Leniency.POSSIBLE):
        number = uk_phone(found.raw_string)
        if number:
            return number
    return None


def email_address(text: str) -> str | None:
    """A tidied email address, or None when it does not look like one."""
    candidate = text.strip().strip(".,;").replace(" ", "")
    return candidate.lower() if _EMAIL.match(candidate) else None


def is_email(text: str) -> bool:
    """Whether the whole text is one email address."""
    return _EMAIL.match(text.strip()) is not None


_TIME_WORDS = re.compile(
    r"\b(?:morning|mornings|afternoon|afternoons|evening|evenings|night|lunch|lunchtime|noon|"
    r"day|days|daytime|weekday|weekdays|weekend|weekends|week|today|tomorrow|any\s?time|"
    r"whenever|when|before|after|between|until|till|from|early|late|"
    r"mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun|"
    r"monday|tuesday|wednesday|thursday|friday|saturday|sunday|mondays|tuesdays|"
    r"wednesdays|thursdays|fridays|saturdays|sundays|am|pm|o'?clock|\d{1,2}(?:[:.]\d{2})?"
    r"(?:am|pm)?)\b",
    re.IGNORECASE,
)


def is_only_a_place(text: str) -> bool:
    """True when an answer to "when is a good time?" is a town or postcode and no time."""
    from frontdoor.directory.places import resolve_place

    return not _TIME_WORDS.search(text) and resolve_place(text) is not None


def is_a_contact_time(text: str) -> bool:
    """Any words about when suits them, but not a town alone nor a question."""
    if is_a_question(text) and not _TIME_WORDS.search(text):
        return False
    return not is_only_a_place(text)


# A correction at the read-back: "no, the number is wrong, it should be 07700 900582",
# "please call me Bernie", "text me instead", "the email is wrong".
_EMAIL_IN_TEXT = re.compile(_EMAIL_BODY)
_NAME_GIVEN = re.compile(
    r"\b(?:call me|my name is|my name's|name is|name should be|name's|it's|its|i'm|i am|"
    r"put|use)\s+(?P<name>[^\d,.!?]+?)\s*(?:please|thanks|thank you)?[\s.!]*$",
    re.IGNORECASE,
)
# The words that say which detail is wrong: "the number is wrong", "you spelt my name wrong"
_FIELD_WORDS = {
    "contact_detail": "number|mobile|phone number|email|address",
    "contact_name": "name|spelt|spelled|spelling",
    "contact_time": "time|times|when",
}
_FIELD_WRONG = {slot: re.compile(rf"\b(?:{words})\b", re.I) for slot, words in _FIELD_WORDS.items()}
_INSTEAD = re.compile(r"\b(?:instead|rather|prefer|better)\b", re.I)
_ABOUT_IT = re.compile(
    r"\b(?:wrong|right|incorrect|correct|spelt|spelled|mistake|typo|not)\b", re.I
)


def corrections(text: str, method: str | None) -> dict[str, str | None]:
    """The contact details a correction changes: new values where it gives them, None for a
    detail it says is wrong without giving the right one; empty when it corrects nothing."""
    found_email = _EMAIL_IN_TEXT.search(text)
    if found_email:
        return {"contact_method": "email", "contact_detail": found_email.group(0)}
    number = _number_in(text)
    if number:
        if method in ("text", "phone"):
            return {"contact_detail": number}
        return {"contact_method": "phone", "contact_detail": number}
    named = _NAME_GIVEN.search(text)
    if named:
        name = named.group("name").strip()
        plain = not _TIME_WORDS.search(name) and not _ABOUT_IT.search(name)
        if plain and is_a_name(name) and contact_method(name) is None:
            return {"contact_name": name}
    chosen = contact_method(text)
    if chosen and chosen != method and (_INSTEAD.search(text) or len(text.split()) <= 4):
        return {"contact_method": chosen, "contact_detail": None}
    return {slot: None for slot, pattern in _FIELD_WRONG.items() if pattern.search(text)}


_NAME_SAID = re.compile(
    r"\bmy name(?:'s| is)\s+(?!(?:in|on|at|not|the|a|on)\b)(?P<name>[^\W\d_][\w'-]*(?:\s+(?!(?:and|please|but|i|im|i'm|"
    r"thanks|thank|on|from|in|at)\b)[^\W\d_][\w'-]*){0,3})",
    re.IGNORECASE,
)


def details_given(text: str) -> dict[str, str]:
    """Contact details a resident puts in a request ("ring me on 07700 900845, my name is
    Alan Webb"): the name, the way of contact and the number or address, where given."""
    found: dict[str, str] = {}
    named = _NAME_SAID.search(text)
    if named and is_a_name(named.group("name")):
        found["contact_name"] = named.group("name").strip()
    email = _EMAIL_IN_TEXT.search(text)
    number = _number_in(text)
    if email:
        found |= {"contact_method": "email", "contact_detail": email.group(0)}
    elif number:
        wants_texts = contact_method(text) == "text" and uk_mobile(number)
        found |= {"contact_method": "text" if wants_texts else "phone"}
        found["contact_detail"] = number
    return found
