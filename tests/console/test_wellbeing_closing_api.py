"""Wellbeing at closing over HTTP: the close step with scores through the JSON API and the
page's form; the questions sent by text (to a fake Twilio) and by email (to a real SMTP
server) with a link to the resident's page, which takes answers once and is kind about a link
that ran out or was changed."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from caseload_helpers import (
    RESIDENT_EMAIL,
    RESIDENT_NUMBER,
    PostOffice,
    post_office,  # noqa: F401 (a fixture)
    reached_by_email,
)
from console_helpers import FakeRasa, add_referral, log_in, referral_row, token_for
from fastapi.testclient import TestClient

from frontdoor.console.app import create_app
from frontdoor.sms import is_gsm7, segments
from frontdoor.store import messaging
from frontdoor.store.db import session_scope
from frontdoor.store.models import utcnow
from frontdoor.wellbeing_link import LIFETIME, issue

SAM = "sam@example.org"
LINK = re.compile(r"(https?://\S+/wellbeing/(\S+?))(?=\s|$)")
ANSWERS = {"life_satisfied": 7, "worthwhile": 8, "happy": 6, "anxious": 2, "isolated": 1}


def claimed(client: TestClient, **extra: object) -> tuple[str, dict[str, str]]:
    """A referral Sam claimed, and Sam's bearer headers."""
    reference = add_referral(client.app.state.database_url, **extra)
    headers = token_for(client, SAM)
    assert client.post(f"/api/referrals/{reference}/claim", headers=headers).status_code == 200
    return reference, headers


def close(client: TestClient, reference: str, headers: dict[str, str], **body: object):
    return client.post(
        f"/api/referrals/{reference}/close",
        headers=headers,
        json={"outcome": "connected_to_group", **body},
    )


@pytest.fixture()
def post_client(post_office: PostOffice, console_store: str) -> TestClient:  # noqa: F811
    """The console sending texts and email through the post office."""
    return TestClient(create_app(console_store, settings=post_office.settings, rasa=FakeRasa()))


# The close step with scores


def test_the_api_closes_with_the_scores_now_and_shows_them_beside_the_start(client) -> None:
    reference, sam = claimed(client)
    refused = close(client, reference, sam, wellbeing={"happy": 12})
    assert refused.status_code == 422
    unknown = close(client, reference, sam, wellbeing={"mood": 3})
    assert unknown.status_code == 422
    closed = close(client, reference, sam, wellbeing=ANSWERS)
    assert closed.status_code == 200, closed.text
    wellbeing = closed.json()["wellbeing"]
    assert wellbeing["end_by"] == "the link worker" and wellbeing["start_by"] is None
    lines = {line["question"]: line for line in wellbeing["lines"]}
    assert (lines["happy"]["end"], lines["happy"]["start"], lines["happy"]["change"]) == (
        6,
        None,
        None,
    )
    assert lines["isolated"]["label"] == "Feels isolated (1 to 3)"
    again = client.get(f"/api/referrals/{reference}", headers=sam).json()
    assert again["wellbeing"] == wellbeing


def test_the_close_form_takes_the_scores_and_the_page_shows_them(client) -> None:
    reference = add_referral(client.app.state.database_url)
    csrf = log_in(client, SAM)
    page = client.post(f"/referrals/{reference}/claim", data={"csrf_token": csrf})
    assert "Wellbeing now (optional)" in page.text and ">Not asked</option>" in page.text
    form = {
        "csrf_token": csrf,
        "outcome": "connected_to_group",
        "wellbeing_life_satisfied": "0",
        "wellbeing_anxious": "",
        "wellbeing_left_out": "2",
    }
    closed = client.post(f"/referrals/{reference}/close", data=form, follow_redirects=False)
    assert closed.status_code == 303, closed.text
    page = client.get(closed.headers["location"])
    assert "<caption>At the start and at the end, and the change</caption>" in page.text
    row = re.search(r'<tr id="wellbeing-left_out">(.*?)</tr>', page.text, re.S).group(1)
    assert "Feels left out (1 to 3)" in row and "<td>2</td>" in row
    assert "At the end: the link worker." in page.text


def test_a_refused_close_form_keeps_the_scores_typed(client) -> None:
    reference = add_referral(client.app.state.database_url)
    csrf = log_in(client, SAM)
    client.post(f"/referrals/{reference}/claim", data={"csrf_token": csrf})
    form = {
        "csrf_token": csrf,
        "outcome": "connected_to_group",
        "wellbeing_happy": "4",
        "send_wellbeing": "yes",
        "send_wellbeing_by": "email",
    }
    page = client.post(f"/referrals/{reference}/close", data=form)
    assert page.status_code == 422 and "not both" in page.text
    assert '<option value="4" selected>4</option>' in page.text
    assert 'name="send_wellbeing" value="yes" aria-describedby="send-wellbeing-hint" checked>' in (
        page.text
    )
    assert referral_row(client.app.state.database_url, reference).status == "claimed"


# The questions sent, and the resident's page


def test_the_questions_go_by_text_with_a_link_the_resident_answers_once(
    post_client: TestClient,
    post_office: PostOffice,  # noqa: F811
) -> None:
    reference, sam = claimed(post_client, contact_name="Zoë")
    closed = close(post_client, reference, sam, send_wellbeing="sms")
    assert closed.status_code == 200, closed.text
    assert closed.json()["status"] == "closed"
    assert closed.json()["wellbeing"]["questions_sent_at"] is not None
    [text] = post_office.twilio.to(RESIDENT_NUMBER)
    assert is_gsm7(text) and segments(text) <= 3
    assert text.startswith("Hello Zoe, this is Sam from the community support team.")
    assert "7 short questions, and you can skip any of them." in text
    assert "The link works once, for 14 days." in text and "01632 960000" in text
    with session_scope(post_client.app.state.database_url) as session:
        [row] = messaging.outbound_for(session, RESIDENT_NUMBER)
        assert (row.kind, row.status) == ("push", "sent")
    url, token = LINK.search(text).groups()
    assert url.startswith("http://127.0.0.1:")

    page = post_client.get(f"/wellbeing/{token}")
    assert page.status_code == 200 and "<h1>How are you now?</h1>" in page.text
    assert page.text.count("<fieldset") == 7 and "Leave this page" in page.text
    assert "no-store" in page.headers["cache-control"]
    answered = post_client.post(f"/wellbeing/{token}", data={"happy": "9", "left_out": "1"})
    assert answered.status_code == 200 and "<h1>Thank you</h1>" in answered.text
    second = post_client.post(f"/wellbeing/{token}", data={"happy": "1"})
    assert second.status_code == 409 and "You have already answered" in second.text
    again = post_client.get(f"/wellbeing/{token}")
    assert again.status_code == 409 and "<form" not in again.text

    detail = post_client.get(f"/api/referrals/{reference}", headers=sam).json()["wellbeing"]
    lines = {line["question"]: line for line in detail["lines"]}
    assert (lines["happy"]["end"], lines["left_out"]["end"]) == (9, 1)
    assert detail["end_by"] == "the resident, by the link sent"


def test_the_questions_go_by_email_with_the_same_kind_of_link(
    post_client: TestClient,
    post_office: PostOffice,  # noqa: F811
) -> None:
    reference, sam = claimed(post_client)
    reached_by_email(post_client.app.state.database_url, reference)
    closed = close(post_client, reference, sam, send_wellbeing="email")
    assert closed.status_code == 200, closed.text
    [mail] = post_office.mailbox.received
    assert mail["To"] == RESIDENT_EMAIL
    assert mail["Subject"] == "How are you now? A few questions from the community support team"
    body = mail.get_payload(decode=True).decode().replace("\r\n", "\n")
    assert body.startswith("Hello Margaret,\n\nThis is Sam from the community support team.")
    _, token = LINK.search(body).groups()
    assert post_client.get(f"/wellbeing/{token}").status_code == 200
    assert post_office.twilio.sent == []


def test_a_number_that_said_stop_gets_no_text_and_the_referral_stays_open(
    post_client: TestClient,
    post_office: PostOffice,  # noqa: F811
) -> None:
    reference, sam = claimed(post_client)
    with session_scope(post_client.app.state.database_url) as session:
        messaging.opt_out(session, RESIDENT_NUMBER)
    refused = close(post_client, reference, sam, send_wellbeing="sms")
    assert refused.status_code == 400 and "texted STOP" in refused.json()["detail"]
    assert "still open" in refused.json()["detail"]
    assert post_office.twilio.sent == []
    assert referral_row(post_client.app.state.database_url, reference).status == "claimed"


def test_twilio_refusing_leaves_the_referral_open(
    post_client: TestClient,
    post_office: PostOffice,  # noqa: F811
) -> None:
    reference, sam = claimed(post_client)
    post_office.twilio.failures.append(400)
    refused = close(post_client, reference, sam, send_wellbeing="sms")
    assert refused.status_code == 502 and "could not be sent" in refused.json()["detail"]
    assert referral_row(post_client.app.state.database_url, reference).status == "claimed"
    assert close(post_client, reference, sam).status_code == 200  # closed without sending


def test_a_link_that_ran_out_or_was_changed_gets_a_kind_page(client) -> None:
    reference, _ = claimed(client)
    known = referral_row(client.app.state.database_url, reference).id
    secret = client.app.state.settings.wellbeing_link_secret
    old = issue(secret, known, utcnow() - LIFETIME - timedelta(seconds=5))
    expired = client.get(f"/wellbeing/{old}")
    assert expired.status_code == 410 and "This link has run out" in expired.text
    assert "call the community support team on 01632 960000" in expired.text
    changed = issue(secret, known, utcnow())[:-2] + "xx"
    for token in (changed, "not-a-link", "9" * 500, issue("another secret", known, utcnow())):
        page = client.get(f"/wellbeing/{token}")
        assert page.status_code == 404 and "This link does not work" in page.text
        posted = client.post(f"/wellbeing/{token}", data={"happy": "5"})
        assert posted.status_code == 404
    posted = client.post(f"/wellbeing/{old}", data={"happy": "5"})
    assert posted.status_code == 410
    good = issue(secret, known, utcnow())
    odd = client.post(f"/wellbeing/{good}", data={"happy": "eleven"})
    assert odd.status_code == 422 and "Please choose one of the answers" in odd.text
    assert client.get(f"/wellbeing/{good}").status_code == 200  # nothing was taken
