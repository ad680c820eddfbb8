"""Level 3: a referral is stored whole with its consent, or the resident is told it was not."""

from __future__ import annotations

import sqlalchemy as sa
from action_helpers import READY, run, slots_set, tracker

import actions.referrals as referral_actions
from actions.referrals import ActionCreateReferral
from frontdoor.sms import is_gsm7
from frontdoor.store.db import session_scope
from frontdoor.store.models import Consent, Referral


def stored(url: str) -> tuple[int, int]:
    with session_scope(url) as session:
        referrals = session.execute(sa.select(sa.func.count(Referral.id))).scalar_one()
        consents = session.execute(sa.select(sa.func.count(Consent.id))).scalar_one()
    return referrals, consents


def test_a_confirmed_referral_is_stored_with_its_consent(sqlite_url: str) -> None:
    messages, events = run(ActionCreateReferral(), tracker(READY, intent="affirm"))
    reference = slots_set(events)["referral_reference"]
    assert reference.startswith("FD-")
    said = messages[0]["text"]
    assert reference in said and "within 2 working days" in said and is_gsm7(said)
    assert stored(sqlite_url) == (1, 1)
    with session_scope(sqlite_url) as session:
        row = session.execute(sa.select(Referral)).scalar_one()
        assert (row.contact_name, row.contact_detail, row.town) == (
            "Margaret",
            "07700 900123",
            "Boston",
        )
        assert row.conversation_id == "test-resident" and row.status == "new"


def test_urgent_referrals_promise_contact_today(sqlite_url: str) -> None:
    messages, _ = run(
        ActionCreateReferral(), tracker({**READY, "urgency": "crisis", "risk": "self_harm"})
    )
    assert "today" in messages[0]["text"]


def test_no_consent_keeps_nothing(sqlite_url: str) -> None:
    messages, events = run(ActionCreateReferral(), tracker({**READY, "consent_share": False}))
    assert stored(sqlite_url) == (0, 0)
    assert slots_set(events) == {"consent_share": None}
    assert messages and is_gsm7(messages[0]["text"])


def test_a_failure_half_way_leaves_nothing_and_says_so(sqlite_url: str, monkeypatch) -> None:
    real = referral_actions.create_referral

    def fails_after_writing(session, draft):
        real(session, draft)  # consent and referral written in the transaction...
        raise RuntimeError("the database went away")  # ...then it breaks before commit

    monkeypatch.setattr(referral_actions, "create_referral", fails_after_writing)
    messages, events = run(ActionCreateReferral(), tracker(READY, intent="affirm"))
    assert events == [{"event": "followup", "name": "utter_referral_failed", "timestamp": None}]
    assert messages == []
    assert stored(sqlite_url) == (0, 0)
    monkeypatch.setattr(referral_actions, "create_referral", real)
    _, events = run(ActionCreateReferral(), tracker(READY, intent="affirm"))  # trying again works
    assert slots_set(events)["referral_reference"] and stored(sqlite_url) == (1, 1)


def test_a_referral_for_someone_else_says_so_with_the_words_said(sqlite_url: str) -> None:
    state = tracker({**READY, "for_whom": "dad"}, intent="affirm")
    state.events = [
        {"event": "user", "text": "hello", "parse_data": {"intent": {"name": "greet"}}},
        {
            "event": "user",
            "text": "my dad has had a fall and needs someone to check on him",
            "parse_data": {"intent": {"name": "need_support"}},
        },
        {"event": "user", "text": "yes", "parse_data": {"intent": {"name": "affirm"}}},
    ]
    run(ActionCreateReferral(), state)
    with session_scope(sqlite_url) as session:
        row = session.execute(sa.select(Referral)).scalar_one()
        consent = session.execute(sa.select(Consent)).scalar_one()
        assert row.summary.startswith("For their dad.")
        assert "needs someone to check on him" in row.summary
        assert "your dad is happy for you to ask" in consent.wording


def test_the_summary_says_what_was_looked_for_and_asked(sqlite_url: str) -> None:
    from actions.referrals import summary

    state = tracker({**READY, "activity": "mens shed", "town": "Sleaford"}, intent="affirm")
    state.events = [
        {"event": "user", "text": "hi there", "parse_data": {"intent": {"name": "greet"}}},
        {"event": "user", "text": "/find_group", "parse_data": {"intent": {"name": "find_group"}}},
        {"event": "user", "text": "mens shed", "parse_data": {"intent": {"name": "inform"}}},
        {
            "event": "user",
            "text": "could somebody ring me, I'm not sure I'd go on my own",
            "parse_data": {"intent": {"name": "need_support"}},
        },
    ]
    said = summary(state, None)
    assert said.startswith("Looking for mens shed near Sleaford.")
    assert "I'm not sure I'd go on my own" in said
    assert summary(tracker({}), None) == "Asked for a link worker to help them get started."
