"""Wellbeing at the start, against the real servers: offered at the end of level 2 and after
a routine referral, one question at a time, skipped or stopped at will, over the web (REST)
and SMS ("Reply 0 to 10"), and kept with the conversation and its referral."""

from __future__ import annotations

import re
import uuid

import pytest
from assistant_servers import REFERRAL_STEPS

from frontdoor.sms import is_gsm7

pytestmark = pytest.mark.e2e

OFFER = "7 short questions"
PLAN = ("hello", "/need_guidance", "company, mostly", "my hips", "more time out", "baking")


def texts(replies: list[dict]) -> str:
    return "\n".join(r.get("text", "") for r in replies)


def scores(assistant, who: str) -> list[tuple]:
    return assistant.query(
        "select stage, recorded_by, life_satisfied, worthwhile, happy, anxious, "
        "lack_companionship, left_out, isolated, referral_id from wellbeing_scores "
        "where conversation_id = :who",
        who=who,
    )


def test_level_2_without_a_link_worker_then_seven_questions(assistant) -> None:
    who = f"wb-{uuid.uuid4().hex[:10]}"
    for said in (*PLAN, "none", "Louth", "mornings"):
        assistant.send(who, said)
    offered = texts(assistant.send(who, "no thanks"))
    assert "contact the groups yourself" in offered and OFFER in offered, offered
    answers = [
        ("yes", "satisfied are you with your life"),
        ("6", "worthwhile"),
        ("skip", "how happy did you feel yesterday"),
        ("about seven", "how anxious"),
        ("quite a bit", "number from 0 to 10"),  # not a score: asked again
        ("8", "lack companionship"),
        ("often", "left out"),
        ("/deny", "Sorry, please reply hardly ever"),  # a button pressed by mistake
        ("some of the time", "isolated from others"),
        ("hardly ever", "Thank you"),
    ]
    for said, expected in answers:
        reply = texts(assistant.send(who, said))
        assert expected in reply, (said, reply)
        assert is_gsm7(reply)
    assert scores(assistant, who) == [("start", "assistant", 6, None, 7, 8, 3, 2, 1, None)]


def test_after_a_referral_by_text_stop_keeps_what_was_answered(assistant) -> None:
    number = assistant.unused_number()
    sms = assistant.sms
    for said, expected in REFERRAL_STEPS:
        got = "\n".join(sms.text(number, said, timeout=60))
        assert expected in got, (said, got)
    assert OFFER in got, got
    first = "\n".join(sms.text(number, "yes"))
    assert "Reply with a number from 0 to 10" in first, first
    assert "Reply 0 to 10" in "\n".join(sms.text(number, "4"))
    assert "Thank you" in "\n".join(sms.text(number, "done"))
    conversation = assistant.conversation_id(number)
    [(reference_id,)] = assistant.query(
        "select id from referrals where conversation_id = :c", c=conversation
    )
    assert scores(assistant, conversation) == [
        ("start", "assistant", 4, None, None, None, None, None, None, reference_id)
    ]


def test_no_thanks_asks_nothing_and_keeps_nothing(assistant) -> None:
    who = f"wb-{uuid.uuid4().hex[:10]}"
    replies = ""
    for said, _ in REFERRAL_STEPS:
        replies = texts(assistant.send(who, said))
    assert OFFER in replies and re.search(r"FD-[A-Z0-9]+", replies), replies
    assert "That is fine" in texts(assistant.send(who, "no thanks"))
    assert scores(assistant, who) == []
