"""The residents' web chat in Debian's Chromium (Playwright), against the real assistant.

The chat page is served by the console app, started as `make run` starts it, on the port the
Rasa server lets call it (CORS); the assistant is the one started once for the test run.
`scripts/install_browser.sh` installs chromium and fetches axe-core into .tmp/.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from chat_helpers import AXE, AXE_FIGURES, INSTALL, new_tab
from playwright.sync_api import Browser, Page, sync_playwright

from frontdoor.runner import service_env, start_console, stop, wait_until_up

CHROMIUM = Path("/usr/bin/chromium")


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if AXE_FIGURES:
        terminalreporter.section("axe-core on the web chat (WCAG 2.2 A and AA, best practice)")
        for line in AXE_FIGURES:
            terminalreporter.write_line(line)


@dataclass(frozen=True)
class ChatSite:
    browser: Browser
    url: str  # the chat page


@pytest.fixture(scope="module")
def chat_site(assistant) -> Iterator[ChatSite]:
    """The chat page, served by the console app on the port the Rasa server allows, and
    Chromium for one module (Playwright's sync API holds an event loop while it runs)."""
    for needed in (CHROMIUM, AXE):
        if not needed.exists():
            pytest.fail(f"{needed} is missing: {INSTALL}")
    with tempfile.TemporaryFile() as log, sync_playwright() as playwright:
        console = start_console(assistant.settings, service_env(assistant.settings), log)
        try:
            url = f"http://127.0.0.1:{assistant.console_port}/chat/"
            wait_until_up(url, 60, console)
            chromium = playwright.chromium.launch(
                executable_path=str(CHROMIUM), headless=True, args=["--no-sandbox"]
            )
            yield ChatSite(chromium, url)
        finally:
            stop(console)


@pytest.fixture()
def tab(chat_site: ChatSite) -> Iterator[Callable[..., Page]]:
    """Open tabs on the chat page (chat_helpers.new_tab); each closed when the test ends."""
    pages: list[Page] = []

    def open_tab(**options: Any) -> Page:
        pages.append(new_tab(chat_site.browser, chat_site.url, **options))
        return pages[-1]

    yield open_tab
    for page in pages:
        page.context.close()
