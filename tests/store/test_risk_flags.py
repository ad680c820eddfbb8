"""Safety flags on SQLite and PostgreSQL: kept with their words, listed, confirmed, cleared."""

from __future__ import annotations

import dataclasses
from datetime import datetime

import pytest
import sqlalchemy as sa
from store_helpers import referral_draft

from frontdoor.store import link_worker as work
from frontdoor.store import risk_flags
from frontdoor.store.casework import AuditEvent
from frontdoor.store.db import session_scope
from frontdoor.store.models import RiskEvent
from frontdoor.store.referrals import (
    create_referral,
    erase_personal_data,
    list_referrals,
    personal_data_for,
    record_risk,
)

SAM, ALEX, PAT = "sam@example.org", "alex@example.org", "pat@example.org"
CRISIS = referral_draft(
    "conv-risk",
    "sms",
    3,
    "crisis",
    contact_time="now",
    summary="Safety concern (self harm). Asked for contact.",
    risk="self_harm",
)


@pytest.fixture()
def url(store_url: str) -> str:
    """The store with Sam and Alex (link workers) and Pat (a manager)."""
    with session_scope(store_url) as session:
        for name, email, role in (
            ("Sam Jones", SAM, "link_worker"),
            ("Alex Smith", ALEX, "link_worker"),
            ("Pat Manager", PAT, "manager"),
        ):
            work.create_link_worker(session, name, email, role, "not-a-real-hash")
    return store_url


def add_flag(url: str, category: str, at: datetime, conversation_id: str = "conv-risk") -> int:
    with session_scope(url) as session:
        record_risk(session, conversation_id, "sms", category, source="lexicon", words=category)
        session.flush()
        flag = session.execute(sa.select(RiskEvent).order_by(RiskEvent.id.desc())).scalars().first()
        flag.created_at = at
        return flag.id


def claimed_crisis(url: str, email: str = SAM, **change) -> str:
    """A crisis referral for conv-risk, claimed by email; returns its reference."""
    with session_scope(url) as session:
        referral = create_referral(session, dataclasses.replace(CRISIS, **change))
        work.claim(session, referral, work.worker_by_email(session, email))
        return referral.reference


def review(url: str, reference: str, flag_id: int, email: str, decision: str, note=None):
    with session_scope(url) as session:
        referral = work.referral_by_reference(session, reference)
        flag = risk_flags.flag_of(session, referral, flag_id)
        worker = work.worker_by_email(session, email)
        risk_flags.review(session, referral, flag, worker, decision, note)


def state(url: str, reference: str) -> tuple[str, str | None]:
    with session_scope(url) as session:
        referral = work.referral_by_reference(session, reference)
        return referral.urgency, referral.risk


def flag_row(url: str, flag_id: int) -> dict:
    with session_scope(url) as session:
        flag = session.get(RiskEvent, flag_id)
        return {c.name: getattr(flag, c.name) for c in RiskEvent.__table__.columns}


def audit_of(url: str, reference: str) -> list[tuple[str, str, str | None]]:
    with session_scope(url) as session:
        query = (
            sa.select(AuditEvent.actor, AuditEvent.action, AuditEvent.detail)
            .where(AuditEvent.reference == reference)
            .order_by(AuditEvent.id)
        )
        return [tuple(row) for row in session.execute(query)]


def history_notes(url: str, reference: str) -> list[tuple[str, str | None]]:
    with session_scope(url) as session:
        referral = work.referral_by_reference(session, reference)
        return [(h.changed_by, h.note) for h in referral.history]


def test_record_risk_keeps_source_and_words_cut_to_200_characters(url: str) -> None:
    long_words = "I can't go on like this " * 20
    with session_scope(url) as session:
        record_risk(session, "conv-1", "sms", "danger_now", source="both", words=long_words)
        record_risk(session, "conv-2", "rest", "self_harm")  # as the assistant called it before
        record_risk(session, "conv-3", "rest", "medical", "model", "chest\x00 pain")
    with session_scope(url) as session:
        rows = session.execute(sa.select(RiskEvent).order_by(RiskEvent.id)).scalars().all()
        kept = [(r.conversation_id, r.category, r.source, r.words, r.status) for r in rows]
    assert kept[0] == ("conv-1", "danger_now", "both", long_words[:200].strip(), "open")
    assert len(kept[0][3]) <= 200 and long_words.startswith(kept[0][3])
    assert kept[1] == ("conv-2", "self_harm", None, None, "open")
    assert kept[2] == ("conv-3", "medical", "model", "chest pain", "open")


def test_flags_are_listed_newest_first_for_the_referrals_conversation(url: str) -> None:
    older = add_flag(url, "self_harm", datetime(2025, 1, 6, 9))
    newer = add_flag(url, "danger_now", datetime(2025, 1, 6, 10))
    add_flag(url, "medical", datetime(2025, 1, 6, 11), conversation_id="someone-else")
    reference = claimed_crisis(url)
    with session_scope(url) as session:
        referral = work.referral_by_reference(session, reference)
        listed = risk_flags.flags_for(session, referral)
        assert [f.id for f in listed] == [newer, older]
        assert [(f.source, f.words) for f in listed] == [
            ("lexicon", "danger_now"),
            ("lexicon", "self_harm"),
        ]
        assert risk_flags.flag_of(session, referral, newer + 1) is None  # another conversation
        assert risk_flags.uncleared_categories(session, ["conv-risk", "someone-else", "x"]) == {
            "conv-risk": ["danger_now", "self_harm"],
            "someone-else": ["medical"],
        }


def test_confirm_records_who_when_and_why_in_the_flag_audit_and_history(url: str) -> None:
    flag = add_flag(url, "self_harm", datetime(2025, 1, 6, 9))
    reference = claimed_crisis(url)
    review(url, reference, flag, SAM, "confirm", "  Rang her, she is with her sister.  ")
    row = flag_row(url, flag)
    assert (row["status"], row["reviewed_by"]) == ("confirmed", SAM)
    assert row["review_note"] == "Rang her, she is with her sister."
    assert row["reviewed_at"] is not None
    assert state(url, reference) == ("crisis", "self_harm")  # nothing to undo
    assert audit_of(url, reference)[-1] == (SAM, "risk_confirm", f"flag {flag}, self_harm")
    assert history_notes(url, reference)[-1] == (
        SAM,
        f"Risk flag {flag} (Self-harm or suicide) confirmed: Rang her, she is with her sister.",
    )


def test_clearing_the_last_uncleared_flag_drops_crisis_to_urgent_and_the_risk(url: str) -> None:
    first = add_flag(url, "self_harm", datetime(2025, 1, 6, 9))
    second = add_flag(url, "danger_now", datetime(2025, 1, 6, 10))
    reference = claimed_crisis(url)
    closed = claimed_crisis(url)
    with session_scope(url) as session:
        work.close(
            session,
            work.referral_by_reference(session, closed),
            work.worker_by_email(session, SAM),
            "declined",
        )

    review(url, reference, first, SAM, "confirm")
    review(url, reference, second, SAM, "clear", "A song lyric")
    assert state(url, reference) == ("crisis", "self_harm")  # the first flag still stands
    review(url, reference, first, SAM, "clear")
    assert state(url, reference) == ("urgent", None)
    assert state(url, closed) == ("crisis", "self_harm")  # a closed referral is left alone

    assert [a[1:] for a in audit_of(url, reference)[-4:]] == [
        ("risk_confirm", f"flag {first}, self_harm"),
        ("risk_clear", f"flag {second}, danger_now"),
        ("risk_clear", f"flag {first}, self_harm"),
        ("urgency", "crisis to urgent"),
    ]
    assert [note for _, note in history_notes(url, reference)[-2:]] == [
        f"Risk flag {first} (Self-harm or suicide) cleared",
        "Urgency crisis to urgent: every risk flag was cleared",
    ]
    with session_scope(url) as session:  # cleared flags are kept
        kept = session.execute(sa.select(RiskEvent.status).order_by(RiskEvent.id)).scalars()
        assert list(kept) == ["cleared", "cleared"]


def test_clear_then_confirm_again_restores_crisis_and_the_flags_category(url: str) -> None:
    flag = add_flag(url, "danger_now", datetime(2025, 1, 6, 9))
    reference = claimed_crisis(url, risk="danger_now")
    review(url, reference, flag, SAM, "clear")
    assert state(url, reference) == ("urgent", None)
    with pytest.raises(work.WorkError, match="already been cleared"):
        review(url, reference, flag, SAM, "clear")
    review(url, reference, flag, SAM, "confirm", "On second reading, real")
    assert state(url, reference) == ("crisis", "danger_now")
    assert flag_row(url, flag)["status"] == "confirmed"
    assert [a[1:] for a in audit_of(url, reference)[-4:]] == [
        ("risk_clear", f"flag {flag}, danger_now"),
        ("urgency", "crisis to urgent"),
        ("risk_confirm", f"flag {flag}, danger_now"),
        ("urgency", "urgent to crisis"),
    ]
    review(url, reference, flag, SAM, "clear")  # a confirmed flag can be cleared again
    assert state(url, reference) == ("urgent", None)


def test_only_the_holder_or_a_manager_reviews_an_open_referral(url: str) -> None:
    flag = add_flag(url, "self_harm", datetime(2025, 1, 6, 9))
    reference = claimed_crisis(url)
    with pytest.raises(work.Conflict, match="claimed by Sam Jones"):
        review(url, reference, flag, ALEX, "clear")
    assert flag_row(url, flag)["status"] == "open"
    assert state(url, reference) == ("crisis", "self_harm")
    review(url, reference, flag, PAT, "confirm")
    assert flag_row(url, flag)["reviewed_by"] == PAT
    with session_scope(url) as session:
        unclaimed = create_referral(session, CRISIS).reference
    with pytest.raises(work.WorkError, match="has not been claimed"):
        review(url, unclaimed, flag, SAM, "clear")
    with pytest.raises(work.WorkError, match="confirm or to clear"):
        review(url, reference, flag, SAM, "ignore")


def test_erasure_blanks_the_words_and_keeps_the_flag(url: str) -> None:
    with session_scope(url) as session:
        create_referral(session, CRISIS)
        record_risk(session, "conv-risk", "sms", "self_harm", "both", "I want to end it")
        record_risk(session, "conv-other", "sms", "medical", "model", "chest pain")
    with session_scope(url) as session:
        kept = personal_data_for(session, "conv-risk")
    assert [(f["category"], f["words"]) for f in kept["risk_flags"]] == [
        ("self_harm", "I want to end it")
    ]
    with session_scope(url) as session:
        assert erase_personal_data(session, "conv-risk") == 1
    with session_scope(url) as session:
        assert personal_data_for(session, "conv-risk") == {"referrals": [], "risk_flags": []}
        flags = session.execute(sa.select(RiskEvent).order_by(RiskEvent.id)).scalars().all()
        assert [(f.category, f.words) for f in flags] == [
            ("self_harm", None),
            ("medical", "chest pain"),
        ]
        assert all(f.created_at is not None and f.source for f in flags)
        (referral,) = list_referrals(session)
        assert flags[0].conversation_id == referral.conversation_id == "conv-risk"
        assert flags[0].erased_at is not None and flags[1].erased_at is None
