"""The caseload through the JSON API and the pages' forms: the contact log, tasks, My caseload,
the report, and groups sent to a resident by text (to a fake Twilio) and by email (to a real
SMTP server), each logged as a contact."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

import pytest
from caseload_helpers import (
    RESIDENT_EMAIL,
    RESIDENT_NUMBER,
    TEAM_ADDRESS,
    PostOffice,
    directory_groups,
    group_names,
    post_office,  # noqa: F401 (a fixture)
    reached_by_email,
)
from console_helpers import FakeRasa, add_referral, log_in, token_for
from fastapi.testclient import TestClient
from httpx import Response

from frontdoor.console.app import create_app
from frontdoor.console.group_message import Sender, email_text, sms_bodies
from frontdoor.sms import MAX_BODY_CHARS, is_gsm7, to_gsm7
from frontdoor.store import caseload as store
from frontdoor.store import messaging
from frontdoor.store.db import session_scope

SAM, ALEX, PAT = "sam@example.org", "alex@example.org", "pat@example.org"


def claim(client: TestClient, reference: str, headers: dict[str, str]) -> None:
    assert client.post(f"/api/referrals/{reference}/claim", headers=headers).status_code == 200


# The contact log and tasks


def test_log_contacts_and_tasks_through_the_api(client) -> None:
    url = client.app.state.database_url
    reference = add_referral(url)
    sam = token_for(client, SAM)
    claim(client, reference, sam)
    logged = client.post(
        f"/api/referrals/{reference}/contacts",
        headers=sam,
        json={"how": "in_person", "minutes": 40, "what_happened": "Met at the library"},
    )
    assert logged.status_code == 200, logged.text
    assert logged.json()["contacts"][0]["how_label"] == "In person"
    today = store.local_today()
    added = client.post(
        f"/api/referrals/{reference}/tasks",
        headers=sam,
        json={"what": "Ring after the first session", "due_on": today.isoformat()},
    )
    assert added.json()["tasks_due"] == 1
    task_id = added.json()["tasks"][0]["id"]
    mine = client.get("/api/caseload", headers=sam).json()
    assert mine["tasks_due"] == 1
    assert mine["cases"][0]["next_step"]["what"] == "Ring after the first session"
    assert (mine["cases"][0]["contacts"], mine["cases"][0]["minutes"]) == (1, 40)
    done = client.post(f"/api/referrals/{reference}/task-done", headers=sam, json={"task": task_id})
    assert done.json()["tasks"][0]["done"] is True and done.json()["tasks_due"] == 0
    again = client.post(
        f"/api/referrals/{reference}/task-done", headers=sam, json={"task": task_id}
    )
    assert again.status_code == 409
    record = client.get(f"/api/referrals/{reference}/case", headers=sam).json()
    assert (record["contact_count"], record["minutes_total"]) == (1, 40)
    assert record["today"] == today.isoformat()


def test_the_api_says_what_to_fix_and_who_may(client) -> None:
    url = client.app.state.database_url
    reference = add_referral(url)
    sam, alex = token_for(client, SAM), token_for(client, ALEX)
    claim(client, reference, sam)
    bad = client.post(
        f"/api/referrals/{reference}/contacts",
        headers=sam,
        json={"how": "phone", "minutes": 900, "what_happened": "x"},
    )
    assert bad.status_code == 422
    past = client.post(
        f"/api/referrals/{reference}/tasks",
        headers=sam,
        json={"what": "Ring", "due_on": (store.local_today() - timedelta(days=1)).isoformat()},
    )
    assert past.status_code == 400 and "choose today or a later day" in past.json()["detail"]
    other = client.post(
        f"/api/referrals/{reference}/contacts",
        headers=alex,
        json={"how": "phone", "minutes": 5, "what_happened": "x"},
    )
    assert other.status_code == 409
    assert client.get("/api/referrals/FD-NOPE99/case", headers=sam).status_code == 404


def test_the_report_and_its_csv_count_contacts(client) -> None:
    url = client.app.state.database_url
    reference = add_referral(url)
    sam = token_for(client, SAM)
    claim(client, reference, sam)
    for minutes in (10, 30):
        client.post(
            f"/api/referrals/{reference}/contacts",
            headers=sam,
            json={"how": "phone", "minutes": minutes, "what_happened": "Rang"},
        )
    figures = client.get("/api/report", headers=sam).json()
    assert (figures["contacts_logged"], figures["contact_minutes"]) == (2, 40)
    assert (figures["contacts_per_case"], figures["minutes_per_case"]) == (2.0, 40.0)
    lines = client.get("/api/report.csv", headers=sam).text.splitlines()
    assert "contacts,minutes per referral (average),40.0" in lines
    log_in(client, SAM)
    page = client.get("/report").text
    assert "Contacts logged" in page and "40 minutes" in page


# The pages' forms


def test_the_referral_page_logs_a_contact_and_sets_and_ticks_off_a_task(client) -> None:
    url = client.app.state.database_url
    reference = add_referral(url)
    csrf = log_in(client, SAM)
    client.post(f"/referrals/{reference}/claim", data={"csrf_token": csrf})
    form = {"csrf_token": csrf, "how": "letter", "minutes": "20", "happened_at": ""}
    refused = client.post(f"/referrals/{reference}/log-contact", data=form | {"what_happened": ""})
    assert refused.status_code == 422
    assert "write a few words about what happened" in refused.text
    assert 'id="log-contact-error"' in refused.text
    assert '<option value="letter" selected>' in refused.text  # what was chosen stays
    logged = client.post(
        f"/referrals/{reference}/log-contact", data={**form, "what_happened": "Posted a leaflet"}
    )
    assert "Contact logged." in logged.text and "Posted a leaflet" in logged.text
    today = store.local_today().isoformat()
    added = client.post(
        f"/referrals/{reference}/add-task",
        data={"csrf_token": csrf, "what": "Ring to check it came", "due_on": today},
    )
    assert "Task added." in added.text and "Due today" in added.text
    assert re.search(r'class="nav-count">1<', added.text)  # the header counts it
    task = re.search(r'name="task" value="(\d+)"', added.text)
    assert task is not None
    done = client.post(
        f"/referrals/{reference}/task-done", data={"csrf_token": csrf, "task": task.group(1)}
    )
    assert "Task marked as done." in done.text and 'class="nav-count"' not in done.text
    caseload = client.get("/caseload").text
    assert reference in caseload and "No next step set" in caseload


def test_the_caseload_page_marks_a_task_due(client) -> None:
    url = client.app.state.database_url
    reference = add_referral(url, contact_name="Margaret")
    sam = token_for(client, SAM)
    claim(client, reference, sam)
    client.post(
        f"/api/referrals/{reference}/tasks",
        headers=sam,
        json={"what": "Send the timetable", "due_on": store.local_today().isoformat()},
    )
    log_in(client, SAM)
    page = client.get("/caseload").text
    row = re.search(r'<tr class="due">.*?</tr>', page, re.S)
    assert row is not None and "Send the timetable" in row.group(0)
    assert "Due today" in row.group(0)
    assert "1 task due today or overdue." in page


# Groups for the resident


@pytest.fixture()
def post_client(post_office: PostOffice, directory_url: str, console_store: str) -> TestClient:  # noqa: F811
    """The console over a store with the sample directory, sending through the post office."""
    return TestClient(create_app(console_store, settings=post_office.settings, rasa=FakeRasa()))


@dataclass
class Claimed:
    """A referral Sam claimed, with groups suggested, and the API calls on it."""

    client: TestClient
    reference: str
    ids: list[str]
    headers: dict[str, str]

    @property
    def url(self) -> str:
        return self.client.app.state.database_url

    def send(self, **body: object) -> Response:
        where = f"/api/referrals/{self.reference}/groups/send"
        return self.client.post(where, headers=self.headers, json=body)

    def contacts(self) -> list[dict]:
        where = f"/api/referrals/{self.reference}/case"
        return self.client.get(where, headers=self.headers).json()["contacts"]


def claimed_with_groups(client: TestClient, need: str, count: int = 1, **extra) -> Claimed:
    url = client.app.state.database_url
    ids = directory_groups(url, need, count=count)
    reference = add_referral(url, suggested_groups=ids, **extra)
    sam = token_for(client, SAM)
    claim(client, reference, sam)
    return Claimed(client, reference, ids, sam)


def test_groups_sent_by_text_reach_twilio_in_plain_characters_and_are_logged(
    post_client: TestClient,
    post_office: PostOffice,  # noqa: F811
) -> None:
    case = claimed_with_groups(post_client, "walking", 2, contact_name="Zoë")
    where = f"/api/referrals/{case.reference}/groups?search=choir"
    choices = post_client.get(where, headers=case.headers).json()
    assert [g["id"] for g in choices["suggested"]] == case.ids
    found = choices["found"]
    assert found and all(not g["suggested"] and g["id"] not in case.ids for g in found)
    chosen = [case.ids[0], found[0]["id"]]
    sent = case.send(group_ids=chosen, by="sms")
    assert sent.status_code == 200, sent.text
    assert sent.json()["to"] == "07700 900123" and sent.json()["parts"] >= 1
    texts = post_office.twilio.to(RESIDENT_NUMBER)
    assert texts and all(is_gsm7(body) and len(body) <= MAX_BODY_CHARS for body in texts)
    words = "\n".join(texts)
    assert words.startswith("Hello Zoe, this is Sam from the community support team.")
    for name in group_names(case.url, chosen):
        assert f"- {to_gsm7(name)}" in words
    assert "call us on 01632 960000" in words
    with session_scope(case.url) as session:
        [row] = messaging.outbound_for(session, RESIDENT_NUMBER)
        assert (row.kind, row.status, row.twilio_sid is not None) == ("push", "sent", True)
    contact = case.contacts()[0]
    assert (contact["how"], contact["automatic"], contact["minutes"]) == ("sms", True, 0)
    assert contact["what_happened"].startswith("Sent 2 groups by text: ")


def test_groups_sent_by_email_reach_the_mail_server_and_are_logged(
    post_client: TestClient,
    post_office: PostOffice,  # noqa: F811
) -> None:
    case = claimed_with_groups(post_client, "lunch", 2)
    reached_by_email(case.url, case.reference)
    sent = case.send(group_ids=case.ids, by="email")
    assert sent.status_code == 200, sent.text
    assert (sent.json()["to"], sent.json()["parts"]) == (RESIDENT_EMAIL, 1)
    [mail] = post_office.mailbox.received
    assert (mail["To"], mail["From"]) == (RESIDENT_EMAIL, TEAM_ADDRESS)
    assert mail["Subject"] == "Groups from the community support team"
    body = mail.get_payload(decode=True).decode().replace("\r\n", "\n")
    assert body.startswith("Hello Margaret,\n\nThis is Sam from the community support team.")
    for name in group_names(case.url, case.ids):
        assert name in body
    assert "When: " in body and "Who it is for: " in body
    assert case.contacts()[0]["how"] == "email"
    assert post_office.twilio.sent == []


def test_a_number_that_said_stop_gets_no_text_and_nothing_is_logged(
    post_client: TestClient,
    post_office: PostOffice,  # noqa: F811
) -> None:
    case = claimed_with_groups(post_client, "walking")
    with session_scope(case.url) as session:
        messaging.opt_out(session, RESIDENT_NUMBER)
    sent = case.send(group_ids=case.ids, by="sms")
    assert sent.status_code == 400 and "texted STOP" in sent.json()["detail"]
    assert post_office.twilio.sent == [] and case.contacts() == []


def test_twilio_refusing_is_a_bad_gateway_and_nothing_is_logged(
    post_client: TestClient,
    post_office: PostOffice,  # noqa: F811
) -> None:
    case = claimed_with_groups(post_client, "walking")
    post_office.twilio.failures.append(400)  # refused for good, not tried again
    sent = case.send(group_ids=case.ids, by="sms")
    assert sent.status_code == 502 and "could not be sent" in sent.json()["detail"]
    assert case.contacts() == []


def test_where_to_send_is_checked_before_anything_goes(
    post_client: TestClient,
    post_office: PostOffice,  # noqa: F811
) -> None:
    case = claimed_with_groups(post_client, "walking")
    ids = case.ids
    refusals = [
        ({"group_ids": ids, "by": "email"}, 400, "the resident gave no email address"),
        ({"group_ids": ids, "by": "sms", "to": "01632 960123"}, 422, "not a UK mobile"),
        ({"group_ids": ids, "by": "email", "to": "margaret@"}, 422, "not an email address"),
        ({"group_ids": ["no-such-group"], "by": "sms"}, 422, "does not list these groups"),
    ]
    for body, status, says in refusals:
        answer = case.send(**body)
        assert (answer.status_code, says in answer.json()["detail"]) == (status, True), body
    alex = token_for(post_client, ALEX)
    where = f"/api/referrals/{case.reference}/groups/send"
    assert post_client.post(where, headers=alex, json=refusals[0][0]).status_code == 409
    other = case.send(group_ids=ids, by="email", to="son@example.org")
    assert other.status_code == 200 and post_office.mailbox.received[0]["To"] == "son@example.org"
    assert post_office.twilio.sent == []


def test_the_groups_page_sends_and_shows_what_went_wrong(
    post_client: TestClient,
    post_office: PostOffice,  # noqa: F811
) -> None:
    url = post_client.app.state.database_url
    ids = directory_groups(url, "walking")
    reference = add_referral(url, suggested_groups=ids)
    csrf = log_in(post_client, SAM)
    post_client.post(f"/referrals/{reference}/claim", data={"csrf_token": csrf})
    page = post_client.get(f"/referrals/{reference}/groups?search=choir").text
    assert "Suggested by the assistant" in page and "Found for" in page
    nothing = post_client.post(
        f"/referrals/{reference}/groups", data={"csrf_token": csrf, "by": "sms"}
    )
    assert nothing.status_code == 422 and "choose at least one group" in nothing.text
    sent = post_client.post(
        f"/referrals/{reference}/groups",
        data={"csrf_token": csrf, "by": "sms", "group_ids": ids, "to": ""},
    )
    assert "The groups have been sent by text, and the contact logged." in sent.text
    assert len(post_office.twilio.to(RESIDENT_NUMBER)) == 1


def test_a_text_too_long_for_one_message_is_cut_as_the_sms_channel_cuts_it() -> None:
    card = {
        "id": "g",
        "name": "Zoë’s “Friendly” Café 🎉",
        "summary": "A cafe.",
        "when": "Tuesdays " + "and more " * 20,
        "where": "Town Hall, Boston",
        "cost": "Free",
        "contact": "01632 960123",
        "why": "",
        "miles": None,
        "phone": None,
        "website": "https://example.org/cafe",
        "map": None,
        "for_whom": "Anyone",
    }
    bodies = sms_bodies([dict(card, id=f"g{n}") for n in range(10)], Sender("Zoë", "Sam", "0"))
    assert len(bodies) >= 2
    assert all(is_gsm7(body) and len(body) <= MAX_BODY_CHARS for body in bodies)
    assert '- Zoe\'s "Friendly" Café: Tuesdays and more' in bodies[0]  # é is GSM-7
    letter = email_text([card], Sender(None, "Sam", "01632 960000"))
    assert letter.startswith("Hello,\n\n") and "Website: https://example.org/cafe" in letter
