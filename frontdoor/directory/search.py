"""Finding groups that fit what a resident said, near where they live, and saying why."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from typing import TypedDict

from sqlalchemy.orm import Session

from frontdoor.directory.gaps import describe_need, record_gap
from frontdoor.directory.index import (
    DirectoryIndex,
    Entry,
    current_index,
    forget_index,
    still_active,
)
from frontdoor.directory.places import Place, distance_miles, resolve_place
from frontdoor.directory.vocabulary import (
    FOR_A_SITUATION,
    POPULAR_TOPICS,
    WORD_TO_TOPIC,
    is_vague,
    request_words,
    topics,
    words,
)
from frontdoor.text import tidy
from frontdoor.when import DAY_CODES

PRIMARY = 1.0  # extra weight when what a service is mainly for is what was asked for
NEAR_MILES = 10.0
NAME_BONUS = 0.2  # each word asked for that is in a group's name
NAME_TOPIC_BONUS = 0.1  # each kind asked for that a group's name speaks of ("Cuppa" for coffee)
WIDE_MILES = 25.0
# Groups further than this are not called "near": the reply says how far each one is.
NEAR_WORDING_MILES = 5.0
CLOSER_MILES = 5.0
ADULT_AGE = 18
# The hours each time of day means, for opening times.
TIME_OF_DAY_HOURS = {
    "morning": ("00:00", "12:00"),
    "afternoon": ("12:00", "17:00"),
    "evening": ("17:00", "24:00"),
}


@dataclass
class SearchRequest:
    """What the resident asked for. Narrowing: free_only, closer, day, time_of_day."""

    need: str | None = None
    town: str | None = None
    day: str | None = None
    interests: list[str] = field(default_factory=list)
    barriers: list[str] = field(default_factory=list)
    exclude_ids: list[str] = field(default_factory=list)
    age: int | None = None
    for_young_people: bool = False  # the resident asked for something for young people
    free_only: bool = False
    closer: bool = False
    time_of_day: str | None = None
    either: bool = False  # the day or the time of day will do ("evenings or weekends")
    limit: int = 3
    anything: bool = False  # no kind asked for ("dunno"): a varied mix near them


@dataclass(frozen=True)
class Match:
    score: float
    entry: Entry
    distance: float | None


def asks_for_young_people(request: SearchRequest) -> bool:
    return "young" in topics(words(request.need)) or "parents" in topics(words(request.need))


def search_services(
    session: Session, request: SearchRequest, record_gaps: bool = True
) -> list[GroupCard]:
    """Up to request.limit suggestions, best first, each with a short reason.

    A resident's search that finds nothing is kept as a gap in provision (no personal data).
    """
    place = resolve_place(request.town) if request.town else None
    if is_vague(request.need):  # "anything really": a mix to choose from, and no gap
        request.need, request.anything = None, not request.interests
    if request.anything and not topics(request.interests):
        request.interests = []  # words that name no kind of group would only narrow the mix
    request.for_young_people = request.for_young_people or asks_for_young_people(request)
    matches = find(current_index(session), request, place)
    if len(still_active(session, [m.entry.id for m in matches])) < len(matches):
        forget_index(session)  # retired since the index was built: build it again
        matches = find(current_index(session), request, place)
    wanted = request.need or request.interests
    if record_gaps and not matches and not request.exclude_ids and wanted:
        need = describe_need(request.need, request.interests)
        record_gap(session, need, place, request.day, request.time_of_day)
    return [suggestion(m.entry, request, place, m.distance) for m in matches]


def find(index: DirectoryIndex, request: SearchRequest, place: Place | None) -> list[Match]:
    """The best matches: near first, then wider if too few or if none near is named for the
    particular activity asked for; no near-duplicates."""
    radius = CLOSER_MILES if request.closer else NEAR_MILES
    ranked = _ranked(_candidates(index, request, place, radius), request, place, radius)
    particular = _particular_words(request_words(request.need))
    unnamed = bool(particular) and not any(_named(m.entry, particular) for m in ranked)
    if (len(ranked) < request.limit or unnamed) and place is not None and not request.closer:
        seen = {m.entry.id for m in ranked}
        wider = _candidates(index, request, place, WIDE_MILES)
        wider = [entry for entry in wider if entry.id not in seen]
        ranked = _named_first(ranked + _ranked(wider, request, place, WIDE_MILES), particular)
    if request.anything:
        ranked = _varied(ranked, POPULAR_TOPICS)
    elif ranked and not _covers(ranked[0], asked := topics(request_words(request.need))):
        ranked = _varied(ranked, asked)  # "walking and lunch": some of each
    return _distinct(ranked, request.limit)


def _covers(match: Match, asked: set[str]) -> bool:
    return asked <= (match.entry.label_topics | match.entry.primary_topics)


def _varied(ranked: list[Match], kinds_wanted: Collection[str]) -> list[Match]:
    """The best of each kind first, so "anything" (or two things) shows different groups."""
    first: list[Match] = []
    rest: list[Match] = []
    kinds: set[str] = set()
    for match in ranked:
        kind = (match.entry.primary_topics or match.entry.label_topics) & set(kinds_wanted)
        (rest if kind & kinds else first).append(match)
        kinds |= kind
    return first + rest


def _candidates(
    index: DirectoryIndex, request: SearchRequest, place: Place | None, miles: float
) -> list[Entry]:
    """Services sharing a topic or a word with the request, within reach of the place."""
    need_words = request_words(request.need)
    ids: set[str] = set()
    for topic in topics(need_words) | topics(request.interests):
        ids |= index.by_topic.get(topic, set())
    for word in need_words:
        if word not in WORD_TO_TOPIC:
            ids |= index.by_word.get(word, set())
    if request.anything:
        ids = {i for t in POPULAR_TOPICS for i in index.by_topic.get(t, set())}
        ids -= {i for t in FOR_A_SITUATION for i in index.by_topic.get(t, set())}
        if request.age is not None and request.age < ADULT_AGE:
            ids |= index.by_topic.get("young", set())  # "anything" for a teenager: youth clubs
    ids -= set(request.exclude_ids)
    if place is not None:
        ids &= index.near(place.latitude, place.longitude, miles)
    found = [index.entries[i] for i in ids]
    if request.anything:
        return found
    others = (topics(need_words) | topics(request.interests)) - BROAD_KINDS
    return _saying(found, _particular_words(need_words), others)


# Kinds so broad that one activity in them is not another: bowls is not football, a book
# club is not a computer class, a Parkinson's group is not a diabetes group. (Within
# "singing" or "social", a choir is near enough a singing group, and a cuppa a coffee morning.)
BROAD_KINDS = frozenset({"sport", "learning", "exercise", "conditions"})


def _particular_words(need_words: list[str]) -> set[str]:
    """Words for one activity within a broad kind ("bowls" within sport), not the kind."""
    return {w for w in need_words if WORD_TO_TOPIC.get(w) in BROAD_KINDS and WORD_TO_TOPIC[w] != w}


def _saying(entries: list[Entry], particular: set[str], others: set[str]) -> list[Entry]:
    """Only the groups that speak of the particular activity asked for, when some do: "bowls"
    finds the bowls club, not walking football, though both are sport. Groups for anything
    else asked for ("Parkinson's and carers") are kept."""
    if not particular:
        return entries
    speaking = [e for e in entries if particular & _own_words(e)]
    if not speaking:
        return entries
    return speaking + [
        e for e in entries if e not in speaking and others & (e.label_topics | e.primary_topics)
    ]


def _named_first(ranked: list[Match], particular: set[str]) -> list[Match]:
    """The groups named for the particular activity asked for before the rest of its kind,
    however much further: a book club 15 miles away before adult learning 9 miles away."""
    named = [m for m in ranked if _named(m.entry, particular)]
    return named + [m for m in ranked if m not in named]


def _named(entry: Entry, particular: set[str]) -> bool:
    return bool(particular & _variants(set(words(entry.name))))


def _own_words(entry: Entry) -> set[str]:
    return _variants(set(words(entry.name)) | set(entry.labels) | set(entry.text))


def _variants(found: set[str]) -> set[str]:
    """Words with and without a plural s."""
    return found | {w.rstrip("s") for w in found} | {f"{w}s" for w in found}


def _ranked(
    candidates: list[Entry], request: SearchRequest, place: Place | None, radius: float
) -> list[Match]:
    wanted = _Wanted.of(request)
    scored = [_score(e, request, wanted, place, radius) for e in candidates]
    found = [m for m in scored if m is not None]
    found.sort(
        key=lambda m: (-m.score, m.distance if m.distance is not None else 999.0, m.entry.name)
    )
    return found


@dataclass(frozen=True)
class _Wanted:
    """The request's words and topics, worked out once per search, not once per service."""

    need_topics: frozenset[str]
    need_words: frozenset[str]
    interest_topics: frozenset[str]
    plain_words: tuple[str, ...]
    barriers: frozenset[str]
    anything: bool
    days: frozenset[str] | None  # ORUK byday codes, when a day was asked for
    hours: tuple[str, str] | None  # opening between these, when a time of day was asked for
    either: bool  # the day or the time will do

    @classmethod
    def of(cls, request: SearchRequest) -> _Wanted:
        need_words = request_words(request.need)
        return cls(
            need_topics=frozenset(topics(need_words)),
            need_words=frozenset(need_words),
            interest_topics=frozenset(topics(request.interests)),
            plain_words=tuple(w for w in need_words if w not in WORD_TO_TOPIC),
            barriers=frozenset(request.barriers),
            anything=request.anything,
            days=frozenset(day_codes(request.day)) if request.day else None,
            hours=TIME_OF_DAY_HOURS.get(request.time_of_day or ""),
            either=request.either,
        )


def _distinct(ranked: list[Match], limit: int) -> list[Match]:
    """No two suggestions that are really one group: same name, or same kind at one venue."""
    chosen: list[Match] = []
    names: set[str] = set()
    for match in ranked:
        key = _name_key(match.entry.name)
        venue_kind = (match.entry.where, frozenset(match.entry.labels))
        if key in names or any(
            (c.entry.where, frozenset(c.entry.labels)) == venue_kind for c in chosen
        ):
            continue
        names.add(key)
        chosen.append(match)
        if len(chosen) == limit:
            break
    return chosen


def _name_key(name: str) -> str:
    return " ".join(words(name.split(" at ")[0]))


def _score(
    entry: Entry, request: SearchRequest, wanted: _Wanted, place: Place | None, radius: float
) -> Match | None:
    """None when the service does not fit; otherwise higher is better."""
    if not _fits(entry, request, wanted):
        return None
    distance = _nearest(entry, place)
    if place is not None and not entry.online and (distance is None or distance > radius):
        return None
    match = 2.0 * len(wanted.need_topics & entry.label_topics)
    match += PRIMARY * len(wanted.need_topics & entry.primary_topics)  # what it is mainly for
    if wanted.plain_words:
        match += sum(1.0 for w in wanted.plain_words if w in entry.text)
    if match and wanted.need_words:  # "knit n natter", "coffee": the group of that name first
        named = words(entry.name)  # a kind word counts when it is what the group is for
        match += NAME_BONUS * sum(
            1
            for w in wanted.need_words & set(named)
            if w not in WORD_TO_TOPIC or WORD_TO_TOPIC[w] in entry.primary_topics
        )
        match += NAME_TOPIC_BONUS * len(wanted.need_topics & topics(named) & entry.primary_topics)
    if wanted.interest_topics:  # from the what-matters-to-me plan
        match += 2.0 * len(wanted.interest_topics & entry.label_topics)
        match += PRIMARY * len(wanted.interest_topics & entry.primary_topics)
    if match == 0 and not wanted.anything:
        return None
    score = match - (1.0 if entry.online else 0.0)  # in person first, online when nothing near
    if "cost" in wanted.barriers and entry.free:
        score += 1.0
    if entry.step_free and not wanted.barriers.isdisjoint({"mobility", "transport"}):
        score += 0.5
    if distance is not None:
        score -= distance / NEAR_MILES
    return Match(score, entry, distance)


def _fits(entry: Entry, request: SearchRequest, wanted: _Wanted) -> bool:
    """Hard limits: eligible by age, free if asked, on the day and at the time asked."""
    if request.age is not None and not eligible(entry, request.age):
        return False
    if request.age is None and _children_only(entry) and not request.for_young_people:
        return False  # age not known: groups only for children are not suggested to adults
    if request.free_only and not entry.free:
        return False
    on_the_day = wanted.days is None or not wanted.days.isdisjoint(entry.days)
    at_the_time = wanted.hours is None or _opens_within(entry, wanted.hours)
    if wanted.either and wanted.days is not None and wanted.hours is not None:
        return on_the_day or at_the_time
    return on_the_day and at_the_time


def _opens_within(entry: Entry, hours: tuple[str, str]) -> bool:
    start, end = hours
    return entry.opens_at is not None and start <= entry.opens_at < end


def _children_only(entry: Entry) -> bool:
    """For young people only: up to 18 (a youth club for 11 to 18) or mainly for the young."""
    return (entry.maximum_age is not None and entry.maximum_age <= 18) or (
        "young" in entry.primary_topics and not entry.primary_topics - {"young", "social"}
    )


def eligible(entry: Entry, age: int) -> bool:
    low, high = entry.minimum_age, entry.maximum_age
    return (low is None or age >= low) and (high is None or age <= high)


def day_codes(day: str) -> set[str]:
    """ORUK byday codes for a day word: "tues", "Saturday", "weekend", "weekday"."""
    day = day.lower().strip()
    if day in ("weekend", "weekends"):
        return {"SA", "SU"}
    if day in ("weekday", "weekdays"):
        return {"MO", "TU", "WE", "TH", "FR"}
    return {code for name, code in DAY_CODES.items() if name.startswith(day[:3])}


def _nearest(entry: Entry, place: Place | None) -> float | None:
    """Miles to the nearest of its places."""
    if place is None or not entry.points:
        return None
    return min(distance_miles(place, point) for point in entry.points)


class GroupCard(TypedDict):
    """One group suggested, as every channel gets it: the web chat draws a card, SMS a line."""

    id: str
    name: str
    summary: str
    when: str
    where: str
    cost: str
    contact: str
    why: str
    miles: float | None
    phone: str | None  # E.164, for a tap-to-call (tel:) link
    website: str | None  # the group's own web page
    map: str | None  # a map of where it meets (in person only)
    for_whom: str  # who the group is for: "Anyone aged 18 and over"


# A map of one point, on OpenStreetMap (no account, no tracking of the resident).
MAP_URL = "https://www.openstreetmap.org/?mlat={lat}&mlon={lon}#map=17/{lat}/{lon}"


def suggestion(
    entry: Entry, request: SearchRequest, place: Place | None, distance: float | None
) -> GroupCard:
    """The card a resident sees, in plain English."""
    cost = "Free" if entry.free else (entry.fees or "Ask about cost")
    return {
        "id": entry.id,
        "name": entry.name,
        "summary": _first_sentence(entry.description),
        "when": entry.when or "Ask for times",
        "where": entry.where,
        "cost": cost,
        "contact": entry.contact,
        "why": why(entry, request, place, distance),
        "miles": None if distance is None or entry.online else round(distance, 1),
        "phone": entry.phone,
        "website": entry.url,
        "map": map_link(entry),
        "for_whom": for_whom(entry),
    }


def map_link(entry: Entry) -> str | None:
    """A map of where a group meets, when it meets in a place the directory has on a map."""
    if entry.online or entry.venue_point is None:
        return None
    lat, lon = (f"{degrees:.5f}" for degrees in entry.venue_point)
    return MAP_URL.format(lat=lat, lon=lon)


def for_whom(entry: Entry) -> str:
    """Who a group is for, in plain English: "Anyone aged 18 and over", "Carers, aged 16 to 25"."""
    low, high = entry.minimum_age, entry.maximum_age
    ages = ""
    if low and high:
        ages = f"aged {low} to {high}"
    elif low or high:
        ages = f"aged {low} and over" if low else f"up to age {high}"
    who = tidy(entry.eligibility).rstrip(".")
    if not who:
        return f"Anyone {ages}".strip()
    return f"{who}, {ages}" if ages else who


def _first_sentence(text: str) -> str:
    return text.split(". ")[0].rstrip(".") + "."


def why(entry: Entry, request: SearchRequest, place: Place | None, distance: float | None) -> str:
    """A short reason in plain English: "Free, on Tuesdays, 2 miles from Boston, step-free"."""
    reasons = []
    if entry.free:
        reasons.append("free")
    on_the_day = bool(request.day and not set(day_codes(request.day)).isdisjoint(entry.days))
    if request.day and (on_the_day or not request.either):
        reasons.append(_day_words(request.day))
    hours = TIME_OF_DAY_HOURS.get(request.time_of_day or "")
    if hours and (_opens_within(entry, hours) or not request.either):
        reasons.append(f"in the {request.time_of_day}")
    if entry.online:
        reasons.append("online, from home")
    elif place is not None and distance is not None:
        reasons.append(
            "in " + place.name if distance < 1.5 else f"{distance:.0f} miles from {place.name}"
        )
    if entry.step_free:
        reasons.append("step-free access")
    if entry.minimum_age and entry.minimum_age >= 50:
        reasons.append(f"for people aged {entry.minimum_age} and over")
    elif entry.maximum_age and entry.maximum_age < 26:
        reasons.append(f"for ages {entry.minimum_age or 0} to {entry.maximum_age}")
    text = ", ".join(reasons) or "a good fit for what you asked"
    return text[0].upper() + text[1:]


def _day_words(day: str) -> str:
    day = day.lower()
    if day.startswith("weekend"):
        return "at the weekend"
    if day.startswith("weekday"):
        return "on weekdays"
    full = next((name for name in DAY_CODES if name.startswith(day[:3])), day)
    return f"on {full.capitalize()}s"
