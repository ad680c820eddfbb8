"""The store's side of the console: atomic claims, holding the chat, closing, the promise."""

from __future__ import annotations

import threading
from datetime import datetime

import pytest
import sqlalchemy as sa
from console_helpers import add_referral, add_team, add_worker

from frontdoor.store import link_worker as work
from frontdoor.store.casework import AuditEvent, Outcome
from frontdoor.store.db import session_scope
from frontdoor.store.models import SNOMED_DECLINED, SNOMED_REFERRAL, Referral


def worker(session, email: str):
    return work.worker_by_email(session, email)


def claim_as(url: str, email: str, reference: str) -> str:
    with session_scope(url) as session:
        referral = work.referral_by_reference(session, reference)
        try:
            work.claim(session, referral, worker(session, email))
        except work.Conflict as conflict:
            return f"conflict: {conflict}"
    return "claimed"


@pytest.fixture()
def workers_url(store_url: str) -> str:
    return add_team(store_url)


def test_two_link_workers_claiming_at_once_exactly_one_gets_it(pg_url: str) -> None:
    emails = [f"worker{i}@example.org" for i in range(8)]
    for email in emails:
        add_worker(pg_url, email.split("@")[0].title(), email)
    for _round in range(5):
        reference = add_referral(pg_url)
        barrier = threading.Barrier(len(emails))
        results: dict[str, str] = {}

        def race(email: str, reference: str = reference, barrier=barrier, results=results):
            barrier.wait()
            results[email] = claim_as(pg_url, email, reference)

        threads = [threading.Thread(target=race, args=(email,)) for email in emails]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        winners = [email for email, result in results.items() if result == "claimed"]
        assert len(winners) == 1, results
        losers = [r for r in results.values() if r != "claimed"]
        assert len(losers) == len(emails) - 1
        winner = winners[0].split("@")[0].title()  # as staff know them, by name
        assert all(f"already been claimed by {winner}" in r for r in losers)
        with session_scope(pg_url) as session:
            referral = work.referral_by_reference(session, reference)
            assert (referral.status, referral.claimed_by) == ("claimed", winners[0])
            claims = [h for h in referral.history if h.status == "claimed"]
            assert [h.changed_by for h in claims] == winners


def test_claim_release_and_reassign(workers_url: str) -> None:
    reference = add_referral(workers_url)
    assert claim_as(workers_url, "sam@example.org", reference) == "claimed"
    assert claim_as(workers_url, "alex@example.org", reference).startswith("conflict")
    with session_scope(workers_url) as session:
        referral = work.referral_by_reference(session, reference)
        with pytest.raises(work.Conflict):
            work.release(session, referral, worker(session, "alex@example.org"))
        with pytest.raises(work.WorkError, match="only a manager"):
            work.reassign(
                session,
                referral,
                worker(session, "sam@example.org"),
                worker(session, "alex@example.org"),
            )
        work.reassign(
            session,
            referral,
            worker(session, "pat@example.org"),
            worker(session, "alex@example.org"),
        )
        assert referral.claimed_by == "alex@example.org"
        work.release(session, referral, worker(session, "alex@example.org"))
        assert (referral.status, referral.claimed_by) == ("new", None)
    assert claim_as(workers_url, "sam@example.org", reference) == "claimed"
    with session_scope(workers_url) as session:
        actions = session.execute(
            sa.select(AuditEvent.actor, AuditEvent.action).order_by(AuditEvent.id)
        ).all()
    assert [tuple(a) for a in actions] == [
        ("sam@example.org", "claim"),
        ("pat@example.org", "reassign"),
        ("alex@example.org", "release"),
        ("sam@example.org", "claim"),
    ]


def test_only_one_person_holds_the_chat_and_first_contact_is_kept(workers_url: str) -> None:
    reference = add_referral(workers_url)
    claim_as(workers_url, "sam@example.org", reference)
    with session_scope(workers_url) as session:
        referral = work.referral_by_reference(session, reference)
        sam, pat = worker(session, "sam@example.org"), worker(session, "pat@example.org")
        with pytest.raises(work.WorkError, match="take over"):
            work.require_chat_holder(session, referral, sam)
        work.take_over_chat(session, referral, sam)
        with pytest.raises(work.Conflict, match="sam@example.org is already talking"):
            work.take_over_chat(session, referral, pat)
        work.chat_replied(session, referral, sam, "Hello Margaret")
        first = work.work_for(session, referral).first_contact_at
        assert first is not None and referral.status == "in_progress"
        work.chat_replied(session, referral, sam, "Are you free on Tuesday?")
        assert work.work_for(session, referral).first_contact_at == first
        with pytest.raises(work.WorkError, match="hand the conversation back"):
            work.close(session, referral, sam, "declined")
        work.hand_back_chat(session, referral, sam)
        assert work.work_for(session, referral).chat_held_by is None


@pytest.mark.parametrize(
    ("outcome", "given", "expected"),
    [
        ("connected_to_group", None, SNOMED_REFERRAL),
        ("declined", "", SNOMED_DECLINED),
        ("referred_elsewhere", "871731000000106", SNOMED_REFERRAL),
    ],
)
def test_close_keeps_outcome_groups_and_snomed_code(
    workers_url: str, outcome: str, given: str | None, expected: str
) -> None:
    reference = add_referral(workers_url)
    claim_as(workers_url, "sam@example.org", reference)
    with session_scope(workers_url) as session:
        referral = work.referral_by_reference(session, reference)
        work.close(
            session,
            referral,
            worker(session, "sam@example.org"),
            outcome,
            ["Boston Lunch Club", "  "],
            given,
        )
    with session_scope(workers_url) as session:
        referral = work.referral_by_reference(session, reference)
        kept = session.execute(sa.select(Outcome)).scalar_one()
        assert (referral.status, referral.outcome, referral.snomed_code) == (
            "closed",
            outcome,
            expected,
        )
        assert kept.groups_joined == ["Boston Lunch Club"]
        assert referral.closed_at is not None
        with pytest.raises(work.WorkError, match="closed"):
            work.close(session, referral, worker(session, "sam@example.org"), outcome)


def test_close_refuses_a_bad_outcome_or_code(workers_url: str) -> None:
    reference = add_referral(workers_url)
    claim_as(workers_url, "sam@example.org", reference)
    with session_scope(workers_url) as session:
        referral = work.referral_by_reference(session, reference)
        sam = worker(session, "sam@example.org")
        with pytest.raises(work.WorkError, match="outcome must be"):
            work.close(session, referral, sam, "vanished")
        with pytest.raises(work.WorkError, match="not a SNOMED CT code"):
            work.close(session, referral, sam, "declined", snomed_code="12ab")
        assert referral.status == "claimed"


def test_queue_puts_crisis_and_urgent_first_then_oldest(workers_url: str) -> None:
    old_routine = add_referral(workers_url, created_at=datetime(2025, 1, 6, 9))
    new_routine = add_referral(workers_url, created_at=datetime(2025, 1, 8, 9))
    urgent = add_referral(workers_url, "urgent", created_at=datetime(2025, 1, 9, 9))
    crisis = add_referral(workers_url, "crisis", created_at=datetime(2025, 1, 10, 9))
    sms = add_referral(workers_url, channel="sms", town="Louth", level=2)
    with session_scope(workers_url) as session:
        order = [r.reference for r, _ in work.queue(session)]
        assert order == [crisis, urgent, old_routine, new_routine, sms]
        level_2 = work.queue(session, work.QueueFilter(level=2))
        by_channel = work.queue(session, work.QueueFilter(channel="sms"))
        by_town = work.queue(session, work.QueueFilter(town="louth"))
        assert [r.reference for r, _ in level_2] == [sms]
        assert [r.reference for r, _ in by_channel] == [sms]
        assert [r.reference for r, _ in by_town] == [sms]
        assert work.queue_choices(session) == {
            "channels": ["rest", "sms"],
            "towns": ["Boston", "Louth"],
        }
    claim_as(workers_url, "sam@example.org", crisis)
    with session_scope(workers_url) as session:
        assert crisis not in [r.reference for r, _ in work.queue(session)]
        claimed = work.queue(session, work.QueueFilter(status="claimed"))
        assert [r.reference for r, _ in claimed] == [crisis]


@pytest.mark.parametrize(
    ("created", "urgency", "due"),
    [
        # Monday 10:00 GMT: urgent by the end of Monday, routine by the end of Wednesday
        (datetime(2025, 1, 6, 10), "urgent", datetime(2025, 1, 6, 23, 59, 59)),
        (datetime(2025, 1, 6, 10), "crisis", datetime(2025, 1, 6, 23, 59, 59)),
        (datetime(2025, 1, 6, 10), "routine", datetime(2025, 1, 8, 23, 59, 59)),
        # Friday: 2 working days is Tuesday; Saturday too
        (datetime(2025, 1, 10, 15), "routine", datetime(2025, 1, 14, 23, 59, 59)),
        (datetime(2025, 1, 11, 15), "routine", datetime(2025, 1, 14, 23, 59, 59)),
        # British Summer Time: 23:30 UTC on 1 July is already 2 July in Lincoln
        (datetime(2025, 7, 1, 23, 30), "urgent", datetime(2025, 7, 2, 22, 59, 59)),
    ],
)
def test_the_promise(created: datetime, urgency: str, due: datetime) -> None:
    assert work.due_by(created, urgency) == due


def test_wait_against_the_promise(workers_url: str) -> None:
    reference = add_referral(workers_url, "urgent", created_at=datetime(2025, 1, 6, 10))
    with session_scope(workers_url) as session:
        referral = work.referral_by_reference(session, reference)
        wait = work.wait_for(referral, None, now=datetime(2025, 1, 7, 12))
        assert wait.overdue and not wait.contacted
        assert wait.waited_text == "1 day 2 hours"
        early = work.wait_for(referral, None, now=datetime(2025, 1, 6, 10, 5))
        assert not early.overdue and early.waited_text == "5 minutes"


def test_accounts_need_a_valid_unused_email_and_role(sqlite_url: str) -> None:
    add_worker(sqlite_url, "Sam Jones", "Sam@Example.org")
    with session_scope(sqlite_url) as session:
        with pytest.raises(work.WorkError, match="already an account"):
            work.create_link_worker(session, "Sam", "sam@example.org", "link_worker", "x")
        with pytest.raises(work.WorkError, match="not an email"):
            work.create_link_worker(session, "Sam", "sam", "link_worker", "x")
        with pytest.raises(work.WorkError, match="role"):
            work.create_link_worker(session, "Sam", "s@example.org", "admin", "x")
        assert session.execute(sa.select(sa.func.count()).select_from(Referral)).scalar_one() == 0
