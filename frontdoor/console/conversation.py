"""A resident's whole conversation, read from Rasa's tracker store (the `events` table)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

from frontdoor.console.local_time import local_time
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
SYSTEM_LINES = {
    "pause": "A link worker took over the chat.",
    "resume": "The assistant is answering again.",
}


@dataclass
class Transcript:
    """The conversation's lines, and when the resident last wrote."""

    messages: list[ChatLine] = field(default_factory=list)
    resident_last_at: datetime | None = None


@dataclass
class _Reading:
    """What reading the events in order has found so far."""

    after_id: int
    transcript: Transcript = field(default_factory=Transcript)
    last_action: str = ""
    offered: dict[str, str] = field(default_factory=dict)  # payload: title, since they spoke

    def add(
        self, row_id: int, type_name: str, moment: datetime | None, data: dict[str, Any]
    ) -> None:
        if type_name == "action":
            self.last_action = str(data.get("name") or "")
        elif type_name == "user":
            self.transcript.resident_last_at = moment or self.transcript.resident_last_at
            self._show(row_id, self._resident_line(row_id, data, moment))
            self.offered = {}
        elif type_name == "bot":
            self._show(row_id, self._bot_line(row_id, data, moment))
        elif type_name in SYSTEM_LINES:
            self._show(row_id, _line(row_id, "system", SYSTEM_LINES[type_name], moment))

    def _show(self, row_id: int, line: ChatLine) -> None:
        if row_id > self.after_id:
            self.transcript.messages.append(line)

    def _resident_line(
        self, row_id: int, data: dict[str, Any], moment: datetime | None
    ) -> ChatLine:
        """What the resident wrote, or the title of the button they pressed (Rasa keeps its
        payload, like /affirm); a payload no button offered was sent by the chat page itself
        (its welcome, /greet)."""
        text = str(data.get("text") or "")
        if not text.startswith("/"):
            return _line(row_id, "resident", text, moment)
        title = self.offered.get(text)
        if title is None:
            return _line(row_id, "system", f"The chat page sent: {_intent_words(text)}.", moment)
        return _line(row_id, "resident", title, moment, pressed=True)

    def _bot_line(self, row_id: int, data: dict[str, Any], moment: datetime | None) -> ChatLine:
        who: Speaker = "link_worker" if self.last_action in LINK_WORKER_ACTIONS else "assistant"
        extra = data.get("data") or {}
        offered = [b for b in extra.get("buttons") or [] if isinstance(b, dict)]
        self.offered |= {str(b.get("payload", "")): str(b.get("title", "")) for b in offered}
        custom = extra.get("custom") or {}
        groups = []
        if isinstance(custom, dict) and custom.get("type") == "groups":
            found = custom.get("groups") or []
            groups = [str(g.get("name", "")) for g in found if isinstance(g, dict)]
        line = _line(row_id, who, str(data.get("text") or ""), moment)
        line.buttons = [str(b.get("title", "")) for b in offered]
        line.groups = groups
        return line


def _line(
    row_id: int, who: Speaker, text: str, moment: datetime | None, pressed: bool = False
) -> ChatLine:
    return ChatLine(
        id=row_id,
        who=who,
        text=text,
        at=moment.strftime("%Y-%m-%dT%H:%M:%SZ") if moment else "",
        at_text=local_time(moment),
        pressed=pressed,
    )


def _intent_words(payload: str) -> str:
    """A payload no button offered (/need_support{"x": 1}) in words: Need support."""
    words = payload.removeprefix("/").split("{", 1)[0].replace("_", " ").strip()
    return words[:1].upper() + words[1:]


def _moment(timestamp: float | None) -> datetime | None:
    if not timestamp:
        return None
    return datetime.fromtimestamp(timestamp, UTC).replace(tzinfo=None)


def read_transcript(database_url: str, sender_id: str, after_id: int = 0) -> Transcript:
    """What the resident, the assistant and link workers said, oldest first (only the lines
    after `after_id`), and when the resident last wrote."""
    query = (
        sa.select(EVENTS.c.id, EVENTS.c.type_name, EVENTS.c.timestamp, EVENTS.c.data)
        .where(EVENTS.c.sender_id == sender_id, EVENTS.c.type_name.in_(SHOWN))
        .order_by(EVENTS.c.id)
    )
    try:
        with engine_for(database_url).connect() as connection:
            rows = connection.execute(query).all()
    except sa.exc.DBAPIError:
        return Transcript()  # Rasa has not created its table yet: no conversation stored
    reading = _Reading(after_id)
    for row_id, type_name, timestamp, raw in rows:
        reading.add(row_id, type_name, _moment(timestamp), _json(raw))
    return reading.transcript


def _json(raw: Any) -> dict[str, Any]:
    if isinstance(raw, dict):
        return raw
    try:
        value = json.loads(raw or "{}")
    except (TypeError, ValueError):
        return {}
    return value if isinstance(value, dict) else {}
