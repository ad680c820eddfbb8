"""Level 3: consent, contact details and the referral itself."""

from __future__ import annotations

import logging
import re
from typing import Any

from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.interfaces import Tracker
from rasa_sdk.types import DomainDict

from actions.base import FrontdoorAction, Turn
from actions.forms import FrontdoorFormValidation, SlotValues, said_since_start
from actions.handover import REFERRAL_FORM_SLOTS
from actions.wellbeing import offer
from frontdoor import contact, slots
from frontdoor.redact import error_summary
from frontdoor.responses import filled
from frontdoor.settings import get_settings
from frontdoor.store.db import session_scope
from frontdoor.store.messaging import number_for_conversation
from frontdoor.store.referrals import ReferralDraft, create_referral
from frontdoor.text import tidy

logger = logging.getLogger(__name__)

CONSENT_WORDING_VERSION = "2026-11-v1"
_DETAIL_CHECKS = {
    "phone": (contact.uk_phone, "bad_phone"),
    "text": (contact.uk_mobile, "bad_mobile"),
    "email": (contact.email_address, "bad_email"),
}


PHONE = {"contact_method": "phone"}


def texting_number(tracker: Tracker) -> str | None:
    """The number an SMS resident is texting from (the conversation id does not hold it)."""
    if tracker.get_latest_input_channel() != "sms":
        return None
    with session_scope() as session:
        return number_for_conversation(session, tracker.sender_id)


# "oh sorry, it's Gwen", "no, my name is Gwen": the words before the name
_NAME_LEAD = re.compile(
    r"^(?:(?:oh|ah|um|erm|sorry|no|yes|ok|okay|well|right|hello|hi)\b[\s,.!]*)*"
    r"(?:(?:my name is|my name's|my names|the name is|i am|i'm|im|call me|it's|its|it is|"
    r"this is)\s+)?",
    re.IGNORECASE,
)


class ValidateReferralForm(FrontdoorFormValidation):
    """Consent first; then name, how and when to contact, checked and read back."""

    path_intent = "need_support"

    def name(self) -> str:
        return "validate_referral_form"

    async def required_slots(
        self,
        domain_slots: list[str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[str]:
        """Without consent nothing more is asked."""
        if tracker.get_slot("consent_share") is False:
            return ["consent_share"]
        return domain_slots

    def validate_consent_share(self, slot_value: Any, turn: Turn) -> SlotValues:
        return self.accept("consent_share", bool(slot_value))

    def validate_contact_name(self, slot_value: Any, turn: Turn) -> SlotValues:
        """A name in any script, kept as typed (a text message spells it in SMS letters only
        when sent); "yes", "skip" or a number is not a name."""
        name = " ".join("".join(ch for ch in str(slot_value or "") if ch.isprintable()).split())
        name = name.strip(" .!")
        name = _NAME_LEAD.sub("", name) or name
        named = name if len(name) <= 60 and contact.is_a_name(name) else None
        return self.checked("contact_name", named, "name_unclear", turn)

    def validate_contact_method(self, slot_value: Any, turn: Turn) -> SlotValues:
        method = contact.contact_method(str(slot_value or ""))
        return self.checked("contact_method", method, "contact_method_unclear", turn)

    def validate_contact_detail(self, slot_value: Any, turn: Turn) -> SlotValues:
        """The number or address for the chosen way; "this number" over SMS is the number
        they are texting from; a landline given for texts means we call it instead."""
        method = turn.slot("contact_method") or "phone"
        typed = str(slot_value or "")
        if method != "email" and contact.means_same_number(typed):
            number = texting_number(turn.tracker)
            if number is None:
                return self.reject("contact_detail", "type_the_number", turn)
            typed = number
        check, complaint = _DETAIL_CHECKS[method]
        detail = check(typed)
        if detail is None and method == "text" and contact.uk_phone(typed):
            turn.say("landline_will_call")
            return {**self.accept("contact_detail", contact.uk_phone(typed)), **PHONE}
        return self.checked("contact_detail", detail, complaint, turn)

    def validate_contact_time(self, slot_value: Any, turn: Turn) -> SlotValues:
        """Any words about when suit them ("when he is at work" too), not a town or a question."""
        text = tidy(slot_value).strip(" .")
        given = (text[:120] or "any time") if contact.is_a_contact_time(text) else None
        return self.checked("contact_time", given, "time_unclear", turn)

    async def get_extraction_events(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """When the form starts, the contact details already given in the request ("ring me
        on 07700 900845, my name is Alan Webb") are kept, so they are not asked for again."""
        events = await super().get_extraction_events(dispatcher, tracker, domain)
        if tracker.get_slot("requested_slot") is not None:
            return events
        given: dict[str, str] = {}
        for event in said_since_start(tracker):
            given |= contact.details_given(str(event.get("text") or ""))
        missing = {k: v for k, v in given.items() if tracker.get_slot(k) is None}
        return events + [SlotSet(slot, value) for slot, value in missing.items()]

    async def extract_referral_confirmed(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> SlotValues:
        """A correction at the read-back ("it should be 07700 900582", "call me Bernie")
        changes only what it corrects; the details are then read back again."""
        if tracker.get_slot("requested_slot") != "referral_confirmed":
            return {}
        return _correction(tracker)

    def validate_referral_confirmed(self, slot_value: Any, turn: Turn) -> SlotValues:
        """A correction is not a yes; a plain no clears the contact details so the form asks
        for them again."""
        if _correction(turn.tracker):
            return {"referral_confirmed": None}  # the corrected details are read back again
        if slot_value:
            return self.accept("referral_confirmed", True)
        turn.say("lets_change")
        return {slot: None for slot in REFERRAL_FORM_SLOTS if slot != "consent_share"}


def _correction(tracker: Tracker) -> SlotValues:
    """What the latest message corrects in the contact details read back."""
    text = str((tracker.latest_message or {}).get("text") or "")
    return contact.corrections(text, tracker.get_slot("contact_method"))


class ActionAskContactDetail(FrontdoorAction):
    """Ask for the number or address that fits the chosen way of contact."""

    action_name = "action_ask_contact_detail"

    def act(self, turn: Turn) -> list[EventType]:
        method = turn.slot("contact_method") or "phone"
        turn.say(f"ask_contact_detail_{method}")
        return []


class ActionAskReferralConfirmed(FrontdoorAction):
    """Read the contact details back before anything is stored."""

    action_name = "action_ask_referral_confirmed"

    def act(self, turn: Turn) -> list[EventType]:
        turn.say(
            "ask_referral_confirmed",
            name=turn.slot("contact_name"),
            method=contact.METHOD_NAMES.get(str(turn.slot("contact_method")), "phone call"),
            detail=turn.slot("contact_detail"),
            time=turn.slot("contact_time"),
        )
        return []


def draft_from(tracker: Tracker, consent_wording: str) -> ReferralDraft:
    """Everything the link worker needs, from the conversation so far."""
    plan = tracker.get_slot("plan") or {}
    level = tracker.get_slot(slots.TRIAGE_LEVEL) or 3
    urgency = tracker.get_slot("urgency") or "routine"
    return ReferralDraft(
        conversation_id=tracker.sender_id,
        channel=tracker.get_latest_input_channel() or "rest",
        level=int(level),
        urgency=urgency,
        contact_name=tracker.get_slot("contact_name"),
        contact_method=tracker.get_slot("contact_method"),
        contact_detail=tracker.get_slot("contact_detail"),
        contact_time=tracker.get_slot("contact_time"),
        consent_wording=consent_wording,
        consent_wording_version=CONSENT_WORDING_VERSION,
        what_matters=plan.get("answers"),
        plan=plan.get("text"),
        suggested_groups=list(tracker.get_slot("suggested_groups") or []),
        risk=tracker.get_slot("risk"),
        town=tracker.get_slot("town"),
        summary=summary(tracker, plan.get("text")),
    )


def summary(tracker: Tracker, plan_text: str | None) -> str:
    """One or two lines for the console's queue: who it is for, and what the resident said
    they need, in their own words."""
    who = tracker.get_slot(slots.FOR_WHOM)
    lead = f"For their {who}. " if who else ""
    if risk := tracker.get_slot("risk"):
        return f"{lead}Safety concern ({str(risk).replace('_', ' ')}). Asked for contact."
    if plan_text:
        return f"{lead}{plan_text}"[:240]
    parts = []
    activity, town = tracker.get_slot("activity"), tracker.get_slot("town")
    if activity:
        parts.append(f"Looking for {activity}" + (f" near {town}." if town else "."))
    said = first_request(tracker)
    if said and (not activity or activity.lower() not in said.lower()):
        parts.append(f'Said: "{said}"')
    if not parts:
        parts.append("Asked for a link worker to help them get started.")
    return (lead + " ".join(parts))[:240]


# What a resident says that is not a request: greetings, yes and no, thanks.
_NOT_A_REQUEST = {"greet", "affirm", "deny", "thank", "goodbye", "restart", "help", "safety_check"}


def first_request(tracker: Tracker) -> str | None:
    """The first thing the resident asked for in this conversation, in their own words."""
    for event in said_since_start(tracker):
        text = tidy(event.get("text"))
        intent = ((event.get("parse_data") or {}).get("intent") or {}).get("name")
        if len(text.split()) >= 3 and not text.startswith("/") and intent not in _NOT_A_REQUEST:
            return text[:200]
    return None


def contact_promise(tracker: Tracker) -> str:
    """When a link worker will be in touch, as the referral message promised."""
    settings = get_settings()
    if tracker.get_slot("urgency") in ("urgent", "crisis"):
        return settings.urgent_contact_promise
    return f"within {settings.routine_contact_promise}"


def consent_wording(tracker: Tracker | None = None) -> str:
    """The exact consent question the resident said yes to."""
    who = tracker.get_slot(slots.FOR_WHOM) if tracker is not None else None
    if who:
        return filled("utter_ask_consent_share_for_other", who=who)
    return filled("utter_ask_consent_share")


class ActionCreateReferral(FrontdoorAction):
    """Store the referral, or say plainly that it was not stored and offer to try again."""

    action_name = "action_create_referral"

    def act(self, turn: Turn) -> list[EventType]:
        if not turn.slot("consent_share"):
            turn.say("no_consent")
            return [SlotSet("consent_share", None)]
        try:
            with session_scope() as session:
                draft = draft_from(turn.tracker, consent_wording(turn.tracker))
                reference = create_referral(session, draft).reference
        except Exception as error:  # the resident must hear that nothing was sent, whatever
            logger.error("a referral was not stored: %s", error_summary(error))  # no details
            return [FollowupAction("utter_referral_failed")]
        turn.say(
            "referral_created",
            name=turn.slot("contact_name"),
            reference=reference,
            promise=contact_promise(turn.tracker),
        )
        urgency = turn.slot("urgency")
        return [SlotSet("referral_reference", reference), *offer(turn.tracker, urgency)]
