"""What the commissioners' report reads from the store, as plain records: conversations (Rasa's
`events` table, one record per Rasa session), referrals with their first contact and outcome,
wellbeing before and after, and unmet needs. No names or contact details."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from frontdoor import slots
from frontdoor.console.conversation import EVENTS  # Rasa's tracker store table
from frontdoor.directory.places import resolve_place
from frontdoor.store.casework import Outcome, ReferralWork
from frontdoor.store.models import CaseContact, Gap, Referral, Service, WellbeingScore
from frontdoor.wellbeing import QUESTIONS

READ_EVENTS = ("user", "slot", "session_started")
TOWN_SLOT = "town"
# Slots set just after the period's end still belong to a conversation begun inside it.
SESSION_TAIL = timedelta(days=1)
NOT_GIVEN = "Not given"

Answers = dict[str, int | None]


@dataclass
class Conversation:
    """One Rasa session in which the resident wrote: when, the level reached, channel, town."""

    started: datetime
    channel: str
    level: int | None = None
    town: str | None = None


@dataclass(frozen=True)
class ReferralRecord:
    """A referral as the report counts it."""

    created_at: datetime
    level: int
    urgency: str
    channel: str
    town: str
    status: str
    suggested: tuple[str, ...]  # the groups suggested, by id
    first_contact: datetime | None
    closed_at: datetime | None
    outcome: str | None
    groups_joined: tuple[str, ...]


@dataclass(frozen=True)
class WellbeingPair:
    """One person's answers at the start and at the end (the end recorded at `ended`)."""

    ended: datetime
    start: Answers
    end: Answers


@dataclass(frozen=True)
class GapRecord:
    recorded_at: datetime
    need: str
    area: str


def epoch(moment: datetime) -> float:
    """A naive UTC moment as Rasa's event timestamp."""
    return moment.replace(tzinfo=UTC).timestamp()


def from_epoch(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, UTC).replace(tzinfo=None)


@lru_cache(maxsize=2048)
def town_name(text: str | None) -> str:
    """A town as residents typed it, read as the place it names ("boston", "PE21" stay as
    they are when the place is not known)."""
    cleaned = " ".join((text or "").split())
    if not cleaned:
        return NOT_GIVEN
    place = resolve_place(cleaned)
    return place.name if place is not None else cleaned[:1].upper() + cleaned[1:]


# Conversations


def conversations(session: Session, start: datetime, end: datetime) -> list[Conversation]:
    """The conversations whose resident first wrote in [start, end); none before Rasa has
    created its table."""
    if not sa.inspect(session.connection()).has_table("events"):
        return []
    senders = (
        sa.select(EVENTS.c.sender_id)
        .where(
            EVENTS.c.type_name == "user",
            EVENTS.c.timestamp >= epoch(start),
            EVENTS.c.timestamp < epoch(end),
        )
        .distinct()
    )
    query = (
        sa.select(EVENTS.c.sender_id, EVENTS.c.type_name, EVENTS.c.timestamp, EVENTS.c.data)
        .where(
            EVENTS.c.sender_id.in_(senders),
            EVENTS.c.type_name.in_(READ_EVENTS),
            EVENTS.c.timestamp < epoch(end + SESSION_TAIL),
        )
        .order_by(EVENTS.c.sender_id, EVENTS.c.timestamp, EVENTS.c.id)
    )
    found = _sessions(session.execute(query))
    return [c for c in found if start <= c.started < end]


def _sessions(rows: Iterable[Any]) -> Iterator[Conversation]:
    """Each sender's events, in order, cut into sessions at every session_started."""
    sender: str | None = None
    current: Conversation | None = None
    for sender_id, type_name, timestamp, raw in rows:
        if sender_id != sender or type_name == "session_started":
            if current is not None:
                yield current
            sender, current = sender_id, None
        if type_name == "session_started":
            continue
        data = _json(raw)
        if type_name == "user" and current is None:
            current = Conversation(from_epoch(timestamp), str(data.get("input_channel") or "rest"))
        elif type_name == "slot" and current is not None:
            _read_slot(current, data)
    if current is not None:
        yield current


def _read_slot(conversation: Conversation, data: dict[str, Any]) -> None:
    """The highest level reached, and the last town given."""
    name, value = data.get("name"), data.get("value")
    if name == slots.TRIAGE_LEVEL and str(value) in ("1", "2", "3"):
        conversation.level = max(conversation.level or 0, int(str(value)))
    elif name == TOWN_SLOT and isinstance(value, str) and value.strip():
        conversation.town = value


def _json(raw: str | None) -> dict[str, Any]:
    try:
        found = json.loads(raw or "{}")
    except ValueError:
        return {}
    return found if isinstance(found, dict) else {}


# Referrals


def referrals(session: Session, start: datetime, end: datetime) -> list[ReferralRecord]:
    """Referrals made in [start, end) or closed in it, with first contact and outcome."""
    made = Referral.created_at.between(start, end - timedelta(microseconds=1))
    closed = Outcome.closed_at.between(start, end - timedelta(microseconds=1))
    query = (
        sa.select(Referral, ReferralWork.first_contact_at, Outcome, _first_logged())
        .outerjoin(ReferralWork, ReferralWork.referral_id == Referral.id)
        .outerjoin(Outcome, Outcome.referral_id == Referral.id)
        .where(sa.or_(made, closed))
        .order_by(Referral.created_at, Referral.id)
    )
    return [_record(*row) for row in session.execute(query)]


def _first_logged() -> Any:
    """The first contact in the contact log, for each referral."""
    return (
        sa.select(sa.func.min(CaseContact.happened_at))
        .where(CaseContact.referral_id == Referral.id)
        .scalar_subquery()
    )


def _record(
    referral: Referral,
    recorded: datetime | None,
    outcome: Outcome | None,
    logged: datetime | None,
) -> ReferralRecord:
    contacts = [moment for moment in (recorded, logged) if moment is not None]
    return ReferralRecord(
        created_at=referral.created_at,
        level=referral.level,
        urgency=referral.urgency,
        channel=referral.channel,
        town=town_name(referral.town),
        status=referral.status,
        suggested=tuple(_group_ids(referral.suggested_groups)),
        first_contact=min(contacts) if contacts else None,
        closed_at=outcome.closed_at if outcome else referral.closed_at,
        outcome=outcome.outcome if outcome else referral.outcome,
        groups_joined=tuple(outcome.groups_joined or []) if outcome else (),
    )


def _group_ids(suggested: list[Any] | None) -> Iterator[str]:
    """The ids of the suggested groups (ids, or cards with an id)."""
    for item in suggested or []:
        found = item.get("id") if isinstance(item, dict) else item
        if found:
            yield str(found)


def group_names(session: Session, ids: Iterable[str]) -> dict[str, str]:
    """Each group's name by its id, for matching a joined group typed by name."""
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    query = sa.select(Service.id, Service.name).where(Service.id.in_(wanted))
    return {key: name for key, name in session.execute(query)}


# Wellbeing and unmet needs


def wellbeing_pairs(session: Session, start: datetime, end: datetime) -> list[WellbeingPair]:
    """For each referral whose last end answers came in [start, end): its first start answers
    and its last end answers (people with both only)."""
    query = (
        sa.select(WellbeingScore)
        .where(WellbeingScore.referral_id.is_not(None))
        .order_by(WellbeingScore.referral_id, WellbeingScore.recorded_at, WellbeingScore.id)
    )
    starts: dict[int, WellbeingScore] = {}
    ends: dict[int, WellbeingScore] = {}
    for row in session.execute(query).scalars():
        key = int(row.referral_id or 0)
        if row.stage == "start":
            starts.setdefault(key, row)
        else:
            ends[key] = row
    return [
        WellbeingPair(ends[key].recorded_at, _answers(starts[key]), _answers(ends[key]))
        for key in sorted(ends)
        if key in starts and start <= ends[key].recorded_at < end
    ]


def _answers(row: WellbeingScore) -> Answers:
    return {question: getattr(row, question) for question in QUESTIONS}


def gaps(session: Session, start: datetime, end: datetime) -> list[GapRecord]:
    query = sa.select(Gap.recorded_at, Gap.need, Gap.area).where(
        Gap.recorded_at >= start, Gap.recorded_at < end
    )
    return [GapRecord(at, need, town_name(area)) for at, need, area in session.execute(query)]


@dataclass
class Sources:
    """Everything the report reads for one period."""

    conversations: list[Conversation] = field(default_factory=list)
    referrals: list[ReferralRecord] = field(default_factory=list)
    wellbeing: list[WellbeingPair] = field(default_factory=list)
    gaps: list[GapRecord] = field(default_factory=list)
    group_names: dict[str, str] = field(default_factory=dict)


def read_sources(session: Session, start: datetime, end: datetime) -> Sources:
    """The period's records, start and end naive UTC."""
    found = referrals(session, start, end)
    return Sources(
        conversations=conversations(session, start, end),
        referrals=found,
        wellbeing=wellbeing_pairs(session, start, end),
        gaps=gaps(session, start, end),
        group_names=group_names(session, (g for r in found for g in r.suggested)),
    )
