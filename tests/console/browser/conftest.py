"""Browser tests: the console served by uvicorn in a thread, Debian's chromium via Playwright.

`scripts/install_browser.sh` installs chromium and fetches axe-core into .tmp/ (git-ignored).
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import uvicorn
from browser_helpers import INSTALL
from console_helpers import FakeRasa, add_worker
from playwright.sync_api import Browser, Page, sync_playwright

from frontdoor.console.app import create_app
from frontdoor.console.rasa_client import RasaClient
from frontdoor.runner import free_port
from frontdoor.settings import get_settings

CHROMIUM = Path("/usr/bin/chromium")


@dataclass
class Console:
    url: str
    database_url: str


class _Server(uvicorn.Server):
    def install_signal_handlers(self) -> None:  # the test process keeps its own
        pass


@pytest.fixture()
def serve() -> Iterator:
    """Start a console app on a free port; stopped when the test ends."""
    servers: list[tuple[_Server, threading.Thread]] = []

    def start(app, port: int | None = None) -> str:
        port = port or free_port()
        # A page's alert stream (server-sent events) stays open: stop it a second after asking.
        config = uvicorn.Config(
            app, host="127.0.0.1", port=port, log_level="warning", timeout_graceful_shutdown=1
        )
        server = _Server(config)
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        deadline = time.monotonic() + 20
        while not server.started:
            if time.monotonic() > deadline:
                raise TimeoutError("the console did not start")
            time.sleep(0.05)
        servers.append((server, thread))
        return f"http://127.0.0.1:{port}"

    yield start
    for server, thread in servers:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture()
def console(console_store: str, serve) -> Console:
    """The console over a fresh store, with a stand-in for Rasa."""
    return Console(serve(create_app(console_store, rasa=FakeRasa())), console_store)


@pytest.fixture()
def live_console(assistant, serve) -> Console:
    """The console over the running assistant's store, talking to its Rasa server."""
    url = assistant.database_url
    for name, email, role in (
        ("Sam Jones", "sam.live@example.org", "link_worker"),
        ("Pat Manager", "pat.live@example.org", "manager"),
    ):
        with contextlib.suppress(ValueError):  # added by an earlier test in this session
            add_worker(url, name, email, role)
    settings = get_settings().copy(
        update={
            "database_url": url,
            "rasa_url": assistant.rasa_url,
            "rasa_api_token": assistant.token,
            "public_rasa_url": assistant.rasa_url,
        }
    )
    app = create_app(url, settings=settings, rasa=RasaClient(assistant.rasa_url, assistant.token))
    return Console(serve(app, assistant.console_port), url)  # the origin Rasa allows


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Chromium for one module: Playwright's sync API holds an event loop while it runs, which
    would stop later asyncio tests (the SMS channel's) from running theirs."""
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: {INSTALL}")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=["--no-sandbox"]
        )
        yield chromium
        chromium.close()


@pytest.fixture()
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(bypass_csp=True)  # so axe-core can be injected
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()
