"""The words residents use, read as the directory's kinds of group."""

from __future__ import annotations

from frontdoor.directory.vocabulary import (
    another_kind,
    asking_part,
    asks_for_something,
    corrected,
    is_vague,
    kind_instead,
    kind_named,
    request_words,
    same_kind,
    topics,
    words,
)


def test_the_kind_named_before_group_or_club_is_what_is_asked_for() -> None:
    assert kind_named("I'm her carer. Is there a stroke club in Boston?") == "stroke"
    assert kind_named("any good walking groups near Louth") == "walking"
    assert kind_named("is there a knit and natter group") == "knit natter"
    assert kind_named("is there a group for my dad") is None
    assert kind_named("is there any support group") is None  # not a sports group


def test_misspellings_put_right_but_not_other_words() -> None:
    assert corrected("knittin") == "knitting"
    assert corrected("coir") == "choir"
    for word in ("support", "talking", "parking"):
        assert corrected(word) == word
    assert corrected("louth") == "louth"  # a town, not a misspelt "youth"
    assert another_kind("what about in Louth", "walking") is None


def test_a_memory_cafe_is_for_memory() -> None:
    assert topics(request_words("memory cafe")) == {"dementia"}
    assert "social" in topics(request_words("a cafe to meet people"))


def test_asking_for_a_group_of_no_kind_is_vague() -> None:
    for said in ("find a group", "groups", "something", "not sure", "anything really"):
        assert is_vague(said), said
    for said in ("walking", "a group in Louth for knitting", "bowls"):
        assert not is_vague(said), said


def test_the_part_of_a_message_that_asks() -> None:
    said = "Something for my niece please. She is 13 and plays games on her phone all day."
    assert asking_part(said) == "Something for my niece please."
    assert asking_part("choir in Louth") == "choir in Louth"
    told = "I love gardening. My knees are bad now."
    assert asking_part(told) == told  # no sentence asks: all of it


def test_words_are_read_without_accents_as_residents_type_them() -> None:
    assert words("Zo\u00eb\u2019s Caf\u00e9") == words("zoe's cafe") == ["zoe", "cafe"]
    assert topics(request_words("a memory caf\u00e9")) == {"dementia"}


def test_another_kind_is_what_is_asked_for_beside_the_kind_shown() -> None:
    assert another_kind("not walks, my knees. anything where I sit and knit?", "walking") == "knit"
    assert another_kind("something more social please", "walking group") == "social"
    assert another_kind("nah. sumthin more active? need 2 get movin", "art") == "moving"
    assert another_kind("nah not rly me. sumthin more active lol", "art") == "active"
    assert another_kind("any more walks like that?", "walking") is None
    assert another_kind("thank you very much", "choir") is None


def test_the_outdoors_is_walks_gardens_and_nature() -> None:
    assert topics(request_words("I'd rather be out in the fresh air")) == {
        "walking",
        "gardening",
        "nature",
    }
    assert topics(request_words("an outdoor group")) == topics(request_words("outdoors"))


def test_only_a_message_that_asks_is_read_for_another_kind_after_thanks_or_no() -> None:
    assert asks_for_something("thanks, but I'd rather paint")
    assert not asks_for_something("thanks, my friend goes there")
    assert kind_instead("thank", "thanks, my friend goes there", "walking") is None
    assert kind_instead("nlu_fallback", "my friend goes there", "walking") == "friend"
    assert kind_instead("deny", "no, anything with a garden?", "walking") == "garden"


def test_a_kind_named_again_is_the_same_kind() -> None:
    assert same_kind("walking", "walking groups")
    assert same_kind("walks", "walking")
    assert not same_kind("singing", "walking")
    assert not same_kind("dancing", None)  # nothing shown yet
    assert same_kind("tap dancing", "tap dancing")  # no kind the directory knows, same words
    assert not same_kind("dancing", "walking")
