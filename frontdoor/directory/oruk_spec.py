"""The ORUK 3.0 OpenAPI document and schemas, shipped with the project, refs made local."""

from __future__ import annotations

import copy
import json
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

SPEC_DIR = Path(__file__).with_name("oruk")
REMOTE = "https://raw.githubusercontent.com/openreferral/uk-profile/main/schema/"
# The published document points at compiled list schemas; a list item is a service, etc.
LIST_SCHEMAS = {
    "service_list.json": "service.json",
    "service_at_location_list.json": "service_at_location.json",
}


@cache
def schema(name: str) -> dict[str, Any]:
    """A schema from schemata/, with every $ref to a sibling file inlined."""
    raw = json.loads((SPEC_DIR / "schemata" / LIST_SCHEMAS.get(name, name)).read_text())
    return _object(_inline(raw), name)


def _inline(node: Any) -> Any:
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.endswith(".json"):
            return copy.deepcopy(schema(ref.rsplit("/", 1)[-1]))
        return {key: _inline(value) for key, value in node.items() if key != "$schema"}
    if isinstance(node, list):
        return [_inline(item) for item in node]
    return node


@lru_cache(maxsize=1)
def openapi() -> dict[str, Any]:
    """The ORUK 3.0 OpenAPI document with remote schema refs replaced by the local schemas."""
    raw = json.loads((SPEC_DIR / "openapi.json").read_text())
    return _object(_inline_remote(raw), "openapi.json")


def _object(document: Any, name: str) -> dict[str, Any]:
    """The document, which must be a JSON object."""
    if not isinstance(document, dict):
        raise ValueError(f"{name} is not a JSON object")
    return document


def _inline_remote(node: Any) -> Any:
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith(REMOTE):
            return copy.deepcopy(schema(ref.rsplit("/", 1)[-1]))
        if node.get("type") == "time":  # the published document's start_time and end_time
            return {**node, "type": "string", "format": "time"}
        return {key: _inline_remote(value) for key, value in node.items()}
    if isinstance(node, list):
        return [_inline_remote(item) for item in node]
    return node
