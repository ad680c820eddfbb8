"""Reading the contact details residents type (frontdoor/contact.py)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from frontdoor.contact import (
    contact_method,
    corrections,
    details_given,
    email_address,
    is_a_contact_time,
    is_a_name,
    is_only_a_place,
    means_same_number,
    phone_e164,
    phone_for_display,
    uk_mobile,
    uk_phone,
)

# What a resident types, and what each reader makes of it. The numbers are Ofcom's drama
# numbers (07700 900xxx, 01632 960xxx, 020 7946 0xxx), which are never anyone's.
READINGS: dict[Callable[[str], object], list[tuple[str, object]]] = {
    uk_phone: [
        ("07700 900123", "07700 900123"),
        ("07700900123", "07700 900123"),
        (" 07700  900 123 ", "07700 900123"),
        ("07700.900.123", "07700 900123"),
        ("(07700) 900123", "07700 900123"),
        ("+44 7700 900123", "07700 900123"),
        ("+447700900123", "07700 900123"),
        ("+44 (0)7700 900123", "07700 900123"),
        ("+44(0)7700900123", "07700 900123"),
        ("0044 7700-900-123", "07700 900123"),
        ("0044 (0) 1632 960123", "01632 960123"),
        ("01632 960123", "01632 960123"),
        ("(01632) 960 123", "01632 960123"),
        ("020 7946 0000", "020 7946 0000"),
        ("0207 946 0000", "020 7946 0000"),
        ("+44 20 7946 0000", "020 7946 0000"),
        ("0161 496 0000", "0161 496 0000"),  # grouped by its area code, 0161
        ("01632 96012", "01632 96012"),  # a few 01 exchanges have nine digits after the 0
        ("0800 123 4567", "0800 123 4567"),
        ("123", None),
        ("07700 90012", None),  # a digit short
        ("077009001234", None),  # a digit over
        ("not a number", None),
        ("07700 9OO123", None),  # letters O for zeros
        ("07700 900123 ext 12", None),  # no extensions: a link worker calls the number
        ("07700 900123 x12", None),
        ("7700 900123", None),  # no 0 or +44: not a number as dialled in the UK
        ("44 7700 900123", None),
        ("+1 212 555 0100", None),  # other countries' numbers
        ("+353 1 234 5678", None),
        ("0800", None),
        ("0500 123456", None),
        ("", None),
    ],
    uk_mobile: [
        ("07700 900123", "07700 900123"),
        ("+44 (0)7700 900123", "07700 900123"),
        ("+44 7624 123456", "07624 123456"),  # the Isle of Man's mobiles are UK mobiles
        ("01632 960123", None),
        ("020 7946 0000", None),
        ("07000 123456", None),  # a personal number that forwards calls, not a mobile
        ("07640 123456", None),  # a pager
        ("07700 90012", None),
    ],
    phone_e164: [
        ("07700 900123", "+447700900123"),
        ("(01632) 960 123", "+441632960123"),
        ("0044 (0)20 7946 0000", "+442079460000"),
        ("+44 (0)7700 900123", "+447700900123"),
        ("07700 900123 ext 12", None),
        ("sam@example.org", None),
    ],
    phone_for_display: [
        ("+447700900123", "07700 900123"),
        ("+442079460000", "020 7946 0000"),
        ("07700 900123", "07700 900123"),
        ("sam@example.org", "sam@example.org"),
    ],
    email_address: [
        ("Sam@Example.org", "sam@example.org"),
        (" jo.smith+x@example.org. ", "jo.smith+x@example.org"),
        ("sam at example", None),
        ("sam@", None),
        ("@example.org", None),
        ("sam@example", None),
    ],
    contact_method: [
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
    is_a_name: [
        ("Margaret", True),
        ("Jo", True),
        ("Mary-Anne O'Brien", True),
        ("\u738b\u5c0f\u660e", True),  # Chinese
        ("\u0645\u062d\u0645\u062f", True),  # Arabic
        ("\u041e\u043b\u0435\u0433", True),  # Cyrillic
        ("Gwen Ashby", True),
        ("Will Smith", True),
        ("Dr Can Ozturk", True),
        ("yes", False),
        ("Yes please", False),
        ("skip", False),
        ("07700 900123", False),
        ("?", False),
        ("is this confidential?", False),  # a question is not a name
        ("how much does it cost", False),
        ("what happens next", False),
        ("help", False),
    ],
    means_same_number: [
        ("this number", True),
        ("same number please", True),
        ("the one I am texting from", True),
        ("use this one", True),
        ("07700 900123", False),
        ("my number is 07700 900123", False),
        ("call me in the morning", False),
    ],
    is_only_a_place: [  # a town alone is not a time to call
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
    is_a_contact_time: [
        ("after 6", True),
        ("when he is out at work", True),
        ("mornings?", True),
        ("is this free", False),  # a question is not a time
        ("will they ring me?", False),
        ("Louth", False),
    ],
}


@pytest.mark.parametrize(
    ("read", "typed", "expected"),
    [
        pytest.param(read, typed, expected, id=f"{read.__name__}({typed!r})")
        for read, cases in READINGS.items()
        for typed, expected in cases
    ],
)
def test_what_a_resident_types_is_read(
    read: Callable[[str], object], typed: str, expected: object
) -> None:
    assert read(typed) == expected


def test_corrections_say_what_they_change() -> None:
    assert corrections("it should be 07700 900582", "text") == {"contact_detail": "07700 900582"}
    assert corrections("use 01632 960551 please", "text") == {"contact_detail": "01632 960551"}
    assert corrections("no it's +44 (0)7700 900582", "phone") == {"contact_detail": "07700 900582"}
    assert corrections("call me on 01632960551 instead", "email") == {
        "contact_method": "phone",
        "contact_detail": "01632 960551",
    }
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
    assert corrections("no, the number is wrong", "phone") == {"contact_detail": None}
    assert corrections("call me in the morning", "phone") == {}
    assert corrections("no", "phone") == {} and corrections("yes that's right", "phone") == {}


def test_details_given_up_front_are_found() -> None:
    assert details_given("Can someone ring me on 07700 900845 please, my name is Alan Webb") == {
        "contact_name": "Alan Webb",
        "contact_method": "phone",
        "contact_detail": "07700 900845",
    }
    assert details_given("text me on 07700900123") == {
        "contact_method": "text",
        "contact_detail": "07700 900123",
    }
    assert details_given("text me on 01632 960123")["contact_method"] == "phone"  # a landline
    assert details_given("my number is +44 (0)7700 900845")["contact_detail"] == "07700 900845"
    assert details_given("my number is 07700 90084") == {}
    assert details_given("email me at sue@example.org")["contact_detail"] == "sue@example.org"
    assert details_given("my name is in the letter") == {}
    assert details_given("I'm lonely since my husband died") == {}
