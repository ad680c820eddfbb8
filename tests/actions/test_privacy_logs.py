"""No phone number, name or message words reach the log when the store fails under an action
(SQLAlchemy puts a statement's parameters into its error text), nor when a resident's details
are deleted."""

from __future__ import annotations

import logging

import pytest
import sqlalchemy as sa
from action_helpers import READY, run, tracker

from actions.privacy import ActionDeleteMyData
from actions.referrals import ActionCreateReferral
from actions.safety import ActionCrisisResponse
from frontdoor.redact import error_summary
from frontdoor.store.db import engine_for, session_scope
from frontdoor.store.messaging import link_conversation
from frontdoor.store.referrals import record_risk

NUMBER = "+447700900123"
WORDS = "I took all my tablets an hour ago"
PERSONAL = (NUMBER, "7700900123", "07700 900123", "Margaret", "tablets", "hour ago")


def drop(url: str, table: str) -> None:
    """Break the store under the action: the insert fails with its parameters in the error."""
    with engine_for(url).begin() as connection:
        connection.execute(sa.text(f"DROP TABLE {table}"))


def assert_nothing_personal(caplog: pytest.LogCaptureFixture) -> None:
    logged = caplog.text + " ".join(str(r.args) for r in caplog.records)
    assert [p for p in PERSONAL if p.lower() in logged.lower()] == []


def test_a_referral_the_store_refused_is_logged_without_details(
    sqlite_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    drop(sqlite_url, "referral_status_changes")
    drop(sqlite_url, "referrals")
    state = tracker(READY, intent="affirm")
    state.sender_id = NUMBER  # a REST sender, or an SMS conversation from before opaque ids
    with caplog.at_level(logging.DEBUG):
        _, events = run(ActionCreateReferral(), state)
    assert events[0]["name"] == "utter_referral_failed"
    assert "a referral was not stored: sqlalchemy.exc.OperationalError" in caplog.text
    assert_nothing_personal(caplog)


def test_a_risk_the_store_refused_is_logged_without_the_words(
    sqlite_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    drop(sqlite_url, "risk_events")
    state = tracker(text=WORDS, intent="crisis")
    state.sender_id = NUMBER
    state.latest_message["safety"] = {"category": "danger_now", "source": "both", "words": WORDS}
    with caplog.at_level(logging.DEBUG):
        messages, _ = run(ActionCrisisResponse(), state)
    assert "999" in messages[0]["text"]
    assert "could not record a risk: sqlalchemy.exc.OperationalError" in caplog.text
    assert_nothing_personal(caplog)


def test_deleting_details_logs_nothing_personal(
    sqlite_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    with session_scope() as session:
        link_conversation(session, "test-resident", NUMBER)
        record_risk(session, "test-resident", "sms", "danger_now", "both", WORDS)
    run(ActionCreateReferral(), tracker(READY, intent="affirm"))
    with caplog.at_level(logging.DEBUG):
        messages, _ = run(ActionDeleteMyData(), tracker())
    assert messages
    assert_nothing_personal(caplog)


def test_an_error_summary_names_the_kind_and_place_never_the_message() -> None:
    def store_refuses() -> None:
        raise ValueError(f"bad row ('Margaret', '{NUMBER}', '{WORDS}')")

    try:
        store_refuses()
    except ValueError as error:
        summary = error_summary(error)
    assert summary.startswith("builtins.ValueError at test_privacy_logs.py:")
    assert "store_refuses" in summary
    assert [p for p in PERSONAL if p.lower() in summary.lower()] == []
