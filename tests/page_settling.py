"""Waiting for a browser page to stop moving before axe-core measures it (shared by the web
chat's and the console's browser tests)."""

from __future__ import annotations

from playwright.sync_api import Page

# Resolves once nothing on the page has scrolled for five frames in a row: axe measures
# targets where they are, and a smooth scroll still under way can slide a button under the
# sticky message box for a moment.
SCROLLING_STOPPED = """() => new Promise((done) => {
  const where = () => [window.scrollY, ...[...document.querySelectorAll('*')]
    .filter((e) => e.scrollHeight > e.clientHeight).map((e) => e.scrollTop)].join(',');
  let last = where(), still = 0;
  const look = () => {
    const now = where();
    still = now === last ? still + 1 : 0;
    last = now;
    if (still >= 5) { done(true); } else { requestAnimationFrame(look); }
  };
  requestAnimationFrame(look);
})"""


def wait_until_still(page: Page) -> None:
    """Return once the page's scrolling has stopped."""
    page.evaluate(SCROLLING_STOPPED)
