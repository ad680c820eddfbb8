"""What a link worker reads: names, UK times, words not codes, groups by name with links, the
buttons the resident pressed, whether they are on the web chat, and crises counted as crises."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
from console_helpers import add_events, add_referral, log_in, token_for

from frontdoor.console.conversation import Transcript
from frontdoor.console.local_time import local_time
from frontdoor.console.workflow.views import presence
from frontdoor.store import presence as chat_presence
from frontdoor.store.db import session_scope
from frontdoor.store.models import RiskEvent, Service, utcnow
from frontdoor.store.presence import ChatPresence

SAM = "sam@example.org"
NOW = datetime(2026, 7, 14, 12, 0)  # UTC; 13:00 in London (summer time)


@pytest.mark.parametrize(
    ("moment", "said"),
    [
        (datetime(2026, 7, 14, 13, 5), "today 14:05"),
        (datetime(2026, 7, 13, 23, 30), "today 00:30"),  # after midnight in London
        (datetime(2026, 7, 13, 8, 30), "yesterday 09:30"),
        (datetime(2026, 7, 15, 22, 59), "tomorrow 23:59"),
        (datetime(2026, 12, 3, 14, 5), "Thu 3 Dec 14:05"),  # winter: London is on UTC
        (datetime(2024, 12, 3, 14, 5), "Tue 3 Dec 2024 14:05"),
        (None, ""),
    ],
)
def test_moments_are_said_in_uk_time_the_short_way(moment: datetime | None, said: str) -> None:
    assert local_time(moment, NOW) == said


def _transcript(minutes_ago: int | None) -> Transcript:
    last = None if minutes_ago is None else NOW - timedelta(minutes=minutes_ago)
    return Transcript(resident_last_at=last)


@pytest.mark.parametrize(
    ("channel", "chat", "state", "words"),
    [
        ("socketio", ChatPresence(open=True, since=NOW), "on_web_chat", "Chat open now."),
        (
            "socketio",
            ChatPresence(open=False, left_at=datetime(2026, 7, 14, 11, 5)),
            "left",
            "Left the chat today at 12:05.",  # London time
        ),
        (
            "socketio",
            ChatPresence(open=False, left_at=datetime(2026, 7, 7, 8, 30)),
            "left",
            "Left the chat Tue 7 Jul at 09:30.",
        ),
        ("socketio", ChatPresence(open=False), "closed", "Chat closed."),
        ("sms", ChatPresence(open=False), "not_web_chat", "replies reach them by SMS"),
    ],
)
def test_presence_says_whether_the_web_chat_is_open_or_when_it_was_left(
    channel: str, chat: ChatPresence, state: str, words: str
) -> None:
    shown = presence(channel, _transcript(2), chat, NOW)
    assert shown.state == state and words in shown.text
    assert shown.last_message_at == "2026-07-14T11:58:00Z"


def test_the_transcript_shows_the_buttons_pressed_and_the_presence(client) -> None:
    url = client.app.state.database_url
    reference = add_referral(url, channel="socketio", conversation_id="web-buttons")
    offer = {"title": "Yes please", "payload": "/affirm"}
    add_events(
        url,
        "web-buttons",
        [
            ("user", {"text": "/greet", "input_channel": "socketio"}),
            ("bot", {"text": "Shall I look?", "data": {"buttons": [offer]}}),
            ("bot", {"text": "Or talk to someone.", "data": {}}),
            ("user", {"text": "/affirm", "input_channel": "socketio"}),
            ("user", {"text": "/need_support", "input_channel": "socketio"}),
        ],
        at=(utcnow() - timedelta(minutes=3) - datetime(1970, 1, 1)).total_seconds(),
    )
    chat = client.get(
        f"/api/referrals/{reference}/conversation", headers=token_for(client, SAM)
    ).json()
    lines = [(m["who"], m["text"], m["pressed"]) for m in chat["messages"]]
    assert lines == [
        ("system", "The chat page sent: Greet.", False),
        ("assistant", "Shall I look?", False),
        ("assistant", "Or talk to someone.", False),
        ("resident", "Yes please", True),
        ("system", "The chat page sent: Need support.", False),  # no button offered it
    ]
    assert all(m["at_text"].startswith("today ") for m in chat["messages"])
    assert chat["presence"]["state"] == "closed"  # no page has the chat open
    with session_scope(url) as session:
        chat_presence.connected(session, "rasa-1", "sid-1", "web-buttons")
    chat = client.get(
        f"/api/referrals/{reference}/conversation", headers=token_for(client, SAM)
    ).json()
    assert chat["presence"]["state"] == "on_web_chat"
    log_in(client, SAM)
    page = client.get(f"/referrals/{reference}").text
    assert '<span class="pressed">Pressed the button:</span> <span class="text">Yes please' in page
    assert "/affirm" not in page and "Chat open now." in page
    assert 'id="chat-log" tabindex="0" role="log" aria-label="Messages"' in page


def test_groups_suggested_are_named_and_linked(client) -> None:
    url = client.app.state.database_url
    with session_scope(url) as session:
        session.add(Service(id="svc-choir", name="Louth Choir", url="https://choir.example.org"))
        session.add(Service(id="svc/walk", name="Tuesday Walkers"))
    reference = add_referral(url, suggested_groups=["svc-choir", "svc/walk", "svc-gone"])
    detail = client.get(f"/api/referrals/{reference}", headers=token_for(client, SAM)).json()
    assert detail["suggested_groups"] == ["svc-choir", "svc/walk", "svc-gone"]
    assert [(g["name"], g["url"], g["listed"]) for g in detail["suggested_group_links"]] == [
        ("Louth Choir", "https://choir.example.org", True),
        ("Tuesday Walkers", "/oruk/services/svc%2Fwalk", True),
        ("svc-gone", None, False),
    ]
    log_in(client, SAM)
    page = client.get(f"/referrals/{reference}").text
    assert '<a href="https://choir.example.org" rel="noopener noreferrer">Louth Choir</a>' in page
    assert (
        '<a href="/oruk/services/svc%2Fwalk" rel="noopener noreferrer">Tuesday Walkers</a>' in page
    )
    assert 'svc-gone <span class="muted">(no longer in the directory)</span>' in page


def test_the_queue_and_the_referral_name_people_and_say_when_in_uk_time(client) -> None:
    url = client.app.state.database_url
    reference = add_referral(url, contact_name="Margaret Lee")
    client.post(f"/api/referrals/{reference}/claim", headers=token_for(client, SAM))
    log_in(client, SAM)
    queue = client.get("/", params={"status": "open"}).text
    row = queue[queue.index(f">{reference}</a>") : queue.index("</tr>", queue.index(reference))]
    assert "Margaret Lee" in row and "Phone call" in row and "Sam Jones" in row
    assert SAM not in row and re.search(r'<time datetime="[^"]+Z">today \d\d:\d\d</time>', row)
    page = client.get(f"/referrals/{reference}").text
    assert "<dt>Claimed by</dt><dd>Sam Jones</dd>" in page
    assert re.search(r"Claimed, <time [^>]+>today \d\d:\d\d</time>, by Sam Jones", page)
    assert not re.search(r">\d{4}-\d\d-\d\dT", page)  # no raw timestamps shown


def test_the_close_form_shows_no_codes_and_chooses_nothing(client) -> None:
    url = client.app.state.database_url
    reference = add_referral(url)
    csrf = log_in(client, SAM)
    page = client.post(f"/referrals/{reference}/claim", data={"csrf_token": csrf}).text
    form = page[page.index('id="close-title"') :]
    assert 'name="outcome"' in form and " checked" not in form
    assert "SNOMED" not in page and "snomed" not in page
    assert '<option value="chat">Web chat</option>' in page
    closing = {"csrf_token": csrf, "outcome": "declined"}
    page = client.post(f"/referrals/{reference}/close", data=closing).text
    assert "The referral is closed." in page and "871711000000103" not in page
    detail = client.get(f"/api/referrals/{reference}", headers=token_for(client, SAM)).json()
    assert detail["outcome"]["snomed_code"] == "871711000000103"  # kept for the exports


def test_every_crisis_kind_counts_as_a_crisis_referral(client) -> None:
    url = client.app.state.database_url
    add_referral(url, "urgent", risk="domestic_abuse", conversation_id="abuse")
    add_referral(url, "crisis", risk="self_harm", conversation_id="harm")
    add_referral(url, "urgent", risk="medical", conversation_id="false-alarm")
    add_referral(url, "urgent")  # asked for a call back soon: no risk
    add_referral(url)
    with session_scope(url) as session:
        session.add(RiskEvent(conversation_id="abuse", channel="rest", category="domestic_abuse"))
        session.add(
            RiskEvent(
                conversation_id="false-alarm", channel="rest", category="medical", status="cleared"
            )
        )
    figures = client.get("/api/report", headers=token_for(client, SAM)).json()
    assert figures["crisis_referrals"] == 2
    assert figures["risk_events"] == {"domestic_abuse": 1, "medical": 1}
    log_in(client, SAM)
    page = client.get("/report").text
    assert "Crisis referrals</dt><dd>2</dd>" in page
    assert "Domestic abuse: 1" in page and "domestic_abuse" not in page
    assert "Urgent: 3" in page
