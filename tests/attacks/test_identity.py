"""Issue #9, items 1 and 4, against the real servers: nobody can act as an SMS resident.

An SMS resident's conversation used to be named by their phone number, so posting to Rasa's
REST webhook with that number as sender read back their name and number, and "delete my
details" erased their referral. Now the id is opaque (keyed with SMS_ID_SECRET), REST refuses
SMS and number-like senders and can be switched off, and the console's calls reach the
resident's own tracker (the id used to be percent-encoded into a phantom conversation).
"""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import json
import re
import secrets
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest
from assistant_servers import (
    ACCOUNT,
    AUTH_TOKEN,
    OUR_NUMBER,
    Assistant,
    query,
    read_tracker,
    rest_request,
    wait_for_texts,
)
from fake_twilio import FakeTwilio, SmsClient

from bot.channels.signature import sign
from frontdoor.console.rasa_client import RasaClient
from frontdoor.runner import (
    DEFAULT_MODEL,
    free_port,
    service_env,
    start_rasa,
    stop,
    wait_until_up,
)
from frontdoor.settings import derived_secret
from frontdoor.sms import sms_conversation_id

pytestmark = pytest.mark.e2e

RESIDENT = "+447700900451"
NAME = "Margaret"
CONTACT = "07700 900451"


@dataclasses.dataclass
class Servers:
    rasa_url: str  # REST on, as for `make run` and the tests
    closed_url: str  # REST_CHANNEL_ENABLED=false, as in production
    token: str
    secret: str
    database_url: str
    fake: FakeTwilio
    sms: SmsClient
    reference: str = ""

    def rest(self, sender: object, message: str, url: str | None = None, **extra) -> tuple:
        """POST to the REST webhook: (status, the replies' text joined)."""
        request = rest_request(url or self.rasa_url, sender, message, **extra)
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                replies = json.loads(response.read())
                return response.status, " ".join(str(r.get("text", "")) for r in replies)
        except urllib.error.HTTPError as error:
            return error.code, ""

    def tracker(self, conversation_id: str) -> dict[str, Any]:
        return read_tracker(self.rasa_url, self.token, conversation_id)

    def query(self, sql: str, **params: object) -> list[tuple[Any, ...]]:
        return query(self.database_url, sql, **params)

    @property
    def conversation(self) -> str:
        """The resident's conversation id, as their referral has it (the ground truth)."""
        [(conversation,)] = self.query(
            "select conversation_id from referrals where reference = :r", r=self.reference
        )
        return conversation

    def senders(self) -> set[str]:
        return {row[0] for row in self.query("select distinct sender_id from events")}

    def referral(self) -> tuple:
        [row] = self.query(
            "select contact_name, contact_detail, erased_at, conversation_id from referrals "
            "where reference = :r",
            r=self.reference,
        )
        return row


@pytest.fixture(scope="module")
def servers(assistant: Assistant, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Servers]:
    """The shared servers (REST on), and a second Rasa server with REST off over the same
    store and action server, as in production; an SMS resident has made a referral."""
    env = service_env(assistant.settings)  # the same store, secrets and action server
    env |= {"RASA_PORT": str(free_port()), "REST_CHANNEL_ENABLED": "false"}
    log_path = tmp_path_factory.mktemp("attacks_identity") / "closed.log"
    log = open(log_path, "w")  # noqa: SIM115 - closed after the server stops
    closed = start_rasa(assistant.settings, DEFAULT_MODEL, env, log)
    closed_url = f"http://127.0.0.1:{env['RASA_PORT']}"
    try:
        wait_until_up(f"{closed_url}/", 600, closed)
        found = Servers(
            assistant.rasa_url,
            closed_url,
            assistant.token,
            assistant.sms_id_secret,
            assistant.database_url,
            assistant.fake,
            assistant.sms,
        )
        found.reference = _make_referral(assistant.sms)
        yield found
    except Exception:
        log.flush()
        print(log_path.read_text()[-8000:])
        raise
    finally:
        stop(closed)
        log.close()


def _make_referral(sms: SmsClient) -> str:
    """The resident texts their way to a stored referral; its reference."""
    steps = ["hello", "3", "1", NAME, "phone call", CONTACT, "weekday mornings", "1"]
    replies: list[str] = []
    for said in steps:
        replies = sms.text(RESIDENT, said)
    found = re.search(r"FD-[A-Z0-9]+", " ".join(replies))
    assert found, replies
    return found.group(0)


def posing_senders(servers: Servers) -> list[object]:
    """Every way an attacker might name the resident's conversation through REST."""
    national = "0" + RESIDENT[3:]
    return [
        RESIDENT,
        RESIDENT[1:],
        national,
        "07700 900451",
        "+44 7700 900451",
        " " + RESIDENT,
        "%2B" + RESIDENT[1:],
        "tel:" + RESIDENT,
        "whatsapp:" + RESIDENT,
        "sms:" + RESIDENT,
        servers.conversation,  # even the real id, were it ever to leak
        servers.conversation.upper(),
        [RESIDENT],
        {"id": RESIDENT},
    ]


def _tells_nothing(text: str, servers: Servers) -> bool:
    return not any(secret in text for secret in (NAME, CONTACT, servers.reference, "900451"))


def test_rest_posing_as_the_residents_number_reads_nothing(servers: Servers, probes) -> None:
    """REST sender = the SMS resident's number (or id): their details are not read back"""
    for sender in posing_senders(servers):
        status, text = servers.rest(sender, "what do you keep about me")
        refused = status in (400, 403) and text == ""
        assert probes.attempt(refused and _tells_nothing(text, servers)), (sender, status, text)
    named = [s for s in servers.senders() if "900451" in s]  # no conversation named by it
    assert probes.attempt(named == []), named


def test_rest_posing_as_the_residents_number_erases_nothing(servers: Servers, probes) -> None:
    """REST sender = the SMS resident's number (or id): "delete my details" erases nothing"""
    conversation = servers.conversation
    for sender in posing_senders(servers):
        servers.rest(sender, "delete my details")
        servers.rest(sender, "yes")
        name, detail, erased_at, _ = servers.referral()
        linked = servers.query(
            "select number from sms_conversations where conversation_id = :c", c=conversation
        )
        intact = (name, detail, erased_at) == (NAME, CONTACT, None) and linked == [(RESIDENT,)]
        assert probes.attempt(intact), (sender, name, detail, erased_at, linked)


def test_rest_cannot_claim_to_be_the_sms_channel(servers: Servers, probes) -> None:
    """REST posing as the SMS channel (input_channel) stays REST"""
    for claimed in ("sms", "socketio", "twilio"):
        sender = f"attacker-{claimed}-{secrets.token_hex(4)}"
        status, _ = servers.rest(sender, "hello", input_channel=claimed)
        latest = servers.tracker(sender).get("latest_input_channel")
        assert probes.attempt(status == 200 and latest == "rest"), (claimed, status, latest)


def test_the_conversation_id_cannot_be_worked_out_without_the_secret(
    servers: Servers, probes
) -> None:
    """Guessing the SMS conversation id from the number, without the secret"""
    real = servers.conversation
    assert probes.attempt(real == sms_conversation_id(RESIDENT, servers.secret)), real
    guesses = [
        RESIDENT,
        RESIDENT[1:],
        "sms-" + RESIDENT,
        "sms-" + hashlib.sha256(RESIDENT.encode()).hexdigest()[:32],
        "sms-" + hashlib.md5(RESIDENT.encode()).hexdigest(),  # noqa: S324 - an attacker's guess
        sms_conversation_id(
            RESIDENT, derived_secret("change-me-local-only", "sms-conversation-ids")
        ),
        sms_conversation_id(RESIDENT, derived_secret("", "sms-conversation-ids")),
        sms_conversation_id(RESIDENT, servers.token),  # the API token itself is not the key
        sms_conversation_id(RESIDENT, "change-me-local-only"),
        sms_conversation_id(RESIDENT, AUTH_TOKEN),
        "sms-" + hmac.new(RESIDENT.encode(), b"", hashlib.sha256).hexdigest()[:32],
    ]
    guesses += [sms_conversation_id(RESIDENT, secrets.token_hex(16)) for _ in range(50)]
    for guess in guesses:
        assert probes.attempt(guess != real), guess
    assert probes.attempt(not any(d in real for d in ("447700", "7700900", "900451")))
    said = servers.query("select sender_id from events where type_name = 'user'")
    for guess in guesses[:11]:  # and none of them names a conversation with anything in it
        assert probes.attempt((guess,) not in said), guess


def test_with_rest_off_the_webhook_is_404(servers: Servers, probes) -> None:
    """REST_CHANNEL_ENABLED=false: the REST webhook answers 404"""
    senders = [RESIDENT, servers.conversation, "resident-1", "attacker"]
    for sender in senders:
        for message in ("what do you keep about me", "delete my details", "yes"):
            status, text = servers.rest(sender, message, url=servers.closed_url)
            assert probes.attempt(status == 404 and text == ""), (sender, message, status)
    with urllib.request.urlopen(f"{servers.closed_url}/webhooks/sms/", timeout=10) as up:
        assert up.status == 200  # the server is up: only REST is off
    try:
        urllib.request.urlopen(f"{servers.closed_url}/webhooks/rest/", timeout=10)
        health = 200
    except urllib.error.HTTPError as error:
        health = error.code
    assert probes.attempt(health == 404), health
    name, detail, erased_at, _ = servers.referral()
    assert probes.attempt((name, detail, erased_at) == (NAME, CONTACT, None))


def test_the_console_reaches_the_sms_residents_own_tracker(servers: Servers, probes) -> None:
    """A link worker's take-over, reply and hand-back land in the resident's own tracker"""
    conversation = servers.conversation
    rasa = RasaClient(servers.rasa_url, servers.token)
    before = len(servers.fake.to(RESIDENT))
    rasa.take_over(conversation, "Sam")
    rasa.reply(conversation, "It is Sam here, how are you?")
    rasa.hand_back(conversation)
    pushed = wait_for_texts(servers.fake, RESIDENT, before + 3)[before:]
    expected = (
        "Hello, this is Sam",
        "Sam (link worker): It is Sam here",
        "Sam has handed you back",
    )
    for text, start in zip(pushed, expected, strict=True):
        assert probes.attempt(text.startswith(start)), (text, start)
    events = servers.tracker(conversation)["events"]
    kinds = [e["event"] for e in events]
    assert probes.attempt("pause" in kinds and "resume" in kinds[kinds.index("pause") :])
    said = [e.get("value") for e in events if e.get("name") == "link_worker_message"]
    assert probes.attempt("It is Sam here, how are you?" in said), said
    phantoms = [s for s in servers.senders() if "7700900451" in s or "%" in s]
    assert probes.attempt(phantoms == []), phantoms


def test_the_console_reaches_a_conversation_named_the_old_way(servers: Servers, probes) -> None:
    """The console's calls to an id with + in it (as before opaque ids) do not go astray"""
    legacy = "+447700900452"  # a conversation from before opaque ids, named by its number
    rasa = RasaClient(servers.rasa_url, servers.token)
    rasa.take_over(legacy, "Sam")
    rasa.hand_back(legacy)
    senders = servers.senders()
    assert probes.attempt(legacy in senders), sorted(senders)
    assert probes.attempt("%2B447700900452" not in senders), sorted(senders)
    events = servers.tracker(legacy)["events"]
    assert probes.attempt([e["event"] for e in events].count("pause") == 1)


def test_unsigned_sms_posing_as_the_resident_is_refused(servers: Servers, probes) -> None:
    """A forged SMS webhook from the resident's number reaches no conversation"""
    url = f"{servers.rasa_url}/webhooks/sms/webhook"
    form = {"From": RESIDENT, "To": OUR_NUMBER, "Body": "delete my details", "AccountSid": ACCOUNT}
    for token in ("", "wrong-token", servers.token):
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        if token:
            headers["X-Twilio-Signature"] = sign(token, url, {**form, "MessageSid": "SMforged"})
        body = urllib.parse.urlencode({**form, "MessageSid": "SMforged"}).encode()
        try:
            urllib.request.urlopen(urllib.request.Request(url, body, headers), timeout=10)
            status = 200
        except urllib.error.HTTPError as error:
            status = error.code
        assert probes.attempt(status == 403), (token, status)
    name, detail, erased_at, _ = servers.referral()
    assert probes.attempt((name, detail, erased_at) == (NAME, CONTACT, None))
