"""The commissioners' report: what the service achieved in a month, a quarter or a year.

Who is counted where:
- conversations: Rasa sessions in which the resident first wrote in the period, by the
  highest level reached, channel and town (frontdoor/commissioning_sources.py);
- referrals, suggestions and time to first contact: referrals made in the period. A
  suggestion is followed up when a group joined at closing is one that was suggested (by id
  or name). First contact is the first logged contact or the older contact record, whichever
  came first; the promise is frontdoor/store/link_worker.py's (urgent and crisis the same
  day, routine within 2 working days);
- outcomes and people connected to a group: referrals closed in the period;
- wellbeing change: people whose end answers came in the period and who also answered at the
  start; end minus start, each ONS4 question and the UCLA-3 total, mean with a t-based 95%
  confidence interval (for anxiety and loneliness a fall is better);
- unmet needs: searches that found nothing suitable (the gaps table) in the period.

Periods are UK calendar months, quarters (Q1 is January to March) and years.
"""

from __future__ import annotations

import math
import re
import statistics
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Literal, TypeVar

from scipy import stats
from sqlalchemy.orm import Session

from frontdoor.commissioning_sources import (
    NOT_GIVEN,
    Conversation,
    GapRecord,
    ReferralRecord,
    Sources,
    WellbeingPair,
    read_sources,
    town_name,
)
from frontdoor.store.link_worker import LOCAL, due_by
from frontdoor.wellbeing import LABELS, ONS4, ucla_total

PeriodKind = Literal["month", "quarter", "year"]
PERIOD_KINDS: tuple[PeriodKind, ...] = ("month", "quarter", "year")
MONTH_NAMES = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
)  # fmt: skip
LEVEL_NAMES = {1: "Level 1: finding a group", 2: "Level 2: help to choose", 3: "Level 3: a person"}
NO_LEVEL = "No level reached"
UCLA_TOTAL = "ucla_total"
MEASURE_LABELS = {**LABELS, UCLA_TOTAL: "Loneliness, UCLA 3-item total (3 to 9, lower is better)"}
URGENCY_ORDER = ("urgent", "crisis", "routine")
TOP = 10
CONFIDENCE = 0.95
_CODE = re.compile(r"^(\d{4})(?:-(?:(\d{2})|Q([1-4])))?$")
Record = TypeVar("Record")


# Periods


@dataclass(frozen=True)
class Period:
    """A UK calendar month, quarter or year: from `start` up to, not including, `end`."""

    kind: PeriodKind
    start: date
    end: date

    @property
    def code(self) -> str:
        """2026-11, 2026-Q4 or 2026: how the period is written in a link."""
        if self.kind == "month":
            return f"{self.start.year}-{self.start.month:02d}"
        if self.kind == "quarter":
            return f"{self.start.year}-Q{(self.start.month - 1) // 3 + 1}"
        return str(self.start.year)

    @property
    def label(self) -> str:
        """November 2026, October to December 2026, or 2026."""
        first = MONTH_NAMES[self.start.month - 1]
        if self.kind == "month":
            return f"{first} {self.start.year}"
        if self.kind == "quarter":
            last = MONTH_NAMES[self.start.month + 1]
            return f"{first} to {last} {self.start.year}"
        return str(self.start.year)

    @property
    def short_label(self) -> str:
        """Nov, Q4 or 2026: under a chart's column."""
        if self.kind == "month":
            return MONTH_NAMES[self.start.month - 1][:3]
        return self.code[-2:] if self.kind == "quarter" else self.code

    def months(self) -> list[Period]:
        return _parts(self, 1, "month")

    def quarters(self) -> list[Period]:
        return _parts(self, 3, "quarter")

    def holds(self, moment: datetime) -> bool:
        """Whether a moment (naive UTC) falls in the period, UK time."""
        return self.start <= local_date(moment) < self.end


def _parts(period: Period, months: int, kind: PeriodKind) -> list[Period]:
    found = []
    day = period.start
    while day < period.end:
        following = _add_months(day, months)
        found.append(Period(kind, day, following))
        day = following
    return found


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def period_of(kind: PeriodKind, day: date) -> Period:
    """The month, quarter or year that a day falls in."""
    if kind == "month":
        start = date(day.year, day.month, 1)
        return Period(kind, start, _add_months(start, 1))
    if kind == "quarter":
        start = date(day.year, (day.month - 1) // 3 * 3 + 1, 1)
        return Period(kind, start, _add_months(start, 3))
    return Period(kind, date(day.year, 1, 1), date(day.year + 1, 1, 1))


def parse_period(code: str) -> Period:
    """A period from its code: 2026-11, 2026-Q4 or 2026; ValueError for anything else."""
    found = _CODE.match(code.strip().upper())
    if not found:
        raise ValueError(f"{code!r} is not a month (2026-11), a quarter (2026-Q4) or a year")
    year, month, quarter = found.groups()
    if month:
        if not 1 <= int(month) <= 12:
            raise ValueError(f"{code!r}: there is no month {month}")
        return period_of("month", date(int(year), int(month), 1))
    if quarter:
        return period_of("quarter", date(int(year), int(quarter) * 3 - 2, 1))
    return period_of("year", date(int(year), 1, 1))


def local_date(moment: datetime) -> date:
    """The UK date of a stored moment (naive UTC)."""
    return moment.replace(tzinfo=UTC).astimezone(LOCAL).date()


def utc_start(day: date) -> datetime:
    """The moment a UK day begins, naive UTC as stored."""
    return datetime.combine(day, time(), tzinfo=LOCAL).astimezone(UTC).replace(tzinfo=None)


# Statistics


def percentile(values: Sequence[float], share: float) -> float:
    """The value below which `share` of the values lie, interpolating between the two
    nearest (as a spreadsheet's PERCENTILE does)."""
    ordered = sorted(values)
    rank = (len(ordered) - 1) * share
    below = math.floor(rank)
    above = min(below + 1, len(ordered) - 1)
    return ordered[below] + (ordered[above] - ordered[below]) * (rank - below)


@dataclass(frozen=True)
class Change:
    """The mean change in one measure (end minus start), over n people, with its 95% CI."""

    measure: str
    n: int
    mean: float | None
    low: float | None
    high: float | None

    @property
    def label(self) -> str:
        return MEASURE_LABELS[self.measure]


def mean_change(measure: str, changes: Sequence[float]) -> Change:
    """The mean with a t-based confidence interval (none for fewer than two people)."""
    if not changes:
        return Change(measure, 0, None, None, None)
    mean = statistics.fmean(changes)
    if len(changes) < 2:
        return Change(measure, 1, mean, None, None)
    margin = stats.t.ppf((1 + CONFIDENCE) / 2, len(changes) - 1) * statistics.stdev(changes)
    margin /= math.sqrt(len(changes))
    return Change(measure, len(changes), mean, mean - margin, mean + margin)


def wellbeing_changes(pairs: Iterable[WellbeingPair]) -> list[Change]:
    """Each ONS4 question and the UCLA-3 total, for the people who answered it both times."""
    found: dict[str, list[float]] = {measure: [] for measure in (*ONS4, UCLA_TOTAL)}
    for pair in pairs:
        for question in ONS4:
            before, after = pair.start.get(question), pair.end.get(question)
            if before is not None and after is not None:
                found[question].append(after - before)
        before, after = ucla_total(pair.start), ucla_total(pair.end)
        if before is not None and after is not None:
            found[UCLA_TOTAL].append(after - before)
    return [mean_change(measure, changes) for measure, changes in found.items()]


# Time to first contact


@dataclass(frozen=True)
class FirstContact:
    """How long the period's referrals waited for first contact, in hours."""

    referrals: int
    contacted: int
    within_promise: int
    median_hours: float | None
    p90_hours: float | None

    @property
    def within_promise_share(self) -> float | None:
        return self.within_promise / self.contacted if self.contacted else None


def first_contact(records: Sequence[ReferralRecord]) -> FirstContact:
    hours: list[float] = []
    kept = 0
    for record in records:
        if record.first_contact is None:
            continue
        hours.append((record.first_contact - record.created_at).total_seconds() / 3600)
        kept += record.first_contact <= due_by(record.created_at, record.urgency)
    return FirstContact(
        referrals=len(records),
        contacted=len(hours),
        within_promise=kept,
        median_hours=statistics.median(hours) if hours else None,
        p90_hours=percentile(hours, 0.9) if hours else None,
    )


# Suggestions and outcomes


@dataclass(frozen=True)
class Suggestions:
    """Groups suggested to the period's referrals, and those joined by the closing."""

    shown: int
    referrals_shown: int
    followed_up: int
    referrals_followed_up: int


def suggestions(records: Iterable[ReferralRecord], names: dict[str, str]) -> Suggestions:
    shown = referrals_shown = followed = referrals_followed = 0
    for record in records:
        if not record.suggested:
            continue
        joined = {_plain(group) for group in record.groups_joined}
        taken = [g for g in record.suggested if {_plain(g), _plain(names.get(g, ""))} & joined]
        shown += len(record.suggested)
        referrals_shown += 1
        followed += len(taken)
        referrals_followed += bool(taken)
    return Suggestions(shown, referrals_shown, followed, referrals_followed)


def _plain(name: str) -> str:
    return " ".join(name.lower().split())


# The report


@dataclass(frozen=True)
class Slice:
    """The headline figures of one month or quarter inside the period."""

    period: Period
    conversations: int
    referrals: int
    contact: FirstContact
    closed: int
    connected: int
    unmet_needs: int


@dataclass(frozen=True)
class CommissionersReport:
    period: Period
    conversations: int
    conversations_by_level: dict[str, int]
    conversations_by_channel: dict[str, int]
    conversations_by_town: dict[str, int]
    referrals: int
    referrals_by_level: dict[str, int]
    referrals_by_channel: dict[str, int]
    referrals_by_town: dict[str, int]
    suggestions: Suggestions
    contact: FirstContact
    contact_by_urgency: dict[str, FirstContact]
    closed: int
    outcomes: dict[str, int]
    connected: int
    groups_joined: int
    wellbeing: list[Change]
    unmet_needs: dict[str, int]
    unmet_needs_by_area: dict[str, int]
    unmet_needs_total: int
    by_month: list[Slice]
    by_quarter: list[Slice]


def build_commissioners_report(session: Session, period: Period) -> CommissionersReport:
    """The period's figures, from the store."""
    sources = read_sources(session, utc_start(period.start), utc_start(period.end))
    return figures_for(period, sources)


def figures_for(period: Period, sources: Sources) -> CommissionersReport:
    talks = sources.conversations
    made = [r for r in sources.referrals if period.holds(r.created_at)]
    ended = _closed_in(period, sources.referrals)
    return CommissionersReport(
        period=period,
        conversations=len(talks),
        conversations_by_level=_levels(c.level for c in talks),
        conversations_by_channel=_count(c.channel for c in talks),
        conversations_by_town=_count((town_name(c.town) for c in talks), TOP),
        referrals=len(made),
        referrals_by_level=_levels(r.level for r in made),
        referrals_by_channel=_count(r.channel for r in made),
        referrals_by_town=_count((r.town for r in made), TOP),
        suggestions=suggestions(made, sources.group_names),
        contact=first_contact(made),
        contact_by_urgency={
            urgency: first_contact([r for r in made if r.urgency == urgency])
            for urgency in URGENCY_ORDER
        },
        closed=len(ended),
        outcomes=_count(r.outcome or "unknown" for r in ended),
        connected=sum(r.outcome == "connected_to_group" for r in ended),
        groups_joined=sum(len(r.groups_joined) for r in ended),
        wellbeing=wellbeing_changes(sources.wellbeing),
        unmet_needs=_count((g.need for g in sources.gaps), TOP),
        unmet_needs_by_area=_count((g.area for g in sources.gaps), TOP),
        unmet_needs_total=len(sources.gaps),
        by_month=[_slice(part, sources) for part in period.months()],
        by_quarter=[_slice(part, sources) for part in period.quarters()],
    )


def _closed_in(period: Period, records: Iterable[ReferralRecord]) -> list[ReferralRecord]:
    return [r for r in records if r.closed_at is not None and period.holds(r.closed_at)]


def _slice(part: Period, sources: Sources) -> Slice:
    made = _within(part, sources.referrals, lambda r: r.created_at)
    ended = _closed_in(part, sources.referrals)
    return Slice(
        period=part,
        conversations=len(_within(part, sources.conversations, _started)),
        referrals=len(made),
        contact=first_contact(made),
        closed=len(ended),
        connected=sum(r.outcome == "connected_to_group" for r in ended),
        unmet_needs=len(_within(part, sources.gaps, _recorded)),
    )


def _started(conversation: Conversation) -> datetime:
    return conversation.started


def _recorded(gap: GapRecord) -> datetime:
    return gap.recorded_at


def _within(
    part: Period, records: Iterable[Record], moment: Callable[[Record], datetime]
) -> list[Record]:
    return [r for r in records if part.holds(moment(r))]


def _levels(levels: Iterable[int | None]) -> dict[str, int]:
    counts = Counter(LEVEL_NAMES.get(level or 0, NO_LEVEL) for level in levels)
    order = [*LEVEL_NAMES.values(), NO_LEVEL]
    return {name: counts[name] for name in order if counts[name]}


def _count(items: Iterable[str], top: int | None = None) -> dict[str, int]:
    """Most frequent first; a tie in name order; the rest beyond `top` dropped."""
    counts = Counter(items)
    ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0] == NOT_GIVEN, item[0]))
    return dict(ordered[:top])
