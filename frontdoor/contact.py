"""Checking and tidying the contact details a resident gives."""

from __future__ import annotations

import re

_EMAIL = re.compile(r"^[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$")
_METHOD_WORDS = {
    "phone": ("call", "phone", "ring", "telephone", "landline", "speak", "talk", "voice"),
    "text": ("text", "txt", "sms", "message me", "texts"),
    "email": ("email", "e-mail", "mail", "e mail"),
}
METHOD_NAMES = {"phone": "phone call", "text": "text", "email": "email"}


def contact_method(text: str) -> str | None:
    """phone, text or email from what the resident typed, or None when it is unclear."""
    words = text.lower().strip()
    if words in ("1", "2", "3"):
        return ("phone", "text", "email")[int(words) - 1]
    found = [m for m, cues in _METHOD_WORDS.items() if any(cue in words for cue in cues)]
    if "@" in words:
        found = ["email"]
    return found[0] if len(found) == 1 else None


def uk_phone(text: str) -> str | None:
    """A UK phone number in the usual spaced form, or None when it is not one."""
    digits = re.sub(r"[\s().-]", "", text.strip())
    if digits.startswith("+44"):
        digits = "0" + digits[3:].lstrip("0")
    elif digits.startswith("0044"):
        digits = "0" + digits[4:].lstrip("0")
    if not re.fullmatch(r"0[1-37-9]\d{8,9}", digits):
        return None
    if len(digits) == 10 and not digits.startswith("01"):
        return None
    return _spaced(digits)


def uk_mobile(text: str) -> str | None:
    """A UK mobile number (07...), spaced, or None."""
    number = uk_phone(text)
    return number if number and number.startswith("07") else None


def email_address(text: str) -> str | None:
    """A tidied email address, or None when it does not look like one."""
    candidate = text.strip().strip(".,;").replace(" ", "")
    return candidate.lower() if _EMAIL.match(candidate) else None


def _spaced(digits: str) -> str:
    """07700900123 -> 07700 900123; 01632960123 -> 01632 960123; 02079460000 -> 020 7946 0000."""
    if digits.startswith("02") and len(digits) == 11:
        return f"{digits[:3]} {digits[3:7]} {digits[7:]}"
    return f"{digits[:5]} {digits[5:]}"
