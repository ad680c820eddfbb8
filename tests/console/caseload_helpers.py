"""Helpers for the caseload tests: where a resident's groups go (a fake Twilio, a real SMTP
server on a free port) and groups from the sample directory to send."""

from __future__ import annotations

import email
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import Message

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller
from fake_twilio import FakeTwilio

from frontdoor.directory.search import SearchRequest, search_services
from frontdoor.runner import free_port
from frontdoor.settings import Settings, get_settings
from frontdoor.store.db import session_scope
from frontdoor.store.models import Referral, Service

ACCOUNT = "AC" + "1" * 32
OUR_NUMBER = "+447700900000"
RESIDENT_NUMBER = "+447700900123"  # add_referral's resident, 07700 900123
RESIDENT_EMAIL = "margaret@example.org"
TEAM_ADDRESS = "community.support@example.org"


@dataclass
class Mailbox:
    """Every email a local SMTP server (aiosmtpd) accepted."""

    received: list[Message] = field(default_factory=list)

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 (aiosmtpd's)
        self.received.append(email.message_from_bytes(envelope.original_content))
        return "250 Message accepted"


@dataclass
class PostOffice:
    """Where the console's texts and emails to residents arrive, and the settings that send
    them there."""

    twilio: FakeTwilio
    mailbox: Mailbox
    settings: Settings


@pytest.fixture()
def post_office(sqlite_url: str, monkeypatch) -> Iterator[PostOffice]:
    """A fake Twilio and a real SMTP server (no TLS: local only), and settings that use them."""
    twilio = FakeTwilio().start()
    mailbox = Mailbox()
    port = free_port()
    smtp = Controller(mailbox, hostname="127.0.0.1", port=port)
    smtp.start()
    for name, value in {
        "TWILIO_ACCOUNT_SID": ACCOUNT,
        "TWILIO_AUTH_TOKEN": "test-auth-token",
        "TWILIO_NUMBER": OUR_NUMBER,
        "TWILIO_API_BASE_URL": twilio.base_url,
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": str(port),
        "SMTP_TLS": "false",
        "SMTP_USER": "",
        "SMTP_FROM": TEAM_ADDRESS,
        "TEAM_EMAIL": "",  # no alert emails in these tests
    }.items():
        monkeypatch.setenv(name, value)
    yield PostOffice(twilio, mailbox, get_settings())
    smtp.stop()
    twilio.stop()


def directory_groups(url: str, need: str, town: str = "Boston", count: int = 2) -> list[str]:
    """The ids of groups the sample directory has for a need near a town."""
    with session_scope(url) as session:
        cards = search_services(session, SearchRequest(need=need, town=town), record_gaps=False)
    ids = [card["id"] for card in cards[:count]]
    assert len(ids) == count, f"the sample directory has too few {need} groups near {town}"
    return ids


def group_names(url: str, ids: list[str]) -> list[str]:
    with session_scope(url) as session:
        names = dict(session.execute(sa.select(Service.id, Service.name)).all())
    return [names[i] for i in ids]


def reached_by_email(url: str, reference: str, address: str = RESIDENT_EMAIL) -> None:
    """The resident of this referral asked to be contacted by email."""
    with session_scope(url) as session:
        referral = session.execute(
            sa.select(Referral).where(Referral.reference == reference)
        ).scalar_one()
        referral.contact_method = "email"
        referral.contact_detail = address
