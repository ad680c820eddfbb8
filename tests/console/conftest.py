"""Console fixtures: a store with link workers, a fake Rasa, the app and a client."""

from __future__ import annotations

import pytest
from console_helpers import FakeRasa, add_team
from fastapi.testclient import TestClient

from frontdoor.console.app import create_app
from frontdoor.settings import get_settings


@pytest.fixture()
def console_store(sqlite_url: str) -> str:
    """A migrated store with a link worker (Sam), another (Alex) and a manager (Pat)."""
    return add_team(sqlite_url)


@pytest.fixture()
def rasa() -> FakeRasa:
    return FakeRasa()


@pytest.fixture()
def app(console_store: str, rasa: FakeRasa):
    return create_app(console_store, settings=get_settings(), rasa=rasa)


@pytest.fixture()
def client(app) -> TestClient:
    return TestClient(app)
