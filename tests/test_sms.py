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
