"""The alert stream over real HTTP (the console served by uvicorn): server-sent events for a
logged-in link worker or a bearer token, an urgent referral stored by another process arriving
within seconds, nothing sent twice after a reconnect, and nothing for anyone logged out."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator

import httpx
import pytest
from console_helpers import FakeRasa, add_referral, log_in, token_for
from test_alerts_store import stored_without_alert

from frontdoor.console.app import create_app
from frontdoor.settings import get_settings
from frontdoor.store import alerts
from frontdoor.store.db import session_scope

WAIT = 15.0  # seconds: the stream reads the store every 2


@pytest.fixture(autouse=True)
def one_scan_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """The console's background round runs as it starts, not again during a test."""
    monkeypatch.setenv("ALERT_SCAN_SECONDS", "3600")


def events(response: httpx.Response) -> Iterator[tuple[str, str, dict]]:
    """(event, id, data) for each server-sent event, as they arrive."""
    name, event_id, data = "message", "", ""
    for line in response.iter_lines():
        if line.startswith("event: "):
            name = line.removeprefix("event: ")
        elif line.startswith("id: "):
            event_id = line.removeprefix("id: ")
        elif line.startswith("data: "):
            data = line.removeprefix("data: ")
        elif line == "" and data:
            yield name, event_id, json.loads(data)
            name, data = "message", ""


def first(feed: Iterator[tuple[str, str, dict]], wanted: str) -> tuple[str, dict]:
    """The next event of that name from the stream (within WAIT seconds)."""
    deadline = time.monotonic() + WAIT
    for name, event_id, data in feed:
        if name == wanted:
            return event_id, data
        assert time.monotonic() < deadline, f"no {wanted} event"
    raise AssertionError(f"the stream ended before a {wanted} event")


def test_an_urgent_referral_is_pushed_to_a_logged_in_page(console) -> None:
    with httpx.Client(base_url=console.url, timeout=WAIT) as client:
        log_in(client, "sam@example.org")
        with client.stream("GET", "/alerts/stream") as response:
            assert response.status_code == 200
            assert response.headers["content-type"].startswith("text/event-stream")
            assert response.headers["cache-control"] == "no-store"
            feed = events(response)
            assert first(feed, "count")[1] == {"unseen": 0}
            reference = add_referral(console.database_url, "crisis")  # as the action server does
            event_id, alert = first(feed, "alert")
        assert alert["text"] == f"New crisis referral: {reference}."
        assert (alert["url"], alert["unseen"]) == (f"/referrals/{reference}", 1)
        assert event_id == str(alert["id"])

        add_referral(console.database_url, "urgent")
        headers = {"Last-Event-ID": event_id}  # a browser reconnecting after the first alert
        with client.stream("GET", "/alerts/stream", headers=headers) as response:
            _, missed = first(events(response), "alert")
            assert missed["text"].startswith("New urgent referral")  # the crisis is not resent
            assert missed["unseen"] == 2


def test_the_unseen_count_follows_what_the_team_marks_as_seen(console) -> None:
    add_referral(console.database_url, "urgent")
    with httpx.Client(base_url=console.url, timeout=WAIT) as client:
        csrf = log_in(client, "sam@example.org")
        with client.stream("GET", "/alerts/stream") as response:
            feed = events(response)
            assert first(feed, "count")[1] == {"unseen": 1}
            with session_scope(console.database_url) as session:
                alerts.mark_seen(session, None, "alex@example.org")  # on another page
            assert first(feed, "count")[1] == {"unseen": 0}
        refused = client.post("/alerts/seen", data={})  # no CSRF token
        assert refused.status_code == 403
        done = client.post("/alerts/seen", data={"csrf_token": csrf}, follow_redirects=False)
        assert (done.status_code, done.headers["location"]) == (303, "/alerts?done=all")


def test_a_bearer_token_gets_the_stream_and_nobody_else_does(console) -> None:
    with httpx.Client(base_url=console.url, timeout=WAIT) as client:
        anonymous = client.get("/alerts/stream", follow_redirects=False)
        assert anonymous.status_code == 303
        assert anonymous.headers["location"].startswith("/login")
        headers = token_for(client, "pat@example.org")
        with client.stream("GET", "/alerts/stream", headers=headers) as response:
            assert response.status_code == 200
            assert first(events(response), "count")[1] == {"unseen": 0}


def test_the_console_finds_what_the_action_server_did_not_alert(console_store, serve) -> None:
    """The background round, started with the console, raises the alert for a referral stored
    without one, and the stream pushes it."""
    settings = get_settings().copy(update={"alert_scan_seconds": 0.5})
    url = serve(create_app(console_store, settings=settings, rasa=FakeRasa()))
    with httpx.Client(base_url=url, timeout=WAIT) as client:
        log_in(client, "sam@example.org")
        with client.stream("GET", "/alerts/stream") as response:
            feed = events(response)
            first(feed, "count")
            reference = stored_without_alert(console_store, "crisis")
            _, alert = first(feed, "alert")
    assert alert["text"] == f"New crisis referral: {reference}."
