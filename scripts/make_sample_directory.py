"""Write the made-up Lincolnshire sample directory in Open Referral UK 3.0 shape.

Every group is invented. Phone numbers come only from Ofcom's drama ranges and addresses
use example.org, so the sample can never send a resident to a real stranger. The kinds of
group, the online groups and the venues are tables in scripts/sample_directory/*.yml.

    python scripts/make_sample_directory.py --count 520 --out data/directory/lincolnshire.json
"""

from __future__ import annotations

import argparse
import json
import random
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from frontdoor.directory.places import (
    Place,
    distance_miles,
    postcode_districts,
    towns,
    villages,
)

NAMESPACE = uuid.UUID("5f1c2a7e-9a51-4c38-9d7a-6f2f3f0c1a11")
DAYS = {
    "MO": "Mondays",
    "TU": "Tuesdays",
    "WE": "Wednesdays",
    "TH": "Thursdays",
    "FR": "Fridays",
    "SA": "Saturdays",
    "SU": "Sundays",
}
FOLDER = Path(__file__).resolve().parent / "sample_directory"


@dataclass(frozen=True)
class Kind:
    """A kind of group (scripts/sample_directory/kinds.yml): what it does, when, for whom."""

    key: str
    names: list[str]  # name patterns, {town} standing for the place
    description: str
    terms: list[str]
    minimum_age: int
    opens: str
    closes: str
    fees: str | None = None
    maximum_age: int | None = None
    every_town: bool = False  # every town has one
    villages: bool = False  # a village hall may host one
    monthly: bool = False  # may meet monthly
    weekends: list[str] = field(default_factory=list)  # the weekend days it may meet on
    twice_weekly: bool = False  # may meet twice a week


@dataclass(frozen=True)
class OnlineGroup:
    """A group that meets online (scripts/sample_directory/online.yml)."""

    name: str
    description: str
    terms: list[str]
    byday: str
    opens: str
    closes: str


def _read(name: str) -> Any:
    """One of the tables in scripts/sample_directory/, as YAML reads it."""
    return yaml.safe_load((FOLDER / name).read_text(encoding="utf-8"))


KINDS = [Kind(**entry) for entry in _read("kinds.yml")]
ONLINE = [OnlineGroup(**entry) for entry in _read("online.yml")]
VENUES: list[str] = _read("addresses.yml")["venues"]
STREETS: list[str] = _read("addresses.yml")["streets"]


def sid(*parts: object) -> str:
    return str(uuid.uuid5(NAMESPACE, "/".join(str(p) for p in parts)))


def phone(rng: random.Random) -> str:
    if rng.random() < 0.7:
        return f"01632 960{rng.randrange(0, 1000):03d}"
    return f"07700 900{rng.randrange(0, 1000):03d}"


def slug(text: str) -> str:
    return "".join(ch for ch in text.lower() if ch.isalnum())


def when_text(byday: str, monthly: bool, opens: str, closes: str, fortnightly: bool = False) -> str:
    days = " and ".join(DAYS[d] for d in byday.split(","))
    if fortnightly:
        days = f"Every other {DAYS[byday][:-1]}"
    if monthly:
        days = f"1st {DAYS[byday][:-1]} of the month"
    return f"{days}, {hour(opens)} to {hour(closes)}"


def hour(hhmm: str) -> str:
    h, m = (int(x) for x in hhmm.split(":"))
    suffix = "am" if h < 12 else "pm"
    h = h if h <= 12 else h - 12
    return f"{h}{suffix}" if m == 0 else f"{h}.{m:02d}{suffix}"


def made_up_postcode(rng: random.Random, place: Place) -> str:
    """The real district nearest the place, with a made-up ZZ unit no letter goes to."""
    district = min(postcode_districts(), key=lambda d: distance_miles(d, place))
    return f"{district.name} {rng.randrange(1, 10)}ZZ"


def access_note(rng: random.Random, step_free: bool) -> str:
    note = (
        "Step-free access and an accessible toilet"
        if step_free
        else "Some steps at the entrance; please ask for help"
    )
    extras = ["hearing loop", "parking close by", "on a bus route"]
    chosen = [extra for extra in extras if rng.random() < 0.3]
    return f"{note}. Also: {', '.join(chosen)}." if chosen else f"{note}."


def pick_days(rng: random.Random, kind: Kind, single: bool) -> str:
    """Mostly weekdays; some kinds meet at weekends; some meet twice a week."""
    weekdays = list(DAYS)[:5]
    if kind.weekends and rng.random() < 0.35:
        days = kind.weekends
        return rng.choice(days) if len(days) > 1 else days[0]
    if not single and kind.twice_weekly and rng.random() < 0.3:
        first, second = sorted(rng.sample(range(5), 2))
        return f"{weekdays[first]},{weekdays[second]}"
    return rng.choice(weekdays)


def service(rng: random.Random, n: int, town: Place, kind: Kind) -> dict[str, Any]:
    """One group of this kind in this town or village, with its venue, times and contact."""
    fees = kind.fees
    name = rng.choice(kind.names).format(town=town.name)
    org_name = f"{name} Group" if "Group" not in name else name
    monthly = kind.monthly and rng.random() < 0.4
    fortnightly = not monthly and rng.random() < 0.2
    byday = pick_days(rng, kind, single=monthly or fortnightly)
    if rng.random() < 0.3 and fees:
        fees = None  # many groups are free, even of a kind that often charges
    hall = "Village Hall" if town.kind == "village" else rng.choice(VENUES)
    if town.kind == "town" and hall == "Village Hall":
        hall = "Parish Rooms"  # a town has no village hall
    venue = f"{town.name} {hall}"
    lat = town.latitude + rng.uniform(-0.01, 0.01)
    lon = town.longitude + rng.uniform(-0.01, 0.01)
    step_free = rng.random() < 0.7
    number = phone(rng)
    service_id = sid("service", n, name)
    return {
        **_listing(service_id, name, kind.description, "groups", fees, kind.minimum_age),
        **({"maximum_age": kind.maximum_age} if kind.maximum_age else {}),
        "organization": {
            "id": sid("org", n, name),
            "name": org_name,
            "description": f"A volunteer-run group in {town.name}.",
            "email": f"hello.{slug(name)[:16]}@example.org",
            "website": "https://www.example.org",
        },
        "service_at_locations": [
            {
                "id": sid("sal", service_id),
                "location": {
                    "id": sid("loc", service_id),
                    "location_type": "physical",
                    "name": venue,
                    "latitude": round(lat, 5),
                    "longitude": round(lon, 5),
                    "addresses": [
                        {
                            "id": sid("addr", service_id),
                            "address_1": f"{rng.randrange(1, 120)} {rng.choice(STREETS)}",
                            "city": town.name,
                            "state_province": "Lincolnshire",
                            "postal_code": made_up_postcode(rng, town),
                            "country": "GB",
                            "address_type": "physical",
                        }
                    ],
                    "accessibility": [
                        {
                            "id": sid("acc", service_id),
                            "description": access_note(rng, step_free),
                        }
                    ],
                },
            }
        ],
        "schedules": [
            _schedule(
                f"1{byday}" if monthly else byday,
                kind.opens,
                kind.closes,
                when_text(byday, monthly, kind.opens, kind.closes, fortnightly),
                service_id,
                freq="MONTHLY" if monthly else "WEEKLY",
                interval=2 if fortnightly else 1,
            )
        ],
        "cost_options": [] if not fees else [{"id": sid("cost", service_id), "option": fees}],
        **_contact_and_terms("Group organiser", number, kind.terms, service_id),
    }


def online_service(n: int, group: OnlineGroup) -> dict[str, Any]:
    """One group that meets online, run by the county's online team."""
    name, byday, opens, closes = group.name, group.byday, group.opens, group.closes
    return {
        **_listing(sid("service", "online", name), name, group.description, "online", None, 18),
        "organization": {
            "id": sid("org", "online"),
            "name": "Lincs Connect Online",
            "description": "Online groups for anyone in Lincolnshire.",
            "website": "https://www.example.org",
        },
        "schedules": [
            _schedule(
                byday,
                opens,
                closes,
                when_text(byday, False, opens, closes)
                if "," not in byday
                else f"Weekdays, {hour(opens)} to {hour(closes)}",
                "online",
                name,
            )
        ],
        **_contact_and_terms("Online team", f"01632 960{n:03d}", group.terms, "online", name),
    }


def _listing(
    service_id: str, name: str, description: str, folder: str, fees: str | None, minimum_age: int
) -> dict[str, Any]:
    """What a service says of itself first: its name, web page, email, fees and ages."""
    return {
        "id": service_id,
        "name": name,
        "description": description,
        "url": f"https://www.example.org/{folder}/{slug(name)}",
        "email": f"{slug(name)[:20]}@example.org",
        "status": "active",
        "fees": fees or "Free",
        "minimum_age": minimum_age,
    }


def _schedule(
    byday: str,
    opens: str,
    closes: str,
    description: str,
    *owner: object,
    freq: str = "WEEKLY",
    interval: int = 1,
) -> dict[str, Any]:
    """When a service meets (weekly unless said otherwise), said in words too."""
    return {
        "id": sid("sch", *owner),
        "freq": freq,
        "interval": interval,
        "byday": byday,
        "opens_at": opens,
        "closes_at": closes,
        "description": description,
    }


def _contact_and_terms(
    organiser: str, number: str, terms: list[str], *owner: object
) -> dict[str, Any]:
    """A service's contact (the organiser and a phone number) and its taxonomy terms."""
    return {
        "contacts": [
            {
                "id": sid("contact", *owner),
                "name": organiser,
                "phones": [{"id": sid("phone", *owner), "number": number}],
            }
        ],
        "attributes": [
            {
                "id": sid("attr", *owner, t),
                "taxonomy_term": {
                    "id": sid("term", t),
                    "name": t,
                    "description": f"Groups and services for {t}",
                    "taxonomy": "frontdoor-activity",
                    "term": t,
                },
            }
            for t in terms
        ],
    }


def generate(count: int, seed: int = 2026) -> list[dict[str, Any]]:
    """Groups in every town and many villages; every town has walking, social and advice."""
    rng = random.Random(seed)
    town_list = towns()
    essentials = [k for k in KINDS if k.every_town]
    plan = [(town, kind) for town in town_list for kind in essentials]
    village_kinds = [k for k in KINDS if k.villages]
    for village in villages():
        plan += [(village, kind) for kind in rng.sample(village_kinds, 2)]
    used = {(place.name, kind.key) for place, kind in plan}
    while len(plan) < count - len(ONLINE):
        town, kind = rng.choice(town_list), rng.choice(KINDS)
        # A town may have a second group of a kind, under another name.
        if (town.name, kind.key) not in used or rng.random() < 0.25:
            used.add((town.name, kind.key))
            plan.append((town, kind))
    plan = plan[: count - len(ONLINE)]
    services = [service(rng, n, place, kind) for n, (place, kind) in enumerate(plan)]
    services += [online_service(900 + n, entry) for n, entry in enumerate(ONLINE)]
    _no_duplicate_names(services)
    for item in services:  # ORUK: leave out empty optional fields
        if not item.get("cost_options"):
            item.pop("cost_options", None)
    return services


def _no_duplicate_names(services: list[dict[str, Any]]) -> None:
    """Two groups with one name in one place would confuse residents: number the second."""
    seen: dict[str, int] = {}
    for item in services:
        seen[item["name"]] = seen.get(item["name"], 0) + 1
        if seen[item["name"]] > 1:
            venue = item["service_at_locations"][0]["location"]["name"]
            item["name"] = f"{item['name']} at {venue}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=520)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--out", type=Path, default=Path("data/directory/lincolnshire.json"))
    args = parser.parse_args()
    services = generate(args.count, args.seed)
    args.out.write_text(json.dumps(services, indent=1, ensure_ascii=True) + "\n")
    print(f"wrote {len(services)} services to {args.out}")


if __name__ == "__main__":
    main()
