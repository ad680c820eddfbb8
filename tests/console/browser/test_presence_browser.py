"""The resident's presence on the referral page, in headless Chromium: it follows the Rasa
servers' record of the web chat pages without a reload (the conversation's polling)."""

from __future__ import annotations

import re

from console_helpers import PASSWORD, add_events, add_referral
from playwright.sync_api import Page, expect

from frontdoor.store import presence
from frontdoor.store.db import session_scope

CHAT = "5e1d2c3b4a5968778695a4b3c2d1e0f9"


def test_the_referral_page_says_when_the_resident_opens_and_leaves_the_chat(
    page: Page, console
) -> None:
    url = console.database_url
    reference = add_referral(url, channel="socketio", conversation_id=CHAT)
    add_events(url, CHAT, [("user", {"text": "hello", "input_channel": "socketio"})])
    page.goto(f"{console.url}/login")
    page.get_by_label("Email address").fill("sam@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.goto(f"{console.url}/referrals/{reference}")
    shown = page.locator("#chat-presence")
    expect(shown).to_have_text("Chat closed.")
    expect(shown).to_have_attribute("aria-live", "polite")
    page.evaluate("window.notReloaded = true")
    with session_scope(url) as session:
        presence.connected(session, "rasa-1", "sid-1", CHAT)
    expect(shown).to_have_text("Chat open now.", timeout=10_000)
    with session_scope(url) as session:
        presence.disconnected(session, "rasa-1", "sid-1")
    expect(shown).to_have_text(re.compile(r"^Left the chat today at \d\d:\d\d\.$"), timeout=10_000)
    expect(shown).to_have_class("presence presence-left")
    assert page.evaluate("window.notReloaded") is True
