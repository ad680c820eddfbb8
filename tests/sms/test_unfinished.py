"""Issue #9, item 6: a text being handled when Rasa stopped is not lost (store on SQLite and
PostgreSQL, and the channel on a real Sanic server)."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from sms_harness import RESIDENT, new_sid

from bot.channels.limits import SORRY_TEXT
from frontdoor.store import messaging
from frontdoor.store.db import session_scope
from frontdoor.store.messaging import SmsInbound
from frontdoor.store.models import utcnow

NUMBER = "+447700900654"


def _age(sid: str, by: timedelta) -> None:
    """Make a row look as if it came `by` ago."""
    with session_scope() as session:
        session.execute(
            sa.update(SmsInbound)
            .where(SmsInbound.message_sid == sid)
            .values(received_at=utcnow() - by)
        )


def _outcome(sid: str) -> str:
    with session_scope() as session:
        query = sa.select(SmsInbound.outcome).where(SmsInbound.message_sid == sid)
        return session.execute(query).scalar_one()


def test_a_redelivery_of_an_unfinished_text_is_claimed_again_after_the_grace(store_url) -> None:
    with session_scope() as session:
        first = messaging.claim_inbound(session, NUMBER, "SM-a", "tok-a")
    with session_scope() as session:  # within the grace: the first turn may still be running
        assert messaging.claim_inbound(session, NUMBER, "SM-a", "tok-a") is None
    _age("SM-a", timedelta(seconds=90))
    with session_scope() as session:
        assert messaging.claim_inbound(session, NUMBER, "SM-a", "tok-a") == first
    with session_scope() as session:  # claimed afresh: a second redelivery waits again
        assert messaging.claim_inbound(session, NUMBER, "SM-a", None) is None
    _age("SM-a", timedelta(seconds=90))
    with session_scope() as session:
        messaging.set_outcome(session, first, "turn")
    with session_scope() as session:  # finished: a repeat is a repeat, however late
        assert messaging.claim_inbound(session, NUMBER, "SM-a", None) is None
        assert messaging.claim_inbound(session, NUMBER, None, "tok-a") is None


def test_only_one_of_two_redeliveries_reclaims(store_url) -> None:
    with session_scope() as session:
        first = messaging.claim_inbound(session, NUMBER, "SM-b", None)
    _age("SM-b", timedelta(minutes=2))
    grace = messaging.UNFINISHED_GRACE
    with session_scope() as one, session_scope() as two:
        won = messaging.reclaim_unfinished(one, first, grace)
        one.commit()
        lost = messaging.reclaim_unfinished(two, first, grace)
    assert (won, lost) == (first, None)


def test_texts_left_received_by_an_earlier_run_are_closed_and_recent_ones_told(
    store_url,
) -> None:
    with session_scope() as session:
        for sid, number in (("SM-c", NUMBER), ("SM-d", NUMBER), ("SM-e", "+447700900655")):
            messaging.claim_inbound(session, number, sid, None)
        messaging.claim_inbound(session, "+447700900656", "SM-f", None)
        messaging.set_outcome(
            session, messaging.claim_inbound(session, NUMBER, "SM-g", None), "turn"
        )
    for sid in ("SM-c", "SM-d", "SM-g"):
        _age(sid, timedelta(seconds=30))
    _age("SM-e", timedelta(days=3))  # too long ago to text about
    started = utcnow() - timedelta(seconds=10)  # SM-f came in after this run started
    since = utcnow() - timedelta(hours=1)
    with session_scope() as session:
        told = messaging.take_interrupted(session, started, since)
    assert told == [NUMBER]  # once, however many of its texts were cut off
    assert [_outcome(s) for s in ("SM-c", "SM-d", "SM-e", "SM-f", "SM-g")] == [
        "interrupted",
        "interrupted",
        "interrupted",
        "received",
        "turn",
    ]
    with session_scope() as session:  # a second start finds nothing left
        assert messaging.take_interrupted(session, started, since) == []


@pytest.mark.asyncio
async def test_a_redelivered_unfinished_text_is_handled_again(sms) -> None:
    sid = new_sid()
    with session_scope() as session:
        messaging.claim_inbound(session, RESIDENT, sid, None)  # Rasa stopped under it
    await sms.post("hello", sid=sid)
    assert sms.bot.texts == []  # within the grace it may still be running
    _age(sid, timedelta(minutes=2))
    await sms.post("hello", sid=sid)
    assert sms.bot.texts == ["hello"]
    assert sms.fake.to(RESIDENT) == ["You said: hello"]
    assert _outcome(sid) == "turn"
    await sms.post("hello", sid=sid)  # finished now: Twilio's repeat is ignored
    assert sms.bot.texts == ["hello"]


@pytest.mark.asyncio
async def test_on_start_up_the_resident_of_a_text_cut_off_is_told(sms, settings) -> None:
    sid = new_sid()
    with session_scope() as session:
        messaging.claim_inbound(session, RESIDENT, sid, None)
    told = await sms.channel.recover_interrupted(before=utcnow() + timedelta(seconds=1))
    await sms.channel.drain()
    assert told == [RESIDENT]
    assert sms.fake.to(RESIDENT) == [SORRY_TEXT.format(team_phone=settings.team_phone)]
    assert _outcome(sid) == "interrupted"
