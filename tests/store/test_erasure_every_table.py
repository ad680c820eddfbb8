""" "Delete my details" and the retention purge reach every table, on SQLite and PostgreSQL:
nothing of the resident stays (name, number, words, notes), the counts the council reports on
do, and the audit trail says an erasure happened without saying what was erased."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from store_helpers import referral_draft

from frontdoor.cli import main as frontdoor
from frontdoor.store import caseload, messaging, retention, risk_flags
from frontdoor.store import link_worker as work
from frontdoor.store.casework import AuditEvent, Note, Outcome
from frontdoor.store.db import engine_for, session_scope
from frontdoor.store.models import (
    Base,
    CaseContact,
    CaseTask,
    Consent,
    Referral,
    RiskEvent,
    WellbeingScore,
    utcnow,
)
from frontdoor.store.referrals import (
    create_referral,
    erase_personal_data,
    record_risk,
)
from frontdoor.store.wellbeing import record_wellbeing

NUMBER = "+447700900123"
CONVERSATION = "sms-0f3c9a7e5b1d2c4a"
SECRETS = (
    "Margaret",
    "Oyelaran",
    "07700 900123",
    "7700900123",
    "margaret.o@example.org",
    "Derek",
    "Ayesha",
    "widowed",
)
DRAFT = referral_draft(
    CONVERSATION,
    "sms",
    3,
    "urgent",
    contact_name="Margaret Oyelaran",
    contact_method="text",
    contact_time="after 4pm, Derek sleeps in the afternoon",
    summary="Widowed last spring; misses bowls with Derek.",
    what_matters={"what_matters": "bowls again, like with Derek"},
    plan="Try the Louth bowls club on Tuesdays; Ayesha can drive.",
    suggested_groups=["louth-bowls"],
    town="Louth",
)
SAM = "sam@example.org"


def fill_every_table(url: str, conversation: str = CONVERSATION, closed: bool = True) -> str:
    """One resident in every table a conversation can reach; returns the referral's reference."""
    with session_scope(url) as session:
        sam = work.worker_by_email(session, SAM) or work.create_link_worker(
            session, "Sam Jones", SAM, "link_worker", "not-a-real-hash"
        )
        messaging.link_conversation(session, conversation, NUMBER)
        referral = create_referral(
            session, dataclasses.replace(DRAFT, conversation_id=conversation)
        )
        record_risk(session, conversation, "sms", "self_harm", "both", "widowed and want to end it")
        session.flush()
        flag = session.execute(
            sa.select(RiskEvent).where(RiskEvent.conversation_id == conversation)
        ).scalar_one()
        work.claim(session, referral, sam)
        risk_flags.review(session, referral, flag, sam, "confirm", "Margaret said Derek died")
        work.add_note(session, referral, sam, "Ayesha (daughter) on margaret.o@example.org")
        work.record_contact(session, referral, sam, "phone", "rang 07700 900123, Margaret fine")
        caseload.log_contact(session, referral, sam, "phone", 20, "Margaret and Ayesha, bowls")
        caseload.add_task(session, referral, sam, "ring Margaret about Derek's bowls", date.today())
        record_wellbeing(session, conversation, "start", "assistant", {"happy": 3, "isolated": 3})
        if closed:
            work.close(
                session, referral, sam, "connected_to_group", ["louth-bowls"], None, "Ayesha"
            )
        messaging.claim_inbound(session, NUMBER, f"SM-in-{conversation}", None)
        messaging.record_outbound(
            session,
            NUMBER,
            kind="reply",
            reference=referral.reference,
            twilio_sid=f"SM-out-{conversation}",
            error=f"Twilio error sending to {NUMBER}",
        )
        messaging.remember_options(session, NUMBER, [{"title": "Margaret", "payload": "/x"}])
        return referral.reference


def add_events(url: str, sender_id: str, at: datetime) -> None:
    """Rasa's events for a conversation, as its tracker store writes them."""
    engine = engine_for(url)
    SQLTrackerStore.SQLEvent.__table__.create(engine, checkfirst=True)
    with engine.begin() as connection:
        connection.execute(
            SQLTrackerStore.SQLEvent.__table__.insert(),
            [
                {
                    "sender_id": sender_id,
                    "type_name": "user",
                    "timestamp": at.replace(tzinfo=UTC).timestamp(),
                    "data": '{"text": "I am Margaret, widowed, my number is 07700 900123"}',
                }
            ],
        )


def leftovers(url: str) -> list[tuple[str, str, str]]:
    """Every (table, column, secret) where something of the resident is still stored."""
    engine = engine_for(url)
    found = []
    tables = sa.inspect(engine).get_table_names()
    with engine.connect() as connection:
        for table in tables:
            for row in connection.execute(sa.text(f'SELECT * FROM "{table}"')).mappings():
                for column, value in row.items():
                    text = str(value).lower()
                    digits = "".join(ch for ch in text if ch.isdigit())
                    for secret in SECRETS:
                        if secret.lower() in text or (secret.isdigit() and secret in digits):
                            found.append((table, column, secret))
    return found


@pytest.fixture(params=["sqlite", "postgres"])
def url(request) -> str:
    return request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "pg_url")


def test_the_fixture_really_puts_the_resident_everywhere(url: str) -> None:
    fill_every_table(url)
    add_events(url, CONVERSATION, utcnow())
    tables = {table for table, _, _ in leftovers(url)}
    assert tables >= {
        "referrals",
        "risk_events",
        "referral_notes",
        "referral_outcomes",
        "audit_events",
        "sms_inbound",
        "sms_outbound",
        "sms_numbers",
        "sms_conversations",
        "events",
        "case_contacts",
        "case_tasks",
    }


def test_delete_my_details_leaves_nothing_of_the_resident(url: str) -> None:
    reference = fill_every_table(url)
    with session_scope(url) as session:
        assert erase_personal_data(session, CONVERSATION) == 1
    assert leftovers(url) == []
    with session_scope(url) as session:
        referral = session.execute(sa.select(Referral)).scalar_one()
        assert (referral.reference, referral.level, referral.status, referral.outcome) == (
            reference,
            3,
            "closed",
            "connected_to_group",
        )
        assert referral.town == "Louth" and referral.erased_at and referral.closed_at
        assert referral.contact_method == "text"  # how, not who: counted in reports
        flag = session.execute(sa.select(RiskEvent)).scalar_one()
        assert (flag.category, flag.status, flag.words, flag.review_note) == (
            "self_harm",
            "confirmed",
            None,
            None,
        )
        assert flag.erased_at is not None
        consent = session.execute(sa.select(Consent)).scalar_one()
        assert consent.withdrawn_at and consent.erased_at
        assert session.execute(sa.select(Note.text)).scalars().all() == [work.NOTE_ERASED]
        assert session.execute(sa.select(Outcome.groups_joined)).scalar_one() == ["louth-bowls"]
        contact = session.execute(sa.select(CaseContact)).scalar_one()
        assert (contact.how, contact.minutes, contact.what_happened) == (
            "phone",
            20,
            work.NOTE_ERASED,
        )
        assert session.execute(sa.select(CaseTask.what)).scalar_one() == work.NOTE_ERASED
        scores = session.execute(sa.select(WellbeingScore)).scalar_one()
        assert (scores.happy, scores.isolated, scores.referral_id) == (3, 3, referral.id)
        sent = session.execute(sa.select(messaging.SmsOutbound)).scalar_one()
        assert (sent.number, sent.kind, sent.reference, sent.twilio_sid, sent.error) == (
            messaging.ERASED_NUMBER,
            "reply",
            reference,
            None,
            None,
        )
        assert session.execute(sa.select(messaging.SmsInbound)).scalars().all() == []
        assert session.execute(sa.select(messaging.SmsNumber)).scalars().all() == []
        erasures = session.execute(
            sa.select(AuditEvent).where(AuditEvent.action == "erase")
        ).scalars()
        assert [(e.actor, e.reference, e.detail) for e in erasures] == [
            ("resident", reference, "personal details deleted")
        ]


def test_a_number_that_said_stop_stays_opted_out_and_nothing_more(url: str) -> None:
    fill_every_table(url)
    with session_scope(url) as session:
        messaging.opt_out(session, NUMBER)
    with session_scope(url) as session:
        erase_personal_data(session, CONVERSATION)
    with session_scope(url) as session:
        assert messaging.is_opted_out(session, NUMBER)
        row = session.get(messaging.SmsNumber, NUMBER)
        assert (row.options, row.limited_at, row.opted_in_at) == (None, None, None)


def test_a_conversation_named_by_its_number_loses_that_name(url: str) -> None:
    """Conversations from before opaque SMS ids are named by the number itself."""
    fill_every_table(url, conversation=NUMBER)
    with session_scope(url) as session:
        assert erase_personal_data(session, NUMBER) == 1
    assert [hit for hit in leftovers(url) if hit[0] != "events"] == []
    with session_scope(url) as session:
        referral = session.execute(sa.select(Referral)).scalar_one()
        flag = session.execute(sa.select(RiskEvent)).scalar_one()
        assert referral.conversation_id.startswith("erased-")
        assert flag.conversation_id == referral.conversation_id  # linked, to no one


def test_someone_elses_details_are_untouched(url: str) -> None:
    fill_every_table(url)
    with session_scope(url) as session:
        create_referral(session, dataclasses.replace(DRAFT, conversation_id="web-other"))
        record_risk(session, "web-other", "web", "medical", "model", "chest pain")
    with session_scope(url) as session:
        erase_personal_data(session, CONVERSATION)
    with session_scope(url) as session:
        other = session.execute(
            sa.select(Referral).where(Referral.conversation_id == "web-other")
        ).scalar_one()
        assert other.contact_name == "Margaret Oyelaran" and other.erased_at is None
        flag = session.execute(
            sa.select(RiskEvent).where(RiskEvent.conversation_id == "web-other")
        ).scalar_one()
        assert flag.words == "chest pain"


def test_months_before_keeps_the_day_or_the_months_last() -> None:
    assert retention.months_before(datetime(2026, 11, 29, 9), 24) == datetime(2024, 11, 29, 9)
    assert retention.months_before(datetime(2026, 3, 31), 1) == datetime(2026, 2, 28)


def test_purge_erases_old_conversations_and_old_closed_referrals_only(url: str) -> None:
    now = utcnow()
    long_ago = now - timedelta(days=800)
    fill_every_table(url, conversation="sms-old")  # quiet for 800 days
    add_events(url, "sms-old", long_ago)
    fill_every_table(url, conversation="sms-recent", closed=False)  # talking last week
    add_events(url, "sms-recent", long_ago)
    add_events(url, "sms-recent", now - timedelta(days=7))
    fill_every_table(url, conversation="sms-closed-long-ago")  # still talking, referral old
    add_events(url, "sms-closed-long-ago", now - timedelta(days=1))
    fill_every_table(url, conversation="sms-closed-lately")
    add_events(url, "sms-closed-lately", now - timedelta(days=1))
    with session_scope(url) as session:
        for conversation, days in (("sms-old", 800), ("sms-closed-long-ago", 760)):
            session.execute(
                sa.update(Referral)
                .where(Referral.conversation_id == conversation)
                .values(closed_at=now - timedelta(days=days))
            )
        session.execute(
            sa.update(Referral)
            .where(Referral.conversation_id == "sms-closed-lately")
            .values(closed_at=now - timedelta(days=30))
        )
    with session_scope(url) as session:
        counts = retention.purge_expired(session, 24)
    assert counts == {"conversations": 1, "events": 1, "referrals": 2}
    with session_scope(url) as session:
        erased = dict(
            session.execute(sa.select(Referral.conversation_id, Referral.erased_at)).all()
        )
        senders = session.execute(sa.text("SELECT DISTINCT sender_id FROM events")).scalars()
        assert sorted(senders) == ["sms-closed-lately", "sms-closed-long-ago", "sms-recent"]
    assert erased["sms-old"] and erased["sms-closed-long-ago"]
    assert erased["sms-recent"] is None and erased["sms-closed-lately"] is None
    with session_scope(url) as session:
        assert retention.purge_expired(session, 24) == {
            "conversations": 0,
            "events": 0,
            "referrals": 0,
        }


def test_purge_keeps_a_quiet_conversation_whose_referral_is_still_open(url: str) -> None:
    fill_every_table(url, conversation="sms-open-case", closed=False)
    add_events(url, "sms-open-case", utcnow() - timedelta(days=900))
    with session_scope(url) as session:
        assert retention.purge_expired(session, 24)["conversations"] == 0
        erased = session.execute(
            sa.select(Referral.erased_at).where(Referral.conversation_id == "sms-open-case")
        ).scalar_one()
    assert erased is None


def test_purge_expired_command_prints_counts(url: str, monkeypatch, capsys) -> None:
    fill_every_table(url)
    add_events(url, CONVERSATION, utcnow() - timedelta(days=40))
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("RETENTION_MONTHS", "1")
    assert frontdoor(["purge-expired"]) == 0
    assert capsys.readouterr().out.strip() == (
        "older than 1 months: erased 1 conversations (1 events) and 1 referrals"
    )
    assert leftovers(url) == []


def test_purge_without_rasa_tables_yet_erases_old_referrals(url: str) -> None:
    """A closed referral goes by its own date; the conversation's flags and SMS rows go with
    the conversation (here not known to be old), as "delete my details" would take them."""
    fill_every_table(url)
    with session_scope(url) as session:
        session.execute(sa.update(Referral).values(closed_at=utcnow() - timedelta(days=900)))
    with session_scope(url) as session:
        assert retention.purge_expired(session, 24)["referrals"] == 1
    assert not sa.inspect(engine_for(url)).has_table("events")
    left = {table for table, _, _ in leftovers(url)}
    assert left.isdisjoint({"referrals", "referral_notes", "referral_outcomes", "audit_events"})
    assert "risk_events" in left  # the conversation's, not the referral's


def test_every_model_table_is_scanned(url: str) -> None:
    assert set(Base.metadata.tables) <= set(sa.inspect(engine_for(url)).get_table_names())
