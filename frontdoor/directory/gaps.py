"""Gaps in provision: searches that found nothing suitable, kept without personal data."""

from __future__ import annotations

import re
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from frontdoor.directory.places import Place
from frontdoor.directory.vocabulary import STOP, topics, words
from frontdoor.store.models import Gap

MAX_NEED_WORDS = 3
# Words that say nothing about the need.
FILLER = STOP | {
    "who",
    "that",
    "which",
    "is",
    "are",
    "am",
    "be",
    "he",
    "she",
    "they",
    "his",
    "her",
    "their",
    "likes",
    "wants",
    "needs",
    "need",
    "help",
    "would",
    "could",
    "can",
    "do",
    "does",
    "please",
    "thing",
    "things",
    "anything",
    "someone",
    "somebody",
    "people",
    "person",
    "there",
    "here",
}


@dataclass(frozen=True)
class GapRow:
    area: str
    need: str
    searches: int
    days: str


def describe_need(text: str | None, interests: list[str] | None = None) -> str:
    """The need as directory topics, or a few plain words; never names (capitalised words)."""
    found = sorted(topics(words(text)) | topics(interests or []))
    if found:
        return ", ".join(found)
    plain = [w for w in re.findall(r"[A-Za-z']+", text or "") if w.islower() and w not in FILLER]
    return " ".join(plain[:MAX_NEED_WORDS]) or "not said"


def record_gap(
    session: Session,
    need: str,
    place: Place | None,
    day: str | None = None,
    time_of_day: str | None = None,
) -> Gap:
    gap = Gap(
        need=need[:120],
        area=place.name if place else "anywhere",
        day=(day or "").lower()[:16] or None,
        time_of_day=time_of_day,
    )
    session.add(gap)
    session.flush()
    return gap


def gaps_by_area(session: Session, limit: int | None = None) -> list[GapRow]:
    """Unmet needs by area, most frequent first."""
    count = sa.func.count(Gap.id)
    query = (
        sa.select(Gap.area, Gap.need, count)
        .group_by(Gap.area, Gap.need)
        .order_by(count.desc(), Gap.area, Gap.need)
    )
    if limit:
        query = query.limit(limit)
    rows = session.execute(query).all()
    return [GapRow(area, need, n, _days(session, area, need)) for area, need, n in rows]


def _days(session: Session, area: str, need: str) -> str:
    """The days residents asked for, if any, most asked first."""
    count = sa.func.count(Gap.id)
    found = session.execute(
        sa.select(Gap.day, count)
        .where(Gap.area == area, Gap.need == need, Gap.day.is_not(None))
        .group_by(Gap.day)
        .order_by(count.desc(), Gap.day)
    ).all()
    return ", ".join(day for day, _ in found)
