"""Moments as a link worker reads them: UK time (Europe/London, summer time included), said
the short way: "today 14:05", "yesterday 09:30", "Tue 3 Dec 14:05", "Tue 3 Dec 2024 14:05"."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from frontdoor.store.link_worker import LOCAL
from frontdoor.store.models import utcnow

NEAR_DAYS = {0: "today", -1: "yesterday", 1: "tomorrow"}


def to_local(moment: datetime) -> datetime:
    """A stored moment (UTC, naive, as the store keeps them) in UK time."""
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.astimezone(LOCAL)


def day_text(day: date, today: date) -> str:
    """today, yesterday, tomorrow; else Tue 3 Dec, with the year when it is not this year's."""
    near = NEAR_DAYS.get((day - today).days)
    if near:
        return near
    text = f"{day:%a} {day.day} {day:%b}"
    return text if day.year == today.year else f"{text} {day.year}"


def local_time(moment: datetime | None, now: datetime | None = None) -> str:
    """A stored moment as people read it: "today 14:05", "Tue 3 Dec 14:05"; empty for none."""
    if moment is None:
        return ""
    local = to_local(moment)
    today = to_local(now or utcnow()).date()
    return f"{day_text(local.date(), today)} {local:%H:%M}"


def parse_iso(text: str | None) -> datetime | None:
    """A moment the API gives (2025-01-06T09:30:00Z), back as a naive UTC datetime."""
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text.removesuffix("Z"))
    except ValueError:
        return None
    return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment


def local_text(iso: str | None) -> str:
    """An API moment (2025-01-06T09:30:00Z) as people read it, for the pages."""
    return local_time(parse_iso(iso))


def minutes_since(moment: datetime, now: datetime | None = None) -> int:
    """Whole minutes from a stored moment until now (nought for the future)."""
    return max(int(((now or utcnow()) - moment) / timedelta(minutes=1)), 0)
