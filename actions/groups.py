"""Level 1 and the suggestions for level 2: searching the directory."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.forms import FrontdoorFormValidation
from actions.messages import say
from frontdoor import plan
from frontdoor.directory.search import SearchRequest, search_services
from frontdoor.sms import to_gsm7
from frontdoor.store.db import session_scope

SUGGESTIONS = 3


class ValidateGroupSearchForm(FrontdoorFormValidation):
    """Ask only for what is missing: the kind of group, and where."""

    def name(self) -> str:
        return "validate_group_search_form"

    def validate_activity(
        self,
        slot_value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> dict[str, Any]:
        """Any few words will do; the search makes sense of them."""
        text = to_gsm7(str(slot_value or "")).strip(" .!?")
        if len(text) < 2:
            return self.reject("activity", "activity_too_short", dispatcher, tracker)
        result = self.accept("activity", text)
        if tracker.get_slot("triage_level") is None:
            result["triage_level"] = 1
        return result


def search_request(tracker: Tracker, exclude: list[str]) -> SearchRequest:
    """What to search for: the named activity, or the plan from what matters."""
    answers = plan.gather(tracker.current_slot_values())
    activity = tracker.get_slot("activity")
    from_plan = not activity and tracker.get_slot("plan") is not None
    day = tracker.get_slot("day")
    return SearchRequest(
        need=activity or answers.would_like_different or answers.what_matters,
        town=tracker.get_slot("town"),
        day=day if day else (answers.days[0] if from_plan and len(answers.days) == 1 else None),
        interests=plan.interests(answers) if from_plan else [],
        barriers=answers.barriers if from_plan else [],
        exclude_ids=exclude,
        limit=SUGGESTIONS,
    )


def short_text(groups: list[dict[str, Any]]) -> str:
    """The groups as compact lines that read well without the cards."""
    lines = [
        f"{n}. {g['name']}: {g['when']}, {g['where']}. {g['cost']}. {g['contact']}"
        for n, g in enumerate(groups, start=1)
    ]
    return to_gsm7("\n".join(lines))


class ActionSuggestGroups(Action):
    """Search the directory and send up to three groups, as cards and as text."""

    def name(self) -> str:
        return "action_suggest_groups"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        more = tracker.get_intent_of_latest_message() == "more_groups"
        shown = list(tracker.get_slot("suggested_groups") or []) if more else []
        request = search_request(tracker, exclude=shown)
        with session_scope() as session:
            groups = search_services(session, request)
        place = request.town or "you"
        if not groups:
            say(dispatcher, "no_more_groups" if more else "no_groups", place=place)
            return [SlotSet("suggested_groups", shown)]
        say(
            dispatcher,
            "groups_found",
            count=len(groups),
            place=place,
            groups=short_text(groups),
            json_message={"type": "groups", "groups": groups},
        )
        return [SlotSet("suggested_groups", shown + [g["id"] for g in groups])]


class ActionNewSearch(Action):
    """Start a new search, keeping the place and anything just said."""

    def name(self) -> str:
        return "action_new_search"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        said = {e.get("entity") for e in tracker.latest_message.get("entities", [])}
        events = [SlotSet("suggested_groups", [])]
        events += [SlotSet(slot, None) for slot in ("activity", "day") if slot not in said]
        return events
