"""The console in headless Chromium: log in, queue, claim, live conversation, close, axe-core."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa
from browser_helpers import axe_violations
from console_helpers import PASSWORD, add_referral
from playwright.sync_api import Page, expect

from frontdoor.store.db import engine_for

SCRIPT = "<img src=x onerror=\"document.title='pwned'\"><script>document.title='pwned'</script>"


def log_in(page: Page, base: str, email: str, password: str = PASSWORD) -> None:
    page.goto(f"{base}/login")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()


def add_resident_line(url: str, sender: str, text: str) -> None:
    with engine_for(url).begin() as connection:
        connection.execute(
            sa.text(
                "CREATE TABLE IF NOT EXISTS events (id INTEGER PRIMARY KEY, sender_id TEXT, "
                "type_name TEXT, timestamp REAL, intent_name TEXT, action_name TEXT, data TEXT)"
            )
        )
        connection.execute(
            sa.text(
                "INSERT INTO events (sender_id, type_name, timestamp, data) "
                "VALUES (:s, 'user', 1736157600, :d)"
            ),
            {"s": sender, "d": json.dumps({"text": text})},
        )


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
    page.get_by_label("Declined").check()
    page.get_by_role("button", name="Close referral").click()
    expect(page.get_by_role("status")).to_have_text("The referral is closed.")
    expect(page.locator("section", has_text="Outcome").last).to_contain_text("871711000000103")


def test_someone_else_claiming_first_is_told(browser, console) -> None:
    reference = add_referral(console.database_url)
    sam, alex = browser.new_context().new_page(), browser.new_context().new_page()
    for who, email in ((sam, "sam@example.org"), (alex, "alex@example.org")):
        log_in(who, console.url, email)
        who.goto(f"{console.url}/referrals/{reference}")
    sam.get_by_role("button", name="Claim this referral").click()
    alex.get_by_role("button", name="Claim this referral").click()
    expect(alex.get_by_role("alert")).to_contain_text("already been claimed by sam@example.org")
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


@pytest.mark.parametrize("path", ["/login", "/", "/referral", "/report", "/audit", "/chat/"])
def test_no_accessibility_violations(page: Page, console, path: str) -> None:
    reference = add_referral(console.database_url, "urgent", risk="self_harm")
    add_referral(console.database_url)
    add_resident_line(console.database_url, "nobody", "hello")
    if path not in ("/login", "/chat/"):
        log_in(page, console.url, "pat@example.org")
        expect(page.get_by_role("heading", name="Referrals")).to_be_visible()
    if path == "/referral":
        page.goto(f"{console.url}/referrals/{reference}")
        page.get_by_role("button", name="Claim this referral").click()
        expect(page.get_by_role("status")).to_be_visible()
    else:
        page.goto(console.url + path)
    assert axe_violations(page) == []
