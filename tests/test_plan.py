from frontdoor import plan
from frontdoor.plan import WhatMatters, about_someone_else, plan_text
from frontdoor.sms import is_gsm7, message_text

ANSWERS = {
    "what_matters": "seeing people",
    "getting_in_way": "I don\u2019t know anyone",
    "would_like_different": "get out more",
    "enjoys": "gardening and singing",
    "barriers": "the bus is hard and money is tight",
    "town": "Spalding",
    "free_when": "tuesdays and weekends",
}


def test_skips() -> None:
    assert plan.is_skip("skip")
    assert plan.is_skip("Not sure.")
    assert plan.is_skip(None)
    assert not plan.is_skip("walking")


def test_barriers_and_days_from_free_text() -> None:
    assert plan.barriers_from("the bus is hard and money is tight") == ["transport", "cost"]
    assert plan.barriers_from("I look after my husband") == ["caring"]
    assert plan.barriers_from("buses are hard") == ["transport"]
    assert plan.barriers_from("none") == []
    assert plan.days_from("tuesdays and weekends") == ["tuesday", "saturday", "sunday"]
    assert plan.days_from("any time") == []


def test_plan_reads_back_in_their_words_and_the_next_step() -> None:
    text = plan.plan_text(plan.gather(ANSWERS))
    assert "What matters most: seeing people." in text
    assert "You enjoy: gardening and singing." in text
    assert "free or cheap near Spalding on Tuesdays, Saturdays or Sundays" in text
    assert "easy to get to" in text
    assert "I don\u2019t know anyone" in text  # their words, as typed, for the web chat
    sms, _ = message_text({"text": text})
    assert is_gsm7(sms) and "I don't know anyone" in sms


def test_the_time_of_day_they_are_free_is_in_the_plan() -> None:
    assert plan.time_of_day_from("Tuesday mornings") == "morning"
    assert plan.time_of_day_from("evenings after work") == "evening"
    assert plan.time_of_day_from("mornings or afternoons") is None
    assert plan.time_of_day_from("skip") is None
    answers = plan.gather({"town": "Sleaford", "free_when": "tuesday mornings"})
    assert "near Sleaford on Tuesday mornings." in plan.plan_text(answers)
    answers = plan.gather({"town": "Louth", "free_when": "afternoons"})
    assert "near Louth in the afternoons." in plan.plan_text(answers)


def test_skipped_answers_are_left_out() -> None:
    answers = plan.gather({**ANSWERS, "getting_in_way": "skip", "barriers": "none"})
    text = plan.plan_text(answers)
    assert "gets in the way" not in text
    assert answers.barriers == []


def test_interests_come_from_their_words() -> None:
    words = plan.interests(plan.gather(ANSWERS))
    assert "gardening" in words and "singing" in words


def test_a_plan_for_someone_else_is_read_back_about_them() -> None:
    answers = WhatMatters(
        what_matters="my mum getting out of the house", enjoys="she loved knitting"
    )
    text = plan_text(answers)
    assert "They enjoy: she loved knitting." in text
    assert "You enjoy" not in text


def test_a_plan_for_the_resident_speaks_to_them() -> None:
    answers = WhatMatters(
        what_matters="seeing people", would_like_different="I want to get out", enjoys="gardening"
    )
    text = plan_text(answers)
    assert "You enjoy: gardening." in text
    assert "What you would like: I want to get out." in text


def test_a_carer_speaking_of_themselves_gets_their_own_plan() -> None:
    answers = WhatMatters(
        what_matters="I need a break from caring",
        getting_in_way="I can't leave my husband for long",
        enjoys="I like singing",
    )
    assert not about_someone_else(answers)


def test_a_plan_for_someone_asked_for_is_about_them() -> None:
    from frontdoor import plan

    answers = plan.WhatMatters(what_matters="seeing people", enjoys="I love drawing")
    text = plan.plan_text(answers, for_whom="daughter")
    assert text.startswith("This plan is for your daughter.")
    assert "They enjoy: I love drawing." in text and "You enjoy" not in text
    assert "You enjoy: I love drawing." in plan.plan_text(answers)
