from frontdoor.responses import responses
from frontdoor.sms import is_gsm7, non_gsm7_characters, segments, to_gsm7


def test_plain_text_is_gsm7() -> None:
    assert is_gsm7("Hello. Call 01632 960000, or email team@example.org. Cost: £2.")


def test_curly_quotes_dashes_and_emoji_are_not_gsm7() -> None:
    text = "It\u2019s fine \u2014 really\u2026 \U0001f600"
    assert not is_gsm7(text)
    assert non_gsm7_characters(text) == ["\u2019", "\u2014", "\u2026", "\U0001f600"]


def test_to_gsm7_transliterates_and_drops_what_it_cannot_carry() -> None:
    assert to_gsm7("It\u2019s \u201cgreat\u201d \u2013 see you\u2026 \U0001f600") == (
        'It\'s "great" - see you... '
    )
    assert to_gsm7("Caf\u00e9 na\u00efve \u0141\u00f3d\u017a") == "Café naive Lodz"
    assert is_gsm7(to_gsm7("Zo\u00eb\u2019s \u2603 group"))


def test_segments_follow_gsm7_and_ucs2_limits() -> None:
    assert segments("") == 0
    assert segments("a" * 160) == 1
    assert segments("a" * 161) == 2
    assert segments("a" * 306) == 2
    assert segments("a" * 307) == 3
    assert segments("[" * 80) == 1  # extension characters count twice
    assert segments("[" * 81) == 2
    assert segments("\u2019" * 70) == 1
    assert segments("\u2019" * 71) == 2


# Turning a chat turn into text messages.

from frontdoor.sms import (  # noqa: E402 - grouped with the tests that use them
    Option,
    choose_option,
    compact_groups,
    format_turn,
    join_messages,
    keyword,
    numbered,
    reply_hint,
    turn_segments,
)

YES_NO = [Option("Yes, that is OK", "/affirm"), Option("No", "/deny")]


def test_options_become_a_numbered_list_in_the_same_message() -> None:
    assert reply_hint(2) == "Reply 1 or 2."
    assert reply_hint(3) == "Reply 1, 2 or 3."
    text = "Is that OK? Reply yes or no."
    assert numbered(text, YES_NO) == "Is that OK? Reply 1 or 2.\n1 Yes, that is OK\n2 No"
    three = [
        Option("Find a group", "/find_group"),
        Option("Help me choose", "/x"),
        Option("Talk", "/y"),
    ]
    asked = "What would you like to do? Reply a, b or c."
    assert numbered(asked, three).splitlines()[0] == "What would you like to do? Reply 1, 2 or 3."


def test_words_written_for_screens_have_sms_words_of_their_own() -> None:
    """A response that speaks of tapping has an SMS variant that does not."""
    for name, variants in responses().items():
        screens = [v for v in variants if "tap" in v["text"] and "channel" not in v]
        sms = [v for v in variants if v.get("channel") == "sms"]
        if screens:
            assert sms and not any("tap" in v["text"] for v in sms), name
    assert numbered("Plain.", []) == "Plain."


def test_a_number_or_the_words_choose_an_option() -> None:
    assert choose_option("1", YES_NO) == YES_NO[0]
    assert choose_option(" 2. ", YES_NO) == YES_NO[1]
    assert choose_option("yes, THAT is ok!", YES_NO) == YES_NO[0]
    assert choose_option("3", YES_NO) is None
    assert choose_option("0", YES_NO) is None
    assert choose_option("1", []) is None
    assert choose_option("no way", YES_NO) is None
    scores = [Option("2", "two"), Option("1", "one")]
    assert choose_option("1", scores) == scores[1]  # a choice titled "1" wins over option 1


def test_carrier_keywords_are_single_words() -> None:
    assert [keyword(w) for w in ("STOP", "stop.", "Unsubscribe", "stopall", "end", "quit")] == [
        "stop"
    ] * 6
    assert [keyword(w) for w in ("START", "unstop", "yes", "HELP", "info")] == [
        "start",
        "start",
        "start",
        "help",
        "help",
    ]
    assert keyword("please stop") is None
    assert keyword("stopping") is None
    assert keyword("") is None


def test_group_suggestions_are_compact_and_gsm7() -> None:
    groups = [
        {
            "name": "Caf\u00e9 Chat \u2014 Boston",
            "when": "Mondays 2pm",
            "where": "Library.",
            "cost": "Free",
            "contact": "01632 960002",
            "summary": "long words",
            "why": "x",
        },
        {"name": "Men's Shed", "when": None, "where": "Louth", "cost": "\u00a32", "contact": ""},
    ]
    assert compact_groups(groups) == (
        "- Café Chat - Boston: Mondays 2pm, Library, Free, 01632 960002\n- Men's Shed: Louth, £2"
    )
    venue_names_town = {"name": "Walks", "where": "Boston Leisure Centre, Boston", "cost": "Free"}
    other_town = {"name": "Walks", "where": "Central Park, Boston"}
    assert compact_groups([venue_names_town, other_town]) == (
        "- Walks: Boston Leisure Centre, Free\n- Walks: Central Park, Boston"
    )
    assert is_gsm7(compact_groups(groups))


def test_a_turn_goes_as_one_text_with_only_the_last_options_numbered() -> None:
    messages = [
        {
            "text": "A link worker is a friendly person.",
            "buttons": [{"title": "Ok", "payload": "/ok"}],
        },
        {
            "text": "Is that OK? Reply yes or no.",
            "buttons": [
                {"title": "Yes, that is OK", "payload": "/affirm"},
                {"title": "No", "payload": "/deny"},
            ],
        },
        {
            "text": "Here are 1 groups.\ncard",
            "custom": {
                "type": "groups",
                "groups": [
                    {
                        "name": "Walk",
                        "when": "Tue",
                        "where": "Boston",
                        "cost": "Free",
                        "contact": "x",
                    }
                ],
            },
        },
    ]
    bodies, options = format_turn(messages)
    assert bodies == [
        "A link worker is a friendly person.\n"
        "Is that OK? Reply 1 or 2.\n1 Yes, that is OK\n2 No\n"
        "Here are 1 groups.\n- Walk: Tue, Boston, Free, x"
    ]
    assert options == YES_NO
    assert format_turn([{"text": "Hi \u2019there\u2019"}]) == (["Hi 'there'"], [])
    assert format_turn([{"custom": {"type": "other"}}]) == ([], [])


def test_joining_keeps_each_body_within_twilios_limit() -> None:
    assert join_messages(["one", "", "two"]) == ["one\ntwo"]
    long = "word " * 400
    bodies = join_messages(["start", long, "end"])
    assert all(len(b) <= 1600 for b in bodies) and len(bodies) == 2
    assert " ".join(" ".join(bodies).split()) == " ".join(("start " + long + "end").split())
    assert turn_segments(["a" * 160, "a" * 161]) == 3
