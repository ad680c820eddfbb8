"""The web chat channel: group cards go out as a custom payload the widget reads; the
transcript a reload draws again, for the session's holder only."""

from __future__ import annotations

import asyncio
import json
from types import SimpleNamespace
from typing import Any

from rasa.shared.core.events import (
    BotUttered,
    ConversationPaused,
    ConversationResumed,
    SlotSet,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker

from bot.channels.webchat import WebChatInput, WebChatOutput, session_key, transcript


class RecordingServer:
    """Stands in for python-socketio's AsyncServer: keeps what would be emitted."""

    def __init__(self) -> None:
        self.emitted: list[tuple[str, Any, dict[str, Any]]] = []

    async def emit(self, event: str, data: Any = None, to: Any = None, room: Any = None) -> None:
        self.emitted.append((event, data, {"room": room}))


def test_a_groups_payload_is_sent_as_custom() -> None:
    server = RecordingServer()
    payload = {"type": "groups", "groups": [{"id": "g1", "name": "Louth Choir"}]}
    asyncio.run(WebChatOutput(server, "bot_uttered").send_custom_json("session-1", payload))
    assert server.emitted == [("bot_uttered", {"custom": payload}, {"room": "session-1"})]


def test_the_channel_keeps_rasas_name_and_pushes_through_the_same_output() -> None:
    channel = WebChatInput.from_credentials({"session_persistence": True})
    assert channel.name() == "socketio"  # referrals and output_channel=latest use it
    assert channel.get_output_channel() is None  # no server until Rasa mounts the channel
    channel.blueprint(lambda message: asyncio.sleep(0))
    assert isinstance(channel.get_output_channel(), WebChatOutput)


def test_web_chat_messages_pass_the_length_cap() -> None:
    from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

    from bot.channels.limits import CUT_NOTE

    heard: list[str] = []

    async def on_new_message(message: UserMessage) -> None:
        heard.append(message.text)

    channel = WebChatInput.from_credentials({"session_persistence": True})
    channel.blueprint(on_new_message)
    output = CollectingOutputChannel()
    asyncio.run(channel._on_new_message(UserMessage("w" * 5000, output, "session-1")))
    assert heard == ["w" * 2000]
    assert output.messages[0]["text"] == CUT_NOTE


SECRET = "test-webchat-secret"
SESSION = "0123456789abcdef0123456789abcdef"
WELCOME_CHOICES = [
    {"title": "Find a group", "payload": "/find_group"},
    {"title": "Talk to a person", "payload": "/need_support"},
]
CARDS = {"type": "groups", "groups": [{"id": "g1", "name": "Louth Choir"}]}


def conversation(*extra: Any) -> DialogueStateTracker:
    """A web chat as the tracker keeps it: the welcome the page asked for, a choice, a search."""
    return DialogueStateTracker.from_events(
        SESSION,
        [
            UserUttered("/greet"),
            BotUttered("Hello. What would you like to do?", {"buttons": WELCOME_CHOICES}),
            UserUttered("/find_group"),
            BotUttered("Which town?"),
            UserUttered("a choir in Louth"),
            BotUttered("Here are 1 groups.", {"custom": CARDS}),
            BotUttered("Anything else?", {"buttons": [{"title": "Show more", "payload": "/more"}]}),
            *extra,
        ],
    )


def test_the_transcript_shows_what_the_resident_saw() -> None:
    found = transcript(conversation())
    assert found["link_worker"] is None
    assert [(t["sender"], [m.get("text") for m in t["messages"]]) for t in found["turns"]] == [
        ("assistant", ["Hello. What would you like to do?"]),  # the page's "/greet" not shown
        ("resident", ["Find a group"]),  # the choice's title, not its payload
        ("assistant", ["Which town?"]),
        ("resident", ["a choir in Louth"]),
        ("assistant", ["Here are 1 groups.", "Anything else?"]),
    ]
    assert found["turns"][0]["messages"][0]["buttons"] == WELCOME_CHOICES
    assert found["turns"][-1]["messages"][0]["custom"] == CARDS


def test_the_transcript_says_who_holds_the_chat() -> None:
    held = conversation(SlotSet("link_worker_name", "Sam"), ConversationPaused())
    assert transcript(held)["link_worker"] == "Sam"
    handed_back = conversation(
        SlotSet("link_worker_name", "Sam"), ConversationPaused(), ConversationResumed()
    )
    assert transcript(handed_back)["link_worker"] is None


class TrackerStore:
    """Stands in for Rasa's tracker store: one conversation, and which ids were read."""

    def __init__(self) -> None:
        self.read: list[str] = []

    async def retrieve(self, sender_id: str) -> DialogueStateTracker:
        self.read.append(sender_id)
        return conversation()


def ask_for_transcript(body: bytes, store: TrackerStore) -> tuple[int, dict[str, Any]]:
    channel = WebChatInput.from_credentials({"session_persistence": True})
    agent = SimpleNamespace(tracker_store=store)
    request = SimpleNamespace(body=body, app=SimpleNamespace(ctx=SimpleNamespace(agent=agent)))
    answer = asyncio.run(channel.read_transcript(request))
    return answer.status, json.loads(answer.body)


def test_only_the_holder_of_the_session_key_reads_the_transcript(monkeypatch) -> None:
    monkeypatch.setenv("WEBCHAT_SECRET", SECRET)
    store = TrackerStore()
    other = "fedcba9876543210fedcba9876543210"
    refused = [
        {"session_id": SESSION},  # no key
        {"session_id": SESSION, "session_key": ""},
        {"session_id": SESSION, "session_key": session_key(other, SECRET)},  # another's key
        {"session_id": SESSION, "session_key": session_key(SESSION, "guessed secret")},
        {"session_id": "+447700900123", "session_key": session_key("+447700900123", SECRET)},
    ]
    for body in [*(json.dumps(r).encode() for r in refused), b"not json", b"[]", b""]:
        status, answer = ask_for_transcript(body, store)
        assert (status, answer) == (403, {"detail": "not your chat"}), body
    assert store.read == []  # nothing was even read for them
    mine = {"session_id": SESSION, "session_key": session_key(SESSION, SECRET)}
    status, answer = ask_for_transcript(json.dumps(mine).encode(), store)
    assert status == 200 and store.read == [SESSION]
    assert answer["turns"][1] == {"sender": "resident", "messages": [{"text": "Find a group"}]}
