"""Rasa's HTTP API, for a link worker holding a resident's conversation.

Take over pauses the conversation (Rasa records but does not answer), reply runs
action_link_worker_message, hand back runs action_link_worker_left and resumes. Each message
goes out on the resident's latest channel (`output_channel=latest`).

Each call ends with `action_listen`, as a turn of the assistant's own does. Without it the
resident's next message follows the link worker's action directly: no rule fits that, and
the fallback's rewind would also undo the resume and leave the assistant silent for good.

The conversation id goes into the path as it is, never percent-encoded: Rasa's routes (Sanic
21, `unquote=False`) do not decode the path, so `%2B44...` named a new, phantom conversation
instead of `+44...`. An id with a character that would need encoding cannot reach its tracker
and is refused (SMS ids are `sms-` and hex, web chat ids hex).
"""

from __future__ import annotations

import re
from typing import Any

import httpx

from frontdoor.rasa_auth import bearer
from frontdoor.settings import Settings

TIMEOUT = httpx.Timeout(30.0, connect=5.0)
LISTEN = {"event": "action", "name": "action_listen"}
# What a path segment carries unchanged through httpx and Sanic: no %, /, ?, #, space or
# non-ASCII (each would be encoded, or cut the path, and Rasa would read another id).
ROUND_TRIP_ID = re.compile(r"^[A-Za-z0-9._~+=:@-]{1,255}$")


class RasaError(RuntimeError):
    """The Rasa server could not be reached or refused the request."""


class RasaClient:
    """The few calls to Rasa's HTTP API that the console makes."""

    def __init__(self, base_url: str, token: str, transport: httpx.BaseTransport | None = None):
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.transport = transport

    @classmethod
    def from_settings(cls, settings: Settings) -> RasaClient:
        return cls(settings.rasa_url, settings.rasa_api_token)

    def _post(self, sender_id: str, path: str, body: Any, **params: str) -> Any:
        url = f"{self.base_url}/conversations/{conversation_segment(sender_id)}/{path}"
        try:
            with httpx.Client(timeout=TIMEOUT, transport=self.transport) as client:
                response = client.post(url, json=body, params=params, headers=bearer(self.token))
        except httpx.HTTPError as error:
            raise RasaError(f"the assistant could not be reached: {error}") from error
        if response.status_code >= 400:
            raise RasaError(f"the assistant refused {path}: HTTP {response.status_code}")
        return response.json()

    def _events(self, sender_id: str, events: list[dict[str, Any]]) -> None:
        self._post(sender_id, "tracker/events", events)

    def _execute(
        self, sender_id: str, action: str, then: tuple[dict[str, Any], ...] = ()
    ) -> list[dict[str, Any]]:
        """Run an action on the resident's channel, then wait for the resident as usual."""
        answer = self._post(sender_id, "execute", {"name": action}, output_channel="latest")
        self._events(sender_id, [*then, LISTEN])
        return list(answer.get("messages") or []) if isinstance(answer, dict) else []

    def take_over(self, sender_id: str, first_name: str) -> list[dict[str, Any]]:
        """Pause the assistant and tell the resident who has joined."""
        self._events(
            sender_id,
            [
                {"event": "pause"},
                {"event": "slot", "name": "link_worker_name", "value": first_name},
            ],
        )
        return self._execute(sender_id, "action_link_worker_joined")

    def reply(self, sender_id: str, text: str) -> list[dict[str, Any]]:
        """Send the link worker's words to the resident's channel."""
        self._events(sender_id, [{"event": "slot", "name": "link_worker_message", "value": text}])
        return self._execute(sender_id, "action_link_worker_message")

    def hand_back(self, sender_id: str) -> list[dict[str, Any]]:
        """Say goodbye for the link worker and let the assistant answer again."""
        return self._execute(sender_id, "action_link_worker_left", then=({"event": "resume"},))


def conversation_segment(sender_id: str) -> str:
    """The conversation id as it must appear in Rasa's path; RasaError if it cannot."""
    if not ROUND_TRIP_ID.match(sender_id or "") or sender_id in (".", ".."):
        raise RasaError("this conversation's id cannot be sent to the assistant unchanged")
    return sender_id
