"""The action server registers each custom action under the name the domain and the rules
use, and no action the domain does not name."""

from __future__ import annotations

import yaml
from action_helpers import DOMAIN
from rasa_sdk.executor import ActionExecutor


def domain_actions() -> set[str]:
    named: set[str] = set()
    for path in DOMAIN.glob("*.yml"):
        named |= set((yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("actions") or [])
    return named


def test_the_action_server_registers_exactly_the_actions_the_domain_names() -> None:
    executor = ActionExecutor()
    executor.register_package("actions")
    assert set(executor.actions) == domain_actions()
