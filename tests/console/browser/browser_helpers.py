"""Helpers for the browser tests: axe-core."""

from __future__ import annotations

import pytest
from page_settling import wait_until_still
from playwright.sync_api import Page

from frontdoor.settings import PROJECT_ROOT

AXE = PROJECT_ROOT / ".tmp" / "axe-core" / "node_modules" / "axe-core" / "axe.min.js"
INSTALL = "run scripts/install_browser.sh (make test does)"


def axe_violations(page: Page) -> list[dict]:
    """What axe-core finds wrong on the page (WCAG 2.0, 2.1 and 2.2 A and AA rules, and axe's
    best practices)."""
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: {INSTALL}")
    wait_until_still(page)  # a smooth scroll under way moves the targets axe measures
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "() => axe.run(document, {runOnly: {type: 'tag', "
        "values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice']}})"
    )
    return [
        {"id": v["id"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]]}
        for v in result["violations"]
    ]
