"""Level 1 and the suggestions for level 2: searching the directory."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.interfaces import Tracker
from rasa_sdk.types import DomainDict
from sqlalchemy.orm import Session

from actions.base import FrontdoorAction, Turn
from actions.forms import LEAVING, FrontdoorFormValidation, SlotValues, answer_read_as_leaving
from frontdoor import plan, slots
from frontdoor.directory.search import (
    NEAR_WORDING_MILES,
    GroupCard,
    SearchRequest,
    search_services,
)
from frontdoor.directory.vocabulary import (
    WORD_TO_TOPIC,
    another_kind,
    asking_part,
    kind_instead,
    kind_named,
    request_words,
    same_kind,
    topics,
    words,
)
from frontdoor.for_whom import age_in
from frontdoor.store.db import session_scope
from frontdoor.text import has_words, tidy
from frontdoor.when import when_from

SUGGESTIONS = 3


class ValidateGroupSearchForm(FrontdoorFormValidation):
    """Ask only for what is missing: the kind of group, and where."""

    level = 1
    path_intent = "find_group"

    def name(self) -> str:
        return "validate_group_search_form"

    async def extract_activity(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> SlotValues:
        """The kind of group named in the request itself ("Is there a men's shed in
        Sleaford?") when the entity extractor missed it: the directory's own words for kinds
        of group, found in the message, so the resident is not asked what they just said."""
        chosen, instead = kind_chosen_instead(tracker)
        if chosen:  # not the kind the message turned down ("Walking's not for me, ...")
            return {"activity": instead}
        message = tracker.latest_message or {}
        intent = (message.get("intent") or {}).get("name")
        if tracker.get_slot("requested_slot") == "activity" and intent in LEAVING:
            answer = answer_read_as_leaving(tracker, "activity", tuple(LEAVING))
            return {} if answer is None else {"activity": answer}
        entities = message.get("entities") or []
        named = list(dict.fromkeys(str(e.get("value")) for e in entities if _is_activity(e)))
        if len(named) > 1 and tracker.get_slot("requested_slot") in (None, "activity"):
            return {"activity": " and ".join(named)}  # "walking and a lunch club": both kept
        text = str(message.get("text") or "")
        asked = kind_named(text) if intent == "find_group" else None
        starting = tracker.get_slot("requested_slot") is None
        if starting and named and asked and not any(n.lower() in asked for n in named):
            return {"activity": asked}  # "I'm his carer. Is there a Parkinson's group?"
        for entity in entities:  # "Louth" is a town, not a misspelt "youth"
            text = text.replace(str(entity.get("value") or ""), " ")
        if starting and intent == "find_group" and not named and tracker.get_slot("activity"):
            other = another_kind(text, tracker.get_slot("activity"))  # "is there a choir too?"
            return {"activity": other} if other else {}
        if tracker.get_slot("activity") or tracker.get_slot("requested_slot"):
            return {}  # only the request that starts the search; answers have their mapping
        if intent != "find_group" or named:
            return {}
        found = [w for w in request_words(asking_part(text)) if w in WORD_TO_TOPIC]
        return {"activity": " ".join(dict.fromkeys(found))} if found else {}

    async def get_extraction_events(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Also the day and time of day said in the request or an answer ("on a sat")."""
        events = await super().get_extraction_events(dispatcher, tracker, domain)
        return events + when_events(tracker.latest_message.get("text"))

    def validate_activity(self, slot_value: Any, turn: Turn) -> SlotValues:
        """Any few words will do; the search makes sense of them. A word the entity extractor
        took that names no kind ("club" of "a youth club or something for teenagers") gives
        way to the whole answer."""
        text = tidy(slot_value).strip(" .!?")
        said = turn.text
        asked = turn.slot("requested_slot") == "activity"
        if asked and not words(text) and words(said) and text.lower() in said.lower():
            text = tidy(said).strip(" .!?")
        if not has_words(text):
            return self.reject("activity", "activity_too_short", turn)
        result = self.accept("activity", text)
        if turn.slot(slots.TRIAGE_LEVEL) is None:
            result[slots.TRIAGE_LEVEL] = 1
        return result


def _is_activity(entity: dict[str, Any]) -> bool:
    return entity.get("entity") == "activity" and bool(entity.get("value"))


def from_the_plan(tracker: Tracker) -> bool:
    """Whether the search is for the what-matters plan, not a kind of group named."""
    return not tracker.get_slot("activity") and tracker.get_slot("plan") is not None


def other_groups(session: Session, request: SearchRequest) -> list[GroupCard]:
    """Popular groups near them, when nothing fits the plan: at the day and time asked for
    if any, else at any time. No gap is recorded for these."""
    mix = replace(request, anything=True, need=None, interests=[])
    for relaxed in (mix, replace(mix, day=None, time_of_day=None, either=False)):
        found = search_services(session, relaxed, record_gaps=False)
        if found:
            return found
    return []


def search_request(tracker: Tracker, exclude: list[str]) -> SearchRequest:
    """What to search for: the named activity, or the plan from what matters."""
    answers = plan.gather(tracker.current_slot_values())
    activity = tracker.get_slot("activity")
    from_plan = from_the_plan(tracker)
    interests = plan.interests(answers) if from_plan else []
    need = activity or answers.would_like_different or answers.what_matters
    if from_plan and topics(interests):
        need = None  # the plan's topics say what to look for; its other words would only blur it
    # A plan whose answers name no kind of group (skipped, or "just to feel better") shows a
    # varied mix near them, as "anything" does: not a search for its words, and no gap.
    anything = from_plan and not topics(interests) and not topics(request_words(need))
    if anything:
        need = None
    day = tracker.get_slot("day")
    return SearchRequest(
        anything=anything,
        need=need,
        town=tracker.get_slot("town"),
        day=day if day else (answers.days[0] if from_plan and len(answers.days) == 1 else None),
        interests=interests,
        barriers=answers.barriers if from_plan else [],
        exclude_ids=exclude,
        age=age_said(tracker),
        free_only=bool(tracker.get_slot("search_free_only")),
        closer=bool(tracker.get_slot("search_closer")),
        time_of_day=tracker.get_slot("time_of_day") or (answers.time_of_day if from_plan else None),
        either=bool(tracker.get_slot("search_either")),
        limit=SUGGESTIONS,
    )


def age_said(tracker: Tracker) -> int | None:
    """The age of the person the groups are for, the last time it was said."""
    for event in reversed(tracker.events):
        if event.get("event") == "user" and (age := age_in(event.get("text"))) is not None:
            return age
    return age_in(tracker.latest_message.get("text"))


class ActionSuggestGroups(FrontdoorAction):
    """Search the directory and send up to three groups, as cards and as text."""

    action_name = "action_suggest_groups"

    def act(self, turn: Turn) -> list[EventType]:
        more = turn.intent == "more_groups"
        shown = list(turn.slot("suggested_groups") or []) if more else []
        request = search_request(turn.tracker, exclude=shown)
        with session_scope() as session:
            groups = search_services(session, request)
            noted = bool(request.need or request.interests)  # as the search left it: a gap kept
            instead = not groups and not more and from_the_plan(turn.tracker)
            if instead:
                groups = other_groups(session, request)
        place = request.town or "you"
        if instead and groups:
            turn.say("plan_groups_instead" if noted else "plan_groups_other_times", place=place)
        if not groups:
            turn.say("no_more_groups" if more else "no_groups", place=place)
            return [SlotSet("suggested_groups", shown), SlotSet("nothing_more", more)]
        furthest = max((g["miles"] or 0) for g in groups)
        far = furthest > NEAR_WORDING_MILES
        found = "groups_found" if len(groups) > 1 else "group_found"
        turn.say(
            f"{found}_further" if far and request.town else found,
            count=len(groups),
            place=place,
            furthest=f"{furthest:.0f}",
            json_message={"type": "groups", "groups": groups},
        )
        return [
            SlotSet("suggested_groups", shown + [g["id"] for g in groups]),
            SlotSet("nothing_more", False),
        ]


class ActionNewSearch(FrontdoorAction):
    """Start a new search, keeping the place and anything just said."""

    action_name = "action_new_search"

    def act(self, turn: Turn) -> list[EventType]:
        entities = turn.message.get("entities", [])
        said = {e.get("entity") for e in entities}
        events = [SlotSet("suggested_groups", [])]
        shown = searched_for(turn.tracker)
        named = [str(e.get("value")) for e in entities if _is_activity(e)]
        turned_down = bool(named) and all(same_kind(name, shown) for name in named)
        kind = another_kind(turn.text, shown)
        if kind and (turned_down or not named):
            events.append(SlotSet("activity", kind))  # "none of those, any music?": at once
            said.add("activity")
        elif turned_down:
            said.discard("activity")  # "not walking, something else": asked what instead
        events += [SlotSet(slot, None) for slot in ("activity", "day") if slot not in said]
        events += [SlotSet(slot, None) for slot in NARROWING]
        return events


class ActionAnotherKind(FrontdoorAction):
    """Right after suggestions, a message read as not understood, thanks or no, which asks for
    another kind of group ("thanks, but I'd rather be outdoors"): a search for that kind in
    the same place. Otherwise the reply the message would have had."""

    action_name = "action_another_kind"
    OTHERWISE = {"nlu_fallback": "utter_please_rephrase", "thank": "utter_thank"}

    def act(self, turn: Turn) -> list[EventType]:
        kind = kind_instead(turn.intent, turn.text, searched_for(turn.tracker))
        if kind is None:
            return [
                FollowupAction(self.OTHERWISE.get(turn.intent or "", "action_default_fallback"))
            ]
        events: list[EventType] = [SlotSet("activity", kind), SlotSet("suggested_groups", [])]
        return [*events, FollowupAction("group_search_form")]


CHOOSING_A_KIND = (ActionNewSearch.action_name, ActionAnotherKind.action_name)


def kind_chosen_instead(tracker: Tracker) -> tuple[bool, str | None]:
    """Whether a new search set the kind in this turn, and to what (None: ask for it). Rasa
    fills the form's slots from the message again when the form starts, after the search's own
    events, and the message may name the kind it turned down."""
    events = list(tracker.events)
    turn = events[latest_message_at(events) + 1 :]
    chose = [n for n, e in enumerate(turn) if _is_action(e, CHOOSING_A_KIND)]
    if not chose:
        return False, None
    for event in turn[chose[-1] + 1 :]:  # its own events come first, then the form's
        if _is_activity_set(event):
            return True, event.get("value")
    return False, None


def searched_for(tracker: Tracker) -> str | None:
    """The kind of group searched for before the latest message (whose own words may have set
    the slot to the kind it asks for instead); the slot when the events are not at hand."""
    events = list(tracker.events)
    latest = latest_message_at(events)
    if latest < 0:
        return tracker.get_slot("activity")
    values = [e.get("value") for e in events[:latest] if _is_activity_set(e)]
    return values[-1] if values else None


def latest_message_at(events: list[dict[str, Any]]) -> int:
    """The index of the resident's latest message among the events, -1 when there is none."""
    return max((n for n, e in enumerate(events) if e.get("event") == "user"), default=-1)


def _is_action(event: dict[str, Any], names: tuple[str, ...]) -> bool:
    return event.get("event") == "action" and event.get("name") in names


def _is_activity_set(event: dict[str, Any]) -> bool:
    return event.get("event") == "slot" and event.get("name") == "activity"


NARROWING = ("search_free_only", "search_closer", "time_of_day", "search_either")
FREE = re.compile(
    r"(?<!i'm )(?<!i am )\bfree\b(?! (in|on|at|after|during|most|every)\b)|\bno cost\b|\bnot? (have to )?pay|afford|cost(s)? nothing|don'?t cost",
    re.I,
)
CLOSER = re.compile(r"\b(closer|nearer|nearby|near me|too far|not so far|close to home)\b", re.I)


def narrowing(text: str) -> dict[str, Any]:
    """What a resident's words ask to narrow the suggestions by."""
    found: dict[str, Any] = {}
    if FREE.search(text):
        found["search_free_only"] = True
    if CLOSER.search(text):
        found["search_closer"] = True
    found.update({event["name"]: event["value"] for event in when_events(text)})
    return found


def when_events(text: str | None) -> list[EventType]:
    """The day and time of day a resident's words ask for, as slots ("not weekends":
    weekdays, whatever a day entity said)."""
    when = when_from(text)
    if not when:
        return []
    events = [SlotSet("search_either", when.either)]
    if when.day:
        events.append(SlotSet("day", when.day))
    if when.time_of_day:
        events.append(SlotSet("time_of_day", when.time_of_day))
    return events


class ActionNarrowSearch(FrontdoorAction):
    """Narrow the suggestions: only free ones, closer, another day or time of day."""

    action_name = "action_narrow_search"

    def act(self, turn: Turn) -> list[EventType]:
        found = narrowing(turn.text)
        events = [SlotSet(slot, value) for slot, value in found.items()]
        events.append(SlotSet("suggested_groups", []))
        if not turn.slot("activity") and turn.slot("plan") is None:
            return [*events, FollowupAction("group_search_form")]  # nothing to narrow yet
        return events
