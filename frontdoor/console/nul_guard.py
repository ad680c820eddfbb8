"""Refuse any request with a NUL byte in its path, query or form, in one place, with a kind 400.

A NUL character is never part of anything a person types; PostgreSQL refuses to store it and
the file system refuses to open a path with one, which used to end as a server error.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

NUL_MESSAGE = (
    "Something you sent has a hidden character in it (a NUL byte) that we cannot accept. "
    "Please type it again without copying and pasting, and try once more."
)
BODY_METHODS = ("POST", "PUT", "PATCH", "DELETE")


def _in_url(scope: Scope) -> bool:
    """A NUL in the path, raw or percent-encoded, or in the query string."""
    raw = scope.get("raw_path") or b""
    query = scope.get("query_string") or b""
    return "\x00" in scope["path"] or any(
        b"%00" in part or b"\x00" in part for part in (raw, query)
    )


def _holds_nul(data: Any) -> bool:
    """Whether any string in parsed JSON, keys included, has a NUL."""
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if "\x00" in item:
                return True
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


def body_has_nul(body: bytes, content_type: str) -> bool:
    """A NUL in a request body: raw, percent-encoded in a form, or escaped in JSON."""
    if b"\x00" in body:
        return True
    kind = content_type.lower()
    if "application/x-www-form-urlencoded" in kind:
        return b"%00" in body
    if body and ("json" in kind or not kind):
        try:
            return _holds_nul(json.loads(body))
        except (ValueError, RecursionError):
            return False  # not JSON: the route says what is wrong with it
    return False


async def _read_body(receive: Receive) -> tuple[bytes, list[Message]]:
    """The whole body, and the messages that carried it, to hand on unchanged."""
    messages: list[Message] = []
    chunks: list[bytes] = []
    while True:
        message = await receive()
        messages.append(message)
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    return b"".join(chunks), messages


def _replay(messages: list[Message], receive: Receive) -> Receive:
    """A receive that gives the messages already read, then carries on with the real one."""
    waiting = list(messages)

    async def replayed() -> Message:
        return waiting.pop(0) if waiting else await receive()

    return replayed


class RefuseNul:
    """ASGI middleware: 400 for a NUL byte anywhere a person's input arrives."""

    def __init__(self, app: ASGIApp, page: Callable[[Request, int, str], Response]) -> None:
        self.app = app
        self.page = page

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if _in_url(scope):
            await self._refuse(scope, receive, send)
            return
        if scope["method"] in BODY_METHODS:
            body, messages = await _read_body(receive)
            receive = _replay(messages, receive)
            if body_has_nul(body, Request(scope).headers.get("content-type", "")):
                await self._refuse(scope, receive, send)
                return
        await self.app(scope, receive, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope, receive)
        path = scope["path"]
        wants_page = "text/html" in request.headers.get("accept", "")
        if path.startswith(("/api/", "/oruk")) or not wants_page:
            response: Response = JSONResponse({"detail": NUL_MESSAGE}, status_code=400)
        else:
            response = self.page(request, 400, NUL_MESSAGE)
        await response(scope, receive, send)
