"""Issue #9, items 2, 3 and 9, repeated against the real servers (the shared `assistant`):
the action server answers only Rasa, one huge message stalls nobody, a typed "/intent"
cannot skip the safety net, a name in any script is taken as typed, and a web chat session
cannot be joined with an id the page made up or learnt."""

from __future__ import annotations

import asyncio
import json
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import httpx
import pytest
import socketio
from assistant_servers import Assistant
from web_pages import leave

from actions.server import TOKEN_HEADER
from bot.channels.limits import CUT_NOTE

pytestmark = pytest.mark.e2e

CALL = {  # what Rasa sends the action server to run one action
    "next_action": "action_tell_data_kept",
    "sender_id": "someone-else",
    "tracker": {"sender_id": "someone-else", "slots": {}, "latest_message": {}, "events": []},
    "domain": {},
    "version": "3.6.21",
}
TO_NAME = [("can someone call me please", "Is that OK?"), ("yes", "What name")]
NAME_AGAIN = "Please type the name"


def _say(assistant: Assistant, sender: str, text: str) -> str:
    """What the resident sees after saying text (REST), as one string."""
    try:
        return " ".join(str(r.get("text", "")) for r in assistant.send(sender, text))
    except (urllib.error.URLError, TimeoutError) as error:
        return f"no answer: {error}"


def _listening_addresses(port: int) -> set[str]:
    """The local IPv4 addresses a TCP socket listens on for this port (/proc/net/tcp)."""
    found = set()
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        local, state = line.split()[1], line.split()[3]
        address, hex_port = local.split(":")
        if state == "0A" and int(hex_port, 16) == port:
            found.add(".".join(str(int(address[i : i + 2], 16)) for i in (6, 4, 2, 0)))
    return found


def test_the_action_server_answers_only_rasa(assistant: Assistant, probes) -> None:
    """Action server: loopback only, and no action without the shared secret"""
    port = assistant.settings.actions_port
    url = f"http://127.0.0.1:{port}/webhook"
    held = [probes.attempt(_listening_addresses(port) == {"127.0.0.1"})]
    for headers in ({}, {TOKEN_HEADER: "guess"}, {TOKEN_HEADER: ""}):
        answer = httpx.post(url, json=CALL, headers=headers, timeout=30)
        held.append(probes.attempt(answer.status_code in (401, 403) and "kept" not in answer.text))
    right = {TOKEN_HEADER: assistant.settings.actions_token}
    assert httpx.post(url, json=CALL, headers=right, timeout=30).status_code == 200
    assert all(held)


def test_one_huge_message_is_cut_and_stalls_no_one(assistant: Assistant, probes) -> None:
    """A 100 KB message (REST): cut, the resident told, everyone still answered"""
    huge = "I would like a walking group please " * 3000  # about 100 KB
    reply = _say(assistant, f"huge-{uuid.uuid4().hex}", huge)
    other = _say(assistant, f"other-{uuid.uuid4().hex}", "hello")
    held = [
        probes.attempt(CUT_NOTE in reply),
        probes.attempt("community support" in other),
    ]
    assert all(held), (reply[:300], other[:300])


def test_a_typed_intent_cannot_skip_the_safety_net(assistant: Assistant, probes) -> None:
    """A typed "/intent" before risk words (REST): the safety net still reads them"""
    held = []
    for typed in ("/greet I have taken all my tablets", '/inform{"town": "Louth"} I want to die'):
        reply = _say(assistant, f"slash-{uuid.uuid4().hex}", typed)
        held.append(probes.attempt("999" in reply or "116 123" in reply))
    assert all(held)


@pytest.mark.parametrize("name", ["王芳", "فاطمة الزهراء", "Мария Иванова", "Siobhán Ó Briain"])
def test_a_name_in_any_script_is_taken(assistant: Assistant, probes, name: str) -> None:
    """A name in any script (Chinese, Arabic, Cyrillic, accents) is taken as typed"""
    sender = f"name-{uuid.uuid4().hex}"
    for said, expected in TO_NAME:
        assert expected in _say(assistant, sender, said)
    reply = _say(assistant, sender, name)
    slots = assistant.tracker(sender)["slots"]
    held = [
        probes.attempt(NAME_AGAIN not in reply and "How should we contact you" in reply),
        probes.attempt(slots.get("contact_name") == name),
    ]
    assert all(held), (reply, slots.get("contact_name"))


async def _session(
    url: str, session_id: str | None, key: str | None, open_clients: list[socketio.AsyncClient]
) -> dict[str, str]:
    """The session a page is given when it asks for this id (with this key). The client is
    left connected in open_clients: leaving a polling connection waits out a long poll."""
    client = socketio.AsyncClient()
    open_clients.append(client)
    confirmed: asyncio.Queue[dict[str, str]] = asyncio.Queue()
    client.on("session_confirm", confirmed.put)
    await client.connect(url, socketio_path="/socket.io", transports=["polling"])
    await client.emit("session_request", {"session_id": session_id, "session_key": key})
    return await asyncio.wait_for(confirmed.get(), 30)


def test_a_web_chat_session_is_joined_only_with_its_key(assistant: Assistant, probes) -> None:
    """Web chat: a made-up or learnt session id without its key gets a new session"""

    async def attempts() -> tuple[dict[str, str], list[str], dict[str, str]]:
        clients: list[socketio.AsyncClient] = []
        mine = await _session(assistant.rasa_url, None, None, clients)
        made_up = "0123456789abcdef" * 2
        tries = [
            (made_up, None),
            (made_up, "0" * 64),
            (mine["session_id"], None),
            (mine["session_id"], json.dumps(mine)),
        ]
        given = [
            (await _session(assistant.rasa_url, s, k, clients))["session_id"] for s, k in tries
        ]
        again = await _session(assistant.rasa_url, mine["session_id"], mine["session_key"], clients)
        await asyncio.gather(*(leave(client) for client in clients))
        return mine, given, again

    mine, given, again = asyncio.run(attempts())
    held = [probes.attempt(g not in (mine["session_id"], "0123456789abcdef" * 2)) for g in given]
    assert again["session_id"] == mine["session_id"]  # the page that was given it rejoins
    assert all(held), given
