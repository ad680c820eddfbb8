"""The SMS channel over HTTP: signatures, once-only, keywords, numbered replies, limits."""

from __future__ import annotations

import time

import pytest
import sqlalchemy as sa
from sms_harness import RESIDENT, TOKEN, new_sid, serve

from bot.channels.sender import TwilioSender, without_numbers
from bot.channels.signature import sign
from bot.channels.sms import HELP_TEXT, LIMIT_TEXT, START_TEXT, STOP_TEXT, SmsInput
from frontdoor.sms import is_gsm7, is_sms_conversation_id, sms_conversation_id
from frontdoor.store import messaging
from frontdoor.store.db import session_scope
from frontdoor.store.referrals import erase_personal_data

pytestmark = pytest.mark.asyncio

YES_NO = [
    {
        "text": "Is that OK? Reply yes or no.",
        "buttons": [
            {"title": "Yes please", "payload": "/affirm"},
            {"title": "No thanks", "payload": "/deny"},
        ],
    }
]


def outcomes() -> list[str]:
    with session_scope() as session:
        return list(session.execute(sa.select(messaging.SmsInbound.outcome)).scalars())


def outbound(number: str = RESIDENT) -> list[messaging.SmsOutbound]:
    with session_scope() as session:
        rows = messaging.outbound_for(session, number)
        session.expunge_all()
        return rows


async def test_a_signed_text_reaches_the_assistant_and_the_reply_is_sent(sms) -> None:
    response = await sms.post("hello there")
    assert response.status == 200
    assert response.headers["Content-Type"].startswith("text/xml")
    [message] = sms.bot.heard
    assert (message.text, message.sender_id, message.input_channel) == (
        "hello there",
        sms_conversation_id(RESIDENT, sms.channel.settings.sms_id_secret),
        "sms",
    )
    assert is_sms_conversation_id(message.sender_id) and "900123" not in message.sender_id
    assert sms.fake.to(RESIDENT) == ["You said: hello there"]
    assert sms.fake.sent[0]["From"] == "+447700900000"
    [row] = outbound()
    assert (row.status, row.segments, row.attempts) == ("sent", 1, 1)
    assert row.twilio_sid == sms.fake.sent[0]["Sid"]


async def test_unsigned_and_forged_texts_get_403_and_reach_no_one(sms) -> None:
    unsigned = await sms.post("hello", token="")
    forged = await sms.post("hello", token="not-our-token")
    wrong_url = await sms.post("hello", signed_url="http://elsewhere.example.org/webhook")
    assert [unsigned.status, forged.status, wrong_url.status] == [403, 403, 403]
    form = {"From": RESIDENT, "Body": "hello", "MessageSid": new_sid()}
    signature = sign(TOKEN, sms.url + "/webhooks/sms/webhook", form)
    tampered = {**form, "Body": "send this to everyone"}
    async with sms.http.post(
        sms.url + "/webhooks/sms/webhook", data=tampered, headers={"X-Twilio-Signature": signature}
    ) as response:
        assert response.status == 403
    await sms.channel.drain()
    assert sms.bot.heard == []
    assert sms.fake.sent == []
    assert outcomes() == []


async def test_a_replayed_delivery_is_processed_once_even_after_a_restart(
    sms, settings, fake_twilio
) -> None:
    sid = new_sid()
    first = await sms.post("hello", sid=sid)
    again = await sms.post("hello", sid=sid)
    assert first.status == again.status == 200
    assert sms.bot.texts == ["hello"]
    token = {"I-Twilio-Idempotency-Token": "delivery-1"}
    await sms.post("no sid", sid="", headers=token)
    await sms.post("no sid", sid="", headers=token)
    assert sms.bot.texts == ["hello", "no sid"]

    restarted = SmsInput(settings, TwilioSender(settings, backoff_seconds=0.01))
    server, url = await serve(restarted, sms.bot)
    try:
        sms.url, sms.channel = url, restarted
        await sms.post("hello", sid=sid)
    finally:
        server.close()
        await server.wait_closed()
    assert sms.bot.texts == ["hello", "no sid"]
    assert len(fake_twilio.to(RESIDENT)) == 2


async def test_the_webhook_answers_before_the_turn_is_over(sms) -> None:
    sms.bot.delay = 2.0
    started = time.monotonic()
    response = await sms.post("slow one", settle=False)
    assert response.status == 200
    assert time.monotonic() - started < 1.0
    assert sms.fake.sent == []
    await sms.channel.drain()
    assert sms.fake.to(RESIDENT) == ["You said: slow one"]


async def test_stop_help_and_start(sms) -> None:
    await sms.post("Stop")
    assert sms.fake.to(RESIDENT) == [STOP_TEXT]
    with session_scope() as session:
        assert messaging.is_opted_out(session, RESIDENT)
    await sms.post("hello, anyone there?")
    await sms.post("yes")  # after STOP, YES opts back in too
    assert sms.bot.heard == []
    assert sms.fake.to(RESIDENT) == [STOP_TEXT, START_TEXT]

    for word in ("QUIT", "help", "START", "hello again"):
        await sms.post(word)
    assert sms.fake.to(RESIDENT)[2:] == [STOP_TEXT, HELP_TEXT, START_TEXT, "You said: hello again"]
    assert "STOP" in HELP_TEXT and "council" in HELP_TEXT
    assert sms.bot.texts == ["hello again"]
    assert outcomes() == ["stop", "opted_out", "start", "stop", "help", "start", "turn"]


async def test_nothing_is_sent_to_a_number_that_opted_out(sms) -> None:
    def stop_elsewhere() -> None:  # STOP handled by another server while this turn runs
        with session_scope() as session:
            messaging.opt_out(session, RESIDENT)

    sms.bot.before_reply = stop_elsewhere
    await sms.post("hello")
    assert sms.fake.sent == []
    assert [row.status for row in outbound()] == ["suppressed"]


async def test_yes_is_an_answer_for_a_number_that_has_not_opted_out(sms) -> None:
    await sms.post("yes")
    assert sms.bot.texts == ["yes"]


async def test_options_are_numbered_and_a_number_or_the_words_choose_one(sms) -> None:
    sms.bot.replies["hello"] = [{"text": "Hi."}, *YES_NO]
    await sms.post("hello")
    [body] = sms.fake.to(RESIDENT)
    assert body == "Hi.\nIs that OK? Reply 1 or 2.\n1 Yes please\n2 No thanks"
    assert "/affirm" not in body
    sms.bot.replies["/deny"] = YES_NO
    await sms.post("2")
    await sms.post(" yes PLEASE ")
    await sms.post("3")
    assert sms.bot.texts == ["hello", "/deny", "/affirm", "3"]
    await sms.post("1")  # the last turn sent no options, so "1" is just "1"
    assert sms.bot.texts[-1] == "1"


async def test_group_suggestions_go_as_compact_text(sms) -> None:
    groups = [
        {
            "id": "svc-1",
            "name": "Zo\u00eb\u2019s Walking Group",
            "when": "Tuesdays 10am",
            "where": "Central Park, Boston",
            "cost": "Free",
            "contact": "01632 960001",
            "summary": "A gentle walk",
            "why": "you said walking",
        }
    ]
    sms.bot.replies["walk"] = [
        {
            "text": "Here are 1 groups near Boston.\n1. long card text",
            "custom": {"type": "groups", "groups": groups},
        }
    ]
    await sms.post("walk")
    [body] = sms.fake.to(RESIDENT)
    assert body == (
        "Here are 1 groups near Boston.\n"
        "- Zoe's Walking Group: Tuesdays 10am, Central Park, Boston, Free, 01632 960001"
    )
    assert is_gsm7(body)


async def test_a_flood_is_cut_off_and_the_resident_told_once(sms) -> None:
    sms.channel.settings = sms.channel.settings.__class__(
        **{**sms.channel.settings.__dict__, "sms_rate_limit": 3}
    )
    for n in range(6):
        await sms.post(f"message {n}")
    assert sms.bot.texts == ["message 0", "message 1", "message 2"]
    notices = [b for b in sms.fake.to(RESIDENT) if b.startswith("You have sent a lot")]
    assert notices == [LIMIT_TEXT.format(team_phone="01632 960000")]
    assert len(sms.fake.sent) == 4
    await sms.post("hi", number="+447700900999")  # other numbers are not affected
    assert sms.bot.texts[-1] == "hi"


async def test_when_the_assistant_fails_the_resident_is_told(sms) -> None:
    await sms.post("boom")
    [body] = sms.fake.to(RESIDENT)
    assert body.startswith("Sorry, something went wrong") and "01632 960000" in body
    assert outcomes() == ["error"]


async def test_twilio_5xx_is_retried_and_4xx_recorded_as_failed(sms) -> None:
    sms.fake.failures.extend([500, 503])
    await sms.post("first")
    assert sms.fake.to(RESIDENT) == ["You said: first"]
    sms.fake.failures.append(400)
    await sms.post("second")
    rows = outbound()
    assert [(r.status, r.attempts) for r in rows] == [("sent", 3), ("failed", 1)]
    assert "400" in rows[1].error
    assert sms.fake.requests == 4


async def test_network_errors_are_retried_then_recorded(sms, settings, fake_twilio) -> None:
    fake_twilio.stop()  # nothing listens there any more
    sender = TwilioSender(settings, attempts=3, backoff_seconds=0.01, timeout_seconds=1)
    sms.channel.sender = sender
    await sms.post("anyone?")
    await sender.drain()
    [row] = outbound()
    assert (row.status, row.attempts) == ("failed", 3)
    assert row.error.startswith("network")


async def test_delivery_reports_are_verified_and_recorded(sms) -> None:
    sms.bot.replies["done"] = [{"text": "Thank you. Your reference is FD-ABC234."}]
    await sms.post("done")
    [sent] = sms.fake.sent
    assert sent["StatusCallback"] == sms.url + "/webhooks/sms/status"
    report = {"MessageSid": sent["Sid"], "MessageStatus": "delivered", "AccountSid": "AC1"}
    forged = await sms.post("", path="/webhooks/sms/status", token="bad", extra=report)
    assert forged.status == 403
    [row] = outbound()
    assert (row.kind, row.reference, row.track, row.status) == (
        "referral",
        "FD-ABC234",
        True,
        "sent",
    )
    ok = await sms.post("", path="/webhooks/sms/status", sid=sent["Sid"], extra=report)
    assert ok.status == 204
    [row] = outbound()
    assert row.status == "delivered" and row.delivered_at is not None

    await sms.post("just chat")
    assert "StatusCallback" not in sms.fake.sent[-1]  # ordinary replies are not tracked


async def test_forwarded_headers_and_the_public_base_url_are_what_is_signed(sms) -> None:
    public = "https://sms.example.org/webhooks/sms/webhook"
    forwarded = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "sms.example.org"}
    assert (await sms.post("via proxy", signed_url=public, headers=forwarded)).status == 200
    assert (await sms.post("no headers", signed_url=public)).status == 403

    settings = sms.channel.settings
    sms.channel.settings = settings.__class__(
        **{**settings.__dict__, "sms_public_base_url": "https://council.example.org/bot"}
    )
    configured = "https://council.example.org/bot/webhooks/sms/webhook"
    assert (await sms.post("configured", signed_url=configured)).status == 200
    assert (await sms.post("local url")).status == 403
    assert sms.bot.texts == ["via proxy", "configured"]


async def test_the_output_channel_pushes_to_the_conversations_number(sms) -> None:
    conversation = sms.channel.conversation_id(RESIDENT)
    await sms.post("hello")  # the first text links the conversation id to the number
    output = sms.channel.get_output_channel()
    await output.send_response(conversation, {"text": "Sam here, from the team \u2014 hello!"})
    await output.send_response("web-chat-abc123", {"text": "not a phone"})
    await output.send_response(RESIDENT, {"text": "a number is not a conversation id"})
    unknown = sms_conversation_id(RESIDENT, "another secret")
    await output.send_response(unknown, {"text": "no number behind this id"})
    await sms.channel.drain()
    assert sms.fake.to(RESIDENT) == ["You said: hello", "Sam here, from the team - hello!"]
    assert len(sms.fake.sent) == 2
    await sms.post("stop")
    await output.send_response(conversation, {"text": "are you still there?"})
    await sms.channel.drain()
    assert sms.fake.to(RESIDENT)[-1] == STOP_TEXT
    assert [r.kind for r in outbound()] == ["reply", "push", "notice", "push"]
    assert outbound()[-1].status == "suppressed"


async def test_erasure_unlinks_the_number_and_pushes_then_reach_no_one(sms) -> None:
    conversation = sms.channel.conversation_id(RESIDENT)
    await sms.post("hello")
    with session_scope() as session:
        assert messaging.number_for_conversation(session, conversation) == RESIDENT
        erase_personal_data(session, conversation)
    with session_scope() as session:
        assert messaging.number_for_conversation(session, conversation) is None
    await sms.channel.get_output_channel().send_response(conversation, {"text": "still there?"})
    await sms.channel.drain()
    assert sms.fake.to(RESIDENT) == ["You said: hello"]
    await sms.post("hello again")  # texting again starts the link afresh
    with session_scope() as session:
        assert messaging.number_for_conversation(session, conversation) == RESIDENT


async def test_logs_name_the_conversation_never_the_number(sms, caplog) -> None:
    sms.bot.replies["boom"] = []
    with caplog.at_level("DEBUG"):
        await sms.post("boom")
    said = " ".join(record.getMessage() for record in caplog.records)
    assert sms.channel.conversation_id(RESIDENT) in said  # the failed turn is logged
    assert RESIDENT[1:] not in caplog.text and RESIDENT[-4:] not in said


async def test_a_long_text_is_cut_before_the_assistant_reads_it(sms) -> None:
    from bot.channels.limits import CUT_NOTE

    long_text = "I would like a choir. " * 200  # 4,400 characters
    response = await sms.post(long_text)
    assert response.status == 200
    [message] = sms.bot.heard
    assert message.text == long_text[:2000]
    assert CUT_NOTE in " ".join(sms.fake.to(RESIDENT))


def test_twilio_errors_reach_the_log_without_the_number() -> None:
    error = "Twilio 400 21211: The 'To' number +447700900123 is not a valid phone number."
    assert without_numbers(error) == (
        "Twilio 400 21211: The 'To' number [number] is not a valid phone number."
    )
    assert without_numbers("call 07700 900123 or (01632) 960000") == "call [number] or [number]"
    assert without_numbers("to 447700900123") == "to [number]"
    assert without_numbers("network: TimeoutError()") == "network: TimeoutError()"
