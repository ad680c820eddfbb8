"""Residents for the search and join-up tests: each with their own name, way of contact and
day the referral was made (made-up names, Ofcom drama numbers, example.org addresses)."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta

from store_helpers import referral_draft

from frontdoor.store.db import session_scope
from frontdoor.store.models import utcnow
from frontdoor.store.referrals import create_referral

_conversations = itertools.count(1)


def add_resident(
    url: str,
    name: str,
    detail: str,
    days_ago: float = 0,
    method: str | None = None,
) -> str:
    """A referral from this resident, made days_ago; returns its reference."""
    way = method or ("email" if "@" in detail else "phone")
    draft = referral_draft(
        f"search-{next(_conversations)}",
        contact_name=name,
        contact_method=way,
        contact_detail=detail,
    )
    with session_scope(url) as session:
        referral = create_referral(session, draft)
        referral.created_at = made(days_ago)
        return referral.reference


def made(days_ago: float) -> datetime:
    """A moment days_ago, at midday UTC so a day is a day in UK time too."""
    return utcnow().replace(hour=12, minute=0, second=0, microsecond=0) - timedelta(days=days_ago)
