"""What a message asks for, by its words."""

from __future__ import annotations

from frontdoor.asking import (
    ASKS_TO_CHOOSE,
    MEET_PEOPLE,
    SERVICE_REQUEST,
    asks_a_question,
    befriending_asked,
)


def test_a_question_needs_a_question_or_its_topic() -> None:
    assert asks_a_question("ask_cost", "how much")
    assert asks_a_question("ask_cost", "is it £2?")
    assert asks_a_question("ask_cost", "costs")
    assert asks_a_question("ask_transport", "so how do I get there")
    assert not asks_a_question("ask_cost", "getting out more")
    assert not asks_a_question("ask_transport", "walking by the sea")
    assert not asks_a_question("ask_times", "most days after lunch")
    assert asks_a_question("greet", "hello")  # not a service question: left alone


def test_befriending_is_company_by_phone_or_visit_not_the_team() -> None:
    assert befriending_asked("someone to ring mum every week") == "telephone befriending"
    assert befriending_asked("a volunteer to pop round for a chat") == "befriending"
    assert befriending_asked("can someone ring me") is None  # no company asked for
    assert befriending_asked("a link worker to phone me now and again") is None
    assert befriending_asked("I'd like to visit the museum regularly") is None


def test_asking_to_choose_is_not_knowing_no_one() -> None:
    assert ASKS_TO_CHOOSE.search("I don't know what I want")
    assert ASKS_TO_CHOOSE.search("help me choose")
    assert not ASKS_TO_CHOOSE.search("I don't know anyone here")
    assert MEET_PEOPLE.search("I dont know anybody since I moved")
    assert not MEET_PEOPLE.search("I meet my sister on Sundays")
    assert SERVICE_REQUEST.search("could someone get in touch please")
    assert not SERVICE_REQUEST.search("having someone to talk to")
