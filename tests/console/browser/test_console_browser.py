"""The console in headless Chromium: log in, queue, claim, live conversation, close, axe-core."""

from __future__ import annotations

import re

import pytest
from browser_helpers import axe_violations
from console_helpers import PASSWORD, add_events, add_referral
from playwright.sync_api import Page, expect

SCRIPT = "<img src=x onerror=\"document.title='pwned'\"><script>document.title='pwned'</script>"


def log_in(page: Page, base: str, email: str, password: str = PASSWORD) -> None:
    page.goto(f"{base}/login")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()


def add_resident_line(url: str, sender: str, text: str) -> None:
    add_events(url, sender, [("user", {"text": text})])


def add_long_conversation(url: str, sender: str, turns: int = 30) -> None:
    """Enough of a conversation that the panel scrolls."""
    lines: list[tuple[str, dict]] = []
    for n in range(turns):
        lines.append(("user", {"text": f"Question {n}"}))
        lines.append(("bot", {"text": f"Answer {n}, at some length to fill a line."}))
    add_events(url, sender, lines)


def test_login_queue_claim_and_close(page: Page, console) -> None:
    routine = add_referral(console.database_url, town="Boston")
    crisis = add_referral(console.database_url, "crisis", town="Louth", risk="self_harm")
    page.goto(console.url)
    expect(page).to_have_url(f"{console.url}/login?next=%2F")
    log_in(page, console.url, "sam@example.org", "wrong password")
    expect(page.get_by_role("alert")).to_contain_text("The email or password is wrong")
    log_in(page, console.url, "sam@example.org")
    expect(page.get_by_role("heading", name="Referrals")).to_be_visible()
    rows = page.locator("table.queue tbody tr th a")
    expect(rows).to_have_text([crisis, routine])

    page.get_by_label("Town").select_option("Louth")
    page.get_by_role("button", name="Show").click()
    expect(rows).to_have_text([crisis])

    rows.first.click()
    page.get_by_role("button", name="Claim this referral").click()
    expect(page.get_by_role("status")).to_have_text("You have claimed this referral.")
    page.get_by_label("Record contact by").select_option("phone")
    page.get_by_role("button", name="Record contact").click()
    expect(page.get_by_label("Declined")).not_to_be_checked()  # nothing is chosen for them
    page.get_by_label("Declined").check()
    page.get_by_role("button", name="Close referral").click()
    expect(page.get_by_role("status")).to_have_text("The referral is closed.")
    expect(page.locator("section", has_text="Outcome").last).to_contain_text("Declined")
    expect(page.locator("main")).not_to_contain_text("871711000000103")  # for exports only


def test_someone_else_claiming_first_is_told(browser, console) -> None:
    reference = add_referral(console.database_url)
    sam, alex = browser.new_context().new_page(), browser.new_context().new_page()
    for who, email in ((sam, "sam@example.org"), (alex, "alex@example.org")):
        log_in(who, console.url, email)
        who.goto(f"{console.url}/referrals/{reference}")
    sam.get_by_role("button", name="Claim this referral").click()
    alex.get_by_role("button", name="Claim this referral").click()
    expect(alex.get_by_role("alert")).to_contain_text("already been claimed by Sam Jones")
    sam.context.close()
    alex.context.close()


def test_new_resident_messages_appear_without_a_reload_and_escaped(page: Page, console) -> None:
    reference = add_referral(console.database_url, conversation_id="web-42", summary=SCRIPT)
    add_resident_line(console.database_url, "web-42", "hello")
    log_in(page, console.url, "sam@example.org")
    page.goto(f"{console.url}/referrals/{reference}")
    chat = page.locator("#chat li")
    expect(chat).to_have_count(1)
    page.evaluate("window.notReloaded = true")
    add_resident_line(console.database_url, "web-42", SCRIPT)
    expect(chat).to_have_count(2, timeout=10_000)
    expect(chat.last.locator(".text")).to_have_text(SCRIPT)
    assert page.evaluate("window.notReloaded") is True
    expect(page.get_by_text(SCRIPT).first).to_be_visible()
    assert page.title() != "pwned"


NEWEST = """() => { const log = document.getElementById("chat-log");
    return log.scrollHeight - log.scrollTop - log.clientHeight <= 40; }"""


def test_the_conversation_opens_at_the_newest_message_and_marks_unread(page: Page, console) -> None:
    reference = add_referral(console.database_url, conversation_id="web-long")
    add_long_conversation(console.database_url, "web-long")
    log_in(page, console.url, "sam@example.org")
    page.goto(f"{console.url}/referrals/{reference}")
    log = page.get_by_role("log", name="Messages")
    expect(log).to_be_visible()
    assert page.evaluate(NEWEST) is True  # opens at the newest message
    log.evaluate("log => { log.scrollTop = 0; }")
    add_resident_line(console.database_url, "web-long", "Are you still there?")
    marker = page.get_by_role("button", name="1 new message from the resident: show it")
    expect(marker).to_be_visible(timeout=10_000)
    assert page.evaluate(NEWEST) is False  # the place kept while reading back
    assert page.title().startswith("(1 new) ")
    marker.click()
    expect(marker).to_be_hidden()
    assert page.evaluate(NEWEST) is True and not page.title().startswith("(")
    add_resident_line(console.database_url, "web-long", "Hello?")  # in view: followed
    expect(page.locator("#chat li").last).to_contain_text("Hello?", timeout=10_000)
    page.wait_for_function(NEWEST)
    expect(page.locator("#chat-unread")).to_be_hidden()


def test_after_a_send_the_conversation_is_in_view_at_the_newest(page: Page, console) -> None:
    reference = add_referral(console.database_url, conversation_id="web-send")
    add_long_conversation(console.database_url, "web-send")
    log_in(page, console.url, "sam@example.org")
    page.goto(f"{console.url}/referrals/{reference}")
    page.get_by_role("button", name="Claim this referral").click()
    page.get_by_role("button", name="Take over the chat").click()
    expect(page).to_have_url(re.compile("#conversation$"))
    page.get_by_label("Message to the resident").fill("Hello, I am Sam.")
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_role("status")).to_have_text("Your message has been sent.")
    expect(page).to_have_url(re.compile(r"done=reply#conversation$"))
    expect(page.get_by_label("Message to the resident")).to_be_focused()
    expect(page.get_by_role("heading", name="Conversation")).to_be_in_viewport()
    assert page.evaluate(NEWEST) is True


@pytest.mark.parametrize(
    "path", ["/login", "/", "/referral", "/conversation", "/report", "/audit", "/chat/"]
)
def test_no_accessibility_violations(page: Page, console, path: str) -> None:
    reference = add_referral(console.database_url, "urgent", risk="self_harm")
    add_referral(console.database_url)
    add_resident_line(console.database_url, "nobody", "hello")
    if path == "/conversation":  # the conversation panel scrolls
        reference = add_referral(console.database_url, conversation_id="web-axe")
        add_long_conversation(console.database_url, "web-axe")
    if path not in ("/login", "/chat/"):
        log_in(page, console.url, "pat@example.org")
        expect(page.get_by_role("heading", name="Referrals")).to_be_visible()
    if path in ("/referral", "/conversation"):
        page.goto(f"{console.url}/referrals/{reference}")
        page.get_by_role("button", name="Claim this referral").click()
        expect(page.get_by_role("status")).to_be_visible()
    else:
        page.goto(console.url + path)
    assert axe_violations(page) == []
