"""Level 1 actions: suggestions as cards and text, more, narrowing down, a new search."""

from __future__ import annotations

import asyncio

from action_helpers import run, slots_set, tracker, turn

from actions.groups import (
    ActionAnotherKind,
    ActionNarrowSearch,
    ActionNewSearch,
    ActionSuggestGroups,
    ValidateGroupSearchForm,
    narrowing,
    search_request,
)
from frontdoor.directory.vocabulary import topics
from frontdoor.sms import is_gsm7, message_text


def suggest(slots: dict, intent: str = "find_group") -> tuple[list[dict], dict]:
    messages, events = run(ActionSuggestGroups(), tracker(slots, intent=intent))
    return messages, slots_set(events)


def cards(messages: list[dict]) -> list[dict]:
    [message] = messages
    assert message["custom"]["type"] == "groups"
    return message["custom"]["groups"]


def test_suggestions_are_words_and_cards_that_each_channel_renders(directory_url: str) -> None:
    messages, slots = suggest({"activity": "walking", "town": "Boston"})
    groups = cards(messages)
    assert len(groups) == 3
    text = messages[0]["text"]
    assert "\n" not in text and "Boston" in text  # the words; the groups are the cards
    sms, _ = message_text(messages[0])
    assert is_gsm7(sms) and sms.splitlines()[0] == text
    for line, group in zip(sms.splitlines()[1:], groups, strict=True):
        assert line.startswith(f"- {group['name']}: ") and group["contact"] in line
    assert slots["suggested_groups"] == [g["id"] for g in groups]


def test_more_shows_different_groups(directory_url: str) -> None:
    first, slots = suggest({"activity": "walking", "town": "Boston"})
    shown = slots["suggested_groups"]
    more, slots = suggest(
        {"activity": "walking", "town": "Boston", "suggested_groups": shown}, intent="more_groups"
    )
    assert not {g["id"] for g in cards(more)} & set(shown)
    assert slots["suggested_groups"][: len(shown)] == shown


def test_one_group_left_is_worded_as_one(directory_url: str) -> None:
    slots = {"activity": "men's shed", "town": "Louth", "suggested_groups": []}
    messages, set_now = suggest(slots)
    while len(cards(messages)) > 1:
        slots["suggested_groups"] = set_now["suggested_groups"]
        messages, set_now = suggest(slots, intent="more_groups")
    text = messages[0]["text"]
    assert text.startswith("Here is a group that might suit you."), text
    assert "longer trip, 21 miles from Louth" in text  # not "near"
    assert "21 miles away" in message_text(messages[0])[0]


def test_groups_close_by_are_called_near_and_far_ones_are_not(directory_url: str) -> None:
    messages, _ = suggest({"activity": "choir", "town": "Lincoln", "suggested_groups": []})
    text = messages[0]["text"]
    assert cards(messages)[2]["miles"] > 10  # the third choir is in Market Rasen
    assert "near Lincoln" not in text, text
    assert "longer trip, up to 14 miles from Lincoln" in text.splitlines()[0], text
    assert "14 miles away" in message_text(messages[0])[0].splitlines()[3]
    close, _ = suggest({"activity": "walking", "town": "Boston", "suggested_groups": []})
    assert close[0]["text"].startswith("Here are 3 groups near Boston"), close[0]["text"]


WIDOWER_PLAN = {
    "plan": {"text": "Here is your plan."},
    "what_matters": "seeing people",
    "getting_in_way": "my confidence since my wife died",
    "would_like_different": "to get out more",
    "enjoys": "I used to love gardening",
    "barriers": "buses are hard",
    "town": "Sleaford",
    "free_when": "tuesday mornings",
}


def test_a_plan_searches_by_its_topics_day_and_time_of_day() -> None:
    request = search_request(tracker(WIDOWER_PLAN), exclude=[])
    assert request.need is None  # "to get out more" would only blur the plan's topics
    assert {"gardening", "social", "bereavement"} <= topics(request.interests)
    assert (request.day, request.time_of_day, request.barriers) == (
        "tuesday",
        "morning",
        ["transport"],
    )


def test_suggestions_from_a_plan_are_on_the_day_and_time_the_resident_is_free(
    directory_url: str,
) -> None:
    messages, _ = suggest(WIDOWER_PLAN, intent="affirm")
    groups = cards(messages)
    assert groups
    for group in groups:
        assert "Tuesday" in group["when"]
        assert group["when"].split(", ")[1].split(" ")[0].endswith("am")
    assert any("Allotment" in g["name"] or "Garden" in g["name"] for g in groups)


def test_narrowing_words() -> None:
    assert narrowing("only free ones please") == {"search_free_only": True}
    assert narrowing("that's too far, anything closer?") == {"search_closer": True}
    assert narrowing("I'm free in the afternoons") == {
        "time_of_day": "afternoon",
        "search_either": False,
    }
    assert narrowing("free ones in the evening, nearer") == {
        "search_free_only": True,
        "search_closer": True,
        "time_of_day": "evening",
        "search_either": False,
    }
    assert narrowing("not weekends") == {"day": "weekday", "search_either": False}
    assert narrowing("evenings or weekends")["search_either"] is True
    assert narrowing("what about the library") == {}


def test_only_free_ones_then_suggested(directory_url: str) -> None:
    slots = {"activity": "exercise", "town": "Lincoln"}
    _, events = run(
        ActionNarrowSearch(), tracker(slots, text="only free ones", intent="narrow_search")
    )
    narrowed = slots_set(events)
    assert narrowed["search_free_only"] is True and narrowed["suggested_groups"] == []
    messages, _ = suggest({**slots, **narrowed}, intent="narrow_search")
    free = cards(messages)
    assert free and all(g["cost"] == "Free" for g in free)


def test_narrowing_before_any_search_asks_what_they_want(directory_url: str) -> None:
    _, events = run(
        ActionNarrowSearch(), tracker({}, text="anything free?", intent="narrow_search")
    )
    assert events[-1] == {"event": "followup", "name": "group_search_form", "timestamp": None}


def test_nothing_found_says_so_kindly(directory_url: str) -> None:
    messages, slots = suggest({"activity": "skydiving", "town": "Louth"})
    assert "custom" not in messages[0] or not messages[0]["custom"]
    assert "Louth" in messages[0]["text"] and is_gsm7(messages[0]["text"])
    assert slots["suggested_groups"] == []


def test_new_search_forgets_the_old_one_but_keeps_the_place() -> None:
    state = tracker(
        {"activity": "choir", "town": "Louth", "search_free_only": True, "day": "monday"},
        text="something different",
        intent="new_search",
    )
    _, events = run(ActionNewSearch(), state)
    cleared = slots_set(events)
    assert cleared["activity"] is None and cleared["day"] is None
    assert cleared["search_free_only"] is None and "town" not in cleared


def test_new_search_for_another_kind_named_searches_for_it_at_once() -> None:
    state = tracker(
        {"activity": "walking", "town": "Boston", "search_free_only": True},
        text="none of those, my knees. something more social please",
        intent="new_search",
    )
    _, events = run(ActionNewSearch(), state)
    changed = slots_set(events)
    assert changed["activity"] == "social" and "town" not in changed
    assert changed["search_free_only"] is None and changed["suggested_groups"] == []


def test_new_search_turning_down_the_kind_shown_by_name_searches_for_the_other() -> None:
    walking = [{"entity": "activity", "value": "walking"}]
    text = "Walking's not for me. Any singing?"
    state = tracker({"activity": "walking", "town": "Boston"}, text, "new_search", walking)
    assert slots_set(run(ActionNewSearch(), state)[1])["activity"] == "singing"
    turned_down = "not walking again, something else"
    state = tracker({"activity": "walking"}, turned_down, "new_search", walking)
    assert slots_set(run(ActionNewSearch(), state)[1])["activity"] is None  # asked what instead
    lunch = [{"entity": "activity", "value": "lunch club"}]
    state = tracker({"activity": "walking"}, "none of those, a lunch club?", "new_search", lunch)
    assert "activity" not in slots_set(run(ActionNewSearch(), state)[1])  # the entity's kind


def test_a_new_town_after_suggestions_is_not_read_as_a_kind() -> None:
    louth = [{"entity": "town", "value": "Louth"}]
    state = tracker({"activity": "walking", "town": "Boston"}, "Louth", "inform", louth)
    assert slots_set(run(ActionNewSearch(), state)[1])["activity"] is None  # as before: asked


def another_kind_events(text: str, intent: str, activity: str = "walking") -> list[dict]:
    state = tracker({"activity": activity, "town": "Boston"}, text=text, intent=intent)
    _, events = run(ActionAnotherKind(), state)
    return events


def test_another_kind_after_suggestions_is_searched_for_in_the_same_place() -> None:
    events = another_kind_events("walks are not for me, anything with songs?", "nlu_fallback")
    assert slots_set(events) == {"activity": "songs", "suggested_groups": []}
    assert events[-1] == {"event": "followup", "name": "group_search_form", "timestamp": None}
    thanked = another_kind_events("Thanks, but I'd rather do some knitting", "thank")
    assert slots_set(thanked)["activity"] == "knitting"
    nah = another_kind_events("nah not for me, summat with a garden?", "deny")
    assert slots_set(nah)["activity"] == "garden"


def test_another_kind_is_read_beside_the_search_shown_not_the_slot_this_message_set() -> None:
    from rasa_sdk import Tracker

    text = "nah not rly me. sumthin more active lol"
    events = [
        {"event": "user", "text": "any art clubs in Skegness"},
        {"event": "slot", "name": "activity", "value": "art"},
        {"event": "action", "name": "utter_after_groups"},
        {"event": "user", "text": text},
        {"event": "slot", "name": "activity", "value": "active"},  # the entity, this message
    ]
    state = Tracker(
        "test-resident",
        {"activity": "active", "town": "Skegness"},
        {"text": text, "intent": {"name": "deny", "confidence": 1.0}, "entities": []},
        events,
        False,
        None,
        {},
        "action_listen",
    )
    _, answer = run(ActionAnotherKind(), state)
    assert slots_set(answer)["activity"] == "active"
    assert answer[-1]["name"] == "group_search_form"


def test_without_another_kind_the_message_gets_the_reply_it_would_have_had() -> None:
    def followup(text: str, intent: str) -> str:
        events = another_kind_events(text, intent)
        assert not slots_set(events)
        return str(events[-1]["name"])

    assert followup("thank you so much", "thank") == "utter_thank"
    assert followup("thanks, my friend goes to one", "thank") == "utter_thank"  # tells, no ask
    assert followup("any more walks?", "nlu_fallback") == "utter_please_rephrase"  # same kind
    assert followup("blah blah", "nlu_fallback") == "utter_please_rephrase"
    assert followup("no", "deny") == "action_default_fallback"


def test_an_age_the_resident_gives_is_used(directory_url: str) -> None:
    state = tracker(
        {"activity": "lunch club", "town": "Spalding"}, text="I'm 30 and want a lunch club"
    )
    messages, _ = run(ActionSuggestGroups(), state)
    shown = cards(messages) if messages[0].get("custom") else []
    assert "Spalding" in messages[0]["text"]
    assert not [g for g in shown if "Lunch" in g["name"]]  # those lunch clubs are for older people
    older = tracker({"activity": "lunch club", "town": "Spalding"}, text="I am 72, any lunch clubs")
    messages, _ = run(ActionSuggestGroups(), older)
    assert [g for g in cards(messages) if "Lunch" in g["name"]]


def extracted(text: str, slots: dict | None = None, intent: str = "find_group", entities=None):
    import asyncio

    from rasa_sdk.executor import CollectingDispatcher

    state = tracker(slots or {}, text=text, intent=intent, entities=entities)
    form = ValidateGroupSearchForm()
    return asyncio.run(form.extract_activity(CollectingDispatcher(), state, {}))


def test_the_kind_of_group_named_in_the_request_is_not_asked_for_again() -> None:
    request = "He needs a hobby! Is there a men's shed in Sleaford?"
    assert extracted(request) == {"activity": "shed"}
    louth = [{"entity": "town", "value": "Louth"}]
    found = extracted("any knitting or a craft group near Louth", entities=louth)
    assert found == {"activity": "knitting craft"}


def test_the_kind_asked_for_by_name_beats_a_word_about_the_person() -> None:
    carer = [{"entity": "activity", "value": "carer"}]
    said = "I'm her carer and she has had a stroke. Is there a stroke club in Boston?"
    assert extracted(said, entities=carer) == {"activity": "stroke"}
    walking = [{"entity": "activity", "value": "walking"}]
    assert extracted("is there a walking group in Louth", entities=walking) == {}


def test_no_kind_is_guessed_where_none_was_named_or_one_was_found() -> None:
    assert extracted("can you help me find something in Boston") == {}
    assert extracted("Is there a men's shed in Sleaford?", intent="need_guidance") == {}
    assert extracted("a men's shed", {"requested_slot": "activity"}) == {}
    named = [{"entity": "activity", "value": "men's shed"}]
    assert extracted("Is there a men's shed in Sleaford?", entities=named) == {}


def test_a_request_after_a_search_that_names_another_kind_replaces_it() -> None:
    shown = {"activity": "walking group", "town": "Boston"}
    assert extracted("is there a choir or something instead?", shown) == {"activity": "choir"}
    louth = [{"entity": "town", "value": "Louth"}]
    assert extracted("is there a walking group in Louth", shown, entities=louth) == {}
    assert extracted("is there one in Louth", shown, entities=louth) == {}
    answering = {**shown, "requested_slot": "town"}
    assert extracted("a choir", answering) == {}


def test_the_kind_chosen_instead_is_not_undone_when_the_form_starts() -> None:
    from rasa_sdk import Tracker
    from rasa_sdk.executor import CollectingDispatcher

    text = "Walking's not for me now. Anything with a few songs?"
    walking = [{"entity": "activity", "value": "walking"}]
    events = [
        {"event": "user", "text": text},
        {"event": "slot", "name": "activity", "value": "walking"},  # the entity's mapping
        {"event": "action", "name": "action_another_kind"},
        {"event": "slot", "name": "activity", "value": "songs"},
        {"event": "followup", "name": "group_search_form"},
        {"event": "slot", "name": "activity", "value": "walking"},  # mapped again at the start
    ]
    message = {"text": text, "intent": {"name": "nlu_fallback"}, "entities": walking}
    state = Tracker("test-resident", {"activity": "walking"}, message, events, False, None, {}, "x")
    form = ValidateGroupSearchForm()
    found = asyncio.run(form.extract_activity(CollectingDispatcher(), state, {}))
    assert found == {"activity": "songs"}
    assert extracted(text, {"activity": "walking"}, "nlu_fallback", walking) == {}
    cleared = [*events[:2], {"event": "action", "name": "action_new_search"}]
    cleared += [{"event": "slot", "name": "activity", "value": None}, *events[4:]]
    state = Tracker("test-resident", {}, message, cleared, False, None, {}, "x")
    found = asyncio.run(form.extract_activity(CollectingDispatcher(), state, {}))
    assert found == {"activity": None}  # turned down, named nothing else: asked what instead


def test_two_kinds_named_at_once_are_both_kept() -> None:
    both = [
        {"entity": "activity", "value": "walking group"},
        {"entity": "activity", "value": "lunch club"},
        {"entity": "town", "value": "Stamford"},
    ]
    request = "I'd like a walking group and a lunch club in Stamford"
    started = {"activity": "lunch club"}  # what the entity mapping alone kept
    assert extracted(request, started, entities=both) == {
        "activity": "walking group and lunch club"
    }
    answer = {"requested_slot": "town", "activity": "lunch club"}
    assert extracted(request, answer, entities=both) == {}  # not while asking where


def test_the_day_and_time_in_the_request_narrow_the_search() -> None:
    from rasa_sdk.executor import CollectingDispatcher

    state = tracker({}, text="anything on a sat in boston", intent="find_group")
    domain = {"forms": {"group_search_form": {"required_slots": ["activity", "town"]}}}
    events = asyncio.run(ValidateGroupSearchForm().run(CollectingDispatcher(), state, domain))
    returned = {e["name"]: e["value"] for e in events if e["event"] == "slot"}
    assert returned["day"] == "saturday" and returned["search_either"] is False  # reach Rasa
    state = tracker({"day": "weekends"}, text="walking, not weekends", intent="inform")
    events = asyncio.run(
        ValidateGroupSearchForm().get_extraction_events(CollectingDispatcher(), state, {})
    )
    assert {e["name"]: e["value"] for e in events}["day"] == "weekday"  # not the entity's


def skipped_plan(**answers: str) -> dict:
    """A plan's slots with every answer skipped but those given."""
    skipped = dict.fromkeys(
        ("what_matters", "getting_in_way", "would_like_different", "enjoys", "barriers"), "skip"
    )
    return {"plan": {"text": "Here is your plan."}, **skipped, **answers}


def test_a_plan_with_answers_skipped_shows_a_mix_and_records_no_gap(directory_url: str) -> None:
    from frontdoor.store.db import session_scope
    from frontdoor.store.models import Gap

    skipped = skipped_plan(what_matters="to feel a bit happier", town="Louth", free_when="skip")
    assert search_request(tracker(skipped), exclude=[]).anything
    messages, _ = suggest(skipped, intent="affirm")
    groups = cards(messages)
    assert len(groups) == 3 and len({g["summary"] for g in groups}) == 3
    with session_scope(directory_url) as session:
        assert session.query(Gap).count() == 0
    assert not search_request(tracker(WIDOWER_PLAN), exclude=[]).anything


def test_an_answer_read_as_asking_for_a_person_is_still_the_kind_of_group() -> None:
    asking = {"requested_slot": "activity"}
    said = "something to meet people"
    assert extracted(said, asking, intent="need_support") == {"activity": said}
    assert extracted("can someone ring me instead", asking, intent="need_support") == {}
    assert extracted(said, asking, intent="need_guidance") == {"activity": said}
    assert extracted("I'm not sure, can you help me choose", asking, intent="need_guidance") == {}


def test_a_plan_that_nothing_fits_shows_popular_groups_instead(directory_url: str) -> None:
    plan = skipped_plan(
        enjoys="football on the radio", town="Sleaford", free_when="evenings", time_of_day="evening"
    )
    messages, slots = suggest(plan, intent="inform")
    said, listed = messages
    assert "could not find a group for just what you said near Sleaford" in said["text"]
    groups = cards([listed])
    assert groups and slots["suggested_groups"] == [g["id"] for g in groups]
    assert slots["nothing_more"] is False


def test_show_more_with_nothing_more_says_so_and_is_not_offered_again(directory_url: str) -> None:
    slots = {"activity": "men's shed", "town": "Louth", "suggested_groups": []}
    messages, set_now = suggest(slots)
    for _ in range(20):
        if not messages[0].get("custom"):
            break
        slots["suggested_groups"] = set_now["suggested_groups"]
        messages, set_now = suggest(slots, intent="more_groups")
    assert messages[0]["text"] == "That is all I have for that search."
    assert set_now["nothing_more"] is True


def test_a_word_that_names_no_kind_gives_way_to_the_whole_answer() -> None:
    said = "a youth club or something for teenagers"
    state = tracker({"requested_slot": "activity"}, text=said)
    form = ValidateGroupSearchForm()
    result = form.validate_activity("club", turn(state))
    assert result["activity"] == said
    named = form.validate_activity("choir", turn(state))
    assert named["activity"] == "choir"


def test_a_plan_mix_with_nothing_at_that_time_shows_other_times_and_notes_no_gap(
    directory_url: str,
) -> None:
    from frontdoor.store.db import session_scope
    from frontdoor.store.models import Gap

    skipped = skipped_plan(
        town="Tetney", free_when="late at night", time_of_day="evening", day="sunday"
    )
    messages, _ = suggest(skipped, intent="inform")
    assert messages[0]["text"].startswith("I could not find a group near Tetney at the times")
    assert cards(messages[1:])
    with session_scope(directory_url) as session:
        assert session.query(Gap).count() == 0
