"""Sending the assistant's words from custom actions: each is a domain response (bot/domain),
which Rasa fills in and renders for the channel."""

from __future__ import annotations

from typing import Any

from rasa_sdk.executor import CollectingDispatcher

from frontdoor.responses import responses


def response_name(key: str) -> str:
    """The domain response a key names ("greet" -> "utter_greet"); a key with no response
    is a mistake in the code, so it fails here and not as a silent turn in Rasa."""
    name = f"utter_{key}"
    if name not in responses():
        raise KeyError(f"no response {name} in bot/domain")
    return name


def exists(key: str) -> bool:
    return f"utter_{key}" in responses()


def say(dispatcher: CollectingDispatcher, key: str, **values: Any) -> None:
    """Send one response, its {placeholders} filled from values (Rasa fills them in and picks
    the channel's variant); extra keyword json_message adds a structured payload."""
    payload = values.pop("json_message", None)
    dispatcher.utter_message(response=response_name(key), json_message=payload, **values)
