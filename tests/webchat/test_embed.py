"""The chat on a council's own page with one script tag (web/embed.js), in Chromium against the
real assistant. The council's page is on one origin, the one the Rasa server allows
(CHAT_ORIGINS); the console app that serves the script is on another, as it would be live."""

from __future__ import annotations

import re
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from chat_helpers import AXE, DESKTOP, FOCUS_AND_BARS, INSTALL, PHONE, axe
from playwright.sync_api import Browser, Page, expect, sync_playwright

from frontdoor.runner import free_port, service_env, start_console, stop, wait_until_up

pytestmark = pytest.mark.e2e
CHROMIUM = Path("/usr/bin/chromium")
TITLE = "Talk to our community support team"
EXIT = "https://www.example.org/weather"
PURPLE = "#5a2d82"  # the council's colour: white on it is AA
CHAT = ".frontdoor-chat"  # Playwright's CSS locators reach into the open shadow root
TURNS = f"{CHAT} #messages .turn"
ASSISTANT_TURNS = f"{CHAT} #messages .turn-assistant"
CARDS = f"{CHAT} #messages li.group-card"

# A council's page, with styles of its own that would spoil the chat if they reached it.
COUNCIL_PAGE = """<!doctype html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Adult care - Example Borough Council</title>
<style>
  body {{ font-family: Georgia, serif; letter-spacing: 0.1em; text-transform: uppercase;
         color: #222222; margin: 0 1rem; }}
  button {{ background: #ff69b4; color: #000000; font-size: 2rem; }}
  li {{ list-style: square; margin-left: 3rem; }}
  h2 {{ color: #8b0000; text-decoration: underline; }}
  a {{ color: #551a8b; }}
</style>
</head>
<body>
<header><p>Example Borough Council</p></header>
<main>
<h1>Adult care and support</h1>
<p>Help to stay well and meet people near you. <a href="/contact">Contact us</a>.</p>
<h2>Our services</h2>
<button type="button">Search our services</button>
{tag}
</main>
<footer><p>Example Borough Council, Town Hall</p></footer>
</body>
</html>
"""


def council_pages(console: str) -> dict[str, str]:
    """The council's pages: one with the chat told what to show, one with the chat as it comes
    (and a colour too pale to be used)."""
    src = f"{console}/chat/embed.js"
    told = (
        f'<script src="{src}" data-title="{TITLE}" data-exit-url="{EXIT}" '
        f'data-colour="{PURPLE}" async></script>'
    )
    as_it_comes = f'<script src="{src}" data-colour="#ffdd00" async></script>'
    return {
        "/": COUNCIL_PAGE.format(tag=told),
        "/as-it-comes": COUNCIL_PAGE.format(tag=as_it_comes),
    }


@contextmanager
def council_site(port: int, pages: dict[str, str]) -> Iterator[None]:
    """A plain web server for the council's pages, on the port whose origin Rasa allows."""

    class Pages(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            body = pages.get(self.path, "").encode()
            self.send_response(200 if body else 404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            pass

    server = ThreadingHTTPServer(("127.0.0.1", port), Pages)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield
    finally:
        server.shutdown()
        server.server_close()


@dataclass(frozen=True)
class EmbedSite:
    browser: Browser
    site: str  # the council's site: its origin is in the Rasa server's CHAT_ORIGINS
    console: str  # the console app that serves embed.js, on another origin


@pytest.fixture(scope="module")
def embed_site(assistant) -> Iterator[EmbedSite]:
    """The council's site, the console on another port, and Chromium, for one module."""
    for needed in (CHROMIUM, AXE):
        if not needed.exists():
            pytest.fail(f"{needed} is missing: {INSTALL}")
    settings = assistant.settings.copy(update={"console_port": free_port()})
    console = f"http://127.0.0.1:{settings.console_port}"
    site = f"http://127.0.0.1:{assistant.console_port}"
    with (
        tempfile.TemporaryFile() as log,
        council_site(assistant.console_port, council_pages(console)),
        sync_playwright() as playwright,
    ):
        server = start_console(settings, service_env(settings), log)
        try:
            wait_until_up(f"{console}/chat/embed.js", 60, server)
            chromium = playwright.chromium.launch(
                executable_path=str(CHROMIUM), headless=True, args=["--no-sandbox"]
            )
            yield EmbedSite(chromium, site, console)
        finally:
            stop(server)


def open_page(site: EmbedSite, path: str = "/", viewport: dict[str, int] = DESKTOP) -> Page:
    """The council's page in a tab of its own, once the chat on it is drawn."""
    context = site.browser.new_context(viewport=viewport, bypass_csp=True)  # for axe-core
    context.set_default_timeout(60_000)
    page = context.new_page()
    page.goto(site.site + path)
    drawn(page)
    return page


def drawn(page: Page) -> None:
    """Wait for the chat's first turn, and for its log to be live."""
    expect(page.locator(TURNS).first).to_be_visible()
    expect(page.locator(f"{CHAT} #messages")).to_have_attribute("aria-live", "polite")


# axe-core counts a target partly under a sticky bar as too small, wherever the page happens to
# be scrolled; so it checks the chat with its bars in their places in the page (as a short window
# has them), and test_focus_is_never_hidden_under_the_chats_sticky_bars checks the bars.
UNSTICK = """(host) => host.shadowRoot.querySelectorAll('.quick-exit, .chat-form')
  .forEach((bar) => { bar.style.position = 'static'; })"""


def axe_unstuck(page: Page, name: str) -> list[str]:
    """What axe-core finds on the page, with the chat's sticky bars in their places."""
    page.locator(CHAT).evaluate(UNSTICK)
    return axe(page, name)


def say(page: Page, text: str) -> None:
    """Send text and wait for the assistant's answer to it."""
    before = page.locator(ASSISTANT_TURNS).count()
    page.get_by_label("Your message").fill(text)
    page.get_by_role("button", name="Send").click()
    expect(page.locator(ASSISTANT_TURNS)).to_have_count(before + 1)


def find_choirs(page: Page) -> None:
    """Choose "Find a group" and ask for a choir: three group cards."""
    before = page.locator(ASSISTANT_TURNS).count()
    page.get_by_role("button", name="Find a group").click()
    expect(page.locator(ASSISTANT_TURNS)).to_have_count(before + 1)
    say(page, "a choir in Louth")
    expect(page.locator(CARDS)).to_have_count(3)


def turn_texts(page: Page) -> list[str]:
    return [" ".join(t.split()) for t in page.locator(TURNS).all_inner_texts()]


@pytest.fixture(scope="module")
def chat_with_cards(embed_site: EmbedSite) -> Iterator[Page]:
    """A resident's chat on the council's page, as far as three group cards."""
    page = open_page(embed_site)
    find_choirs(page)
    yield page
    page.context.close()


def test_one_script_tag_from_another_origin_brings_a_chat_that_answers(
    embed_site: EmbedSite, chat_with_cards: Page
) -> None:
    page = chat_with_cards
    script = page.locator("script[src$='/chat/embed.js']").get_attribute("src") or ""
    assert script.startswith(embed_site.console) and embed_site.console != embed_site.site
    welcome = page.locator(ASSISTANT_TURNS).first
    expect(welcome).to_contain_text("I am the council's community support helper")
    expect(welcome.get_by_role("button")).to_have_text(
        ["Find a group", "Help me choose", "Talk to a person"]
    )
    expect(page.get_by_role("heading", name=TITLE, level=2)).to_be_visible()
    expect(page.locator(f"{CHAT} #chat-connection")).to_have_text("Connected.")
    for card in page.locator(CARDS).all():
        expect(card.get_by_role("link", name=re.compile(r"^Call 01632 \d{6}$"))).to_be_visible()
    # the chat's socket.io and settings stay out of the page's own scripts
    assert page.evaluate("[typeof window.io, typeof window.FRONTDOOR_CHAT]") == [
        "undefined",
        "undefined",
    ]


def test_a_reload_carries_the_chat_on_from_the_allowed_origin(chat_with_cards: Page) -> None:
    before = turn_texts(chat_with_cards)
    chat_with_cards.reload()
    drawn(chat_with_cards)
    expect(chat_with_cards.locator(CARDS)).to_have_count(3)  # read back across origins (CORS)
    assert turn_texts(chat_with_cards) == before
    expect(chat_with_cards.locator(f"{CHAT} #messages .note")).to_have_text(
        "Welcome back. We can carry on where we left off."
    )


SKELETON = """(root) => Array.from(root.querySelectorAll('section.chat, section.chat *'))
  .filter((node) => !node.closest('#messages') || node.id === 'messages')
  .map((node) => [node.tagName, node.id, node.className, node.getAttribute('role'),
    node.getAttribute('aria-live'), node.getAttribute('aria-labelledby'),
    node.getAttribute('aria-describedby'), node.getAttribute('for')].join(' '))"""


def test_the_embedded_chat_is_the_chat_pages_chat(
    embed_site: EmbedSite, chat_with_cards: Page
) -> None:
    host = chat_with_cards.locator(CHAT)
    embedded = host.evaluate(f"(host) => ({SKELETON})(host.shadowRoot)")
    chat_page = chat_with_cards.context.new_page()
    chat_page.goto(f"{embed_site.console}/chat/")
    assert chat_page.evaluate(f"({SKELETON})(document)") == embedded
    assert len(embedded) > 12
    chat_page.close()
    exit_button = chat_with_cards.get_by_role("button", name="Leave this page")
    assert exit_button.get_attribute("href") == EXIT


STYLE = """([selector, property]) => {
  const host = document.querySelector('.frontdoor-chat');
  const node = selector.startsWith('chat ')
    ? host.shadowRoot.querySelector(selector.slice(5)) : document.querySelector(selector);
  return getComputedStyle(node)[property];
}"""


def style(page: Page, selector: str, property: str) -> str:
    """A computed style: of the chat's element for 'chat <selector>', else of the page's."""
    found: str = page.evaluate(STYLE, [selector, property])
    return found


def test_the_page_and_the_chat_keep_their_own_styles(chat_with_cards: Page) -> None:
    page = chat_with_cards
    assert style(page, "chat #chat-form button", "backgroundColor") == "rgb(0, 86, 63)"
    assert style(page, "chat #chat-form button", "fontSize") == "16px"
    assert style(page, "chat .group-card", "marginLeft") == "0px"
    assert style(page, "chat #chat-title", "textDecorationLine") == "none"
    assert style(page, "chat .message .text", "textTransform") == "none"
    assert style(page, "chat .message .text", "letterSpacing") == "normal"
    assert style(page, "chat .message .text", "fontFamily").startswith("Arial")
    assert style(page, "chat .from-resident", "backgroundColor") == "rgb(90, 45, 130)"  # purple
    assert style(page, "main > button", "backgroundColor") == "rgb(255, 105, 180)"
    assert style(page, "main > h2", "color") == "rgb(139, 0, 0)"
    assert style(page, "main a", "color") == "rgb(85, 26, 139)"


def test_without_data_attributes_the_chat_comes_as_it_is_on_the_chat_page(
    embed_site: EmbedSite,
) -> None:
    page = open_page(embed_site, "/as-it-comes")
    try:
        expect(page.get_by_role("heading", name="Chat with us", level=2)).to_be_visible()
        exit_button = page.get_by_role("button", name="Leave this page")
        assert exit_button.get_attribute("href") == "https://www.bbc.co.uk/weather"
        # a colour white text cannot be read on is not used
        assert style(page, "chat .chat", "borderTopColor") == "rgb(29, 79, 145)"
    finally:
        page.context.close()


def test_the_quick_exit_leaves_the_councils_page_and_replaces_its_history_entry(
    embed_site: EmbedSite,
) -> None:
    page = open_page(embed_site)
    try:
        page.context.route(EXIT, lambda route: route.fulfill(body="<title>Weather</title>"))
        entries = page.evaluate("history.length")
        page.get_by_role("button", name="Leave this page").click()
        page.wait_for_url(EXIT)
        assert page.evaluate("history.length") == entries
    finally:
        page.context.close()


def test_a_site_not_in_chat_origins_cannot_chat(embed_site: EmbedSite) -> None:
    port = free_port()  # a site the Rasa server was not told of
    with council_site(port, council_pages(embed_site.console)):
        page = embed_site.browser.new_page()
        try:
            page.goto(f"http://127.0.0.1:{port}/")
            expect(page.locator(f"{CHAT} #chat-connection")).to_have_text(
                "We cannot reach the chat just now. Please try later or call 01632 960000."
            )
            expect(page.get_by_role("button", name="Send")).to_be_disabled()
            assert page.locator(TURNS).count() == 0
        finally:
            page.close()


# The page's check of where focus is, with the chat's shadow root as its document.
FOCUS_IN_THE_CHAT = f"(host) => ((document) => ({FOCUS_AND_BARS})())(host.shadowRoot)"


def test_focus_is_never_hidden_under_the_chats_sticky_bars(chat_with_cards: Page) -> None:
    page = chat_with_cards
    page.set_viewport_size(PHONE)
    page.emulate_media(reduced_motion="reduce")  # no smooth scrolling
    host = page.locator(CHAT)
    assert (
        host.evaluate("(h) => getComputedStyle(h.shadowRoot.getElementById('chat-form')).position")
        == "sticky"
    )
    page.get_by_role("button", name="Leave this page").focus()
    seen = [host.evaluate(FOCUS_IN_THE_CHAT)]
    while seen[-1]["name"] != "Send" and len(seen) < 40:
        page.keyboard.press("Tab")
        seen.append(host.evaluate(FOCUS_IN_THE_CHAT))
    assert len([s for s in seen if s["name"].startswith(("Call", "Web page", "Map"))]) >= 9
    assert [s for s in seen if s["under"] or not s["inView"]] == []


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_axe_finds_nothing_on_the_councils_page_before_and_after_cards(
    embed_site: EmbedSite, viewport: dict[str, int]
) -> None:
    page = open_page(embed_site, viewport=viewport)
    try:
        assert axe_unstuck(page, "a council's page with the chat embedded, its welcome") == []
        find_choirs(page)
        assert axe_unstuck(page, "a council's page with the chat embedded, group cards") == []
    finally:
        page.context.close()
