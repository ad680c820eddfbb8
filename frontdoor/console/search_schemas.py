"""Finding and joining up referrals: what the search finds, likely duplicates and linked
referrals (pydantic 1, as frontdoor/console/schemas.py)."""

from __future__ import annotations

from pydantic import BaseModel, Field, validator

from frontdoor.console.schemas import QueueItem, clean
from frontdoor.store.search import SEARCH_LENGTH, FoundBy, SameBy

FOUND_BY_LABELS: dict[FoundBy, str] = {
    "reference": "Reference",
    "name": "Name",
    "phone": "Phone number",
    "email": "Email address",
}
SAME_BY_LABELS: dict[SameBy, str] = {"phone": "the same phone number", "email": "the same email"}
SEARCH_DESCRIPTION = (
    "A name (any part, any case, accents or not), a phone number (any format), an email "
    "address or a reference (all or part). Every status is searched; the other filters are "
    "not applied."
)


# What people send


class LinkIn(BaseModel):
    reference: str = Field(
        ..., min_length=1, max_length=16, description="The other referral's reference"
    )

    _clean = validator("reference", allow_reuse=True)(clean)


# What the console shows


class SearchHit(QueueItem):
    found_by: list[FoundBy] = Field(
        [],  # not default_factory: FastAPI's copy of a response model drops it
        description="What the search matched: reference, name, phone or email (empty when "
        "not searching)",
    )


class Related(BaseModel):
    """Another referral, as the referral being read shows it."""

    reference: str
    contact_name: str | None
    status: str
    urgency: str
    created_at: str


class DuplicateOut(Related):
    same_by: SameBy = Field(..., description="phone or email")
    days_apart: int = Field(..., description="Days between the two (negative: the other first)")
    text: str = Field(..., description="Possible duplicate of FD-..., 3 days earlier")


class LinkedOut(Related):
    linked_by: str = Field(..., description="The name of whoever linked them")
    linked_at: str


class Joins(BaseModel):
    """A referral's likely duplicates (same phone or email within 30 days, not yet linked)
    and the referrals linked to it."""

    reference: str
    duplicates: list[DuplicateOut]
    linked: list[LinkedOut]


__all__ = [
    "FOUND_BY_LABELS",
    "SAME_BY_LABELS",
    "SEARCH_DESCRIPTION",
    "SEARCH_LENGTH",
    "DuplicateOut",
    "Joins",
    "LinkIn",
    "LinkedOut",
    "Related",
    "SearchHit",
]
