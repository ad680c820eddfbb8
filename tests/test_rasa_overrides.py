"""Rasa's own behaviour changed in one checked place (bot/rasa_overrides.py): the wait for a
hanging action server, a crisis answered while paused, and a Rasa they were not checked on refused."""

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

from bot.rasa_overrides import check_rasa, shorten_action_timeout
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


def test_a_rasa_the_overrides_were_not_checked_on_is_refused() -> None:
    check_rasa("3.6.21")
    with pytest.raises(RuntimeError, match="3.7.0 is not one bot/rasa_overrides.py was checked"):
        check_rasa("3.7.0")


def test_internals_that_moved_are_refused(monkeypatch) -> None:
    monkeypatch.delattr(rasa_action, "DEFAULT_REQUEST_TIMEOUT")
    with pytest.raises(RuntimeError, match="no longer has rasa.core.actions.action"):
        check_rasa("3.6.21")


def test_the_crisis_check_is_installed_only_by_the_server() -> None:
    from rasa.core.processor import MessageProcessor

    import bot.components.safety_net  # noqa: F401  (loading the model installs nothing)
    from bot.safety_while_paused import should_handle_message

    assert MessageProcessor._should_handle_message is not should_handle_message


def test_replies_are_checked_against_rasas_schema_built_once(monkeypatch) -> None:
    """The quick check passes what Rasa's passes and refuses what Rasa's refuses, with Rasa's
    own error (and its words)."""
    from jsonschema import ValidationError

    from bot.rasa_overrides import check_replies_quickly

    rasas = RemoteAction._validate_action_result
    monkeypatch.setattr(RemoteAction, "_validate_action_result", rasas)
    action = RemoteAction("action_search_groups", EndpointConfig("http://127.0.0.1:1/webhook"))
    good = {
        "events": [{"event": "slot", "name": "town", "value": "Boston"}],
        "responses": [{"response": "utter_greet", "text": None, "buttons": []}],
    }
    bad = {"events": [{"name": "town"}], "responses": []}  # an event without its kind
    check_replies_quickly()
    assert RemoteAction._validate_action_result is not rasas
    assert action._validate_action_result(good) is True
    with pytest.raises(ValidationError) as refused:
        action._validate_action_result(bad)
    assert "Failed to validate Action server response" in refused.value.message


async def _calls_through_one_endpoint(port: int) -> list[tuple[str, str | None]]:
    """Three calls of one action, the action server restarted before the third: for each,
    the client's port as the server saw it, and the secret header it carried."""
    seen: list[tuple[str, str | None]] = []

    async def answer(request: web.Request) -> web.Response:
        peer = request.transport.get_extra_info("peername") if request.transport else None
        seen.append((str(peer[1]) if peer else "", request.headers.get("X-Secret")))
        return web.json_response({"events": [], "responses": []})

    async def serve() -> web.AppRunner:
        app = web.Application()
        app.router.add_post("/webhook", answer)
        runner = web.AppRunner(app, shutdown_timeout=0.1)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", port).start()
        return runner

    endpoint = EndpointConfig(f"http://127.0.0.1:{port}/webhook", headers={"X-Secret": "s3"})
    action = RemoteAction("action_search_groups", endpoint)
    domain = Domain.empty()
    tracker = DialogueStateTracker("resident", domain.slots)
    nlg = TemplatedNaturalLanguageGenerator({})
    runner = await serve()
    for _ in range(2):
        await action.run(CollectingOutputChannel(), nlg, tracker, domain)
    await runner.cleanup()  # a restart (an upgrade): its connections are closed
    runner = await serve()
    try:
        await action.run(CollectingOutputChannel(), nlg, tracker, domain)
    finally:
        await runner.cleanup()
    return seen


def test_calls_to_the_action_server_reuse_a_connection_and_survive_a_restart(monkeypatch) -> None:
    from bot.rasa_overrides import keep_action_connections

    monkeypatch.setattr(EndpointConfig, "session", EndpointConfig.session)
    seen_by_rasa = asyncio.run(_calls_through_one_endpoint(free_port()))
    assert seen_by_rasa[0][0] != seen_by_rasa[1][0]  # Rasa's own: a new connection each call

    keep_action_connections()
    seen = asyncio.run(_calls_through_one_endpoint(free_port()))
    assert [secret for _, secret in seen] == ["s3", "s3", "s3"]
    assert seen[0][0] == seen[1][0]  # the second call came on the first call's connection
    assert seen[2][0] != seen[1][0]  # after the restart, a new one, and the call went through
