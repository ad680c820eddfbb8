"""Item 8 of issue #9: after "delete my details", nothing of the resident is left anywhere.

The resident's data gets in the way it does in service: their messages through Rasa's tracker
store (FrontdoorTrackerStore, the class bot/endpoints.yml names), a crisis flag and a referral
through the real actions, a link worker's claim, review, note and call through the console's
store functions, texts in and out through the SMS tables. Then the real erase action runs and
its events are saved through the tracker store, as Rasa does. Every table is then probed for
the phone number (three ways of writing it), the name, the email and the words they wrote.
On the old code the number stayed in sms_inbound, sms_outbound, sms_numbers, the note and the
audit detail, the words in the flag's review note and the history: those probes fail there.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
import sqlalchemy as sa
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import Event, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.privacy import ActionDeleteMyData
from actions.referrals import ActionCreateReferral
from actions.safety import ActionCrisisResponse
from bot.tracker_store import FrontdoorTrackerStore
from frontdoor.settings import PROJECT_ROOT
from frontdoor.sms import sms_conversation_id
from frontdoor.store import link_worker as work
from frontdoor.store import messaging, risk_flags
from frontdoor.store.db import engine_for, session_scope
from frontdoor.store.models import Referral, RiskEvent

NUMBER = "+447700900461"
CONVERSATION = sms_conversation_id(NUMBER, "attack-suite-secret")
NAME = "Gwendolyn Achterberg"
EMAIL = "gwen.achterberg@example.org"
SAID = (
    "my husband Rupert passed in March and I stopped going out",
    "I have saved up my pills and I think tonight is the night",
    "I used to sing with the Spilsby madrigal singers",
)
NEEDLES = {
    "phone number +44": NUMBER,
    "phone number 07": "07700 900461",
    "phone number digits": "7700900461",
    "name": "Achterberg",
    "first name": "Gwendolyn",
    "email": EMAIL,
    "words: husband's name": "Rupert",
    "words: the crisis": "saved up my pills",
    "words: what matters": "madrigal",
}
SLOTS = {
    "consent_share": True,
    "contact_name": NAME,
    "contact_method": "text",
    "contact_detail": "07700 900461",
    "contact_time": "after Rupert's memorial on Friday",
    "triage_level": 3,
    "urgency": "crisis",
    "risk": "self_harm",
    "town": "Spilsby",
    "referral_confirmed": True,
    "plan": {"text": "Back to the madrigal singers; Rupert's sister drives.", "answers": {}},
}


@pytest.fixture(params=["sqlite", "postgres"])
def url(request: pytest.FixtureRequest) -> str:
    return request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "pg_url")


def action_tracker(text: str, intent: str, safety: dict[str, Any] | None = None) -> Tracker:
    """The tracker the action server gets from Rasa for this conversation."""
    message = {"text": text, "intent": {"name": intent, "confidence": 1.0}, "entities": []}
    if safety:
        message["safety"] = safety
    return Tracker(CONVERSATION, SLOTS, message, [], False, None, {}, "action_listen")


def run(action: Action, state: Tracker) -> list[dict[str, Any]]:
    return asyncio.run(action.run(CollectingDispatcher(), state, {}))


def resident_everywhere(url: str, store: FrontdoorTrackerStore, domain: Domain) -> None:
    """A resident who texted, was flagged, referred, reviewed, noted, called and texted back."""
    events = [UserUttered(text, {"name": "inform"}) for text in SAID]
    events += [SlotSet("contact_name", NAME), SlotSet("contact_detail", EMAIL)]
    tracker = DialogueStateTracker.from_events(CONVERSATION, events, slots=domain.slots)
    asyncio.run(store.save(tracker))
    with session_scope(url) as session:
        messaging.link_conversation(session, CONVERSATION, NUMBER)
        messaging.claim_inbound(session, NUMBER, "SMattack1", None)
        messaging.remember_options(session, NUMBER, [{"title": "Gwendolyn", "payload": "/x"}])
    crisis = {"category": "self_harm", "source": "both", "words": SAID[1]}
    run(ActionCrisisResponse(), action_tracker(SAID[1], "crisis", crisis))
    run(ActionCreateReferral(), action_tracker("yes", "affirm"))
    with session_scope(url) as session:
        sam = work.create_link_worker(session, "Sam Jones", "sam@example.org", "manager", "x")
        referral = session.execute(sa.select(Referral)).scalar_one()
        flag = session.execute(sa.select(RiskEvent)).scalar_one()
        work.claim(session, referral, sam)
        risk_flags.review(session, referral, flag, sam, "confirm", "Rupert died; pills at home")
        work.add_note(session, referral, sam, f"Daughter emails {EMAIL}; sings madrigal")
        work.record_contact(session, referral, sam, "phone", f"rang 07700 900461, {NAME} ok")
        messaging.record_outbound(
            session, NUMBER, kind="reply", twilio_sid="SMattack2", error=f"to {NUMBER} failed"
        )


def found(url: str) -> dict[tuple[str, str], bool]:
    """(table, needle) -> whether the needle is anywhere in that table."""
    engine = engine_for(url)
    hits = {}
    with engine.connect() as connection:
        for table in sorted(sa.inspect(engine).get_table_names()):
            rows = connection.execute(sa.text(f'SELECT * FROM "{table}"')).all()
            text = " ".join(str(value) for row in rows for value in row).lower()
            digits = "".join(ch for ch in text if ch.isdigit())
            for label, needle in NEEDLES.items():
                haystack = digits if needle.isdigit() else text
                hits[(table, label)] = needle.lower() in haystack
    return hits


def test_delete_my_details_leaves_nothing_in_any_table(url: str, probes) -> None:
    """Erasure: every table probed for the resident's number, name, email and words"""
    domain = Domain.load(str(PROJECT_ROOT / "bot" / "domain"))
    store = FrontdoorTrackerStore(domain)
    resident_everywhere(url, store, domain)
    before = found(url)
    planted = {table for (table, _), hit in before.items() if hit}
    assert planted >= {
        "events",
        "referrals",
        "risk_events",
        "referral_notes",
        "audit_events",
        "referral_status_changes",
        "sms_inbound",
        "sms_outbound",
        "sms_numbers",
        "sms_conversations",
    }, planted

    tracker = asyncio.run(store.retrieve(CONVERSATION))
    events = run(ActionDeleteMyData(), action_tracker("delete my details", "delete_my_data"))
    tracker.update_with_events([Event.from_parameters(e) for e in events], domain)
    asyncio.run(store.save(tracker))  # Rasa saves the turn: the store drops the conversation

    after = found(url)
    leaks = [key for key, hit in after.items() if not probes.attempt(not hit)]
    assert leaks == []
    with session_scope(url) as session:
        referral = session.execute(sa.select(Referral)).scalar_one()
        assert referral.erased_at and (referral.level, referral.urgency) == (3, "crisis")
        assert session.execute(sa.select(RiskEvent.category)).scalar_one() == "self_harm"
