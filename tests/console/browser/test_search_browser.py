"""Find and join up in headless Chromium: the queue's search box finds a resident by name,
phone number (as typed three ways), email address and reference; a likely duplicate shows on
the referral, is linked with one button and unlinked with another; axe-core clean on the
results and on the referral with a duplicate and with a link."""

from __future__ import annotations

from browser_helpers import axe_violations
from playwright.sync_api import Page, expect
from search_helpers import add_resident
from test_console_browser import log_in

SAM = "sam@example.org"


def find(page: Page, text: str) -> None:
    box = page.get_by_role("searchbox", name="Find a referral")
    box.fill(text)
    page.get_by_role("button", name="Find", exact=True).click()


def test_the_search_box_finds_by_name_phone_email_and_reference(page: Page, console) -> None:
    url = console.database_url
    sian = add_resident(url, "Siân Jones", "+447700900123", days_ago=2)
    ruth = add_resident(url, "Ruth Hale", "Ruth.Hale@example.org", days_ago=1)
    log_in(page, console.url, SAM)
    rows = page.locator("table.queue tbody tr")
    for typed, reference, how in (
        ("sian", sian, "Name"),
        ("07700 900123", sian, "Phone number"),
        ("+447700900123", sian, "Phone number"),
        ("7700900123", sian, "Phone number"),
        ("ruth.hale@EXAMPLE.org", ruth, "Email address"),
        (ruth.lower(), ruth, "Reference"),
    ):
        find(page, typed)
        expect(rows).to_have_count(1)
        expect(rows.first.get_by_role("link", name=reference)).to_be_visible()
        expect(rows.first.locator("td").last).to_have_text(how)
        expect(page.get_by_role("searchbox", name="Find a referral")).to_have_value(typed)
    assert axe_violations(page) == []
    find(page, "nobody of that name")
    expect(page.get_by_text("No referral matches")).to_be_visible()
    page.get_by_role("link", name="Clear the search and show the queue").click()
    expect(rows).to_have_count(2)
    assert axe_violations(page) == []


def test_a_duplicate_is_shown_linked_and_unlinked(page: Page, console) -> None:
    url = console.database_url
    first = add_resident(url, "Margaret Oyelaran", "07700 900123", days_ago=10)
    again = add_resident(url, "Maggie Oyelaran", "+447700900123", days_ago=7)
    log_in(page, console.url, SAM)
    page.goto(f"{console.url}/referrals/{again}")
    same = page.get_by_role("region", name="Same resident?")
    expect(same).to_contain_text(f"Possible duplicate of {first}, 3 days earlier")
    expect(same).to_contain_text("the same phone number")
    assert axe_violations(page) == []

    same.get_by_role("button", name=f"Link with {first}").click()
    expect(page.get_by_role("status")).to_have_text("The referrals are linked.")
    expect(same).not_to_contain_text("Possible duplicate")
    expect(same.locator("ul.linked li")).to_contain_text("Margaret Oyelaran")
    expect(same.locator("ul.linked li")).to_contain_text("Linked by Sam Jones")
    assert axe_violations(page) == []

    same.get_by_role("link", name=first).click()
    expect(page.get_by_role("heading", name=f"Referral {first}")).to_be_visible()
    expect(same.locator("ul.linked li")).to_contain_text("Maggie Oyelaran")
    same.get_by_role("button", name=f"Unlink {again}").click()
    expect(page.get_by_role("status")).to_have_text("The referrals are no longer linked.")
    expect(same).to_contain_text(f"Possible duplicate of {again}, 3 days later")
    expect(same.locator("ul.linked")).to_have_count(0)
