"""Alerts in the store, on SQLite and PostgreSQL: each raised once whoever raises it and however
often, found by the console's scan when the action server raised none, seen by the team, and
claimed for email by one replica only."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, time, timedelta

import sqlalchemy as sa
from console_helpers import add_referral, add_team
from rasa.core.tracker_store import SQLTrackerStore

from frontdoor.alerts.rules import WorkingHours
from frontdoor.alerts.scan import raise_held_messages, raise_lapsing_promises, raise_new_referrals
from frontdoor.store import alerts
from frontdoor.store import link_worker as work
from frontdoor.store.db import engine_for, session_scope
from frontdoor.store.models import Alert, Referral, utcnow

HOURS = WorkingHours(time(9, 0), time(17, 0))
SAM = "sam@example.org"


def referral_of(session, reference: str) -> Referral:
    return session.execute(sa.select(Referral).where(Referral.reference == reference)).scalar_one()


def alert_keys(url: str, kind: str | None = None) -> list[str]:
    query = sa.select(Alert.key).order_by(Alert.id)
    if kind:
        query = query.where(Alert.kind == kind)
    with session_scope(url) as session:
        return list(session.execute(query).scalars())


def stored_without_alert(url: str, urgency: str) -> str:
    """A referral written straight into the table, as if its alert had never been raised."""
    with session_scope(url) as session:
        referral = Referral(
            reference="FD-ZZZZZ2",
            level=3,
            urgency=urgency,
            status="new",
            channel="sms",
            conversation_id="sms-abc",
        )
        session.add(referral)
        session.flush()
        return referral.reference


def add_resident_messages(url: str, sender_id: str, texts: list[str], at: datetime) -> None:
    """Rows in Rasa's own events table, as its SQL tracker store writes them."""
    engine = engine_for(url)
    SQLTrackerStore.SQLEvent.__table__.create(engine, checkfirst=True)
    moment = at.replace(tzinfo=UTC).timestamp()
    rows = [
        {"sender_id": sender_id, "type_name": "user", "timestamp": moment, "data": "{}"}
        for _ in texts
    ]
    with engine.begin() as connection:
        connection.execute(SQLTrackerStore.SQLEvent.__table__.insert(), rows)


def test_an_alert_is_raised_once_whoever_raises_it(store_url: str) -> None:
    reference = add_referral(store_url, "routine")
    with session_scope(store_url) as session:
        referral = referral_of(session, reference)
        assert alerts.raise_alert(session, "promise", "promise:x", referral)
        assert not alerts.raise_alert(session, "promise", "promise:x", referral)
    with session_scope(store_url) as session:  # a restart, or another replica
        assert not alerts.raise_alert(
            session, "promise", "promise:x", referral_of(session, reference)
        )
    assert alert_keys(store_url) == ["promise:x"]


def test_urgent_and_crisis_referrals_raise_an_alert_as_they_are_stored(store_url: str) -> None:
    add_referral(store_url, "routine")
    urgent = add_referral(store_url, "urgent")
    crisis = add_referral(store_url, "crisis")
    with session_scope(store_url) as session:
        rows = session.execute(sa.select(Alert).order_by(Alert.id)).scalars().all()
        assert [(a.kind, a.reference, a.urgency) for a in rows] == [
            ("new_referral", urgent, "urgent"),
            ("new_referral", crisis, "crisis"),
        ]
        assert all(a.email_status == "pending" and a.seen_at is None for a in rows)
        assert raise_new_referrals(session, utcnow()) == 0  # the scan finds nothing more


def test_the_scan_finds_an_urgent_referral_that_arrived_without_an_alert(store_url: str) -> None:
    reference = stored_without_alert(store_url, "crisis")
    with session_scope(store_url) as session:
        assert raise_new_referrals(session, utcnow()) == 1
    with session_scope(store_url) as session:
        assert raise_new_referrals(session, utcnow()) == 0
        assert raise_new_referrals(session, utcnow() + timedelta(days=2)) == 0  # old news
    with session_scope(store_url) as session:
        referral = referral_of(session, reference)
        assert alert_keys(store_url) == [alerts.new_referral_key(referral.id)]


def test_a_lapsing_promise_is_raised_once_and_not_after_first_contact(store_url: str) -> None:
    add_team(store_url)
    arrived = datetime(2026, 12, 1, 10, 0)  # urgent: warned at 15:00, due by midnight
    warned = add_referral(store_url, "urgent", created_at=arrived)
    contacted = add_referral(store_url, "urgent", created_at=arrived)
    routine = add_referral(store_url, "routine", created_at=arrived)  # due Thursday 3rd
    with session_scope(store_url) as session:
        sam = work.worker_by_email(session, SAM)
        referral = referral_of(session, contacted)
        work.claim(session, referral, sam)
        work.record_contact(session, referral, sam, "phone")
    with session_scope(store_url) as session:
        assert raise_lapsing_promises(session, datetime(2026, 12, 1, 14, 59), HOURS) == 0
        assert raise_lapsing_promises(session, datetime(2026, 12, 1, 15, 0), HOURS) == 1
        assert raise_lapsing_promises(session, datetime(2026, 12, 1, 16, 0), HOURS) == 0
        assert raise_lapsing_promises(session, datetime(2026, 12, 3, 9, 0), HOURS) == 1
    with session_scope(store_url) as session:
        found = session.execute(sa.select(Alert).where(Alert.kind == "promise")).scalars()
        assert sorted((a.reference, a.due_at) for a in found) == sorted(
            [
                (warned, datetime(2026, 12, 1, 23, 59, 59)),
                (routine, datetime(2026, 12, 3, 23, 59, 59)),
            ]
        )


def test_a_resident_writing_while_the_chat_is_held_raises_one_alert_each(store_url: str) -> None:
    add_team(store_url)
    reference = add_referral(store_url, "routine", conversation_id="web-held")
    add_resident_messages(store_url, "web-held", ["before the link worker came"], utcnow())
    with session_scope(store_url) as session:
        sam = work.worker_by_email(session, SAM)
        referral = referral_of(session, reference)
        work.claim(session, referral, sam)
        work.take_over_chat(session, referral, sam)
        session.flush()
        assert raise_held_messages(session, store_url) == 0
    later = utcnow() + timedelta(seconds=5)
    add_resident_messages(store_url, "web-held", ["are you there?", "hello?"], later)
    add_resident_messages(store_url, "web-other", ["someone else"], later)
    with session_scope(store_url) as session:
        assert raise_held_messages(session, store_url) == 2
    with session_scope(store_url) as session:
        assert raise_held_messages(session, store_url) == 0  # the next scan: nothing twice
        referral = referral_of(session, reference)
        work.hand_back_chat(session, referral, work.worker_by_email(session, SAM))
    add_resident_messages(store_url, "web-held", ["thanks"], later + timedelta(seconds=5))
    with session_scope(store_url) as session:
        assert raise_held_messages(session, store_url) == 0  # the assistant answers again
    assert len(alert_keys(store_url, "message")) == 2


def test_an_alert_is_seen_by_whoever_saw_it_first(store_url: str) -> None:
    for _ in range(3):
        add_referral(store_url, "urgent")
    with session_scope(store_url) as session:
        first = alerts.latest_id(session) - 2
        assert alerts.unseen_count(session) == 3
        assert alerts.mark_seen(session, [first], "sam@example.org") == 1
        assert alerts.mark_seen(session, [first], "alex@example.org") == 0
        assert alerts.mark_seen(session, None, "alex@example.org") == 2
        assert alerts.unseen_count(session) == 0
        assert alerts.alert_by_id(session, first).seen_by == "sam@example.org"


def test_two_replicas_never_claim_the_same_email(store_url: str) -> None:
    for _ in range(6):
        add_referral(store_url, "crisis")
    claimed: list[list[int]] = []
    start = threading.Barrier(2)

    def replica() -> None:
        start.wait()
        with session_scope(store_url) as session:
            claimed.append([a.id for a in alerts.claim_emails(session, utcnow(), timedelta(1))])

    threads = [threading.Thread(target=replica) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    every = claimed[0] + claimed[1]
    assert len(every) == len(set(every)) == 6


def test_an_email_claimed_by_a_replica_that_stopped_is_taken_again_later(store_url: str) -> None:
    add_referral(store_url, "urgent")
    lease = timedelta(minutes=10)
    with session_scope(store_url) as session:
        assert len(alerts.claim_emails(session, utcnow(), lease)) == 1  # then it stopped
    with session_scope(store_url) as session:
        assert alerts.claim_emails(session, utcnow() + timedelta(minutes=9), lease) == []
        again = alerts.claim_emails(session, utcnow() + timedelta(minutes=11), lease)
        assert [a.email_attempts for a in again] == [2]
        alerts.emails_failed(session, [again[0].id], "the mail server said no")
        session.refresh(again[0])
        assert again[0].email_status == "pending"  # tried again next round
    with session_scope(store_url) as session:
        third = alerts.claim_emails(session, utcnow(), lease)
        alerts.emails_failed(session, [third[0].id], "the mail server said no")
    with session_scope(store_url) as session:
        row = session.execute(sa.select(Alert)).scalar_one()
        assert (row.email_status, row.email_attempts, row.email_error) == (
            "failed",
            3,
            "the mail server said no",
        )
