"""A resident's whole conversation, read from Rasa's tracker store (the `events` table)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

from frontdoor.console.schemas import ChatLine, Speaker
from frontdoor.store.db import engine_for

EVENTS = sa.table(
    "events",
    sa.column("id", sa.Integer),
    sa.column("sender_id", sa.String),
    sa.column("type_name", sa.String),
    sa.column("timestamp", sa.Float),
    sa.column("action_name", sa.String),
    sa.column("data", sa.Text),
)
LINK_WORKER_ACTIONS = ("action_link_worker_joined", "action_link_worker_message")
SHOWN = ("user", "bot", "action", "pause", "resume")


def _line(row_id: int, who: Speaker, text: str, at: str) -> ChatLine:
    return ChatLine(id=row_id, who=who, text=text, at=at)


def _when(timestamp: float | None) -> str:
    if not timestamp:
        return ""
    return datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _bot_message(row_id: int, data: dict[str, Any], who: Speaker, at: str) -> ChatLine:
    extra = data.get("data") or {}
    buttons = [str(b.get("title", "")) for b in extra.get("buttons") or [] if isinstance(b, dict)]
    custom = extra.get("custom") or {}
    groups = []
    if isinstance(custom, dict) and custom.get("type") == "groups":
        groups = [str(g.get("name", "")) for g in custom.get("groups") or [] if isinstance(g, dict)]
    text = str(data.get("text") or "")
    return ChatLine(id=row_id, who=who, text=text, at=at, buttons=buttons, groups=groups)


def read_conversation(database_url: str, sender_id: str, after_id: int = 0) -> list[ChatLine]:
    """What the resident, the assistant and link workers said, oldest first."""
    query = (
        sa.select(EVENTS.c.id, EVENTS.c.type_name, EVENTS.c.timestamp, EVENTS.c.data)
        .where(EVENTS.c.sender_id == sender_id, EVENTS.c.type_name.in_(SHOWN))
        .order_by(EVENTS.c.id)
    )
    try:
        with engine_for(database_url).connect() as connection:
            rows = connection.execute(query).all()
    except sa.exc.DBAPIError:
        return []  # Rasa has not created its table yet: no conversation stored
    messages: list[ChatLine] = []
    last_action = ""
    for row_id, type_name, timestamp, raw in rows:
        data = _json(raw)
        at = _when(timestamp)
        if type_name == "action":
            last_action = str(data.get("name") or "")
            continue
        if row_id <= after_id:
            continue
        if type_name == "user":
            messages.append(_line(row_id, "resident", str(data.get("text") or ""), at))
        elif type_name == "bot":
            who: Speaker = "link_worker" if last_action in LINK_WORKER_ACTIONS else "assistant"
            messages.append(_bot_message(row_id, data, who, at))
        elif type_name == "pause":
            messages.append(_line(row_id, "system", "A link worker took over the chat.", at))
        elif type_name == "resume":
            messages.append(_line(row_id, "system", "The assistant is answering again.", at))
    return messages


def _json(raw: Any) -> dict[str, Any]:
    if isinstance(raw, dict):
        return raw
    try:
        value = json.loads(raw or "{}")
    except (TypeError, ValueError):
        return {}
    return value if isinstance(value, dict) else {}
