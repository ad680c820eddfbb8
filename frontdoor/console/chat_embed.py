"""The one line a council puts on its own pages to add the residents' chat:
`<script src="https://console.example.org/chat/embed.js" async></script>`.

The script is web/embed.js, served with what it starts from: where the Rasa server is
(PUBLIC_RASA_URL) and the chat's markup, cut from the chat page (web/index.html) itself, so the
embedded chat has the page's elements, ids and classes and behaves as the page's chat does.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

# The two parts of the chat page the embed draws: the quick exit bar and the chat itself.
QUICK_EXIT = re.compile(r'<aside class="quick-exit".*?</aside>', re.S)
CHAT = re.compile(r'<section class="chat".*?</section>', re.S)
# Embedded, the quick exit bar is part of the chat, inside whatever landmark holds it on the
# council's page, where a complementary landmark must not be (axe: landmark at top level).
ASIDE_OPEN = re.compile(r'<aside class="quick-exit" aria-label="[^"]*"')


def cut(pattern: re.Pattern[str], page: str) -> str:
    """The one part of the page the pattern finds (the page must have it)."""
    found = pattern.search(page)
    if found is None:
        raise ValueError(f"web/index.html has no {pattern.pattern[:30]}...")
    return found.group(0)


def embed_markup(page: str) -> dict[str, str]:
    """The chat page's quick exit bar (as a plain block) and its chat section."""
    quick_exit = ASIDE_OPEN.sub('<div class="quick-exit"', cut(QUICK_EXIT, page))
    return {"quickExit": quick_exit.replace("</aside>", "</div>"), "chat": cut(CHAT, page)}


def embed_script(web: Path, public_rasa_url: str) -> str:
    """web/embed.js, preceded by the defaults it reads: the Rasa server and the markup."""
    defaults = {"rasaUrl": public_rasa_url, **embed_markup((web / "index.html").read_text())}
    script = (web / "embed.js").read_text()
    return f"window.FRONTDOOR_CHAT_EMBED = {json.dumps(defaults)};\n{script}"
