"""Residents text the real Rasa server and action server; replies go to a fake Twilio API."""

from __future__ import annotations

import json
import re
import urllib.request
import uuid

import pytest
import sqlalchemy as sa
from assistant_servers import CONTACT_STEPS, wait_for_texts

from frontdoor.console.rasa_client import RasaClient
from frontdoor.rasa_auth import bearer
from frontdoor.sms import is_gsm7, segments
from frontdoor.store.db import session_scope
from frontdoor.store.referrals import list_referrals

pytestmark = pytest.mark.e2e


def test_level_3_by_text_from_first_message_to_a_stored_referral(assistant) -> None:
    client, resident = assistant.sms, assistant.unused_number()
    steps = [
        ("hello", "Reply 1, 2 or 3."),
        ("3", "Is that OK? Reply 1 or 2."),  # 3: Talk to a person
        ("1", "What name"),  # 1: Yes, that is OK
        *CONTACT_STEPS,
        ("weekday mornings", "Is that right? Reply 1 or 2."),
        ("1", "Your reference is"),
    ]
    sent: list[str] = []
    for said, expected in steps:
        replies = client.text(resident, said)
        assert len(replies) == 1, (said, replies)  # a turn is one text
        assert expected in replies[0], (said, replies)
        sent += replies
    assert all(is_gsm7(body) for body in sent)
    assert not any("/affirm" in body or "/need_support" in body for body in sent)
    assert max(segments(body) for body in sent[1:]) <= 3
    reference = re.search(r"FD-[A-Z0-9]+", sent[-1]).group(0)

    with session_scope(assistant.database_url) as session:
        [referral] = [r for r in list_referrals(session) if r.reference == reference]
        stored = (referral.level, referral.channel, referral.conversation_id)
        contact = (referral.contact_name, referral.contact_method, referral.contact_detail)
    assert stored == (3, "sms", assistant.conversation_id(resident))
    assert contact[0] == "Margaret" and contact[2] == "07700 900123"

    rows = assistant.query(
        "select kind, reference, status from sms_outbound where number = :n", n=resident
    )
    assert len(rows) == len(steps)
    assert ("referral", reference, "sent") in rows
    assert [m for m in assistant.fake.sent if m["To"] == resident][-1].get("StatusCallback")


def test_crisis_over_sms_gets_the_numbers_first(assistant) -> None:
    client, resident = assistant.sms, assistant.unused_number()
    client.text(resident, "find a group")
    [reply] = client.text(resident, "i wanna kms")
    assert "116 123" in reply and "999" in reply and "85258" in reply
    assert is_gsm7(reply)


def test_the_same_text_delivered_twice_is_answered_once(assistant) -> None:
    client, resident = assistant.sms, assistant.unused_number()
    sid = "SM" + uuid.uuid4().hex
    assert client.post(resident, "hello", sid=sid) == 200
    client.text(resident, "find a group")  # waits for replies to both
    assert client.post(resident, "hello", sid=sid) == 200
    assert len(client.text(resident, "walking")) == 1
    events = assistant.tracker(assistant.conversation_id(resident))["events"]
    said = [e["text"] for e in events if e["event"] == "user"]
    assert said == ["hello", "/find_group", "walking"]  # the words of option 1 pick it


def test_stop_then_silence_then_start(assistant) -> None:
    client, resident = assistant.sms, assistant.unused_number()
    [confirm] = client.text(resident, "STOP")
    assert "START" in confirm
    client.post(resident, "hello")
    [back] = client.text(resident, "start")
    assert back.startswith("Welcome back")
    [help_text] = client.text(resident, "HELP")
    assert "STOP" in help_text


def test_a_link_worker_reply_reaches_the_residents_phone(assistant) -> None:
    client, resident = assistant.sms, assistant.unused_number()
    client.text(resident, "hello")
    before = len(assistant.fake.to(resident))
    url = (
        f"{assistant.rasa_url}/conversations/{assistant.conversation_id(resident)}"
        f"/execute?output_channel=latest"
    )
    body = json.dumps({"name": "utter_goodbye"}).encode()
    headers = {"Content-Type": "application/json", **bearer(assistant.token)}
    request = urllib.request.Request(url, body, headers=headers)
    with urllib.request.urlopen(request, timeout=60) as response:
        assert response.status == 200
    assert wait_for_texts(assistant.fake, resident, before + 1)[-1].startswith("Goodbye")


def test_a_link_worker_from_the_console_reaches_the_sms_residents_own_conversation(
    assistant,
) -> None:
    """Take over, reply and hand back land in the resident's tracker and on their phone."""
    client, resident = assistant.sms, assistant.unused_number()
    conversation = assistant.conversation_id(resident)
    client.text(resident, "hello")
    before = len(assistant.fake.to(resident))
    rasa = RasaClient(assistant.rasa_url, assistant.token)
    rasa.take_over(conversation, "Sam")
    rasa.reply(conversation, "Hello from Sam")
    rasa.hand_back(conversation)
    pushed = wait_for_texts(assistant.fake, resident, before + 3)[before:]
    assert pushed[0].startswith("Hello, this is Sam, a link worker")
    assert pushed[1] == "Sam (link worker): Hello from Sam"
    assert pushed[2].startswith("Sam has handed you back")

    events = assistant.tracker(conversation)["events"]
    kinds = [e["event"] for e in events]
    assert "pause" in kinds and kinds.index("pause") < kinds.index("resume")
    assert any(e.get("name") == "link_worker_message" and e.get("value") for e in events)
    senders = {r[0] for r in assistant.query("select distinct sender_id from events")}
    assert conversation in senders
    phantoms = [s for s in senders if resident[1:] in s]  # +44..., %2B44... or 44...
    assert phantoms == []
    [back] = client.text(resident, "hello")  # the assistant answers again after hand back
    assert "Reply 1, 2 or 3." in back


def test_delete_my_details_by_text_also_unlinks_the_number(assistant) -> None:
    client, resident = assistant.sms, assistant.unused_number()
    conversation = assistant.conversation_id(resident)
    for said in ("hello", "3", "1", "Margaret", "text", "07700 900451", "evenings", "1"):
        replies = client.text(resident, said)
    assert "Your reference is" in replies[-1]

    def linked() -> list[tuple[str, ...]]:
        sql = "select number from sms_conversations where conversation_id = :c"
        return assistant.query(sql, c=conversation)

    assert linked() == [(resident,)]
    client.text(resident, "delete my details")
    confirmation = client.text(resident, "yes")
    assert linked() == []
    assert any("deleted" in text.lower() for text in confirmation), confirmation  # still told
    with session_scope(assistant.database_url) as session:
        [referral] = [r for r in list_referrals(session) if r.conversation_id == conversation]
        assert referral.erased_at is not None and referral.contact_detail is None
        kept = [
            table
            for table in ("sms_outbound", "sms_inbound", "sms_numbers", "sms_conversations")
            if session.execute(
                sa.text(f"select count(*) from {table} where number = :n"), {"n": resident}
            ).scalar_one()
        ]
        assert kept == [], kept  # the confirmation of deleting is not kept under the number
