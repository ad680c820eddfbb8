"""Alerts in headless Chromium: an urgent referral stored by another process lights the
header's badge and is announced politely with a short tone that can be muted; the alerts
page links to the referral, marks alerts as seen, and is axe-core clean (WCAG 2.2 AA)."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from browser_helpers import axe_violations
from console_helpers import add_events, add_referral
from playwright.sync_api import Page, expect
from test_console_browser import log_in

from frontdoor.alerts.scan import raise_held_messages
from frontdoor.store import alerts
from frontdoor.store import link_worker as work
from frontdoor.store.db import session_scope
from frontdoor.store.models import Referral, utcnow

# Counts the notes the page plays (headless Chromium has no speakers to listen to).
COUNT_TONES = """
window.tonesPlayed = 0;
const create = AudioContext.prototype.createOscillator;
AudioContext.prototype.createOscillator = function () {
  window.tonesPlayed += 1;
  return create.call(this);
};
"""
STREAMING = 10_000  # milliseconds: the stream reads the store every 2 seconds


@pytest.fixture(autouse=True)
def one_scan_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """The console's background round runs as it starts, not again during a test: what each
    test stores is all there is (a promise falling due mid-test would add an alert)."""
    monkeypatch.setenv("ALERT_SCAN_SECONDS", "3600")


def listening(page: Page, unseen: int) -> None:
    """Wait until the page's alert stream has told it the unseen count."""
    expect(page.locator("body")).to_have_attribute(
        "data-unseen-alerts", str(unseen), timeout=STREAMING
    )


def badge(page: Page, unseen: int):
    return page.get_by_role("link", name=f"Alerts {unseen} not seen")


def test_an_urgent_referral_lights_the_badge_with_a_tone_that_can_be_muted(
    console, page: Page
) -> None:
    page.add_init_script(COUNT_TONES)
    log_in(page, console.url, "sam@example.org")
    expect(page.get_by_role("heading", name="Referrals")).to_be_visible()
    expect(page.locator("#alert-count")).to_be_hidden()
    listening(page, 0)

    reference = add_referral(console.database_url, "urgent")  # as the action server stores it
    expect(badge(page, 1)).to_be_visible(timeout=STREAMING)
    expect(page.locator("#alert-news")).to_have_text(
        f"New alert. New urgent referral: {reference}."
    )
    expect(page.locator("#alert-news")).to_have_attribute("aria-live", "polite")
    assert page.evaluate("window.tonesPlayed") == 2  # two short notes

    mute = page.get_by_role("button", name="Mute alert sound")
    expect(mute).to_have_attribute("aria-pressed", "false")
    mute.click()
    expect(mute).to_have_attribute("aria-pressed", "true")
    page.reload()
    expect(mute).to_have_attribute("aria-pressed", "true")  # remembered
    listening(page, 1)
    crisis = add_referral(console.database_url, "crisis")
    expect(badge(page, 2)).to_be_visible(timeout=STREAMING)
    expect(page.locator("#alert-news")).to_contain_text(crisis)
    assert page.evaluate("window.tonesPlayed") == 0  # muted: announced, not sounded

    badge(page, 2).focus()  # reachable from the keyboard
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Alerts")).to_be_visible()
    rows = page.locator("table.alerts tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text(f"New crisis referral: {crisis}.")
    expect(rows.first.get_by_role("link", name=re.compile(crisis))).to_have_attribute(
        "href", f"/referrals/{crisis}"
    )
    rows.nth(1).get_by_role("button", name=re.compile("Mark as seen")).click()
    expect(page.get_by_role("status")).to_have_text("Marked as seen.")
    expect(rows.nth(1)).to_contain_text("Seen by Sam Jones, today")
    expect(badge(page, 1)).to_be_visible()
    page.get_by_role("button", name="Mark all 1 as seen").click()
    expect(page.locator("#alert-count")).to_be_hidden()
    rows.first.get_by_role("link", name=re.compile(crisis)).click()
    expect(page.get_by_role("heading", name=f"Referral {crisis}")).to_be_visible()


def test_the_alerts_page_is_accessible(console, page: Page) -> None:
    add_referral(console.database_url, "crisis")
    held = add_referral(console.database_url, "routine", conversation_id="web-held")
    with session_scope(console.database_url) as session:
        referral = session.execute(
            sa.select(Referral).where(Referral.reference == held)
        ).scalar_one()
        sam = work.worker_by_email(session, "sam@example.org")
        work.claim(session, referral, sam)
        alerts.raise_alert(session, "promise", "promise:test", referral, utcnow())
        work.take_over_chat(session, referral, sam)
        alerts.mark_seen(session, [alerts.latest_id(session)], "pat@example.org")
    add_events(console.database_url, "web-held", [("user", {"text": "hello?"})], at=9e9)
    with session_scope(console.database_url) as session:
        assert raise_held_messages(session, console.database_url) == 1
    log_in(page, console.url, "sam@example.org")
    expect(badge(page, 2)).to_be_visible()
    assert axe_violations(page) == []  # the queue, with the badge showing
    page.goto(f"{console.url}/alerts")
    expect(page.locator("table.alerts tbody tr")).to_have_count(3)
    expect(page.locator("main")).to_contain_text("Seen by Pat Manager")
    expect(page.locator("main")).to_contain_text("The resident wrote while a link worker")
    assert axe_violations(page) == []
