"""Where residents are: towns, villages and postcode districts, with coordinates."""

from __future__ import annotations

import csv
import difflib
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

PLACES_FILE = Path(__file__).with_name("data") / "places.csv"
_POSTCODE = re.compile(r"^([A-Z]{1,2}\d{1,2}[A-Z]?)\s*(\d[A-Z]{2})?$")
_EARTH_RADIUS_MILES = 3958.8
# Miles along a meridian per degree of latitude (69.09), for boxes drawn around a place.
MILES_PER_DEGREE = 2 * math.pi * _EARTH_RADIUS_MILES / 360


@dataclass(frozen=True)
class Place:
    name: str
    kind: str
    latitude: float
    longitude: float


@lru_cache(maxsize=1)
def _places() -> dict[str, Place]:
    """Every known place, keyed by its simplified name."""
    with PLACES_FILE.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    return {
        _key(row["name"]): Place(
            row["name"], row["kind"], float(row["latitude"]), float(row["longitude"])
        )
        for row in rows
    }


@lru_cache(maxsize=1)
def place_words() -> frozenset[str]:
    """The names of towns and villages that are one word, lower case ("louth")."""
    return frozenset(
        key for key, place in _places().items() if place.kind != "postcode" and key.isalpha()
    )


def _key(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


def resolve_place(text: str) -> Place | None:
    """A town, village or postcode (full or district) in the area, or None."""
    cleaned = re.sub(
        r"^(in|at|near|around|i live in|i'm in|im in)\s+", "", text.strip().lower()
    ).strip(" .,!?")
    postcode = _POSTCODE.match(cleaned.upper())
    if postcode:
        return _places().get(_key(postcode.group(1)))
    key = _key(cleaned)
    if not key:
        return None
    if key in _places():
        return _places()[key]
    close = difflib.get_close_matches(
        key, [k for k, p in _places().items() if p.kind != "postcode"], n=1, cutoff=0.8
    )
    return _places()[close[0]] if close else None


def place_in(text: str) -> Place | None:
    """The place a short answer names, with words around it ("Caistor please", "just
    outside Louth"): the whole answer first, then its words, longest run first, matched
    exactly (no guessing at a misspelling inside a sentence)."""
    whole = resolve_place(text)
    if whole is not None:
        return whole
    words = re.findall(r"[A-Za-z0-9'-]+", text)
    for size in range(min(3, len(words)), 0, -1):
        for start in range(len(words) - size + 1):
            run = " ".join(words[start : start + size])
            postcode = _POSTCODE.match(run.upper())
            found = _places().get(_key(postcode.group(1) if postcode else run))
            if found is not None:
                return found
    return None


def distance_miles(a: Place | tuple[float, float], b: Place | tuple[float, float]) -> float:
    """Great-circle distance in miles: the one measure of how far, for every search."""
    lat1, lon1 = (a.latitude, a.longitude) if isinstance(a, Place) else a
    lat2, lon2 = (b.latitude, b.longitude) if isinstance(b, Place) else b
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * _EARTH_RADIUS_MILES * math.asin(math.sqrt(h))


def towns() -> list[Place]:
    """The main towns, for the sample data and for suggestions."""
    return [p for p in _places().values() if p.kind == "town"]


def villages() -> list[Place]:
    """The villages, for the sample data."""
    return [p for p in _places().values() if p.kind == "village"]


def postcode_districts() -> list[Place]:
    return [p for p in _places().values() if p.kind == "postcode"]
