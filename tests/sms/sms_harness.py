"""Helpers for the SMS channel tests: a stand-in assistant, a signed client, a server."""

from __future__ import annotations

import asyncio
import dataclasses
import socket
from collections.abc import Callable
from typing import Any

import aiohttp
from fake_twilio import FakeTwilio
from sanic import Sanic

from bot.channels.signature import sign
from bot.channels.sms import SmsInput

ACCOUNT = "AC" + "0" * 32
TOKEN = "test-auth-token"
OUR_NUMBER = "+447700900000"
RESIDENT = "+447700900123"

# Several apps in one process: let Sanic rewrite its methods afresh each time.
Sanic.test_mode = True


class Bot:
    """Stands in for Rasa: records what it is told and answers with canned messages."""

    def __init__(self) -> None:
        self.heard: list[Any] = []
        self.replies: dict[str, list[dict[str, Any]]] = {}
        self.delay = 0.0
        self.before_reply: Callable[[], None] | None = None

    async def __call__(self, message) -> None:
        self.heard.append(message)
        if message.text == "boom":
            raise RuntimeError("the assistant fell over")
        await asyncio.sleep(self.delay)
        if self.before_reply:
            self.before_reply()
        default = [{"text": f"You said: {message.text}"}]
        for reply in self.replies.get(message.text, default):
            await message.output_channel.send_response(message.sender_id, dict(reply))

    @property
    def texts(self) -> list[str]:
        return [m.text for m in self.heard]


@dataclasses.dataclass
class Harness:
    url: str
    channel: SmsInput
    bot: Bot
    fake: FakeTwilio
    http: aiohttp.ClientSession

    async def post(
        self,
        body: str,
        sid: str | None = None,
        number: str = "+447700900123",
        path: str = "/webhooks/sms/webhook",
        signed_url: str | None = None,
        token: str = TOKEN,
        headers: dict[str, str] | None = None,
        extra: dict[str, str] | None = None,
        settle: bool = True,
    ) -> aiohttp.ClientResponse:
        """Post a text the way Twilio does, signed unless token is empty."""
        form = {"From": number, "To": OUR_NUMBER, "Body": body, "AccountSid": ACCOUNT}
        form |= {"MessageSid": sid or new_sid()} if sid != "" else {}
        form |= extra or {}
        headers = dict(headers or {})
        if token:
            headers["X-Twilio-Signature"] = sign(token, signed_url or self.url + path, form)
        async with self.http.post(self.url + path, data=form, headers=headers) as response:
            await response.read()
        if settle:
            await self.channel.drain()
        return response


_sids = iter(range(10**6))


def new_sid() -> str:
    return f"SM{next(_sids):032d}"


async def serve(channel: SmsInput, bot: Callable) -> tuple[Any, str]:
    app = Sanic(f"sms_test_{next(_sids)}")
    app.blueprint(channel.blueprint(bot), url_prefix="/webhooks/sms")
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))  # Sanic takes port 0 to mean 8000, so hand it a socket
    port = sock.getsockname()[1]
    server = await app.create_server(sock=sock, return_asyncio_server=True, access_log=False)
    await server.startup()
    await server.start_serving()
    return server, f"http://127.0.0.1:{port}"
