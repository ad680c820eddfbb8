"""When a promise of first contact is about to lapse, and the team should be told.

The promise itself is the store's (frontdoor.store.link_worker.due_by: urgent and crisis the
same day, routine 2 working days later, bank holidays skipped). The alert comes before it:

- urgent and crisis: 2 hours before the working day ends on the day it is due (at once, if
  the referral arrived later than that);
- routine: the morning of the last working day, when the working day starts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from frontdoor.settings import Settings
from frontdoor.store.link_worker import LOCAL, due_by

URGENT_WARNING = timedelta(hours=2)  # before the end of the working day
LAPSED_GRACE = timedelta(days=1)  # a promise that lapsed while no console ran is still told
ROUTINE = "routine"


@dataclass(frozen=True)
class WorkingHours:
    """The team's working day, in local time."""

    starts: time = time(9, 0)
    ends: time = time(17, 0)

    @classmethod
    def from_settings(cls, settings: Settings) -> WorkingHours:
        return cls(settings.working_day_starts, settings.working_day_ends)


@dataclass(frozen=True)
class Promise:
    """A referral's promise of first contact: when it is due and when to warn the team."""

    due_at: datetime  # naive UTC, as the store keeps moments
    warn_at: datetime

    def warn_now(self, now: datetime) -> bool:
        """Time to warn: the warning time has come and the promise has not long lapsed."""
        return self.warn_at <= now < self.due_at + LAPSED_GRACE


def to_utc(local: datetime) -> datetime:
    """A local wall-clock moment (summer time included) as the store keeps moments."""
    return local.replace(tzinfo=LOCAL).astimezone(UTC).replace(tzinfo=None)


def local_date(moment: datetime) -> date:
    """The UK calendar day of a stored moment (naive UTC)."""
    return moment.replace(tzinfo=UTC).astimezone(LOCAL).date()


def promise_for(created_at: datetime, urgency: str, hours: WorkingHours) -> Promise:
    """The referral's promise, and when the team is warned that it is about to lapse."""
    due_at = due_by(created_at, urgency)
    due_day = local_date(due_at)
    if urgency == ROUTINE:
        warn_at = to_utc(datetime.combine(due_day, hours.starts))
    else:
        warn_at = to_utc(datetime.combine(due_day, hours.ends) - URGENT_WARNING)
    return Promise(due_at=due_at, warn_at=max(warn_at, created_at))
