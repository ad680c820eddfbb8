"""Messages handled once, and none lost, across Rasa replicas (the scaled run, 2 + 2 behind
nginx): Twilio delivering the same text to both replicas at once gets one turn and one reply;
the database going away as a resident confirms a referral keeps the message (the resident is
told at once) and stores the referral once the database is back, whichever replica answers.
"""

from __future__ import annotations

import secrets
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Callable
from typing import Any

import pytest
import sqlalchemy as sa
from assistant_servers import AUTH_TOKEN, OUR_NUMBER, REFERRAL_STEPS, query, rest_replies
from database_switch import give_back, take_away
from scaled_run import POSTGRES_ADMIN_URL, Scaled
from twilio.request_validator import RequestValidator

from frontdoor.sms import sms_conversation_id

pytestmark = [pytest.mark.e2e, pytest.mark.postgres, pytest.mark.timeout(600)]

WEBHOOK = "/webhooks/sms/webhook"
KEPT = "I have kept your message"
WAIT = 90.0


def until(check: Callable[[], Any], deadline: float = WAIT) -> Any:
    """check's first true answer, tried until the deadline; its last answer then."""
    end = time.monotonic() + deadline
    while not (found := check()) and time.monotonic() < end:
        time.sleep(0.3)
    return found


def signed_text(scaled: Scaled, number: str, body: str, sid: str) -> tuple[bytes, str]:
    """A text as Twilio posts it (form, signature), signed for the public address it calls."""
    form = {
        "MessageSid": sid,
        "AccountSid": scaled.settings.twilio_account_sid,
        "From": number,
        "To": OUR_NUMBER,
        "Body": body,
        "NumSegments": "1",
    }
    public = f"{scaled.layout.public_url}{WEBHOOK}"
    return urllib.parse.urlencode(form).encode(), RequestValidator(AUTH_TOKEN).compute_signature(
        public, form
    )


def deliver(url: str, body: bytes, signature: str) -> int:
    request = urllib.request.Request(url, body, headers={"X-Twilio-Signature": signature})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return error.code


def test_one_text_delivered_to_both_replicas_at_once_is_answered_once(scaled: Scaled) -> None:
    number = f"+447700900{secrets.randbelow(1000):03d}"
    sid = "SM" + uuid.uuid4().hex
    body, signature = signed_text(scaled, number, "hello", sid)
    statuses: list[int] = []
    replicas = [f"{scaled.layout.rasa_url(n)}{WEBHOOK}" for n in (0, 1)]
    threads = [
        threading.Thread(target=lambda url=url: statuses.append(deliver(url, body, signature)))
        for url in replicas
    ]
    before = len(scaled.twilio.to(number))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=90)
    assert statuses == [200, 200], statuses  # Twilio must not try either again
    until(lambda: scaled.twilio.to(number)[before:])
    time.sleep(3)  # a second answer, were there one, would come within this
    replies = scaled.twilio.to(number)[before:]
    assert len(replies) == 1 and "community support" in replies[0], replies
    conversation = sms_conversation_id(number, scaled.settings.sms_id_secret)
    said = [e["text"] for e in scaled.tracker(conversation)["events"] if e["event"] == "user"]
    assert said == ["hello"], said
    rows = query(
        scaled.database_url, "select count(*) from sms_inbound where message_sid = :s", s=sid
    )
    assert rows == [(1,)], rows


def database_name(scaled: Scaled) -> str:
    return str(sa.engine.make_url(scaled.database_url).database)


def referrals(scaled: Scaled, conversation: str) -> int:
    try:
        [(count,)] = query(
            scaled.database_url,
            "select count(*) from referrals where conversation_id = :c",
            c=conversation,
        )
    except sa.exc.OperationalError:
        return 0
    return int(count)


def text_of(replies: list[dict[str, Any]]) -> str:
    return "\n".join(str(reply.get("text", "")) for reply in replies)


def test_a_referral_confirmed_while_the_database_is_away_is_kept_and_stored_once(
    scaled: Scaled,
) -> None:
    """Through nginx, so the turns go to both replicas: the store goes away just before
    "yes, send it"; the resident is told at once; once it is back the referral is stored,
    once, and the conversation holds every word."""
    public, who = scaled.layout.public_url, f"scaled-outage-{uuid.uuid4().hex[:8]}"
    for said, expected in REFERRAL_STEPS[:-1]:
        reply = text_of(rest_replies(public, who, said))
        assert expected in reply, (said, reply)
    take_away(POSTGRES_ADMIN_URL, database_name(scaled))
    try:
        reply = text_of(rest_replies(public, who, "yes"))
    finally:
        give_back(POSTGRES_ADMIN_URL, database_name(scaled))
    assert KEPT in reply and "116 123" in reply, reply
    assert until(lambda: referrals(scaled, who) == 1), "the referral was never stored"
    time.sleep(3)  # a second replay, were there one, would store it again within this
    assert referrals(scaled, who) == 1
    said = scaled.user_texts(who)
    assert said == [s for s, _ in REFERRAL_STEPS], said
