"""The SMS tables: once-only ids, opt-outs, the flood warning, delivery reports, and the
number behind each opaque conversation id."""

from __future__ import annotations

from datetime import timedelta

import pytest

from frontdoor.sms import is_sms_conversation_id, sms_conversation_id
from frontdoor.store import messaging
from frontdoor.store.db import session_scope
from frontdoor.store.models import utcnow
from frontdoor.store.referrals import erase_personal_data

NUMBER = "+447700900321"


def test_an_inbound_id_or_token_is_claimed_once(sqlite_url) -> None:
    with session_scope() as session:
        first = messaging.claim_inbound(session, NUMBER, "SM1", None)
        assert first is not None
        assert messaging.claim_inbound(session, NUMBER, "SM1", "token-x") is None
        assert messaging.claim_inbound(session, NUMBER, None, "token-1") is not None
        assert messaging.claim_inbound(session, NUMBER, "SM2", "token-1") is None
        assert messaging.claim_inbound(session, NUMBER, None, None) is None
    with session_scope() as session:  # a new session, as after a restart
        assert messaging.claim_inbound(session, NUMBER, "SM1", None) is None
        since = utcnow() - timedelta(minutes=5)
        assert messaging.recent_count(session, NUMBER, since) == 2
        assert messaging.recent_count(session, "+447700900999", since) == 0


def test_opt_out_lasts_until_opt_in_and_clears_the_options(sqlite_url) -> None:
    with session_scope() as session:
        assert not messaging.is_opted_out(session, NUMBER)
        messaging.remember_options(session, NUMBER, [{"title": "Yes", "payload": "/affirm"}])
        messaging.opt_out(session, NUMBER)
    with session_scope() as session:
        assert messaging.is_opted_out(session, NUMBER)
        assert messaging.options_for(session, NUMBER) == []
        assert messaging.opt_in(session, NUMBER) is True
        assert messaging.opt_in(session, NUMBER) is False
        assert not messaging.is_opted_out(session, NUMBER)


def test_the_flood_warning_goes_once_a_window(sqlite_url) -> None:
    window = timedelta(minutes=60)
    with session_scope() as session:
        assert messaging.should_warn_limited(session, NUMBER, window) is True
        assert messaging.should_warn_limited(session, NUMBER, window) is False
        messaging.number_row(session, NUMBER).limited_at = utcnow() - timedelta(minutes=61)
        assert messaging.should_warn_limited(session, NUMBER, window) is True


def test_delivery_reports_update_the_text_and_a_late_sent_does_not_undo_delivered(
    sqlite_url,
) -> None:
    with session_scope() as session:
        outbound_id = messaging.record_outbound(session, NUMBER, kind="referral", segments=1)
        messaging.update_outbound(session, outbound_id, status="sent", twilio_sid="SMabc")
    with session_scope() as session:
        assert messaging.record_delivery(session, "SMabc", "delivered", None)
        assert messaging.record_delivery(session, "SMabc", "sent", None)
        assert not messaging.record_delivery(session, "SMunknown", "failed", "30003")
    with session_scope() as session:
        [row] = messaging.outbound_for(session, NUMBER)
        assert row.status == "delivered" and row.delivered_at is not None
        assert messaging.record_delivery(session, "SMabc", "undelivered", "30005")
    with session_scope() as session:
        [row] = messaging.outbound_for(session, NUMBER)
        assert (row.status, row.error) == ("undelivered", "Twilio error 30005")


def test_a_conversation_id_leads_back_to_its_number_until_erased(store_url) -> None:
    conversation = sms_conversation_id(NUMBER, "a secret")
    with session_scope() as session:
        messaging.link_conversation(session, conversation, NUMBER)
        messaging.link_conversation(session, conversation, NUMBER)  # linking again is harmless
    with session_scope() as session:
        assert messaging.number_for_conversation(session, conversation) == NUMBER
        assert messaging.number_for_conversation(session, NUMBER) is None
        assert erase_personal_data(session, conversation) == 0  # no referral, still unlinked
    with session_scope() as session:
        assert messaging.number_for_conversation(session, conversation) is None
        assert messaging.forget_conversation(session, conversation) == 0


def test_conversation_ids_are_opaque_and_keyed(sqlite_url) -> None:
    first = sms_conversation_id(NUMBER, "a secret")
    assert is_sms_conversation_id(first) and len(first) == len("sms-") + 32
    assert first == sms_conversation_id(NUMBER, "a secret")  # the same number, the same id
    assert first != sms_conversation_id(NUMBER, "another secret")
    assert first != sms_conversation_id("+447700900322", "a secret")
    assert not any(digits in first for digits in ("447700", "900321", "0321"))
    with pytest.raises(ValueError):
        sms_conversation_id(NUMBER, "")
