"""Common questions at any point: cost, times, access, transport, what happens next, and a
phone call for a resident who finds reading or typing hard.

Questions about the groups just shown are answered from their directory records only; a
fact the directory does not hold is left to the group, with its phone number."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy as sa
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.interfaces import Tracker

from actions.base import FrontdoorAction, Turn
from actions.groups import SUGGESTIONS
from actions.pause import PAUSED_SLOT, pause
from actions.referrals import contact_promise
from frontdoor.store.db import session_scope
from frontdoor.store.models import Service
from frontdoor.text import tidy
from frontdoor.when import DAYS

PAUSABLE_FORMS = ("group_search_form", "what_matters_form")
DAY_NAMES = tuple(day.capitalize() for day in DAYS)
BRINGING_SOMEONE = re.compile(
    r"\b(carer|bring|friend|husband|wife|partner|someone with|come with|come too|support worker)",
    re.I,
)


@dataclass(frozen=True)
class GroupFacts:
    """What the directory says about one group, in GSM-7 text; None where it says nothing."""

    name: str
    when: str | None
    fees: str | None
    free: bool
    online: bool
    venue: str | None
    address: str | None
    access: str | None
    phone: str | None
    email: str | None


def shown_group_ids(tracker: Tracker) -> list[str]:
    """The groups in the latest suggestion message, if they are still the ones on offer."""
    offered = list(tracker.get_slot("suggested_groups") or [])
    if not offered:
        return []
    for event in reversed(tracker.events or []):
        if event.get("event") != "bot":
            continue
        custom = (event.get("data") or {}).get("custom") or {}
        if custom.get("type") == "groups":
            ids = [g.get("id") for g in custom.get("groups") or []]
            return [i for i in ids if i in offered]
    return offered[-SUGGESTIONS:]


def facts_of(service: Service) -> GroupFacts:
    """A service's record as GroupFacts (read while its session is open)."""
    place = service.locations[0].location if service.locations else None
    schedule = service.schedules[0] if service.schedules else None
    address = None
    if place is not None:
        parts = [place.address_1, " ".join(p for p in (place.city, place.postal_code) if p)]
        address = ", ".join(p for p in parts if p) or None
    return GroupFacts(
        name=tidy(service.name),
        when=_text(schedule.description if schedule else None),
        fees=_text(service.fees_description),
        free=bool(service.is_free),
        online=bool(service.online),
        venue=_text(place.name if place else None),
        address=_text(address),
        access=_text(place.accessibility if place else None),
        phone=_text(service.phones[0].number if service.phones else None),
        email=_text(service.email),
    )


def _text(value: str | None) -> str | None:
    """The value as one tidy line, or None when empty."""
    text = tidy(value)
    return text or None


def load_groups(ids: list[str]) -> list[GroupFacts]:
    """The active groups with these ids, in the order given."""
    if not ids:
        return []
    with session_scope() as session:
        query = sa.select(Service).where(Service.id.in_(ids), Service.active.is_(True))
        found = {service.id: facts_of(service) for service in session.scalars(query)}
    return [found[i] for i in ids if i in found]


def ask_group(group: GroupFacts) -> str:
    """How to ask the group itself."""
    if group.phone:
        return f"Call them on {group.phone}."
    if group.email:
        return f"Email them at {group.email}."
    return "Ask the group when you go."


def cost_line(group: GroupFacts) -> str:
    """'X is free.', 'X: 3 pounds a session.', or who to ask."""
    if group.free:
        return f"{group.name} is free."
    if group.fees:
        return f"{group.name}: {group.fees.rstrip('.')}."
    return f"{group.name}: the group can tell you the cost. {ask_group(group)}"


def times_line(group: GroupFacts) -> str:
    """'X meets Fridays, 1.30pm to 3.30pm.', or who to ask."""
    if not group.when:
        return f"{group.name}: the group can tell you when it meets. {ask_group(group)}"
    when = group.when.rstrip(".")
    if not when.startswith(DAY_NAMES):
        when = when[0].lower() + when[1:]  # "Every other Friday" reads on as "every other"
    return f"{group.name} {'runs online' if group.online else 'meets'} {when}."


def access_line(group: GroupFacts) -> str:
    """The venue's access as the directory words it, or who to ask."""
    if group.online:
        return f"{group.name} is online, so you can join from home."
    if not group.access:
        return f"{group.name}: the group can tell you about access. {ask_group(group)}"
    return f"{group.name}: {group.access}"


def transport_line(group: GroupFacts) -> str:
    """Where the group meets, and a bus route or parking if the directory says so."""
    if group.online:
        return f"{group.name} is online, so there is no journey."
    where = ", ".join(p for p in (group.venue, group.address) if p)
    if not where:
        return f"{group.name}: the group can tell you where it meets. {ask_group(group)}"
    line = f"{group.name} meets at {where}."
    access = (group.access or "").lower()
    travel = []
    if "bus route" in access:
        travel.append("It is on a bus route.")
    if "parking" in access:
        travel.append("There is parking close by.")
    if not travel:
        travel.append(f"To ask about buses or parking, {ask_group(group).lower()}")
    return " ".join([line, *travel])


@dataclass(frozen=True)
class Question:
    """How to answer one kind of question about groups."""

    line: Callable[[GroupFacts], str]
    general: str  # the response (bot/domain/questions.yml) when no groups are on offer


QUESTIONS = {
    "cost": Question(cost_line, "cost_general"),
    "times": Question(times_line, "times_general"),
    "access": Question(access_line, "access_general"),
    "transport": Question(transport_line, "transport_general"),
}
CLOSING = {
    "transport": "For help to plan the trip, type talk to a person.",
}
BRINGING_SOMEONE_LINE = "Each group can tell you about bringing a carer or a friend."


def answer(kind: str, groups: list[GroupFacts], asked: str = "") -> str:
    """The answer about these groups, one line each, in GSM-7."""
    lines = [QUESTIONS[kind].line(group) for group in groups]
    if kind == "access" and BRINGING_SOMEONE.search(asked):
        lines.append(BRINGING_SOMEONE_LINE)
    if kind in CLOSING:
        lines.append(CLOSING[kind])
    return "\n".join(lines)


def answer_about_groups(kind: str, turn: Turn) -> None:
    """The answer from the groups just shown, or the general one when none are."""
    groups = load_groups(shown_group_ids(turn.tracker))
    if not groups:
        turn.say(QUESTIONS[kind].general)
        return
    turn.dispatcher.utter_message(text=answer(kind, groups, turn.text))


# Questions a form's check can answer when the words it was given are not an answer.
IN_PASSING_KINDS = {
    "ask_cost": "cost",
    "ask_times": "times",
    "ask_access": "access",
    "ask_transport": "transport",
}
IN_PASSING_RESPONSES = {
    "ask_confidential": "utter_answer_confidential",
    "ask_what_is_this": "utter_answer_what_is_this",
}
IN_PASSING_CONFIDENCE = 0.8  # below this, a name or a place the model misread stays a wrong answer


def answer_in_passing(turn: Turn) -> bool:
    """Answer a question typed where a form wanted an answer; False when it was not one."""
    intent = turn.message.get("intent") or {}
    name, confidence = intent.get("name"), float(intent.get("confidence") or 0.0)
    if confidence < IN_PASSING_CONFIDENCE:
        return False
    if name in IN_PASSING_KINDS:
        answer_about_groups(IN_PASSING_KINDS[name], turn)
        return True
    if name in IN_PASSING_RESPONSES:
        turn.dispatcher.utter_message(response=IN_PASSING_RESPONSES[name])
        return True
    if name == "ask_what_next":
        answer_what_next(turn)
        return True
    return False


def _group_question(kind: str) -> type[FrontdoorAction]:
    """An action_answer_<kind> that answers about the groups just shown, or in general when
    none are."""

    class AnswerQuestion(FrontdoorAction):
        action_name = f"action_answer_{kind}"

        def act(self, turn: Turn) -> list[EventType]:
            answer_about_groups(kind, turn)
            return []

    AnswerQuestion.__name__ = AnswerQuestion.__qualname__ = f"Answer_{kind}"
    return AnswerQuestion


# action_answer_cost, _times, _access and _transport, by kind of question.
ANSWERS = {kind: _group_question(kind) for kind in QUESTIONS}


FORM_NEXT = {
    "group_search_form": "what_next_search",
    "what_matters_form": "what_next_what_matters",
    "referral_form": "what_next_referral",
}


class ActionAnswerWhatNext(FrontdoorAction):
    """What happens next: in a form, after a referral, after groups, or in general."""

    action_name = "action_answer_what_next"

    def act(self, turn: Turn) -> list[EventType]:
        answer_what_next(turn)
        return []


def answer_what_next(turn: Turn) -> None:
    """Send the answer that fits where the resident is: the questions of the form they are in,
    the referral they made (also while the wellbeing questions follow it), the groups shown."""
    form = turn.tracker.active_loop_name
    reference = turn.slot("referral_reference")
    if form in FORM_NEXT:
        turn.say(FORM_NEXT[form])
    elif reference:
        turn.say(
            "what_next_referral_made",
            reference=reference,
            promise=contact_promise(turn.tracker),
        )
    elif shown_group_ids(turn.tracker):
        turn.say("what_next_groups")
    else:
        turn.say("what_next_general")


class ActionOfferPhoneCall(FrontdoorAction):
    """Offer a link worker's phone call; a search or what-matters form waits meanwhile."""

    action_name = "action_offer_phone_call"

    def act(self, turn: Turn) -> list[EventType]:
        """Ask, and set the form aside so a yes or no is not taken as its answer."""
        turn.say("offer_phone_call")
        return pause(turn.tracker, PAUSABLE_FORMS) or [SlotSet(PAUSED_SLOT, None)]


class ActionPhoneCallDeclined(FrontdoorAction):
    """No phone call: say that is fine, and go back to the form set aside, if any."""

    action_name = "action_phone_call_declined"

    def act(self, turn: Turn) -> list[EventType]:
        """Reassure, then resume the form (it asks its question again) or offer the paths."""
        turn.say("phone_call_declined")
        form = turn.slot(PAUSED_SLOT)
        if form in PAUSABLE_FORMS:
            return [SlotSet(PAUSED_SLOT, None), FollowupAction(form)]
        turn.dispatcher.utter_message(response="utter_way_back")
        return []
