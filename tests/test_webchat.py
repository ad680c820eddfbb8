"""The web chat channel: group cards go out as a custom payload the widget reads."""

from __future__ import annotations

import asyncio
from typing import Any

from bot.channels.webchat import WebChatInput, WebChatOutput


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
