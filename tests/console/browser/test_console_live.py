"""A resident on the web chat page and a link worker in the console, through the real assistant."""

from __future__ import annotations

import re

import pytest
from assistant_servers import REFERRAL_STEPS, query
from browser_helpers import axe_violations
from console_helpers import PASSWORD
from playwright.sync_api import Browser, Page, expect

pytestmark = pytest.mark.e2e

NEW_REPLY_SAYS = """([before, text]) => Array.from(
    document.querySelectorAll("#messages li.from-assistant")
).slice(before).some((li) => li.textContent.includes(text))"""


def say(resident: Page, text: str, expected: str) -> None:
    """Send text and wait for a new reply from the assistant that contains expected."""
    before = resident.locator("#messages li.from-assistant").count()
    resident.get_by_label("Your message").fill(text)
    resident.get_by_role("button", name="Send").click()
    resident.wait_for_function(NEW_REPLY_SAYS, arg=[before, expected], timeout=60_000)


def test_reply_reaches_the_resident_and_hand_back(browser: Browser, live_console) -> None:
    resident = browser.new_context(bypass_csp=True).new_page()  # for axe-core
    resident.set_default_timeout(30_000)
    resident.goto(f"{live_console.url}/chat/")
    expect(resident.locator("#chat-connection")).to_have_text("Connected.")
    expect(resident.get_by_role("button", name="Send")).to_be_enabled()
    for text, expected in REFERRAL_STEPS:
        say(resident, text, expected)
    reference = re.search(r"FD-[A-Z0-9]+", resident.locator("#messages").inner_text()).group(0)
    session_id = resident.locator("body").get_attribute("data-session-id")
    assert axe_violations(resident) == []

    worker = browser.new_context().new_page()
    worker.set_default_timeout(30_000)
    worker.goto(f"{live_console.url}/login")
    worker.get_by_label("Email address").fill("sam.live@example.org")
    worker.get_by_label("Password").fill(PASSWORD)
    worker.get_by_role("button", name="Log in").click()
    worker.get_by_role("link", name=reference).click()
    expect(worker.locator("dl.facts").first).to_contain_text("web chat")
    expect(worker.locator("#chat")).to_contain_text("weekday mornings")
    worker.get_by_role("button", name="Claim this referral").click()
    worker.get_by_role("button", name="Take over the chat").click()
    expect(worker.get_by_role("status")).to_contain_text("You are now talking to the resident")

    status = resident.locator("#chat-status")
    expect(status).to_have_text("You are talking to Sam, a link worker. This is a real person.")

    resident.get_by_label("Your message").fill("Is that really a person?")
    resident.get_by_role("button", name="Send").click()
    expect(worker.locator("#chat li.msg-resident").last).to_have_text(
        re.compile("Is that really a person?"), timeout=15_000
    )  # arrives by polling, without a reload
    assistant_replies = resident.locator("#messages li.from-assistant").count()

    worker.get_by_label("Message to the resident").fill("Yes, I am Sam. Shall I ring you at 10?")
    worker.get_by_role("button", name="Send").click()
    expect(worker.get_by_role("status")).to_have_text("Your message has been sent.")
    from_person = resident.locator("#messages li.from-person").last
    expect(from_person).to_contain_text("Sam (link worker)")
    expect(from_person).to_contain_text("Yes, I am Sam. Shall I ring you at 10?")
    assert resident.locator("#messages li.from-assistant").count() == assistant_replies

    worker.get_by_role("button", name="Hand back to the assistant").click()
    expect(worker.get_by_role("status")).to_contain_text("answering the resident again")
    expect(resident.locator("#messages")).to_contain_text("handed you back to the assistant")
    expect(status).to_have_text("You are talking to the assistant, a computer program.")
    say(resident, "hello", "community support")  # the assistant answers again

    worker.get_by_label("Connected to a group").check()
    worker.get_by_label("Groups the resident joined (one a line, optional)").fill("Lunch club")
    worker.get_by_role("button", name="Close referral").click()
    expect(worker.get_by_role("status")).to_have_text("The referral is closed.")

    [row] = query(
        live_console.database_url,
        "select channel, conversation_id, status from referrals where reference = :r",
        r=reference,
    )
    assert row == ("socketio", session_id, "closed")
    resident.context.close()
    worker.context.close()


def test_group_cards_and_the_choices_after_them_reach_the_web_chat(
    browser: Browser, live_console
) -> None:
    resident = browser.new_context().new_page()
    resident.set_default_timeout(30_000)
    resident.goto(f"{live_console.url}/chat/")
    expect(resident.get_by_role("button", name="Send")).to_be_enabled()
    say(resident, "I'm looking for a choir in Louth", "from Louth")
    cards = resident.locator("#messages li.group-card")
    expect(cards).to_have_count(3)
    expect(cards.first).to_contain_text("Why this one:")
    with_cards = resident.locator("#messages li.from-assistant", has=resident.locator(".groups"))
    heading = with_cards.first.locator(":scope > .text")
    expect(heading).to_have_text(  # two of the three choirs are over 10 miles away: not "near"
        re.compile(
            r"Here are 3 groups that might suit you\. Some are a longer trip, up to 1\d miles "
            r"from Louth, so check how far each one is\."
        )
    )
    resident.get_by_role("button", name="Show more").click()
    expect(cards).to_have_count(6)  # the choice after the cards works, and more arrive
    session_id = resident.locator("body").get_attribute("data-session-id")
    resident.reload()  # the same tab goes on with the same conversation
    expect(resident.locator("#messages")).to_contain_text("Welcome back")
    expect(resident.locator("body")).to_have_attribute("data-session-id", session_id)
    say(resident, "show more", "from Louth")
    resident.context.close()
