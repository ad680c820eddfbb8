"""The attack and fault suite: each test repeats probes from issue #9 and records how many
were tried and how many held; the table is printed at the end of the run."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

import pytest

TABLE: dict[str, list[int]] = defaultdict(lambda: [0, 0])  # probe -> [tried, held]


class Probes:
    """Counts attempts of one kind of attack; a test asserts that every one held."""

    def __init__(self, name: str) -> None:
        self.name = name

    def attempt(self, held: bool) -> bool:
        TABLE[self.name][0] += 1
        TABLE[self.name][1] += int(bool(held))
        return bool(held)


@pytest.fixture()
def probes(request: pytest.FixtureRequest) -> Iterator[Probes]:
    """A counter named after the test's docstring (or its name)."""
    doc = (request.function.__doc__ or request.node.name).strip().splitlines()[0]
    yield Probes(doc)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if not TABLE:
        return
    width = max(len(name) for name in TABLE)
    terminalreporter.section("attacks and faults: tried / held")
    for name, (tried, held) in sorted(TABLE.items()):
        terminalreporter.write_line(f"{name:<{width}}  {tried:>5} / {held:<5}")
