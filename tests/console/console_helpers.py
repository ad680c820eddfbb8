"""Helpers for the console tests: people, referrals, a fake Rasa, logging in."""

from __future__ import annotations

import itertools
import json
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from fastapi.testclient import TestClient

from frontdoor.console.security import hash_password
from frontdoor.store.db import engine_for, session_scope
from frontdoor.store.link_worker import create_link_worker
from frontdoor.store.models import Referral, utcnow
from frontdoor.store.referrals import ReferralDraft, create_referral

PASSWORD = "a long enough password"
_HASH = hash_password(PASSWORD)  # hashed once: argon2 is slow on purpose
_conversations = itertools.count(1)


def add_worker(url: str, name: str, email: str, role: str = "link_worker") -> None:
    with session_scope(url) as session:
        create_link_worker(session, name, email, role, _HASH)


def add_team(url: str) -> str:
    """Two link workers (Sam, Alex) and a manager (Pat) on the store at url."""
    add_worker(url, "Sam Jones", "sam@example.org")
    add_worker(url, "Alex Smith", "alex@example.org")
    add_worker(url, "Pat Manager", "pat@example.org", "manager")
    return url


def expire_all(url: str, table: str, ago: timedelta = timedelta(seconds=1)) -> None:
    """Every login session or API token in the table ran out a moment ago."""
    if table not in ("console_sessions", "console_api_tokens"):
        raise ValueError(f"{table} holds no logins")
    with engine_for(url).begin() as connection:
        connection.execute(sa.text(f"UPDATE {table} SET expires_at = :t"), {"t": utcnow() - ago})


def add_referral(
    url: str,
    urgency: str = "routine",
    level: int = 3,
    channel: str = "rest",
    town: str | None = "Boston",
    created_at: datetime | None = None,
    conversation_id: str | None = None,
    **extra: Any,
) -> str:
    """A referral as the assistant stores it; returns its reference."""
    draft = ReferralDraft(
        conversation_id=conversation_id or f"resident-{next(_conversations)}",
        channel=channel,
        level=level,
        urgency=urgency,
        contact_name=extra.pop("contact_name", "Margaret"),
        contact_method="phone",
        contact_detail="07700 900123",
        contact_time="weekday mornings",
        consent_wording="Is it OK to share this with a link worker?",
        consent_wording_version="v1",
        summary=extra.pop("summary", "Would like to meet people."),
        what_matters=extra.pop(
            "what_matters", {"what_matters": "seeing people", "barriers": "transport"}
        ),
        plan="Try a lunch club near home.",
        suggested_groups=extra.pop("suggested_groups", ["Boston Lunch Club", "Tuesday Walkers"]),
        town=town,
        **extra,
    )
    with session_scope(url) as session:
        referral = create_referral(session, draft)
        if created_at is not None:
            referral.created_at = created_at
        return referral.reference


def add_events(
    url: str, sender: str, events: list[tuple[str, dict]], at: float = 1736157600.0
) -> None:
    """Rows as Rasa's SQL tracker store writes them, all at the moment `at` (epoch seconds)."""
    with engine_for(url).begin() as connection:
        connection.execute(
            sa.text(
                "CREATE TABLE IF NOT EXISTS events (id INTEGER PRIMARY KEY, sender_id TEXT, "
                "type_name TEXT, timestamp REAL, intent_name TEXT, action_name TEXT, data TEXT)"
            )
        )
        for type_name, data in events:
            connection.execute(
                sa.text(
                    "INSERT INTO events (sender_id, type_name, timestamp, data) "
                    "VALUES (:s, :t, :ts, :d)"
                ),
                {"s": sender, "t": type_name, "ts": at, "d": json.dumps(data)},
            )


def referral_row(url: str, reference: str) -> Referral:
    with session_scope(url) as session:
        session.expire_on_commit = False
        query = sa.select(Referral).where(Referral.reference == reference)
        return session.execute(query).scalar_one()


@dataclass
class FakeRasa:
    """Records what the console asked Rasa to do."""

    calls: list[tuple[str, str, str]] = field(default_factory=list)
    fail: bool = False

    def _call(self, what: str, sender_id: str, value: str = "") -> list[dict]:
        from frontdoor.console.rasa_client import RasaError

        if self.fail:
            raise RasaError("the assistant could not be reached: test")
        self.calls.append((what, sender_id, value))
        return []

    def take_over(self, sender_id: str, first_name: str) -> list[dict]:
        return self._call("take_over", sender_id, first_name)

    def reply(self, sender_id: str, text: str) -> list[dict]:
        return self._call("reply", sender_id, text)

    def hand_back(self, sender_id: str) -> list[dict]:
        return self._call("hand_back", sender_id)


def token_for(client: TestClient, email: str, password: str = PASSWORD) -> dict[str, str]:
    """Bearer headers for this person."""
    response = client.post(
        "/api/login/access-token", data={"username": email, "password": password}
    )
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def log_in(client: TestClient, email: str, password: str = PASSWORD) -> str:
    """Log in through the page as a browser would; returns the CSRF token for forms."""
    page = client.get("/login")
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    response = client.post(
        "/login",
        data={"email": email, "password": password, "csrf_token": csrf, "next": "/"},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    queue = client.get("/")
    return re.search(r'name="csrf_token" value="([^"]+)"', queue.text).group(1)
