"""Calls to Rasa's HTTP API: a short-lived signed token (JWT) in the Authorization header.

Rasa's plain API token travels in a query string (`?token=...`), where access logs, proxies
and browser histories keep it. Rasa is started with a JWT secret instead (bot/serve.py), so
its API takes only a signed bearer token, which the console makes afresh for each call and
which expires in minutes. The JWT secret is derived from RASA_API_TOKEN, the one secret the
operator sets for Rasa's API.
"""

from __future__ import annotations

import time

import jwt

from frontdoor.settings import derived_secret

ALGORITHM = "HS256"
LIFETIME_SECONDS = 300
USERNAME = "frontdoor"  # Rasa's admin role may act on every conversation


def jwt_secret(rasa_api_token: str) -> str:
    """The key Rasa checks bearer tokens with."""
    return derived_secret(rasa_api_token, "rasa-api-jwt")


def bearer(rasa_api_token: str, lifetime: int = LIFETIME_SECONDS) -> dict[str, str]:
    """The header that lets one call through to Rasa's API for the next few minutes."""
    now = int(time.time())
    claims = {"user": {"username": USERNAME, "role": "admin"}, "iat": now, "exp": now + lifetime}
    token = jwt.encode(claims, jwt_secret(rasa_api_token), algorithm=ALGORITHM)
    return {"Authorization": f"Bearer {token}"}
