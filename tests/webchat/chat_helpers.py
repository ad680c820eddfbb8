"""What the web chat's browser tests share: a tab on the chat page, axe-core, the session."""

from __future__ import annotations

import json

from page_settling import wait_until_still
from playwright.sync_api import Browser, Page

from frontdoor.settings import PROJECT_ROOT

AXE = PROJECT_ROOT / ".tmp" / "axe-core" / "node_modules" / "axe-core" / "axe.min.js"
INSTALL = "run scripts/install_browser.sh (make test does)"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
SESSION_KEY = "frontdoor-chat-session"  # where web/chat.js keeps the tab's session
# What axe found, by page and viewport: printed at the end of the run.
AXE_FIGURES: list[str] = []

# Every node added to the conversation log while it is live: what a screen reader is told.
RECORD_ANNOUNCEMENTS = """
window.announced = [];
document.addEventListener("DOMContentLoaded", () => {
  const log = document.getElementById("messages");
  new MutationObserver((records) => records.forEach((record) => {
    if (log.getAttribute("aria-live") === "off") { return; }
    record.addedNodes.forEach((node) => {
      if (node.nodeType === Node.ELEMENT_NODE || node.textContent.trim()) {
        window.announced.push({ into: record.target === log ? "log" : "a turn", text: node.textContent });
      }
    });
  })).observe(log, { childList: true, subtree: true, characterData: true });
});
"""


def new_tab(
    browser: Browser,
    chat_url: str,
    viewport: dict[str, int] = DESKTOP,
    session: dict[str, str] | None = None,
    reduced_motion: str = "no-preference",
) -> Page:
    """A tab on the chat page, in a context of its own: a new chat, or (session=) the tab of
    one that went before, as after a reload. Returns once the chat is drawn."""
    context = browser.new_context(
        viewport=viewport,
        reduced_motion=reduced_motion,
        bypass_csp=True,  # for axe-core
    )
    context.set_default_timeout(60_000)
    page = context.new_page()
    page.add_init_script(RECORD_ANNOUNCEMENTS)
    if session is not None:
        page.goto(chat_url + "config.js")  # the chat's origin, in this tab, without the chat
        page.evaluate(
            "([k, v]) => sessionStorage.setItem(k, v)", [SESSION_KEY, json.dumps(session)]
        )
    page.goto(chat_url)
    drawn(page)
    return page


def drawn(page: Page) -> None:
    """Wait for the chat to be drawn, and for the log to be live again after a redraw."""
    page.wait_for_function("document.querySelectorAll('#messages .turn').length > 0")
    page.wait_for_function(
        "document.getElementById('messages').getAttribute('aria-live') === 'polite'"
    )


def held_session(page: Page) -> dict[str, str]:
    """The session id and key this tab holds."""
    stored: dict[str, str] = json.loads(
        page.evaluate(f"sessionStorage.getItem('{SESSION_KEY}') || 'null'") or "null"
    )
    return stored


# axe-core's rules for WCAG 2.0, 2.1 and 2.2 at levels A and AA, and its best practice.
AXE_RUN = """() => axe.run(document, {runOnly: {type: 'tag', values:
  ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice']}})"""


# Where the focus is, and whether a sticky bar (quick exit, message box) covers it.
FOCUS_AND_BARS = """() => {
  const rect = (node) => node.getBoundingClientRect();
  const sticky = (node) => getComputedStyle(node).position === 'sticky';
  const bars = [document.querySelector('.quick-exit'), document.getElementById('chat-form')];
  const focused = document.activeElement;
  const f = rect(focused);
  const under = bars.filter((bar) => sticky(bar) && !bar.contains(focused)).some((bar) => {
    const b = rect(bar);
    return f.top < b.bottom && f.bottom > b.top;
  });
  return { name: focused.textContent.trim() || focused.id, under,
           inView: f.top >= 0 && f.bottom <= innerHeight };
}"""


def axe(page: Page, name: str) -> list[str]:
    """What axe-core finds wrong, one line a rule; its figures noted for the run's summary."""
    wait_until_still(page)
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(AXE_RUN)
    size = page.viewport_size or {}
    AXE_FIGURES.append(
        f"{name} at {size.get('width')}x{size.get('height')}: "
        f"{len(result['violations'])} violations, {len(result['passes'])} rules passed, "
        f"{len(result['incomplete'])} to check by hand, {len(result['inapplicable'])} not applicable"
    )
    return [
        f"{found['id']} ({found['help']}): {[node['target'] for node in found['nodes']]}"
        for found in result["violations"]
    ]
