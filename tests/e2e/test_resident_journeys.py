"""A resident talks to the real Rasa server and action server over the REST webhook."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import uuid

import pytest
from assistant_servers import REFERRAL_STEPS

from frontdoor.sms import is_gsm7

pytestmark = pytest.mark.e2e


def texts(replies: list[dict]) -> str:
    return "\n".join(r.get("text", "") for r in replies)


def sender() -> str:
    return f"e2e-{uuid.uuid4().hex[:10]}"


def test_level_1_suggestions_in_one_turn(assistant) -> None:
    who = sender()
    replies = assistant.send(who, "I'm looking for a walking group in Boston")
    cards = [r["custom"] for r in replies if r.get("custom", {}).get("type") == "groups"]
    assert cards, replies
    groups = cards[0]["groups"]
    assert 1 <= len(groups) <= 3
    for group in groups:
        assert set(group) >= {"id", "name", "summary", "when", "where", "cost", "contact", "why"}
    assert "Boston" in texts(replies)
    assert assistant.tracker(who)["slots"]["triage_level"] == 1
    assert all(is_gsm7(r.get("text", "")) for r in replies)


def test_hello_to_a_stored_referral(assistant) -> None:
    who = sender()
    replies: list[dict] = []
    for said, expected in REFERRAL_STEPS:
        replies = assistant.send(who, said)
        assert expected in texts(replies), (said, replies)
        assert all(is_gsm7(r.get("text", "")) for r in replies)
    reference = re.search(r"FD-[A-Z0-9]+", texts(replies)).group(0)

    tracker = assistant.tracker(who)
    assert tracker["slots"]["triage_level"] == 3
    assert tracker["slots"]["referral_reference"] == reference

    [row] = assistant.query(
        "select level, urgency, status, channel, contact_name, contact_detail "
        "from referrals where reference = :ref",
        ref=reference,
    )
    assert row == (3, "routine", "new", "rest", "Margaret", "07700 900123")
    [(said,)] = assistant.query(  # the conversation itself is in Rasa's SQL tracker store
        "select count(*) from events where sender_id = :who and type_name = 'user'", who=who
    )
    assert said == len(REFERRAL_STEPS)

    listed = subprocess.run(
        [sys.executable, "-m", "frontdoor.cli", "referrals", "--json"],
        env={**os.environ, "DATABASE_URL": assistant.database_url},
        capture_output=True,
        text=True,
        check=True,
    )
    mine = [r for r in json.loads(listed.stdout) if r["reference"] == reference]
    assert len(mine) == 1
    assert mine[0]["conversation_id"] == who
    assert mine[0]["contact"]["name"] == "Margaret"


def test_help_me_choose_into_a_link_worker_carries_the_plan(assistant) -> None:
    """Level 2 into level 3: after the plan, "yes please" asks for consent (it used to give a
    burst of form errors and no referral) and the referral carries what matters and the plan."""
    who = sender()
    for said in ("hello", "/need_guidance"):
        assistant.send(who, said)
    for said in ("company, mostly", "my hips", "more time out", "baking", "none", "Louth"):
        assistant.send(who, said)
    assert "link worker" in texts(assistant.send(who, "mornings"))
    replies = texts(assistant.send(who, "yes please"))
    assert "Is that OK?" in replies, replies
    assert "Sorry" not in replies and "not kept any of your details" not in replies, replies
    for said, expected in REFERRAL_STEPS[2:]:  # from consent on
        replies = texts(assistant.send(who, said))
        assert expected in replies, (said, replies)
    reference = re.search(r"FD-[A-Z0-9]+", replies).group(0)
    [(level, plan, matters)] = assistant.query(
        "select level, plan, what_matters from referrals where reference = :ref", ref=reference
    )
    assert level == 3
    assert "baking" in (plan or "") and "company" in json.dumps(matters), (plan, matters)


def test_crisis_inside_a_form_gets_numbers_first(assistant) -> None:
    who = sender()
    assistant.send(who, "find a group")
    replies = assistant.send(who, "i wanna kms")
    said = texts(replies)
    assert "116 123" in said and "999" in said and "85258" in said
    assert "Are you safe right now?" in said
    tracker = assistant.tracker(who)
    assert tracker["slots"]["risk"] == "self_harm"
    assert tracker["active_loop"] in ({}, None) or not tracker["active_loop"].get("name")


def test_start_again_in_the_middle_of_a_search(assistant) -> None:
    who = sender()
    assert "What kind of group" in texts(assistant.send(who, "find a group please"))
    replies = assistant.send(who, "start again")
    assert "start again" in texts(replies)
    tracker = assistant.tracker(who)
    assert tracker["active_loop"] in ({}, None) or not tracker["active_loop"].get("name")
    assert tracker["slots"]["triage_level"] is None
    replies = assistant.send(who, "I'm looking for a choir in Louth")
    assert any(r.get("custom", {}).get("type") == "groups" for r in replies), replies


def test_turning_down_the_kind_shown_asks_what_instead_not_the_same_again(assistant) -> None:
    who = sender()
    assert "Boston" in texts(assistant.send(who, "any walking groups in Boston"))
    replies = assistant.send(who, "Walking's not for me, something else please")
    assert "What kind of group" in texts(replies), replies
    assert not any(r.get("custom", {}).get("type") == "groups" for r in replies)
    replies = assistant.send(who, "a choir")
    cards = [r["custom"] for r in replies if r.get("custom", {}).get("type") == "groups"]
    assert cards and "choir" in json.dumps(cards[0]).lower(), replies


def test_the_assistant_answers_again_after_a_link_worker_hands_back(assistant) -> None:
    from frontdoor.console.rasa_client import RasaClient

    who = sender()
    rasa = RasaClient(assistant.rasa_url, assistant.token)
    assistant.send(who, "hello")
    joined = rasa.take_over(who, "Sam")
    assert "this is Sam, a link worker" in texts(joined)
    assert assistant.send(who, "is that a real person?") == []  # the assistant keeps quiet
    assert "Sam (link worker): Yes, it is me." in texts(rasa.reply(who, "Yes, it is me."))
    rasa.hand_back(who)
    assert assistant.tracker(who)["paused"] is False
    # A message the assistant cannot place is rewound by the fallback; that must not undo the
    # hand back and leave the resident talking to no one.
    assistant.send(who, "zzqx vlorp")
    assert assistant.tracker(who)["paused"] is False
    assert "community support" in texts(assistant.send(who, "hello"))


def test_a_crisis_is_answered_even_while_a_link_worker_holds_the_chat(assistant) -> None:
    from frontdoor.console.rasa_client import RasaClient

    who = sender()
    rasa = RasaClient(assistant.rasa_url, assistant.token)
    assistant.send(who, "hello")
    rasa.take_over(who, "Sam")
    assert assistant.send(who, "ok thanks") == []  # the link worker answers, not the assistant
    reply = texts(assistant.send(who, "i want to end it all tonight"))
    assert "116 123" in reply and "999" in reply
    tracker = assistant.tracker(who)
    assert tracker["paused"] is True  # the link worker still holds the chat
    assert tracker["slots"]["risk"]
    assert assistant.send(who, "sorry") == []


def test_a_huge_message_is_cut_answered_kindly_and_the_turn_goes_on(assistant) -> None:
    """50 KB once stalled everyone for 10 s; now the first part is read, at once."""
    import time

    from bot.channels.limits import CUT_NOTE

    who = sender()
    start = time.monotonic()
    replies = assistant.send(who, "I'm looking for a walking group in Boston. " + "la " * 20000)
    took = time.monotonic() - start
    assert replies[0]["text"] == CUT_NOTE
    assert len(replies) > 1  # the assistant answered the part it read
    stored = assistant.tracker(who)["latest_message"]["text"]
    assert len(stored) == 2000
    print(f"a 60 KB message answered in {took:.2f} s")


def test_a_crisis_at_the_start_of_a_huge_message_is_still_caught(assistant) -> None:
    who = sender()
    replies = assistant.send(who, "I have taken all my tablets and I want to die. " + "x " * 30000)
    assert "999" in texts(replies)


def test_a_typed_intent_cannot_skip_the_safety_net(assistant) -> None:
    """Rasa obeys "/intent" without NLU; only our buttons' payloads may now."""
    who = sender()
    replies = assistant.send(who, "/greet I have taken all my tablets")
    assert "999" in texts(replies)
    assert assistant.send(sender(), "/deny")  # a button's payload still works
