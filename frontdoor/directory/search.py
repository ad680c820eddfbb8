"""Finding groups that fit what a resident said, near where they live."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from frontdoor.directory.places import Place, distance_miles, resolve_place
from frontdoor.sms import to_gsm7
from frontdoor.store.models import Service, ServiceAtLocation

NEAR_MILES = 10.0
WIDE_MILES = 25.0
DAY_CODES = {
    "monday": "MO",
    "tuesday": "TU",
    "wednesday": "WE",
    "thursday": "TH",
    "friday": "FR",
    "saturday": "SA",
    "sunday": "SU",
}

# Words residents use, and the words groups are described with.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "walking": ("walk", "walks", "walking", "rambling", "ramble", "stroll", "hike"),
    "singing": ("choir", "choirs", "sing", "singing", "songs", "music"),
    "crafts": (
        "craft",
        "crafts",
        "knit",
        "knitting",
        "sewing",
        "stitch",
        "art",
        "arts",
        "painting",
        "crochet",
    ),
    "gardening": (
        "garden",
        "gardening",
        "allotment",
        "grow",
        "growing",
        "plants",
        "nature",
        "outdoors",
    ),
    "shed": ("shed", "sheds", "woodwork", "diy", "tools", "making", "mend"),
    "social": (
        "lonely",
        "loneliness",
        "alone",
        "isolated",
        "befriending",
        "befriender",
        "friend",
        "friends",
        "friendship",
        "company",
        "social",
        "companionship",
    ),
    "lunch": ("lunch", "lunches", "meal", "meals", "food", "dinner"),
    "carers": ("carer", "carers", "caring", "look", "after"),
    "bereavement": (
        "bereavement",
        "bereaved",
        "grief",
        "grieving",
        "loss",
        "died",
        "widow",
        "widower",
    ),
    "dementia": ("dementia", "memory", "alzheimers", "forgetful"),
    "wellbeing": (
        "anxious",
        "anxiety",
        "worry",
        "stress",
        "low",
        "mood",
        "depressed",
        "depression",
        "wellbeing",
        "mental",
        "calm",
    ),
    "money": (
        "money",
        "debt",
        "debts",
        "benefits",
        "bills",
        "budget",
        "budgeting",
        "advice",
        "cost",
    ),
    "digital": (
        "computer",
        "computers",
        "digital",
        "online",
        "internet",
        "phone",
        "tablet",
        "ipad",
        "email",
        "laptop",
    ),
    "exercise": (
        "exercise",
        "fitness",
        "fit",
        "active",
        "activity",
        "gym",
        "tai",
        "chi",
        "balance",
        "strength",
        "keep",
        "moving",
        "yoga",
        "dance",
        "dancing",
    ),
}
_WORD_TO_TOPIC = {word: topic for topic, words in SYNONYMS.items() for word in words}
_TOPIC_WORDS = {topic: set(words) | {topic} for topic, words in SYNONYMS.items()}
_STOP = {
    "a",
    "an",
    "the",
    "and",
    "or",
    "to",
    "in",
    "on",
    "for",
    "of",
    "some",
    "group",
    "groups",
    "club",
    "clubs",
    "any",
    "near",
    "me",
    "my",
    "i",
    "im",
    "want",
    "like",
    "would",
    "find",
    "looking",
    "something",
    "with",
    "more",
    "get",
    "out",
}


@dataclass
class SearchRequest:
    need: str | None = None
    town: str | None = None
    day: str | None = None
    interests: list[str] = field(default_factory=list)
    barriers: list[str] = field(default_factory=list)
    exclude_ids: list[str] = field(default_factory=list)
    age: int | None = None
    limit: int = 3


def words(text: str | None) -> list[str]:
    return [w for w in re.findall(r"[a-z]+", (text or "").lower()) if w not in _STOP]


def topics(text_words: list[str]) -> set[str]:
    """The directory topics a resident's words point to."""
    return {_WORD_TO_TOPIC[w] for w in text_words if w in _WORD_TO_TOPIC}


def search_services(session: Session, request: SearchRequest) -> list[dict[str, Any]]:
    """Up to request.limit suggestions, best first, each with a short reason."""
    place = resolve_place(request.town) if request.town else None
    candidates = _candidates(session, request)
    near = _ranked(candidates, request, place, NEAR_MILES)
    if len(near) < request.limit and place is not None:
        ids = {service.id for _, service, _ in near}
        wider = _ranked(candidates, request, place, WIDE_MILES)
        near += [row for row in wider if row[1].id not in ids]
    results, names = [], set()
    for _, service, distance in near:
        if service.name.lower() in names:
            continue
        names.add(service.name.lower())
        results.append(suggestion(service, request, place, distance))
        if len(results) == request.limit:
            break
    return results


def _ranked(
    candidates: list[Service], request: SearchRequest, place: Place | None, radius: float
) -> list[tuple[float, Service, float | None]]:
    """Services that fit within radius miles, best first."""
    scored = []
    for service in candidates:
        score, distance = _score(service, request, place, radius)
        if score > 0:
            scored.append((score, service, distance))
    scored.sort(key=lambda row: (-row[0], row[2] if row[2] is not None else 999.0, row[1].name))
    return scored


def _candidates(session: Session, request: SearchRequest) -> list[Service]:
    query = (
        sa.select(Service)
        .where(Service.active.is_(True))
        .options(
            selectinload(Service.locations).selectinload(ServiceAtLocation.location),
            selectinload(Service.schedules),
            selectinload(Service.phones),
            selectinload(Service.taxonomy_terms),
        )
    )
    if request.exclude_ids:
        query = query.where(Service.id.not_in(request.exclude_ids))
    return list(session.execute(query).scalars())


def _nearest(service: Service, place: Place | None) -> float | None:
    points = [
        (sal.location.latitude, sal.location.longitude)
        for sal in service.locations
        if sal.location.latitude is not None
    ]
    if place is None or not points:
        return None
    return min(distance_miles((place.latitude, place.longitude), p) for p in points)


def _score(
    service: Service, request: SearchRequest, place: Place | None, radius: float
) -> tuple[float, float | None]:
    """0 when the service does not fit; higher is better."""
    if request.age is not None and not _eligible(service, request.age):
        return 0.0, None
    if request.day and not _runs_on(service, request.day):
        return 0.0, None
    distance = _nearest(service, place)
    if place is not None and not service.online and (distance is None or distance > radius):
        return 0.0, distance
    labels = set(words(service.name + " " + " ".join(t.name for t in service.taxonomy_terms)))
    text = set(words(service.search_text))
    need_words = words(request.need)
    match = sum(2.0 for topic in topics(need_words) if _TOPIC_WORDS[topic] & labels)
    match += sum(1.0 for w in need_words if w in text and w not in _WORD_TO_TOPIC)
    match += sum(1.0 for topic in topics(request.interests) if _TOPIC_WORDS[topic] & labels)
    if match == 0:
        return 0.0, distance
    score = match
    if service.online:
        score -= 1.0  # in person first, online when nothing near fits
    if "cost" in request.barriers and service.is_free:
        score += 1.0
    if {"mobility", "transport"} & set(request.barriers) and _step_free(service):
        score += 0.5
    if distance is not None:
        score -= distance / NEAR_MILES
    return score, distance


def _eligible(service: Service, age: int) -> bool:
    low, high = service.minimum_age, service.maximum_age
    return (low is None or age >= low) and (high is None or age <= high)


def _runs_on(service: Service, day: str) -> bool:
    codes = {DAY_CODES[d] for d in DAY_CODES if d.startswith(day.lower()[:3])}
    if day.lower() == "weekend":
        codes = {"SA", "SU"}
    return any(code in (s.byday or "") for s in service.schedules for code in codes)


def _step_free(service: Service) -> bool:
    return any(
        "step-free" in (sal.location.accessibility or "").lower() for sal in service.locations
    )


def suggestion(
    service: Service, request: SearchRequest, place: Place | None, distance: float | None
) -> dict[str, Any]:
    """The card a resident sees, in GSM-7 plain English."""
    location = service.locations[0].location if service.locations else None
    where = f"{location.name}, {location.city}" if location else "Online"
    cost = "Free" if service.is_free else (service.fees_description or "Ask about cost")
    contact = service.phones[0].number if service.phones else (service.email or "")
    return {
        "id": service.id,
        "name": to_gsm7(service.name),
        "summary": to_gsm7(_first_sentence(service.description or "")),
        "when": to_gsm7(service.schedules[0].description if service.schedules else "Ask for times"),
        "where": to_gsm7(where),
        "cost": to_gsm7(cost),
        "contact": to_gsm7(contact),
        "why": to_gsm7(_why(service, request, place, distance)),
    }


def _first_sentence(text: str) -> str:
    return text.split(". ")[0].rstrip(".") + "."


def _why(
    service: Service, request: SearchRequest, place: Place | None, distance: float | None
) -> str:
    reasons = []
    if service.is_free:
        reasons.append("free")
    if request.day:
        reasons.append(f"on {request.day.capitalize()}s")
    if service.online:
        reasons.append("online, from home")
    elif place is not None and distance is not None:
        reasons.append(
            "in " + place.name if distance < 1.5 else f"{distance:.0f} miles from {place.name}"
        )
    if _step_free(service):
        reasons.append("step-free access")
    text = ", ".join(reasons) or "a good fit for what you asked"
    return text[0].upper() + text[1:]
