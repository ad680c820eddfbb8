import pytest

from frontdoor.contact import (
    contact_method,
    email_address,
    is_a_contact_time,
    is_a_name,
    is_only_a_place,
    means_same_number,
    uk_mobile,
    uk_phone,
)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("07700 900123", "07700 900123"),
        ("07700900123", "07700 900123"),
        ("+44 7700 900123", "07700 900123"),
        ("+44 (0)7700 900123", "07700 900123"),
        ("0044 7700-900-123", "07700 900123"),
        ("01632 960123", "01632 960123"),
        ("(01632) 960 123", "01632 960123"),
        ("020 7946 0000", "020 7946 0000"),
    ],
)
def test_uk_phone_numbers_are_tidied(typed: str, expected: str) -> None:
    assert uk_phone(typed) == expected


@pytest.mark.parametrize("typed", ["123", "07700 90012", "not a number", "+1 212 555 0100", "0800"])
def test_not_uk_phone_numbers(typed: str) -> None:
    assert uk_phone(typed) is None


def test_mobile_must_start_07() -> None:
    assert uk_mobile("07700 900123") == "07700 900123"
    assert uk_mobile("01632 960123") is None


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("Sam@Example.org", "sam@example.org"),
        (" jo.smith+x@example.org. ", "jo.smith+x@example.org"),
    ],
)
def test_email_addresses(typed: str, expected: str) -> None:
    assert email_address(typed) == expected


@pytest.mark.parametrize("typed", ["sam at example", "sam@", "@example.org", "sam@example"])
def test_not_email_addresses(typed: str) -> None:
    assert email_address(typed) is None


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("phone call", "phone"),
        ("call", "phone"),
        ("ring me", "phone"),
        ("1", "phone"),
        ("text", "text"),
        ("text me", "text"),
        ("sms", "text"),
        ("2", "text"),
        ("email", "email"),
        ("e-mail please", "email"),
        ("3", "email"),
        ("pigeon", None),
        ("call or text", None),
        ("text please, I don't like calls", "text"),
        ("no calls, text", "text"),
        ("no calls please just text", "text"),
        ("I can't hear on the phone so text", "text"),
        ("I dont do email or texts, ring me", "phone"),
        ("I would rather not have a call, email is best", "email"),
        ("not email", None),
    ],
)
def test_contact_method(typed: str, expected: str | None) -> None:
    assert contact_method(typed) == expected


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("Margaret", True),
        ("Jo", True),
        ("Mary-Anne O'Brien", True),
        ("\u738b\u5c0f\u660e", True),  # Chinese
        ("\u0645\u062d\u0645\u062f", True),  # Arabic
        ("\u041e\u043b\u0435\u0433", True),  # Cyrillic
        ("yes", False),
        ("Yes please", False),
        ("skip", False),
        ("07700 900123", False),
        ("?", False),
    ],
)
def test_is_a_name(typed: str, expected: bool) -> None:
    assert is_a_name(typed) is expected


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("this number", True),
        ("same number please", True),
        ("the one I am texting from", True),
        ("use this one", True),
        ("07700 900123", False),
        ("my number is 07700 900123", False),
        ("call me in the morning", False),
    ],
)
def test_means_same_number(typed: str, expected: bool) -> None:
    assert means_same_number(typed) is expected


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("Louth", True),
        ("in Skegness", True),
        ("LN11", True),
        ("mornings", False),
        ("after 3 in Louth", False),
        ("any time", False),
        ("when my husband is at work", False),
        ("not mondays", False),
        ("tues or thurs", False),
    ],
)
def test_a_town_alone_is_not_a_contact_time(typed: str, expected: bool) -> None:
    assert is_only_a_place(typed) is expected


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("Gwen Ashby", True),
        ("Will Smith", True),
        ("Dr Can Ozturk", True),
        ("is this confidential?", False),
        ("how much does it cost", False),
        ("what happens next", False),
        ("help", False),
    ],
)
def test_a_question_is_not_a_name(typed: str, expected: bool) -> None:
    assert is_a_name(typed) is expected


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("after 6", True),
        ("when he is out at work", True),
        ("mornings?", True),
        ("is this free", False),
        ("will they ring me?", False),
        ("Louth", False),
    ],
)
def test_a_question_is_not_a_contact_time(typed: str, expected: bool) -> None:
    assert is_a_contact_time(typed) is expected


def test_corrections_say_what_they_change() -> None:
    from frontdoor.contact import corrections

    assert corrections("it should be 07700 900582", "text") == {"contact_detail": "07700 900582"}
    assert corrections("use 01632 960551 please", "text") == {"contact_detail": "01632 960551"}
    assert corrections("email me instead at jo@example.org", "phone") == {
        "contact_method": "email",
        "contact_detail": "jo@example.org",
    }
    assert corrections("no, please call me Bernie", "phone") == {"contact_name": "Bernie"}
    assert corrections("text me instead", "phone") == {
        "contact_method": "text",
        "contact_detail": None,
    }
    assert corrections("no, the name is spelt wrong", "phone") == {"contact_name": None}
    assert corrections("call me in the morning", "phone") == {}
    assert corrections("no", "phone") == {} and corrections("yes that's right", "phone") == {}


def test_details_given_up_front_are_found() -> None:
    from frontdoor.contact import details_given

    assert details_given("Can someone ring me on 07700 900845 please, my name is Alan Webb") == {
        "contact_name": "Alan Webb",
        "contact_method": "phone",
        "contact_detail": "07700 900845",
    }
    assert details_given("text me on 07700900123")["contact_method"] == "text"
    assert details_given("email me at sue@example.org")["contact_detail"] == "sue@example.org"
    assert details_given("my name is in the letter") == {}
    assert details_given("I'm lonely since my husband died") == {}
