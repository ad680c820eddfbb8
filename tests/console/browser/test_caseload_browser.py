"""The caseload in headless Chromium: log a contact, add a task and tick it off, see it due on
My caseload and in the header, and send a resident groups by text (to a fake Twilio) and by
email (to a real SMTP server), each logged as a contact; axe-core clean on every page."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from browser_helpers import axe_violations
from caseload_helpers import (
    RESIDENT_EMAIL,
    RESIDENT_NUMBER,
    PostOffice,
    directory_groups,
    group_names,
    post_office,  # noqa: F401 (a fixture)
    reached_by_email,
)
from console_helpers import FakeRasa, add_referral
from playwright.sync_api import Page, expect
from test_console_browser import log_in

from frontdoor.console.app import create_app
from frontdoor.store.caseload import local_today

SAM = "sam@example.org"
WHITE = "rgba(0, 0, 0, 0)"  # a cell with no background of its own


def open_claimed(page: Page, base: str, reference: str) -> None:
    log_in(page, base, SAM)
    page.goto(f"{base}/referrals/{reference}")
    page.get_by_role("button", name="Claim this referral").click()
    expect(page.get_by_role("status")).to_have_text("You have claimed this referral.")


def test_log_a_contact_add_a_task_see_it_due_and_tick_it_off(page: Page, console) -> None:
    reference = add_referral(console.database_url, contact_name="Margaret")
    open_claimed(page, console.url, reference)

    page.get_by_label("How", exact=True).select_option("phone")
    page.get_by_label("Minutes").fill("15")
    page.get_by_label("What happened").fill("Rang Margaret. She would like a lunch club.")
    page.get_by_role("button", name="Log contact").click()
    expect(page.get_by_role("status")).to_have_text("Contact logged.")
    log = page.locator("table.contact-log tbody tr")
    expect(log).to_have_count(1)
    expect(log.first).to_contain_text("Phone call")
    expect(log.first).to_contain_text("Rang Margaret. She would like a lunch club.")
    expect(page.locator("#contact-log")).to_contain_text("1 contact, 15 minutes in all.")

    page.get_by_label("What needs doing").fill("Send the lunch club's timetable")
    page.get_by_label("Due on").fill(local_today().isoformat())
    page.get_by_role("button", name="Add task").click()
    expect(page.get_by_role("status")).to_have_text("Task added.")
    task = page.locator(".tasks li").first
    expect(task).to_contain_text("Due today")
    header = page.get_by_role("link", name="My caseload 1 task due")
    expect(header).to_be_visible()
    assert axe_violations(page) == []

    header.click()
    expect(page.get_by_role("heading", name="My caseload")).to_be_visible()
    expect(page.locator("#tasks-due-summary")).to_have_text("1 task due today or overdue.")
    row = page.locator("table.caseload tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_have_class("due")
    expect(row).to_contain_text("Send the lunch club's timetable")
    expect(row).to_contain_text("Due today")
    expect(row).to_contain_text("1, 15 min")
    highlight = row.locator("td").first.evaluate("cell => getComputedStyle(cell).backgroundColor")
    assert highlight != WHITE  # marked by colour as well as in words
    assert axe_violations(page) == []

    row.get_by_role("link", name=reference).click()
    page.get_by_role("button", name="Mark as done").click()
    expect(page.get_by_role("status")).to_have_text("Task marked as done.")
    expect(page.locator(".tasks li").first).to_contain_text("Done")
    expect(page.get_by_role("link", name="My caseload", exact=True)).to_be_visible()
    page.get_by_role("link", name="My caseload", exact=True).click()
    expect(page.locator("table.caseload tbody tr")).not_to_have_class("due")
    expect(page.locator("#tasks-due-summary")).to_have_count(0)


def test_a_contact_form_left_wrong_says_what_to_fix(page: Page, console) -> None:
    reference = add_referral(console.database_url)
    open_claimed(page, console.url, reference)
    page.get_by_label("How", exact=True).select_option("letter")
    page.get_by_label("Minutes").fill("20")
    page.get_by_label("What happened").fill("   ")  # spaces pass the browser's own check
    page.get_by_role("button", name="Log contact").click()
    expect(page.get_by_role("alert")).to_contain_text("write a few words about what happened")
    expect(page.locator("#log-contact-error")).to_contain_text("what happened")
    expect(page.get_by_label("How", exact=True)).to_have_value("letter")
    expect(page.get_by_label("Minutes")).to_have_value("20")
    assert axe_violations(page) == []


def send_from_the_case(
    page: Page, base: str, reference: str, suggested: str, by: str, search: str = ""
) -> None:
    """Open the referral, go to its groups, tick one suggested (and the first found), send."""
    open_claimed(page, base, reference)
    page.get_by_role("link", name="Send groups to the resident").click()
    expect(page.get_by_role("heading", name="Send groups to the resident")).to_be_visible()
    if search:
        page.get_by_label("Search the directory").fill(search)
        page.get_by_role("button", name="Search").click()
        expect(page.get_by_role("heading", name=f'Found for "{search}"')).to_be_visible()
        page.locator("input[id^=found-]").first.check()
    assert axe_violations(page) == []
    page.get_by_label(suggested, exact=True).check()
    page.get_by_label(by, exact=True).check()
    page.get_by_role("button", name="Send groups").click()


@dataclass
class Posting:
    """The console over the sample directory, sending through the post office."""

    base: str
    url: str
    post: PostOffice

    def referral_with(self, need: str) -> tuple[str, str]:
        """A referral with two groups for this need suggested; its reference, the first's name."""
        ids = directory_groups(self.url, need)
        reference = add_referral(self.url, suggested_groups=ids)
        return reference, group_names(self.url, ids)[0]


@pytest.fixture()
def posting(post_office: PostOffice, directory_url: str, console_store: str, serve) -> Posting:  # noqa: F811
    app = create_app(console_store, settings=post_office.settings, rasa=FakeRasa())
    return Posting(serve(app), console_store, post_office)


def test_send_groups_by_text_from_the_case(page: Page, posting: Posting) -> None:
    reference, first = posting.referral_with("walking")
    send_from_the_case(page, posting.base, reference, first, "Text message (SMS)", "choir")
    expect(page.get_by_role("status")).to_have_text(
        "The groups have been sent by text, and the contact logged."
    )
    [text] = posting.post.twilio.to(RESIDENT_NUMBER)
    assert text.startswith("Hello Margaret, this is Sam from the community support team.")
    assert first in text and text.count("\n- ") == 2  # the suggested group and the one found
    logged = page.locator("table.contact-log tbody tr").first
    expect(logged).to_contain_text("Text message (SMS)")
    expect(logged).to_contain_text(re.compile(r"Sent 2 groups by text: .*" + re.escape(first)))
    expect(logged).to_contain_text("logged by the console")


def test_send_groups_by_email_from_the_case(page: Page, posting: Posting) -> None:
    reference, first = posting.referral_with("lunch")
    reached_by_email(posting.url, reference)
    send_from_the_case(page, posting.base, reference, first, "Email")
    expect(page.get_by_role("status")).to_have_text(
        "The groups have been sent by email, and the contact logged."
    )
    [mail] = posting.post.mailbox.received
    assert mail["To"] == RESIDENT_EMAIL
    assert first in mail.get_payload(decode=True).decode()
    logged = page.locator("table.contact-log tbody tr").first
    expect(logged).to_contain_text("Email")
    expect(logged).to_contain_text(f"Sent 1 group by email: {first}.")
    assert posting.post.twilio.sent == []


def test_a_send_that_cannot_go_says_why_and_keeps_the_choices(page: Page, posting: Posting) -> None:
    reference, first = posting.referral_with("walking")  # a number, no email address
    send_from_the_case(page, posting.base, reference, first, "Email")
    expect(page.get_by_role("alert")).to_contain_text("The resident gave no email address")
    expect(page.get_by_label(first, exact=True)).to_be_checked()
    expect(page.get_by_label("Email", exact=True)).to_be_checked()
    assert axe_violations(page) == []
    assert posting.post.mailbox.received == [] and posting.post.twilio.sent == []
