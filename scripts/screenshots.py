"""Screenshots for the README, from the real pages: the residents' chat on a phone (its welcome,
then group cards) and the link worker console on a desktop (the queue, a referral).

Starts the real action, Rasa and console servers on free ports over a fresh SQLite store with
the sample directory, as the tests do (tests/assistant_servers.py), adds a sample link worker,
makes referrals through the web chat and SMS, and drives Debian's Chromium through Playwright
(scripts/install_browser.sh installs it). Run it again whenever the pages change:

    .venv/bin/python scripts/screenshots.py [--out docs/screenshots] [--model models/...]
"""

from __future__ import annotations

import argparse
import re
import secrets
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from playwright.sync_api import Browser, Page, ViewportSize, expect, sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))  # the tests' servers
from assistant_servers import Assistant, running_assistant  # noqa: E402

from frontdoor.console.security import hash_password  # noqa: E402
from frontdoor.runner import (  # noqa: E402
    DEFAULT_MODEL,
    service_env,
    start_console,
    stop,
    wait_until_up,
)
from frontdoor.settings import PROJECT_ROOT  # noqa: E402
from frontdoor.store.db import session_scope  # noqa: E402
from frontdoor.store.link_worker import create_link_worker  # noqa: E402

CHROMIUM = Path("/usr/bin/chromium")
OUT = PROJECT_ROOT / "docs" / "screenshots"
PHONE: ViewportSize = {"width": 390, "height": 844}
DESKTOP: ViewportSize = {"width": 1280, "height": 900}
WORKER = ("Sam Jones", "sam@example.org")
ASSISTANT_TURNS = "#messages .turn-assistant"
# Residents who look for a group, then ask for a call: (what they look for, name, phone, when),
# on the web chat or by text.
Resident = tuple[str, str, str, str]
WEB_CHAT_RESIDENT = ("a choir in Louth", "Margaret", "07700 900123", "weekday mornings")
SMS_RESIDENTS = [
    ("walking groups in Boston", "Ahmed", "07700 900456", "after 5pm"),
    ("a lunch club in Skegness", "Priya", "07700 900789", "any time"),
]


def add_sample_worker(database_url: str) -> str:
    """Sam Jones, a link worker, with a new random password (returned)."""
    password = secrets.token_urlsafe(18)
    with session_scope(database_url) as session:
        create_link_worker(session, *WORKER, "link_worker", hash_password(password))
    return password


def asking_for_a_call(resident: Resident) -> list[str]:
    """What a resident types after the welcome: a search, then to be called back."""
    looking_for, name, phone, when = resident
    call = ["can someone call me please", "yes", name, "phone call", phone, when, "yes"]
    return [looking_for, *call]


def tab(browser: Browser, url: str, viewport: ViewportSize, scale: float = 1) -> Page:
    """A new tab at url, without motion (screenshots are taken once the page is still)."""
    context = browser.new_context(
        viewport=viewport, device_scale_factor=scale, reduced_motion="reduce"
    )
    context.set_default_timeout(90_000)
    page = context.new_page()
    page.goto(url)
    return page


def answered(page: Page, act: str) -> None:
    """Send act (typed) and wait for the assistant's whole answer."""
    turns = page.locator(ASSISTANT_TURNS)
    before = turns.count()
    page.get_by_label("Your message").fill(act)
    page.get_by_role("button", name="Send").click()
    expect(turns).to_have_count(before + 1)
    page.wait_for_timeout(1500)  # the rest of the turn, and scrolling, settle


def web_chat_referral(browser: Browser, chat_url: str, resident: Resident) -> str:
    """A referral made on the web chat; its reference."""
    page = tab(browser, chat_url, DESKTOP)
    expect(page.locator(ASSISTANT_TURNS)).to_have_count(1)  # the welcome
    for said in asking_for_a_call(resident):
        answered(page, said)
    found = re.search(r"FD-[A-Z0-9]+", page.locator("#messages").inner_text())
    page.context.close()
    if found is None:
        raise RuntimeError("the web chat referral gave no reference")
    return found.group(0)


def sms_referral(assistant: Assistant, resident: Resident) -> None:
    """A referral made by text from the resident's number."""
    number = "+44" + resident[2].replace(" ", "")[1:]
    for said in ["hello", *asking_for_a_call(resident)]:
        assistant.sms.text(number, said)


def shoot(page: Page, out: Path, name: str) -> None:
    path = out / name
    page.screenshot(path=str(path))
    print(f"{path.relative_to(PROJECT_ROOT)}: {path.stat().st_size // 1024} KB")


def shoot_chat(browser: Browser, chat_url: str, out: Path) -> None:
    """The chat on a phone: the welcome, then three choirs in Louth."""
    page = tab(browser, chat_url, PHONE, scale=2)
    expect(page.locator(ASSISTANT_TURNS)).to_have_count(1)
    page.wait_for_timeout(500)
    shoot(page, out, "chat-welcome.png")
    page.get_by_role("button", name="Find a group").click()
    expect(page.locator(ASSISTANT_TURNS)).to_have_count(2)
    answered(page, "a choir in Louth")
    expect(page.locator("#messages li.group-card")).to_have_count(3)
    shoot(page, out, "chat-groups.png")
    page.context.close()


def shoot_console(
    browser: Browser, console_url: str, password: str, reference: str, out: Path
) -> None:
    """The console on a desktop: the queue, then a referral a link worker has claimed."""
    page = tab(browser, f"{console_url}/login", DESKTOP)
    page.get_by_label("Email address").fill(WORKER[1])
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("link", name=reference)).to_be_visible()
    shoot(page, out, "console-queue.png")
    page.get_by_role("link", name=reference).click()
    page.get_by_role("button", name="Claim this referral").click()
    expect(page.get_by_role("status")).to_be_visible()
    page.set_viewport_size({"width": DESKTOP["width"], "height": 1400})  # and the conversation
    page.evaluate("window.scrollTo(0, 0)")
    shoot(page, out, "console-referral.png")
    page.context.close()


@contextmanager
def console_beside(assistant: Assistant, log_folder: Path) -> Iterator[str]:
    """The console app, on the port the Rasa server lets call it; its address."""
    with open(log_folder / "console.log", "wb") as log:
        server = start_console(assistant.settings, service_env(assistant.settings), log)
        try:
            url = f"http://127.0.0.1:{assistant.console_port}"
            wait_until_up(f"{url}/chat/", 60, server)
            yield url
        finally:
            stop(server)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--model", type=Path, default=DEFAULT_MODEL)
    args = parser.parse_args(argv)
    if not CHROMIUM.exists():
        print(f"{CHROMIUM} is missing: run scripts/install_browser.sh", file=sys.stderr)
        return 1
    args.out.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    with (
        tempfile.TemporaryDirectory() as folder,
        running_assistant(Path(folder), model=args.model) as assistant,
        console_beside(assistant, Path(folder)) as console,
        sync_playwright() as playwright,
    ):
        password = add_sample_worker(assistant.database_url)
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=["--no-sandbox"]
        )
        for resident in SMS_RESIDENTS:
            sms_referral(assistant, resident)
        reference = web_chat_referral(browser, f"{console}/chat/", WEB_CHAT_RESIDENT)
        shoot_chat(browser, f"{console}/chat/", args.out)
        shoot_console(browser, console, password, reference, args.out)
        browser.close()
    print(f"screenshots taken in {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
