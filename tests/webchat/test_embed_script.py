"""What the console serves at /chat/embed.js: web/embed.js, after the Rasa server's address and
the chat page's own markup (frontdoor/console/chat_embed.py)."""

from __future__ import annotations

import json
import re

import pytest
from fastapi.testclient import TestClient

from frontdoor.console.app import WEB, create_app
from frontdoor.console.chat_embed import embed_markup
from frontdoor.settings import get_settings

DEFAULTS = re.compile(r"window\.FRONTDOOR_CHAT_EMBED = (\{.*\});\n")  # its first line


def test_the_script_carries_where_rasa_is_and_the_chat_pages_markup(sqlite_url, monkeypatch):
    monkeypatch.setenv("PUBLIC_RASA_URL", "https://chat.example.org")
    client = TestClient(create_app(sqlite_url, settings=get_settings()))
    response = client.get("/chat/embed.js")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/javascript")
    assert response.headers["cache-control"] == "public, max-age=300"
    found = DEFAULTS.match(response.text)
    assert found is not None
    defaults = json.loads(found.group(1))
    assert defaults["rasaUrl"] == "https://chat.example.org"
    assert response.text.endswith((WEB / "embed.js").read_text())
    page = (WEB / "index.html").read_text()
    assert defaults["chat"] in page  # the chat section, as the page has it
    assert 'id="messages" role="log" aria-live="polite"' in defaults["chat"]


def test_embedded_the_quick_exit_is_a_plain_block_not_a_landmark():
    markup = embed_markup((WEB / "index.html").read_text())
    exit_bar = markup["quickExit"]
    assert exit_bar.startswith('<div class="quick-exit">') and exit_bar.endswith("</div>")
    assert 'id="quick-exit"' in exit_bar and "aside" not in exit_bar


def test_a_chat_page_without_the_chat_is_refused():
    with pytest.raises(ValueError, match="web/index.html has no"):
        embed_markup("<html><body><p>No chat here</p></body></html>")
