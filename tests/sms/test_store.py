"""The SMS tables: once-only ids, opt-outs, the flood warning, delivery reports."""

from __future__ import annotations

from datetime import timedelta

from frontdoor.store import messaging
from frontdoor.store.db import session_scope
from frontdoor.store.models import utcnow

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
