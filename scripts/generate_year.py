"""Fill a store with a made-up year of the service, for the commissioners' report: residents'
conversations (Rasa's `events` rows, as its tracker store writes them) on every channel, at
every level, from the sample directory's towns; referrals of every urgency with the groups
suggested; first contacts (in the contact log, or only in the older contact record);
outcomes with the groups joined; wellbeing answers at the start and the end for some; and
searches that found nothing (unmet needs).

Everyone is invented: made-up first names, Ofcom drama numbers (07700 900xxx) and
example.org addresses. The same seed gives the same year.

    .venv/bin/python scripts/generate_year.py --database-url sqlite:///year.db --until 2026-12-01
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from time import perf_counter as time_now
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import Session

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from frontdoor.cli import SAMPLE_DIRECTORY  # noqa: E402
from frontdoor.directory.importer import import_services, read_services  # noqa: E402
from frontdoor.directory.places import towns  # noqa: E402
from frontdoor.store.casework import LinkWorker, Outcome, ReferralWork  # noqa: E402
from frontdoor.store.db import engine_for, init_db, session_scope  # noqa: E402
from frontdoor.store.models import (  # noqa: E402
    CaseContact,
    Consent,
    Gap,
    Referral,
    Service,
    ServiceAtLocation,
    StatusChange,
    WellbeingScore,
)
from frontdoor.wellbeing import ONS4, UCLA3  # noqa: E402

LOCAL = ZoneInfo("Europe/London")
CHANNELS = (("socketio", 0.55), ("sms", 0.3), ("rest", 0.15))
LEVELS = ((1, 0.5), (2, 0.25), (3, 0.15), (None, 0.1))  # None: no level reached
URGENCIES = (("routine", 0.8), ("urgent", 0.15), ("crisis", 0.05))
OUTCOMES = (
    ("connected_to_group", 0.5),
    ("referred_elsewhere", 0.15),
    ("declined", 0.2),
    ("could_not_contact", 0.15),
)
NAMES = ("Margaret", "Derek", "Aisha", "Tomasz", "Jean", "Priya", "Colin", "Hannah", "Bev")
NEEDS = ("knitting", "men's shed", "tai chi", "chess", "ukulele", "bereavement café")
WORKERS = (("Sam Jones", "sam.year@example.org"), ("Alex Smith", "alex.year@example.org"))
REFERRAL_SHARE = {1: 0.03, 2: 0.35, 3: 0.8}
WELLBEING_START_SHARE = 0.6
WELLBEING_END_SHARE = 0.7
ANSWER_SKIPPED_SHARE = 0.05
OLD_RECORD_ONLY_SHARE = 0.2  # first contact kept only in referral_work, as before the log
REPEAT_SMS_SHARE = 0.2  # a text from a number that wrote before: a new session, same sender
UNCONTACTED_SHARE = 0.05
PASSWORD_HASH = "not-a-login"  # the generated link workers cannot log in
EVENTS = sa.Table(  # Rasa's tracker store table, as rasa.core.tracker_store.SQLEvent has it
    "events",
    sa.MetaData(),
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("sender_id", sa.String(255), nullable=False, index=True),
    sa.Column("type_name", sa.String(255), nullable=False),
    sa.Column("timestamp", sa.Float),
    sa.Column("intent_name", sa.String(255)),
    sa.Column("action_name", sa.String(255)),
    sa.Column("data", sa.Text),
)


@dataclass
class Talk:
    """A conversation as generated: the facts the report should find."""

    sender: str
    started: datetime  # naive UTC, the resident's first message
    channel: str
    level: int | None
    town: str | None  # the place's name (residents type it in any case)


@dataclass
class Made:
    """A referral as generated."""

    talk: Talk
    urgency: str
    created_at: datetime
    suggested: list[str]
    first_contact: datetime | None = None  # the earliest of the log and the older record
    closed_at: datetime | None = None
    outcome: str | None = None
    joined: list[str] = field(default_factory=list)
    joined_suggested: int = 0  # how many joined groups were suggested ones
    start: dict[str, int | None] | None = None
    end: dict[str, int | None] | None = None
    end_at: datetime | None = None


@dataclass
class Year:
    """What was generated, for tests to work out the figures on their own."""

    until: date
    talks: list[Talk] = field(default_factory=list)
    referrals: list[Made] = field(default_factory=list)
    gaps: list[tuple[datetime, str, str]] = field(default_factory=list)  # when, need, area


def pick(rng: random.Random, weighted: tuple[tuple[Any, float], ...]) -> Any:
    values, weights = zip(*weighted, strict=True)
    return rng.choices(values, weights)[0]


def utc(local: datetime) -> datetime:
    return local.replace(tzinfo=LOCAL).astimezone(UTC).replace(tzinfo=None)


def generate_year(url: str, until: date, seed: int = 15, per_day: float = 6.0) -> Year:
    """A year of the service up to (not including) `until`, written to the store at url."""
    init_db(url)
    EVENTS.create(engine_for(url), checkfirst=True)
    rng = random.Random(seed)
    year = Year(until)
    day = date(until.year - 1, until.month, until.day)
    while day < until:
        for _ in range(_poisson(rng, per_day)):
            year.talks.append(_talk(rng, day, year.talks))
        if rng.random() < 0.4:
            moment = utc(datetime.combine(day, time(rng.randrange(8, 21), rng.randrange(60))))
            year.gaps.append((moment, rng.choice(NEEDS), rng.choice(towns()).name))
        day += timedelta(days=1)
    _write_events(url, rng, year.talks)
    with session_scope(url) as session:
        _write_store(session, rng, year)
    return year


def _poisson(rng: random.Random, mean: float) -> int:
    """A day's count of conversations (Knuth's method)."""
    limit, count, product = pow(2.718281828459045, -mean), 0, rng.random()
    while product > limit:
        count += 1
        product *= rng.random()
    return count


def _talk(rng: random.Random, day: date, earlier: list[Talk]) -> Talk:
    channel = pick(rng, CHANNELS)
    hour = rng.choices(range(7, 23), [1, 2, 3, 3, 3, 3, 3, 3, 3, 3, 2, 2, 2, 2, 1, 1])[0]
    local = datetime.combine(day, time(hour, rng.randrange(60), rng.randrange(60)))
    texters = [t for t in earlier[-200:] if t.channel == "sms"]
    if channel == "sms" and texters and rng.random() < REPEAT_SMS_SHARE:
        sender = rng.choice(texters).sender  # a new session of an earlier texter
    else:
        sender = f"year-{channel}-{len(earlier):05d}-{rng.randrange(10**6):06d}"
    level = pick(rng, LEVELS)
    town = rng.choice(towns()).name if level is not None and rng.random() < 0.85 else None
    return Talk(sender, utc(local), channel, level, town)


def _typed(rng: random.Random, town: str) -> str:
    """A town as a resident types it."""
    return rng.choice((town, town.lower(), town.upper(), f"in {town.lower()}"))


def _write_events(url: str, rng: random.Random, talks: list[Talk]) -> None:
    rows: list[dict[str, Any]] = []
    for talk in talks:
        rows.extend(_events(rng, talk))
    with engine_for(url).begin() as connection:
        for start in range(0, len(rows), 5000):
            connection.execute(EVENTS.insert(), rows[start : start + 5000])


def _events(rng: random.Random, talk: Talk) -> list[dict[str, Any]]:
    """A session as Rasa writes it: the session start, the resident's turns, the slots."""
    moment = talk.started.replace(tzinfo=UTC).timestamp() - 1
    said: list[tuple[str, dict[str, Any]]] = [
        ("action", {"name": "action_session_start"}),
        ("session_started", {}),
        ("action", {"name": "action_listen"}),
        ("user", {"text": "hello", "input_channel": talk.channel}),
        ("bot", {"text": "Hello, I can help you find a group."}),
    ]
    if talk.level is not None:
        said.append(("slot", {"name": "triage_level", "value": 1}))
        said.append(("user", {"text": "I'd like some help", "input_channel": talk.channel}))
        said.append(("slot", {"name": "triage_level", "value": talk.level}))
    if talk.town is not None:
        said.append(("slot", {"name": "town", "value": rng.choice(("Nowhere", talk.town))}))
        said.append(("user", {"text": talk.town, "input_channel": talk.channel}))
        said.append(("slot", {"name": "town", "value": _typed(rng, talk.town)}))
    rows = []
    for index, (kind, data) in enumerate(said):
        at = moment + (index if index < 3 else 1 + index * 20)
        rows.append(
            {
                "sender_id": talk.sender,
                "type_name": kind,
                "timestamp": at,
                "action_name": data.get("name") if kind == "action" else None,
                "data": json.dumps({"event": kind, "timestamp": at, **data}),
            }
        )
    return rows


# The referrals and what became of them


def _write_store(session: Session, rng: random.Random, year: Year) -> None:
    if session.execute(sa.select(Service.id).limit(1)).first() is None:
        import_services(session, read_services(SAMPLE_DIRECTORY))
    groups = _groups_by_town(session)
    workers = [_worker(session, name, email) for name, email in WORKERS]
    now = utc(datetime.combine(year.until, time()))
    for talk in year.talks:
        if talk.level is not None and rng.random() < REFERRAL_SHARE[talk.level]:
            made = _referral(rng, talk, groups, now)
            year.referrals.append(made)
            _store_referral(session, rng, made, workers, len(year.referrals))
    for moment, need, area in year.gaps:
        session.add(Gap(recorded_at=moment, need=need, area=area))


def _groups_by_town(session: Session) -> dict[str, list[tuple[str, str]]]:
    """The directory's groups (id, name) by the town they meet in."""
    from frontdoor.store.models import Location

    query = (
        sa.select(Location.city, Service.id, Service.name)
        .join(ServiceAtLocation, ServiceAtLocation.location_id == Location.id)
        .join(Service, Service.id == ServiceAtLocation.service_id)
    )
    found: dict[str, list[tuple[str, str]]] = {}
    for city, key, name in session.execute(query):
        found.setdefault(str(city), []).append((key, name))
    return found


def _worker(session: Session, name: str, email: str) -> LinkWorker:
    found = session.execute(sa.select(LinkWorker).where(LinkWorker.email == email)).scalar()
    if found is None:
        found = LinkWorker(name=name, email=email, role="link_worker", password_hash=PASSWORD_HASH)
        session.add(found)
        session.flush()
    return found


def _referral(
    rng: random.Random, talk: Talk, groups: dict[str, list[tuple[str, str]]], now: datetime
) -> Made:
    created = talk.started + timedelta(minutes=rng.randrange(3, 25))
    urgency = pick(rng, URGENCIES)
    near = groups.get(talk.town or "", [])
    shown = rng.sample(near, min(len(near), rng.randrange(0, 4))) if talk.level != 3 else []
    made = Made(talk, urgency, created, [key for key, _ in shown])
    if rng.random() > UNCONTACTED_SHARE:
        hours = rng.uniform(0.2, 9) if urgency != "routine" else rng.lognormvariate(3.2, 0.8)
        contact = created + timedelta(hours=hours)
        made.first_contact = contact if contact < now else None
    _close(rng, made, shown, now)
    return made


def _close(rng: random.Random, made: Made, shown: list[tuple[str, str]], now: datetime) -> None:
    """Most referrals are closed some weeks on; some wellbeing before and after."""
    if made.talk.level in (2, 3) and rng.random() < WELLBEING_START_SHARE:
        made.start = _answers(rng, better=False)
    if made.first_contact is None and made.created_at > now - timedelta(days=10):
        return
    closed = (made.first_contact or made.created_at) + timedelta(days=rng.uniform(3, 60))
    if closed >= now:
        return
    made.closed_at = closed
    made.outcome = pick(rng, OUTCOMES) if made.first_contact else "could_not_contact"
    if made.outcome == "connected_to_group":
        taken = shown[: rng.randrange(0, len(shown) + 1)]
        made.joined = [rng.choice((key, name.upper(), name)) for key, name in taken]
        made.joined_suggested = len(taken)
        if not taken or rng.random() < 0.3:
            made.joined.append("Friday Friends Lunch Club")  # found by the link worker
    if made.start is not None and rng.random() < WELLBEING_END_SHARE:
        made.end = _answers(rng, better=made.outcome == "connected_to_group")
        made.end_at = closed


def _answers(rng: random.Random, better: bool) -> dict[str, int | None]:
    lift = 2 if better else 0
    answers: dict[str, int | None] = {}
    for question in ONS4:
        score = rng.randrange(1, 8) + (-lift if question == "anxious" else lift)
        answers[question] = min(max(score, 0), 10)
    for question in UCLA3:
        answers[question] = min(max(rng.randrange(1, 4) - (1 if better else 0), 1), 3)
    for question in ONS4 + UCLA3:
        if rng.random() < ANSWER_SKIPPED_SHARE:
            answers[question] = None
    return answers


def _store_referral(
    session: Session, rng: random.Random, made: Made, workers: list[LinkWorker], number: int
) -> None:
    worker = rng.choice(workers)
    referral = _referral_row(rng, made, worker, number)
    session.add(referral)
    session.flush()
    _store_contacts(session, rng, made, referral, worker)
    if made.closed_at is not None and made.outcome is not None:
        session.add(
            Outcome(
                referral_id=referral.id,
                outcome=made.outcome,
                groups_joined=made.joined,
                snomed_code=referral.snomed_code,
                closed_by_id=worker.id,
                closed_at=made.closed_at,
            )
        )
    for stage, answers, at, by in (
        ("start", made.start, made.created_at - timedelta(minutes=1), "assistant"),
        ("end", made.end, made.end_at, "link_worker"),
    ):
        if answers is not None and at is not None:
            row = WellbeingScore(
                conversation_id=made.talk.sender,
                referral_id=referral.id,
                stage=stage,
                recorded_by=by,
                recorded_at=at,
            )
            for question, value in answers.items():
                setattr(row, question, value)
            session.add(row)


def _referral_row(rng: random.Random, made: Made, worker: LinkWorker, number: int) -> Referral:
    name = rng.choice(NAMES)
    sms = made.talk.channel == "sms"
    referral = Referral(
        reference=f"FD-Y{number:05d}",
        level=made.talk.level or 2,
        urgency=made.urgency,
        status="new",
        channel=made.talk.channel,
        conversation_id=made.talk.sender,
        created_at=made.created_at,
        updated_at=made.created_at,
        summary="Would like to meet people nearby.",
        suggested_groups=made.suggested,
        town=made.talk.town,
        contact_name=name,
        contact_method="sms" if sms else "phone",
        contact_detail=f"07700 900{number % 1000:03d}",
        contact_time="weekday mornings",
        risk="self_harm" if made.urgency == "crisis" else None,
        consent=Consent(
            conversation_id=made.talk.sender,
            channel=made.talk.channel,
            wording="Is it OK to share this with a link worker?",
            wording_version="v1",
            given_at=made.created_at,
        ),
    )
    referral.history.append(StatusChange(status="new", changed_at=made.created_at))
    if made.first_contact is not None:
        referral.status, referral.claimed_by = "in_progress", worker.email
    if made.closed_at is not None:
        referral.status, referral.outcome, referral.closed_at = (
            "closed",
            made.outcome,
            made.closed_at,
        )
    return referral


def _store_contacts(
    session: Session, rng: random.Random, made: Made, referral: Referral, worker: LinkWorker
) -> None:
    """The first contact in the log (and the older record), or only in the older record; a
    later contact logged too, sometimes."""
    if made.first_contact is None:
        return
    work = ReferralWork(referral_id=referral.id, claimed_at=made.created_at)
    work.first_contact_at = made.first_contact
    session.add(work)
    if rng.random() < OLD_RECORD_ONLY_SHARE:
        return
    logged_first = made.first_contact
    if rng.random() < 0.2:  # the log says first; the older record was a little later
        work.first_contact_at = made.first_contact + timedelta(hours=rng.uniform(1, 20))
    later = logged_first + timedelta(days=rng.uniform(1, 9))
    closed = made.closed_at is not None and later < made.closed_at
    for at in (logged_first, later) if closed else (logged_first,):
        session.add(
            CaseContact(
                referral_id=referral.id,
                link_worker_id=worker.id,
                happened_at=at,
                how="sms" if made.talk.channel == "sms" else "phone",
                minutes=rng.randrange(5, 40),
                what_happened="Talked about groups nearby.",
            )
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--until", type=date.fromisoformat, default=date.today())
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument("--per-day", type=float, default=6.0)
    args = parser.parse_args()
    started = time_now()
    year = generate_year(args.database_url, args.until, args.seed, args.per_day)
    print(
        f"{len(year.talks)} conversations, {len(year.referrals)} referrals, "
        f"{len(year.gaps)} unmet needs, up to {year.until.isoformat()}, "
        f"in {time_now() - started:.1f} s"
    )
    _time_the_report(args.database_url, year.until)


def _time_the_report(url: str, until: date) -> None:
    """How long the commissioners' report of the year takes to build, best of three."""
    from frontdoor.commissioning import build_commissioners_report, period_of

    last_day = until - timedelta(days=1)
    for kind in ("month", "quarter", "year"):
        period = period_of(kind, last_day)
        took = []
        for _ in range(3):
            started = time_now()
            with session_scope(url) as session:
                build_commissioners_report(session, period)
            took.append(time_now() - started)
        print(f"the commissioners' report for {period.label}: {min(took) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
