"""bot/serve.py makes Rasa give up on a hanging action server after ACTIONS_TIMEOUT_SECONDS."""

from __future__ import annotations

import asyncio
import time

import pytest
import rasa.core.actions.action as rasa_action
from aiohttp import web
from rasa.core.actions.action import RemoteAction
from rasa.core.channels.channel import CollectingOutputChannel
from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

from bot.serve import shorten_action_timeout
from frontdoor.runner import free_port
from frontdoor.settings import get_settings


def test_the_setting_defaults_to_20_seconds(monkeypatch) -> None:
    monkeypatch.delenv("ACTIONS_TIMEOUT_SECONDS", raising=False)
    assert get_settings().actions_timeout_seconds == 20
    monkeypatch.setenv("ACTIONS_TIMEOUT_SECONDS", "7")
    assert get_settings().actions_timeout_seconds == 7


async def _call_hanging_server(port: int) -> float:
    """Seconds Rasa's RemoteAction waits on a server that never answers before giving up."""

    async def hang(_: web.Request) -> web.Response:
        await asyncio.sleep(60)
        return web.json_response({})

    app = web.Application()
    app.router.add_post("/webhook", hang)
    runner = web.AppRunner(app, shutdown_timeout=0.1)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    endpoint = EndpointConfig(f"http://127.0.0.1:{port}/webhook")
    action = RemoteAction("action_search_groups", endpoint)
    domain = Domain.empty()
    tracker = DialogueStateTracker("resident", domain.slots)
    began = time.monotonic()
    try:
        with pytest.raises(TimeoutError):  # not a RasaException: the processor logs any error
            await action.run(
                CollectingOutputChannel(), TemplatedNaturalLanguageGenerator({}), tracker, domain
            )
        return time.monotonic() - began
    finally:
        await runner.cleanup()


def test_rasa_reads_the_shortened_timeout_at_call_time(monkeypatch) -> None:
    monkeypatch.setattr(rasa_action, "DEFAULT_REQUEST_TIMEOUT", rasa_action.DEFAULT_REQUEST_TIMEOUT)
    assert rasa_action.DEFAULT_REQUEST_TIMEOUT == 300
    shorten_action_timeout(1)
    waited = asyncio.run(_call_hanging_server(free_port()))
    assert 0.8 <= waited < 3
