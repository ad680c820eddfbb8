"""The lexicon catches crises in residents' own words, and leaves figures of speech alone."""

import pytest

from frontdoor.safety import assess, normalise

CRISES = {
    "self_harm": [
        "I want to end my life",
        "i wanna kms",
        "KMS",
        "im gonna kill myslef",
        "I'm sooooo suicidal",
        "im sucidal",
        "having suicidle thoughts",
        "i want 2 die",
        "I dont want to be here anymore",
        "don't want to live any more",
        "I want to kill myself",
        "I've been cutting myself",
        "been selfharming again",
        "I self-harm",
        "im going to take all my tablets",
        "thinking of ending it all",
        "no point living",
        "everyone would be better off without me",
        "I can't go on",
        "i cant cope anymore",
        "nothing to live for",
        "I want to unalive myself",
        "I wish I was dead",
        "since my husband died I have thought about suicide",
    ],
    "danger_now": [
        "I have taken an overdose",
        "gonna jump off the bridge",
        "ive taken too many pills",
        "i am on the bridge",
    ],
    "someone_else": [
        "my friend says she is going to kill herself",
        "my son wants to kill himself",
        "my dad might end his life",
        "my mum is suicidal",
        "my husband has taken an overdose",
        "my daughter keeps hurting herself",
        "she's suicidal",
        "he says he wants to die",
        "my mum said she wants to end it all",
        "my dad has been talking about suicide",
        "my son took too many tablets on purpose",
        "she has swallowed all her pills",
    ],
    "domestic_abuse": [
        "my partner hits me",
        "my husband beats me",
        "my bf punched me",
        "he hurts me",
        "I'm scared to go home",
        "im afraid of going home tonight",
        "he wont let me leave the house",
        "I'm not allowed out",
        "domestic violence",
        "he threatened to kill me",
    ],
    "medical": [
        "my husband has chest pain",
        "I can't breathe",
        "she is not breathing",
        "her face is drooping",
        "his speech is slurred",
        "I think my mum is having a stroke",
        "my dad has collapsed",
        "he is unconscious",
        "there is heavy bleeding",
        "she's having a seizure",
    ],
}

NOT_CRISES = [
    "I'm dying to try pottery",
    "this weather is killing me",
    "my phone died",
    "my feet are killing me",
    "I could murder a cup of tea",
    "I nearly died laughing",
    "bored to death",
    "drop dead gorgeous",
    "I'd kill for a biscuit",
    "dead tired",
    "the battery is dead",
    "just killing time",
    "I'm dead keen",
    "I'm lonely",
    "I'd like a walking group",
    "my husband has dementia",
    "I feel a bit low",
    "I'd like to die my hair blue",
    "my mum died last year and I miss her",
    "I care for my wife who has a heart condition",
    "is there a breathing exercise class",
    "I'm scared of going out on my own",
]
FIGURES = NOT_CRISES[:13]


@pytest.mark.parametrize(
    ("category", "text"), [(c, t) for c, texts in CRISES.items() for t in texts]
)
def test_crisis_is_caught_with_its_category(category: str, text: str) -> None:
    found = assess(text)
    assert found.category == category, (text, found)
    assert found.matched


@pytest.mark.parametrize("text", NOT_CRISES)
def test_ordinary_words_and_figures_of_speech_are_not_crises(text: str) -> None:
    assert assess(text).category is None


@pytest.mark.parametrize("text", FIGURES)
def test_figures_of_speech_are_recognised(text: str) -> None:
    assert assess(text).figure_of_speech


@pytest.mark.parametrize(
    ("text", "under_19"),
    [
        ("im 15 and i want to die", True),
        ("I am fourteen", True),
        ("I'm 17 years old", True),
        ("I'm in year 10", True),
        ("I am 72 and lonely", False),
        ("I'm 45", False),
        ("I walk 10 miles", False),
    ],
)
def test_under_19(text: str, under_19: bool) -> None:
    assert assess(text).under_19 is under_19


def test_normalise_expands_text_speak_and_squashes_repeats() -> None:
    assert normalise("Im sooooo done, cant cope!!") == "i am so done can not cope"
    assert normalise("I\u2019ve had enough") == "i have had enough"
