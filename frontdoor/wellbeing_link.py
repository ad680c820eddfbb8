"""The link a resident gets at closing to answer the wellbeing questions themselves: it names
the referral and when it was made, signed with HMAC-SHA256 (WELLBEING_LINK_SECRET), and lasts
14 days. Whether it was already used is kept in the store, not in the link.

A link reads <referral id>.<issued, seconds since 1970 in base 36>.<signature>: short enough
for a text message, and it gives nothing away about the resident.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Final, Literal

LIFETIME: Final = timedelta(days=14)
SIGNATURE_BYTES: Final = 16  # 128 bits: out of reach of guessing
TOKEN_PATTERN: Final = re.compile(r"^([1-9][0-9]{0,9})\.([0-9a-z]{1,8})\.([A-Za-z0-9_-]{22})$")
Refusal = Literal["tampered", "expired"]
DIGITS: Final = "0123456789abcdefghijklmnopqrstuvwxyz"


class LinkRefused(ValueError):
    """The link is not one we made (or was changed), or it has run out."""

    def __init__(self, why: Refusal) -> None:
        super().__init__(why)
        self.why: Refusal = why


@dataclass(frozen=True)
class WellbeingLink:
    """What a good link says: which referral, and when it was sent (UTC, naive, as stored)."""

    referral_id: int
    issued_at: datetime

    @property
    def expires_at(self) -> datetime:
        return self.issued_at + LIFETIME


def issue(secret: str, referral_id: int, now: datetime) -> str:
    """A new link's token for this referral, made now."""
    payload = f"{referral_id}.{_base36(int(_as_utc(now).timestamp()))}"
    return f"{payload}.{_signature(secret, payload)}"


def read(secret: str, token: str, now: datetime) -> WellbeingLink:
    """What the token says, if we signed it and it has not run out; LinkRefused if not."""
    found = TOKEN_PATTERN.match(token)
    if not found:
        raise LinkRefused("tampered")
    referral_id, issued, signature = found.groups()
    if not hmac.compare_digest(signature, _signature(secret, f"{referral_id}.{issued}")):
        raise LinkRefused("tampered")
    issued_at = datetime.fromtimestamp(int(issued, 36), UTC).replace(tzinfo=None)
    link = WellbeingLink(int(referral_id), issued_at)
    if _as_utc(now).replace(tzinfo=None) >= link.expires_at:
        raise LinkRefused("expired")
    return link


def _signature(secret: str, payload: str) -> str:
    digest = hmac.new(secret.encode(), f"wellbeing:{payload}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:SIGNATURE_BYTES]).decode().rstrip("=")


def _base36(number: int) -> str:
    text = ""
    while True:
        number, digit = divmod(number, 36)
        text = DIGITS[digit] + text
        if number == 0:
            return text


def _as_utc(moment: datetime) -> datetime:
    """A moment in UTC; one without a zone is taken as UTC, as the store keeps them."""
    return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)
