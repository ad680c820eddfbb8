"""schemathesis drives the console's JSON API from its own OpenAPI document: no server errors."""

from __future__ import annotations

import pytest
import schemathesis
from console_helpers import FakeRasa, add_referral, token_for
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings

from frontdoor.console.app import create_app

APP = create_app(rasa=FakeRasa())
SCHEMA = schemathesis.from_dict(APP.openapi(), force_schema_version="30")  # FastAPI says 3.1
# schemathesis's own ASGI client needs an older anyio than FastAPI's; call through FastAPI's.
CLIENT = TestClient(APP)
HEADERS: dict[str, str] = {}


@pytest.fixture(autouse=True)
def store_with_referrals(console_store: str) -> None:
    """The app on a fresh store with referrals; a manager's token for every call."""
    APP.state.database_url = console_store
    for urgency in ("routine", "urgent", "crisis"):
        add_referral(console_store, urgency)
    HEADERS.clear()
    HEADERS.update(token_for(CLIENT, "pat@example.org"))


@SCHEMA.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,  # long paths are what we want to try; was a flaky failure
    ],
)
def test_no_server_error(case) -> None:
    request = case.as_requests_kwargs(base_url="http://testserver")
    allowed = ("method", "url", "params", "cookies", "json", "data")
    kwargs = {key: request[key] for key in allowed if key in request}
    headers = {**(request.get("headers") or {}), **HEADERS}
    if case.path == "/api/logout":
        headers.pop("Authorization")  # keep the token for the other examples
    response = CLIENT.request(**kwargs, headers=headers)
    assert response.status_code < 500, (case.method, case.path, case.body, response.text[:300])
