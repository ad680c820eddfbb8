"""Referrals on SQLite and PostgreSQL: stored whole or not at all, listed, erased."""

from __future__ import annotations

import dataclasses

import pytest
import sqlalchemy as sa
from store_helpers import referral_draft

from frontdoor.store import messaging
from frontdoor.store.db import session_scope
from frontdoor.store.models import Consent, Referral, RiskEvent, StatusChange
from frontdoor.store.referrals import (
    REFERENCE_ALPHABET,
    ReferralError,
    create_referral,
    erase_personal_data,
    list_referrals,
    personal_data_for,
    record_risk,
    referral_as_dict,
)

DRAFT = referral_draft(
    summary="What matters most: seeing people.",
    what_matters={"what_matters": "seeing people"},
    plan="What matters most: seeing people.",
    suggested_groups=["g1", "g2"],
    town="Boston",
)


def count(url: str, model: type) -> int:
    with session_scope(url) as session:
        return session.execute(sa.select(sa.func.count()).select_from(model)).scalar_one()


def test_create_and_list(store_url: str) -> None:
    with session_scope(store_url) as session:
        reference = create_referral(session, DRAFT).reference
    assert reference.startswith("FD-") and len(reference) == 9
    assert set(reference[3:]) <= set(REFERENCE_ALPHABET)
    with session_scope(store_url) as session:
        [referral] = list_referrals(session)
        row = referral_as_dict(referral)
        assert referral.consent.wording == "Is that OK?"
        assert [h.status for h in referral.history] == ["new"]
    assert row["reference"] == reference
    assert (row["status"], row["level"], row["urgency"], row["channel"]) == (
        "new",
        2,
        "routine",
        "rest",
    )
    assert row["contact"] == {
        "name": "Margaret",
        "method": "phone",
        "detail": "07700 900123",
        "time": "weekday mornings",
    }
    assert row["snomed_code"] == "871731000000106"
    assert row["created_at"].endswith("Z")


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"contact_name": ""}, "contact_name is missing"),
        ({"contact_method": "pigeon"}, "contact method"),
        ({"level": 4}, "level 4"),
        ({"urgency": "whenever"}, "urgency"),
        ({"consent_wording": ""}, "consent_wording is missing"),
    ],
)
def test_bad_drafts_are_refused_and_nothing_is_stored(
    store_url: str, change: dict, problem: str
) -> None:
    with pytest.raises(ReferralError, match=problem), session_scope(store_url) as session:
        create_referral(session, dataclasses.replace(DRAFT, **change))
    assert count(store_url, Referral) == 0
    assert count(store_url, Consent) == 0


def test_a_failure_after_writing_leaves_nothing_behind(store_url: str) -> None:
    with pytest.raises(RuntimeError), session_scope(store_url) as session:
        create_referral(session, DRAFT)
        raise RuntimeError("the connection dropped")
    assert count(store_url, Referral) == 0
    assert count(store_url, Consent) == 0
    assert count(store_url, StatusChange) == 0


def test_personal_data_and_erasure(store_url: str) -> None:
    with session_scope(store_url) as session:
        create_referral(session, DRAFT)
        create_referral(session, dataclasses.replace(DRAFT, conversation_id="someone-else"))
    with session_scope(store_url) as session:
        kept = personal_data_for(session, "conv-1")
    assert kept["referrals"][0]["contact_name"] == "Margaret"
    with session_scope(store_url) as session:
        assert erase_personal_data(session, "conv-1") == 1
    with session_scope(store_url) as session:
        assert personal_data_for(session, "conv-1") == {"referrals": [], "risk_flags": []}
        mine, other = sorted(list_referrals(session), key=lambda r: r.conversation_id)
        assert (mine.contact_name, mine.contact_detail, mine.plan, mine.what_matters) == (
            None,
            None,
            None,
            None,
        )
        assert mine.erased_at is not None and mine.consent.withdrawn_at is not None
        assert other.contact_name == "Margaret" and other.consent.withdrawn_at is None


def test_risk_is_recorded_without_text(store_url: str) -> None:
    with session_scope(store_url) as session:
        record_risk(session, "conv-9", "sms", "self_harm")
    with session_scope(store_url) as session:
        [event] = session.execute(sa.select(RiskEvent)).scalars()
        assert (event.conversation_id, event.channel, event.category) == (
            "conv-9",
            "sms",
            "self_harm",
        )


def test_a_number_however_stored_is_shown_as_people_read_one(store_url: str) -> None:
    with session_scope(store_url) as session:
        create_referral(session, referral_draft(contact_detail="+441632960123"))
    with session_scope(store_url) as session:
        [referral] = list_referrals(session)
        assert referral_as_dict(referral)["contact"]["detail"] == "01632 960123"
        [kept] = personal_data_for(session, "conv-1")["referrals"]
    assert kept["contact_detail"] == "01632 960123"


def test_erasure_finds_the_texts_of_a_number_however_it_was_written(store_url: str) -> None:
    """The SMS tables hold Twilio's form, +447700900123."""
    with session_scope(store_url) as session:
        create_referral(session, referral_draft(contact_detail="+44 (0)7700 900123"))
        messaging.claim_inbound(session, "+447700900123", "SM-1", None)
        messaging.claim_inbound(session, "+447700900999", "SM-2", None)
    with session_scope(store_url) as session:
        erase_personal_data(session, "conv-1")
    with session_scope(store_url) as session:
        left = session.execute(sa.select(messaging.SmsInbound.number)).scalars().all()
    assert left == ["+447700900999"]
