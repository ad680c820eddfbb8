"""bot/reply_check.py: Rasa's schema for an action server's reply, checked event by event,
gives the verdict Rasa's whole schema gives, for good replies and bad ones alike."""

from __future__ import annotations

from typing import Any

import pytest
from jsonschema.validators import validator_for
from rasa.core.actions.action import RemoteAction

from bot.reply_check import ReplyCheck

SPEC = RemoteAction.action_response_format_spec()
WHOLE = validator_for(SPEC)(SPEC)

GOOD: list[Any] = [
    {"events": [], "responses": []},
    {},
    {
        "events": [
            {"event": "slot", "name": "town", "value": "Boston", "timestamp": None},
            {"event": "active_loop", "name": "group_search_form"},
            {"event": "followup", "name": "action_offer_wellbeing"},
            {"event": "bot", "text": "Here are three groups", "data": {}, "metadata": {}},
            {"event": "action", "name": "action_listen", "policy": None, "confidence": 1.0},
            {
                "event": "user",
                "text": "walking in Boston",
                "parse_data": {
                    "intent": {"name": "find_group", "confidence": 0.98},
                    "entities": [{"entity": "town", "value": "Boston", "start": 11, "end": 17}],
                },
            },
            {"event": "reset_slots"},
            {"event": "session_started", "timestamp": 1796438117.7},
        ],
        "responses": [
            {
                "response": "utter_greet",
                "text": None,
                "buttons": [{"title": "Yes", "payload": "/affirm"}],
            },
            {"text": "Sam (link worker): hello", "custom": {"type": "groups"}},
        ],
    },
]

BAD: list[Any] = [
    {"events": [{"name": "town"}], "responses": []},  # an event without its kind
    {"events": [{"event": "slot"}]},  # a slot with no name
    {"events": [{"event": "no_such_event"}]},
    {"events": [{"event": 7}]},
    {"events": [{"event": "slot", "name": "town", "timestamp": "yesterday"}]},
    {"events": [{"event": "user", "parse_data": {"intent": {"confidence": "high"}}}]},
    {"events": [{"event": "user", "parse_data": {"entities": [{"entity": "town"}]}}]},
    {"events": "slot"},
    {"events": [1]},
    {"events": [], "responses": "hello"},
    {"events": [{"event": "slot", "name": "town"}, {"event": "bot", "text": 3}]},
    [],
    "events",
]


@pytest.mark.parametrize("reply", GOOD + BAD)
def test_the_verdict_is_rasas(reply: Any) -> None:
    assert ReplyCheck(SPEC).passes(reply) == WHOLE.is_valid(reply)


def test_the_samples_hold_both_verdicts() -> None:
    assert all(WHOLE.is_valid(reply) for reply in GOOD)
    assert not any(WHOLE.is_valid(reply) for reply in BAD)


def test_a_schema_of_another_shape_is_checked_whole() -> None:
    spec = {"type": "object", "properties": {"events": {"type": "array"}}}
    check = ReplyCheck(spec)
    assert not check.by_name
    assert check.passes({"events": [{"anything": 1}]})
    assert not check.passes({"events": "no"})
