"""The residents' web chat over socket.io: Rasa's channel, with group cards that arrive.

Rasa 3.6's socket.io output sends a custom payload as keyword arguments to `emit`, so a
payload such as `{"type": "groups", "groups": [...]}` fails with a TypeError and the rest of
the turn (the cards, the choices after them) never reaches the resident. This channel sends
it as `{"custom": payload}`, as the REST channel does and as web/chat.js reads it. Everything
else, including the name `socketio` that referrals and `output_channel=latest` use, is Rasa's.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.socketio import SocketIOInput, SocketIOOutput
from sanic import Blueprint


class WebChatOutput(SocketIOOutput):
    async def send_custom_json(
        self, recipient_id: str, json_message: dict[str, Any], **kwargs: Any
    ) -> None:
        await self._send_message(recipient_id, {"custom": json_message})


class WebChatInput(SocketIOInput):
    """Rasa's socket.io input, answering through WebChatOutput."""

    def get_output_channel(self) -> WebChatOutput | None:
        """The output for messages pushed outside a turn (a link worker's reply)."""
        return WebChatOutput(self.sio, self.bot_message_evt) if self.sio is not None else None

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        async def answer_through_web_chat_output(message: UserMessage) -> None:
            message.output_channel = WebChatOutput(self.sio, self.bot_message_evt)
            await on_new_message(message)

        return super().blueprint(answer_through_web_chat_output)
