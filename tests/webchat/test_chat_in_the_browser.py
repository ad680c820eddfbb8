"""The residents' web chat in Chromium, by keyboard alone, against the real assistant: the
welcome, what a screen reader is told, focus, old choices, useful cards, the chat kept on a
reload, "clear this chat", the quick exit, and WCAG 2.2 AA by hand and by axe-core."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import pytest
from chat_helpers import DESKTOP, FOCUS_AND_BARS, PHONE, axe, drawn, held_session, new_tab
from playwright.sync_api import Page, expect

from frontdoor.console.rasa_client import RasaClient

pytestmark = pytest.mark.e2e
WELCOME_CHOICES = ["Find a group", "Help me choose", "Talk to a person"]
NEUTRAL_SITE = "https://www.bbc.co.uk/weather"
BEFORE_THE_CHAT = "https://www.example.org/start"
ASSISTANT_TURNS = "#messages .turn-assistant"
FOCUSED = "(() => { const f = document.activeElement; return f.id || f.textContent; })()"
Tab = Callable[..., Page]


@dataclass
class KeyboardChat:
    """A resident's chat on a phone by keyboard alone, and what was seen on the way."""

    page: Page
    announced: list[list[dict[str, str]]] = field(default_factory=list)  # per turn of talk
    focus_after_reply: list[str] = field(default_factory=list)

    def heard(self) -> list[dict[str, str]]:
        """What the log announced since last asked."""
        found: list[dict[str, str]] = self.page.evaluate("window.announced.splice(0)")
        return found

    def reply_to(self, act: Callable[[], None]) -> None:
        """Do act (a key press that sends), wait for the assistant's whole answer, note what
        was announced and where focus went."""
        before = self.page.locator(ASSISTANT_TURNS).count()
        act()
        self.page.wait_for_function(
            f"document.querySelectorAll('{ASSISTANT_TURNS}').length > {before}"
        )
        self.page.wait_for_timeout(1500)  # nothing more of the turn may arrive after it
        self.focus_after_reply.append(self.page.evaluate(FOCUSED))
        self.announced.append(self.heard())


@pytest.fixture(scope="module")
def keyboard_chat(chat_site) -> Iterator[KeyboardChat]:
    """Skip to the chat, choose "Find a group" with the keyboard, type a choir in Louth."""
    chat = KeyboardChat(new_tab(chat_site.browser, chat_site.url, PHONE))
    keys = chat.page.keyboard
    chat.announced.append(chat.heard())  # the welcome
    keys.press("Tab")
    keys.press("Enter")  # "Skip to the chat"
    chat.focus_after_reply.append(chat.page.evaluate(FOCUSED))
    for _ in WELCOME_CHOICES:
        keys.press("Shift+Tab")  # back through the three choices, to the first
    chat.reply_to(lambda: keys.press("Enter"))
    keys.type("a choir in Louth")
    chat.reply_to(lambda: keys.press("Enter"))
    yield chat
    chat.page.context.close()


def turn_texts(page: Page) -> list[str]:
    return [" ".join(t.split()) for t in page.locator("#messages .turn").all_inner_texts()]


def test_a_new_chat_opens_with_the_assistants_welcome_and_its_three_choices(tab: Tab) -> None:
    page = tab()
    welcome = page.locator(ASSISTANT_TURNS).first
    expect(welcome).to_contain_text("I am the council's community support helper")
    expect(welcome.get_by_role("button")).to_have_text(WELCOME_CHOICES)
    expect(page.locator("#messages .turn")).to_have_count(1)  # the page's "/greet" not shown
    assert page.locator("#messages .from-resident").count() == 0


def test_the_log_is_announced_politely_one_announcement_a_turn(keyboard_chat) -> None:
    page = keyboard_chat.page
    cdp = page.context.new_cdp_session(page)
    nodes = cdp.send("Accessibility.getFullAXTree")["nodes"]
    [log] = [n for n in nodes if n.get("role", {}).get("value") == "log"]
    properties = {p["name"]: p["value"].get("value") for p in log.get("properties", [])}
    assert log["name"]["value"] == "Conversation"
    assert properties["live"] == "polite" and not properties.get("atomic")
    welcome, choice, cards = keyboard_chat.announced
    assert [a["into"] for a in welcome] == ["log"]  # the welcome and its choices: one
    assert "Find a group" in welcome[0]["text"]
    for turn in (choice, cards):  # the resident's words, then the whole answer: one each
        assert [a["into"] for a in turn] == ["log", "log"], turn
    assert choice[0]["text"] == "YouFind a group"
    assert cards[0]["text"] == "Youa choir in Louth"
    assert cards[1]["text"].count("Why this one:") == 3  # three cards, one announcement
    snapshot = page.locator("#messages").aria_snapshot()
    assert '- log "Conversation"' in snapshot
    assert re.search(r'- heading "[^"]+" \[level=3\]', snapshot)  # each card has a heading
    assert '- link "Call 01632' in snapshot


def test_keyboard_alone_reaches_the_chat_and_focus_comes_back_after_each_reply(
    keyboard_chat,
) -> None:
    assert keyboard_chat.focus_after_reply == ["chat-input", "chat-input", "chat-input"]
    first = keyboard_chat.page.locator(ASSISTANT_TURNS).first.get_by_role("button")
    expect(first).to_have_count(3)
    for button in first.all():  # the conversation moved on: old choices cannot be pressed
        expect(button).to_be_disabled()
    expect(first.filter(has_text="Find a group")).to_have_class("chosen")


def test_cards_call_open_the_groups_page_map_it_and_say_how_far_and_for_whom(
    keyboard_chat,
) -> None:
    cards = keyboard_chat.page.locator("#messages li.group-card")
    expect(cards).to_have_count(3)
    for card in cards.all():
        name = card.get_by_role("heading").inner_text()
        call = card.get_by_role("link", name=re.compile(r"^Call 01632 \d{6}$"))
        assert re.fullmatch(r"tel:\+441632\d{6}", call.get_attribute("href") or "")
        page = card.get_by_role("link", name=f"Web page of {name}")
        assert (page.get_attribute("href") or "").startswith("https://www.example.org/groups/")
        where = card.get_by_role("link", name=f"Map of where {name} meets")
        assert re.match(
            r"https://www\.openstreetmap\.org/\?mlat=5\d\.\d{5}&mlon=-?0\.\d{5}",
            where.get_attribute("href") or "",
        )
        expect(card.locator(".miles")).to_have_text(
            re.compile(r"^(\d+(\.\d)? miles|Less than a mile) away$")
        )
        expect(card).to_contain_text("Who it is for: Anyone aged")


def test_a_reload_draws_the_same_chat_from_the_tracker(keyboard_chat, tab: Tab) -> None:
    before = turn_texts(keyboard_chat.page)
    again = tab(viewport=PHONE, session=held_session(keyboard_chat.page))
    assert turn_texts(again) == before  # the choice as its title, the cards, in order
    expect(again.locator("#messages .note")).to_have_text(
        "Welcome back. We can carry on where we left off."
    )
    assert again.evaluate("window.announced") == []  # drawn again, not read out again
    old = again.locator("#messages .turn").first.get_by_role("button")
    for button in old.all():
        expect(button).to_be_disabled()
    # the choices of the last turn can still be pressed
    expect(again.get_by_role("button", name="Show more")).to_be_enabled()


def test_the_link_worker_banner_comes_back_after_a_reload(assistant, tab: Tab) -> None:
    page = tab()
    session = held_session(page)
    rasa = RasaClient(assistant.rasa_url, assistant.token)
    banner = page.locator("#chat-status")
    rasa.take_over(session["session_id"], "Sam")
    expect(banner).to_have_text("You are talking to Sam, a link worker. This is a real person.")
    page.reload()
    drawn(page)
    expect(banner).to_have_text("You are talking to Sam, a link worker. This is a real person.")
    expect(page.locator("#messages li.from-person")).to_contain_text("Hello, this is Sam")
    rasa.hand_back(session["session_id"])
    expect(banner).to_have_text("You are talking to the assistant, a computer program.")
    page.reload()
    drawn(page)
    expect(banner).to_have_text("You are talking to the assistant, a computer program.")


def test_clear_this_chat_forgets_it_in_this_tab_and_starts_a_new_one(tab: Tab) -> None:
    page = tab()
    old = held_session(page)
    page.get_by_label("Your message").fill("I enjoy gardening")
    page.get_by_role("button", name="Send").click()
    expect(page.locator(ASSISTANT_TURNS)).to_have_count(2)
    page.get_by_role("button", name="Clear this chat").click()
    expect(page.get_by_label("Your message")).to_be_focused()
    expect(page.locator("#messages")).not_to_contain_text("gardening")
    expect(page.locator(ASSISTANT_TURNS).first).to_contain_text("community support helper")
    new = held_session(page)
    assert new["session_id"] != old["session_id"]
    page.reload()
    drawn(page)
    expect(page.locator("#messages")).not_to_contain_text("gardening")


def start_before_the_chat(page: Page, chat_url: str) -> None:
    """A page of another site first, then the chat: the history a resident has."""
    for site in (BEFORE_THE_CHAT, NEUTRAL_SITE):
        page.context.route(
            site,
            lambda route: route.fulfill(body="<title>Elsewhere</title>", content_type="text/html"),
        )
    page.goto(BEFORE_THE_CHAT)
    page.goto(chat_url)
    drawn(page)


@pytest.mark.parametrize("how", ["button", "shift three times"])
def test_the_quick_exit_leaves_for_a_neutral_site_and_replaces_the_history_entry(
    chat_site, how: str
) -> None:
    chat_url = chat_site.url
    page = new_tab(chat_site.browser, chat_url)
    try:
        start_before_the_chat(page, chat_url)
        session = held_session(page)
        entries = page.evaluate("history.length")
        if how == "button":
            page.get_by_role("button", name="Leave this page").focus()
            page.keyboard.press("Enter")
        else:
            page.get_by_label("Your message").focus()
            page.keyboard.type("Hello There")  # capitals: Shift with a letter is not an exit
            assert page.url == chat_url
            for _ in range(3):
                page.keyboard.press("Shift")
        page.wait_for_url(NEUTRAL_SITE)
        assert page.evaluate("history.length") == entries  # replaced, not added
        page.go_back()
        assert page.url == BEFORE_THE_CHAT  # Back does not return to the chat
        page.goto(chat_url)
        drawn(page)
        assert held_session(page)["session_id"] != session["session_id"]  # forgotten
    finally:
        page.context.close()


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_axe_finds_nothing_before_and_after_cards(keyboard_chat, tab: Tab, viewport) -> None:
    welcome = tab(viewport=viewport)
    assert axe(welcome, "the chat with its welcome") == []
    cards = tab(viewport=viewport, session=held_session(keyboard_chat.page))
    expect(cards.locator("#messages li.group-card")).to_have_count(3)
    assert axe(cards, "the chat with group cards") == []


VISIBLE_TARGETS = """() => Array.from(document.querySelectorAll('a[href], button, input'))
  .filter((node) => node.getClientRects().length && node.getBoundingClientRect().left >= 0)
  .map((node) => { const r = node.getBoundingClientRect();
    return { name: node.textContent.trim() || node.id, width: r.width, height: r.height }; })"""


def test_targets_are_at_least_24_pixels(keyboard_chat, tab: Tab) -> None:
    page = tab(viewport=PHONE, session=held_session(keyboard_chat.page))
    targets = page.evaluate(VISIBLE_TARGETS)
    assert len(targets) > 12  # choices, card links, the message box, the exits
    small = [t for t in targets if t["width"] < 24 or t["height"] < 24]
    assert small == []


def test_focus_is_never_hidden_under_the_sticky_bars(keyboard_chat, tab: Tab) -> None:
    session = held_session(keyboard_chat.page)
    page = tab(viewport=PHONE, session=session, reduced_motion="reduce")  # no smooth scroll
    assert (
        page.evaluate("getComputedStyle(document.getElementById('chat-form')).position") == "sticky"
    )
    page.get_by_role("button", name="Leave this page").focus()
    seen = [page.evaluate(FOCUS_AND_BARS)]
    while seen[-1]["name"] != "Send" and len(seen) < 40:  # Send is the page's last
        page.keyboard.press("Tab")
        seen.append(page.evaluate(FOCUS_AND_BARS))
    cards = [s for s in seen if s["name"].startswith(("Call", "Web page", "Map"))]
    assert len(cards) >= 9  # the tab went through the cards' links
    assert [s for s in seen if s["under"] or not s["inView"]] == []


NO_SIDEWAYS_SCROLL = "document.documentElement.scrollWidth <= document.documentElement.clientWidth"


@pytest.mark.parametrize(
    "viewport",
    [{"width": 320, "height": 640}, {"width": 320, "height": 256}],
    ids=["320 px", "1280x1024 at 400% zoom"],
)
def test_the_chat_reflows_without_scrolling_sideways(keyboard_chat, tab: Tab, viewport) -> None:
    page = tab(viewport=viewport, session=held_session(keyboard_chat.page))
    expect(page.locator("#messages li.group-card")).to_have_count(3)
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    widest = page.evaluate(
        "Math.max(...Array.from(document.querySelectorAll('#messages *'), (n) => n.getBoundingClientRect().right))"
    )
    assert widest <= viewport["width"]


def test_text_resized_to_200_percent_still_fits(keyboard_chat, tab: Tab) -> None:
    page = tab(viewport=DESKTOP, session=held_session(keyboard_chat.page))
    size = page.evaluate(
        "parseFloat(getComputedStyle(document.querySelector('.group-card h3')).fontSize)"
    )
    page.evaluate("document.documentElement.style.fontSize = '200%'")
    bigger = page.evaluate(
        "parseFloat(getComputedStyle(document.querySelector('.group-card h3')).fontSize)"
    )
    assert bigger == 2 * size  # sizes are in rem: the text grows with the reader's setting
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    expect(page.get_by_label("Your message")).to_be_in_viewport()


CONTRAST = """(selector) => {
  const node = document.querySelector(selector);
  const channel = (c) => { c /= 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; };
  const luminance = (colour) => { const [r, g, b] = colour.match(/\\d+(\\.\\d+)?/g).map(Number);
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b); };
  let back = node;  // the nearest background drawn behind it (the page's own is white)
  while (back && getComputedStyle(back).backgroundColor === 'rgba(0, 0, 0, 0)') { back = back.parentElement; }
  const behind = back ? getComputedStyle(back).backgroundColor : 'rgb(255, 255, 255)';
  const [a, b] = [luminance(getComputedStyle(node).color), luminance(behind)];
  return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
}"""


def test_colour_contrast_measured_by_hand(keyboard_chat, tab: Tab) -> None:
    page = tab(viewport=DESKTOP, session=held_session(keyboard_chat.page))
    for selector in (
        ".quick-exit-button",
        ".quick-exit-hint",
        ".from-resident .text",
        ".from-assistant .text",
        ".choices button.chosen",
        ".choices button:not(.chosen)",
        ".card-link",
        ".chat-status",
        "#chat-clear",
        ".chat-form button",
        ".chat-hint",
    ):
        assert page.evaluate(CONTRAST, selector) >= 4.5, selector


def animation_and_scrolling(page: Page) -> list[str]:
    found: list[str] = page.evaluate(
        "[getComputedStyle(document.querySelector('#messages .turn')).animationName,"
        " getComputedStyle(document.documentElement).scrollBehavior]"
    )
    return found


def test_reduced_motion_is_honoured(tab: Tab) -> None:
    assert animation_and_scrolling(tab()) == ["arrive", "smooth"]
    assert animation_and_scrolling(tab(reduced_motion="reduce")) == ["none", "auto"]


def test_nothing_shown_can_run_as_code(tab: Tab) -> None:
    page = tab()
    page.get_by_label("Your message").fill("<img src=x onerror=\"document.title='pwned'\">")
    page.get_by_role("button", name="Send").click()
    expect(page.locator("#messages .from-resident .text")).to_have_text(
        "<img src=x onerror=\"document.title='pwned'\">"
    )
    assert page.title() != "pwned"
