"""Rasa's schema for an action server's reply, checked quickly and with the same verdict.

Rasa's schema says each event in a reply is one of 23 kinds (`oneOf`), each kind naming its
event with a `const`, so checking one event checks it against all 23; with jsonschema that is
about 2 ms a reply. An event's name already says which kind it can be: every other kind
requires another name, so it fails them all. Here each event is checked against the common
part and its own kind only, and the rest of the reply against the whole schema (without its
events). A reply that does not pass is not refused here: bot/rasa_overrides.py then asks
Rasa's own check, which decides and words the error.
"""

from __future__ import annotations

from typing import Any

from jsonschema.validators import validator_for

Schema = dict[str, Any]


def _compiled(schema: Schema) -> Any:
    return validator_for(schema)(schema)  # type: ignore[no-untyped-call]


class ReplyCheck:
    """Whether a reply certainly passes Rasa's schema."""

    def __init__(self, spec: Schema) -> None:
        self.whole = _compiled(spec)
        self.by_name: dict[str, Any] = {}
        events = spec.get("properties", {}).get("events", {})
        item = events.get("items", {})
        kinds = item.get("oneOf", [])
        names = [kind.get("properties", {}).get("event", {}).get("const") for kind in kinds]
        if set(events) != {"type", "items"} or not kinds or None in names:
            return  # not the shape this was written for: every reply is checked whole
        common = {key: value for key, value in item.items() if key != "oneOf"}
        for name, kind in zip(names, kinds, strict=True):
            self.by_name[name] = _compiled({**common, "allOf": [kind]})

    def passes(self, reply: Any) -> bool:
        if not self.by_name or not isinstance(reply, dict):
            return bool(self.whole.is_valid(reply))
        events = reply.get("events", [])
        if not isinstance(events, list):
            return False
        return self.whole.is_valid({**reply, "events": []}) and all(
            isinstance(event, dict)
            and isinstance(event.get("event"), str)
            and event["event"] in self.by_name
            and self.by_name[event["event"]].is_valid(event)
            for event in events
        )
