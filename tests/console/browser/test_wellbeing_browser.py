"""Wellbeing at closing in headless Chromium: the link worker closes with the scores now and
sees them beside the start; or ticks "Send the wellbeing questions", the text reaches a fake
Twilio with the link, and the resident answers on the page (once: the link then refuses);
a link that ran out or was changed gets a kind page; the quick exit leaves; axe-core clean
(WCAG 2.2 AA) on every page."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

import pytest
from browser_helpers import axe_violations
from caseload_helpers import (
    RESIDENT_NUMBER,
    PostOffice,
    post_office,  # noqa: F401 (a fixture)
)
from console_helpers import FakeRasa, add_referral, referral_row
from playwright.sync_api import Page, expect
from test_console_browser import log_in

from frontdoor.console.app import create_app
from frontdoor.runner import free_port
from frontdoor.settings import get_settings
from frontdoor.store.db import session_scope
from frontdoor.store.models import utcnow
from frontdoor.store.wellbeing import record_wellbeing
from frontdoor.wellbeing_link import LIFETIME, issue

SAM = "sam@example.org"
LINK = re.compile(r"https?://\S+/wellbeing/\S+?(?=\s|$)")
PHONE = {"width": 375, "height": 740}
TARGET_PX = 44  # every choice on the resident's page is at least this wide and high
EXIT = "https://www.bbc.co.uk/weather"


def open_claimed(page: Page, base: str, reference: str) -> None:
    log_in(page, base, SAM)
    page.goto(f"{base}/referrals/{reference}")
    page.get_by_role("button", name="Claim this referral").click()
    expect(page.get_by_role("status")).to_have_text("You have claimed this referral.")


def question(page: Page, number: int):
    """One question's fieldset on the resident's page, by its number."""
    return page.get_by_role("group", name=re.compile(rf"^{number}\. "))


def no_sideways_scroll(page: Page) -> bool:
    return bool(page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth"))


@dataclass
class Posting:
    """The console sending through the post office, at the address its links name."""

    base: str
    url: str
    post: PostOffice


@pytest.fixture()
def posting(post_office: PostOffice, console_store: str, serve) -> Posting:  # noqa: F811
    port = free_port()
    settings = post_office.settings.copy(update={"console_public_url": f"http://127.0.0.1:{port}"})
    app = create_app(console_store, settings=settings, rasa=FakeRasa())
    return Posting(serve(app, port), console_store, post_office)


def test_close_with_the_scores_now_and_see_them_beside_the_start(page: Page, console) -> None:
    reference = add_referral(console.database_url)
    conversation = referral_row(console.database_url, reference).conversation_id
    with session_scope(console.database_url) as session:
        start = {
            "life_satisfied": 3,
            "anxious": 8,
            "lack_companionship": 3,
            "left_out": 3,
            "isolated": 2,
        }
        record_wellbeing(session, conversation, "start", "assistant", start)
    open_claimed(page, console.url, reference)
    expect(page.get_by_role("group", name="Wellbeing now (optional)")).to_be_visible()
    assert axe_violations(page) == []

    page.get_by_label("Connected to a group").check()
    page.get_by_label("Overall, how satisfied are you with your life nowadays?").select_option("6")
    page.get_by_label("Overall, how anxious did you feel yesterday?").select_option("4")
    page.get_by_label("How often do you feel that you lack companionship?").select_option(
        label="Some of the time"
    )
    page.get_by_label("How often do you feel left out?").select_option(label="Hardly ever")
    page.get_by_label("How often do you feel isolated from others?").select_option(
        label="Hardly ever"
    )
    page.get_by_role("button", name="Close referral").click()
    expect(page.get_by_role("status")).to_have_text("The referral is closed.")

    table = page.get_by_role("table", name="At the start and at the end, and the change")
    expect(table).to_be_visible()
    satisfied = table.get_by_role("row", name=re.compile("Satisfied with life"))
    expect(satisfied).to_contain_text("3")
    expect(satisfied).to_contain_text("+3, better")
    expect(table.get_by_role("row", name=re.compile("Anxious yesterday"))).to_contain_text(
        "-4, better"
    )
    expect(table.get_by_role("row", name=re.compile("Happy yesterday"))).to_contain_text(
        "Not known"
    )
    expect(table.get_by_role("row", name=re.compile("the three together"))).to_contain_text(
        "-4, better"  # 8 at the start, 4 at the end
    )
    expect(page.get_by_text("At the end: the link worker.")).to_be_visible()
    assert axe_violations(page) == []


def test_the_questions_sent_by_text_are_answered_once_on_the_residents_page(
    page: Page, posting: Posting
) -> None:
    reference = add_referral(posting.url, contact_name="Margaret")
    open_claimed(page, posting.base, reference)
    page.get_by_label("Declined").check()
    page.get_by_label("Send the wellbeing questions to the resident").check()
    page.get_by_label("Send them").select_option(label="By text message")
    page.get_by_role("button", name="Close referral").click()
    expect(page.get_by_role("status")).to_have_text("The referral is closed.")
    expect(page.locator("#wellbeing-sent")).to_contain_text("The questions were sent")

    [text] = posting.post.twilio.to(RESIDENT_NUMBER)
    link = LINK.search(text).group(0)
    assert link.startswith(f"{posting.base}/wellbeing/")

    resident = page.context.browser.new_context(viewport=PHONE, bypass_csp=True)
    phone = resident.new_page()
    phone.goto(link)
    expect(phone.get_by_role("heading", level=1)).to_have_text("How are you now?")
    expect(phone.get_by_role("button", name="Leave this page")).to_be_visible()
    assert no_sideways_scroll(phone)
    for label in phone.locator(".choice label").all():
        box = label.bounding_box()
        assert box and box["width"] >= TARGET_PX and box["height"] >= TARGET_PX
    assert axe_violations(phone) == []

    question(phone, 1).get_by_label("8", exact=True).check()
    question(phone, 4).get_by_label("2", exact=True).check()
    question(phone, 4).get_by_label("Rather not say").check()  # changed their mind
    question(phone, 6).get_by_label("Some of the time").check()
    phone.get_by_role("button", name="Send my answers").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Thank you")
    assert axe_violations(phone) == []

    phone.goto(link)
    expect(phone.get_by_role("heading", level=1)).to_have_text("You have already answered")
    expect(phone.get_by_role("button", name="Send my answers")).to_have_count(0)
    assert axe_violations(phone) == []
    resident.close()

    page.reload()
    table = page.get_by_role("table", name="At the start and at the end, and the change")
    expect(table.get_by_role("row", name=re.compile("Satisfied with life"))).to_contain_text("8")
    expect(table.get_by_role("row", name=re.compile("Feels left out"))).to_contain_text("2")
    expect(table.get_by_role("row", name=re.compile("Anxious yesterday"))).to_contain_text(
        "Not answered"
    )
    expect(page.get_by_text("At the end: the resident, by the link sent.")).to_be_visible()


def test_a_link_that_ran_out_or_was_changed_gets_a_kind_page(page: Page, console) -> None:
    reference = add_referral(console.database_url)
    known = referral_row(console.database_url, reference).id
    secret = get_settings().wellbeing_link_secret
    old = issue(secret, known, utcnow() - LIFETIME - timedelta(minutes=1))
    page.goto(f"{console.url}/wellbeing/{old}")
    expect(page.get_by_role("heading", level=1)).to_have_text("This link has run out")
    expect(page.get_by_text("You do not need to do anything.")).to_be_visible()
    assert axe_violations(page) == []
    page.goto(f"{console.url}/wellbeing/{issue(secret, known, utcnow())}x")
    expect(page.get_by_role("heading", level=1)).to_have_text("This link does not work")
    expect(page.get_by_text("check you have the whole link")).to_be_visible()
    assert axe_violations(page) == []


def test_the_quick_exit_leaves_by_button_and_by_shift_three_times(page: Page, console) -> None:
    reference = add_referral(console.database_url)
    known = referral_row(console.database_url, reference).id
    link = f"{console.url}/wellbeing/{issue(get_settings().wellbeing_link_secret, known, utcnow())}"
    page.route(f"{EXIT}**", lambda route: route.fulfill(body="<title>Weather</title>"))
    page.goto(link)
    page.get_by_role("button", name="Leave this page").click()
    expect(page).to_have_url(EXIT)
    page.goto(link)
    question(page, 1).get_by_label("5", exact=True).focus()
    for _ in range(3):
        page.keyboard.press("Shift")
    expect(page).to_have_url(EXIT)
