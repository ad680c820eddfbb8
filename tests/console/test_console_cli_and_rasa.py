"""`frontdoor add-link-worker`, and the exact calls the console makes to Rasa's HTTP API."""

from __future__ import annotations

import io
import json
import time

import httpx
import jwt
import pytest

from frontdoor.cli import main
from frontdoor.console.rasa_client import RasaClient, RasaError
from frontdoor.console.security import verify_password
from frontdoor.rasa_auth import jwt_secret
from frontdoor.store.db import session_scope
from frontdoor.store.link_worker import worker_by_email


def test_add_link_worker_hashes_the_password(sqlite_url: str, monkeypatch, capsys) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("a long enough password\n"))
    args = ["add-link-worker", "--name", "Pat Lee", "--email", "Pat@Example.org"]
    assert main([*args, "--role", "manager", "--password-stdin"]) == 0
    assert "added Pat Lee <pat@example.org> as manager" in capsys.readouterr().out
    with session_scope(sqlite_url) as session:
        pat = worker_by_email(session, "pat@example.org")
        assert pat.role == "manager"
        assert pat.password_hash.startswith("$argon2id$")
        assert verify_password(pat.password_hash, "a long enough password")
    monkeypatch.setattr("sys.stdin", io.StringIO("a long enough password\n"))
    assert main([*args, "--password-stdin"]) == 2
    assert "already an account" in capsys.readouterr().err
    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    assert main(["add-link-worker", "--name", "A", "--email", "a@b.org", "--password-stdin"]) == 2


def test_rasa_calls_follow_the_contract() -> None:
    seen: list[tuple[str, str, dict, object]] = []
    bearers: list[dict] = []

    def handler(request: httpx.Request) -> httpx.Response:
        scheme, _, signed = request.headers["Authorization"].partition(" ")
        assert scheme == "Bearer"
        bearers.append(jwt.decode(signed, jwt_secret("secret"), algorithms=["HS256"]))
        seen.append(
            (
                request.method,
                request.url.raw_path.decode().split("?")[0],
                dict(request.url.params),
                json.loads(request.content),
            )
        )
        return httpx.Response(200, json={"messages": [{"text": "ok"}]})

    rasa = RasaClient("http://rasa:5005/", "secret", transport=httpx.MockTransport(handler))
    sms = "sms-0123456789abcdef0123456789abcdef"
    assert rasa.take_over(sms, "Sam") == [{"text": "ok"}]
    rasa.reply(sms, "Hello")
    rasa.hand_back(sms)
    token: dict[str, str] = {}  # the API secret never goes in the query string
    latest = {"output_channel": "latest"}
    listen = {"event": "action", "name": "action_listen"}
    events = f"/conversations/{sms}/tracker/events"
    execute = f"/conversations/{sms}/execute"
    assert seen == [
        (
            "POST",
            events,
            token,
            [{"event": "pause"}, {"event": "slot", "name": "link_worker_name", "value": "Sam"}],
        ),
        ("POST", execute, latest, {"name": "action_link_worker_joined"}),
        ("POST", events, token, [listen]),
        (
            "POST",
            events,
            token,
            [{"event": "slot", "name": "link_worker_message", "value": "Hello"}],
        ),
        ("POST", execute, latest, {"name": "action_link_worker_message"}),
        ("POST", events, token, [listen]),
        ("POST", execute, latest, {"name": "action_link_worker_left"}),
        ("POST", events, token, [{"event": "resume"}, listen]),
    ]
    assert len(bearers) == len(seen)
    assert all(b["user"] == {"username": "frontdoor", "role": "admin"} for b in bearers)
    assert all(0 < b["exp"] - time.time() <= 300 for b in bearers)


def test_conversation_ids_go_into_the_path_unencoded_or_not_at_all() -> None:
    """Rasa does not decode the path: %2B44... was a phantom conversation beside +44..."""
    paths: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        paths.append(request.url.raw_path.decode().split("?")[0])
        return httpx.Response(200, json={})

    rasa = RasaClient("http://rasa", "t", transport=httpx.MockTransport(handler))
    for sender in ("+447700900123", "0f" * 16, "resident-1", "a.b_c~d:e@f=g"):
        rasa.reply(sender, "hi")
        assert paths[-2:] == [
            f"/conversations/{sender}/execute",
            f"/conversations/{sender}/tracker/events",
        ]
    sent = len(paths)
    for sender in ("web 1", "%2B447700900123", "a/b", "a?b", "a#b", "caf\u00e9", "", ".", ".."):
        with pytest.raises(RasaError, match="cannot be sent"):
            rasa.reply(sender, "hi")
    assert len(paths) == sent  # nothing reached the assistant


def test_rasa_refusing_or_down_is_an_error() -> None:
    refused = RasaClient("http://rasa", "t", httpx.MockTransport(lambda r: httpx.Response(401)))
    with pytest.raises(RasaError, match="HTTP 401"):
        refused.reply("x", "hi")

    def down(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused")

    with pytest.raises(RasaError, match="could not be reached"):
        RasaClient("http://rasa", "t", httpx.MockTransport(down)).take_over("x", "Sam")
