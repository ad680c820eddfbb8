"""Write the made-up Lincolnshire sample directory in Open Referral UK 3.0 shape.

Every group is invented. Phone numbers come only from Ofcom's drama ranges and addresses
use example.org, so the sample can never send a resident to a real stranger.

    python scripts/make_sample_directory.py --count 520 --out data/directory/lincolnshire.json
"""

from __future__ import annotations

import argparse
import json
import random
import uuid
from pathlib import Path

from frontdoor.directory.places import distance_miles, postcode_districts, towns, villages

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
VENUES = (
    "Community Centre",
    "Methodist Church Hall",
    "Library",
    "Village Hall",
    "Scout Hut",
    "Town Hall",
    "Baptist Chapel",
    "Leisure Centre",
    "Memorial Hall",
    "Youth Centre",
)
STREETS = (
    "High Street",
    "Church Lane",
    "Station Road",
    "Market Place",
    "West Street",
    "Queen Street",
    "Park Road",
    "North Parade",
    "Mill Lane",
    "Victoria Road",
)

# (kind, name patterns, what happens, taxonomy terms, fees, age range, time of day)
KINDS = [
    (
        "walking",
        ["{town} Health Walks", "{town} Striders", "Wolds Wanderers ({town})"],
        "A friendly, gentle walk of about an hour, led by trained volunteers, with a chat and a cuppa after.",
        ["walking", "physical activity", "social"],
        None,
        (18, None),
        ("10:00", "11:30"),
    ),
    (
        "choir",
        ["{town} Community Choir", "Sing for Joy {town}", "{town} Rock Choir Friends"],
        "Sing well known songs together. No need to read music or sing on your own.",
        ["music", "singing", "choir", "social"],
        "2 pounds a session",
        (16, None),
        ("19:00", "20:30"),
    ),
    (
        "crafts",
        ["{town} Knit and Natter", "Crafty Friends {town}", "{town} Stitch Club"],
        "Bring your knitting, sewing or any craft, or learn something new. Tea and cake.",
        ["arts and crafts", "knitting", "social"],
        None,
        (18, None),
        ("13:30", "15:30"),
    ),
    (
        "gardening",
        ["{town} Community Garden", "Green Fingers {town}", "{town} Allotment Friends"],
        "Grow fruit, veg and flowers together in our shared garden. Tools and gloves provided.",
        ["gardening", "nature", "outdoors", "volunteering", "social"],
        None,
        (16, None),
        ("10:00", "12:00"),
    ),
    (
        "shed",
        ["{town} Men's Shed", "{town} Shed and Tools"],
        "A workshop where people make, mend and chat. Woodwork, repairs and good company.",
        ["men's shed", "woodwork", "social"],
        "1 pound for tea",
        (18, None),
        ("09:30", "12:30"),
    ),
    (
        "befriending",
        ["{town} Telephone Friends", "Good Neighbours {town}"],
        "A volunteer befriender calls or visits each week for a chat. For anyone who feels lonely.",
        ["befriending", "loneliness", "social"],
        None,
        (50, None),
        ("10:00", "16:00"),
    ),
    (
        "lunch",
        ["{town} Friendship Lunch Club", "{town} Monday Lunch Club", "Lunch and Laughter {town}"],
        "A hot two course lunch and a chat with others. Transport can be arranged.",
        ["lunch club", "food", "social", "older people"],
        "5 pounds for lunch",
        (55, None),
        ("12:00", "14:00"),
    ),
    (
        "carers",
        ["{town} Carers Cafe", "{town} Carers Support Group"],
        "Time out for unpaid carers. Share tips, get advice and meet others who understand.",
        ["carers", "support group", "advice"],
        None,
        (18, None),
        ("10:30", "12:00"),
    ),
    (
        "bereavement",
        ["{town} Bereavement Cafe", "After Loss {town}"],
        "A gentle, informal space for people who have lost someone. Come and talk or just listen.",
        ["bereavement", "grief", "support group"],
        None,
        (18, None),
        ("14:00", "16:00"),
    ),
    (
        "dementia",
        ["{town} Memory Cafe", "Singing for the Brain {town}"],
        "For people living with dementia or memory problems and those who care for them.",
        ["dementia", "memory", "carers", "social"],
        None,
        (18, None),
        ("14:00", "15:30"),
    ),
    (
        "wellbeing",
        ["{town} Wellbeing Group", "Mind Matters {town}", "{town} Calm Minds"],
        "A relaxed peer group for people with low mood, worry or stress. Try simple ways to feel better.",
        ["mental wellbeing", "anxiety", "low mood", "support group"],
        None,
        (18, None),
        ("18:00", "19:30"),
    ),
    (
        "money",
        ["{town} Money Advice Drop In", "{town} Benefits and Debt Help"],
        "Free, private advice on benefits, debt, bills and budgeting.",
        ["money advice", "debt", "benefits", "advice"],
        None,
        (18, None),
        ("09:30", "12:30"),
    ),
    (
        "digital",
        ["{town} Digital Drop In", "Get Online {town}"],
        "Help with phones, tablets and computers. Learn to video call, shop online or book a GP appointment.",
        ["digital skills", "computers", "learning"],
        None,
        (16, None),
        ("10:00", "12:00"),
    ),
    (
        "exercise",
        ["{town} Seated Exercise", "{town} Tai Chi", "Strength and Balance {town}"],
        "Gentle exercise to music, mostly seated. Good for balance and strength at any fitness level.",
        ["physical activity", "exercise", "older people", "long term conditions"],
        "3 pounds a session",
        (50, None),
        ("11:00", "12:00"),
    ),
    (
        "arts",
        ["{town} Art Club", "Paint and Chat {town}", "{town} Sketching Circle"],
        "Painting and drawing for beginners and old hands. Materials to borrow, and a brew.",
        ["arts and crafts", "painting", "art", "social"],
        "2 pounds a session",
        (18, None),
        ("13:30", "15:30"),
    ),
    (
        "bowls",
        ["{town} Short Mat Bowls", "{town} Walking Football", "{town} Table Tennis Club"],
        "A gentle sport for all abilities. Come and try it: kit to borrow and no need to book.",
        ["physical activity", "sport", "exercise", "social"],
        "3 pounds a session",
        (18, None),
        ("14:00", "16:00"),
    ),
    (
        "nature",
        ["{town} Nature Volunteers", "Friends of {town} Park", "{town} Bird Watchers"],
        "Get outdoors: look after local green spaces, spot wildlife and meet people.",
        ["nature", "outdoors", "volunteering", "walking"],
        None,
        (16, None),
        ("10:00", "13:00"),
    ),
    (
        "coffee",
        ["{town} Coffee Morning", "{town} Cuppa and Company", "{town} Chatterbox Cafe"],
        "Drop in for a hot drink, cake and a chat. A warm welcome for anyone on their own.",
        ["social", "loneliness", "befriending", "older people"],
        "1 pound for tea and cake",
        (18, None),
        ("10:00", "12:00"),
    ),
    (
        "housing",
        ["{town} Housing Advice Drop In", "{town} Home Help and Repairs Advice"],
        "Free advice on renting, rent arrears, repairs, and staying safe and warm at home.",
        ["housing", "advice", "money advice"],
        None,
        (18, None),
        ("10:00", "13:00"),
    ),
    (
        "employment",
        ["{town} Job Club", "{town} Work and Skills Hub"],
        "Help to find work: CVs, job searches, forms and interview practice, one to one.",
        ["employment", "jobs", "learning", "advice"],
        None,
        (16, None),
        ("09:30", "12:00"),
    ),
    (
        "volunteering",
        ["{town} Volunteer Centre", "Give Time {town}"],
        "Find a volunteering role that suits you, from shop work to driving to befriending.",
        ["volunteering", "social", "employment"],
        None,
        (16, None),
        ("10:00", "15:00"),
    ),
    (
        "learning",
        ["{town} Adult Learning", "{town} Book Club", "{town} History Society"],
        "Learn something new with others: short friendly courses and talks. No exams.",
        ["learning", "books", "social"],
        "Free for people on benefits",
        (19, None),
        ("14:00", "16:00"),
    ),
    (
        "faith",
        [
            "{town} Friendship Circle",
            "{town} Multicultural Women's Group",
            "{town} Asian Elders Group",
        ],
        "A welcoming group for people of all faiths and cultures. Food, talk and celebrations.",
        ["faith and culture", "social", "community"],
        None,
        (18, None),
        ("11:00", "13:00"),
    ),
    (
        "parents",
        ["{town} Stay and Play", "{town} Young Parents Group", "{town} Dads and Kids Club"],
        "Meet other parents and carers while the children play. Tea, toast and friendly advice.",
        ["parents", "children", "family", "social"],
        None,
        (16, None),
        ("09:30", "11:30"),
    ),
    (
        "young",
        ["{town} Youth Club", "{town} Young Carers Club"],
        "A safe place for young people to meet friends, try new things and talk to youth workers.",
        ["young people", "youth", "social"],
        None,
        (11, 18),
        ("18:00", "20:00"),
    ),
    (
        "conditions",
        [
            "{town} Breathe Easy",
            "{town} Diabetes Support",
            "{town} Stroke Club",
            "{town} Parkinson's Group",
        ],
        "Support and friendship for people living with a long-term condition, and their families.",
        ["long term conditions", "support group", "health", "social"],
        None,
        (18, None),
        ("14:00", "16:00"),
    ),
]
# What a village hall usually hosts.
VILLAGE_KINDS = (
    "lunch",
    "coffee",
    "walking",
    "crafts",
    "exercise",
    "bowls",
    "parents",
    "gardening",
)
ONLINE = [
    (
        "Lincs Online Chat Cafe",
        "A friendly video chat every week. Join from home by phone, tablet or computer.",
        ["social", "loneliness", "online", "digital skills"],
        "WE",
        ("14:00", "15:00"),
    ),
    (
        "Lincs Carers Online",
        "An online group where carers can talk and share advice from home.",
        ["carers", "online", "support group"],
        "TH",
        ("19:00", "20:00"),
    ),
    (
        "Lincs Money Helpline",
        "Free phone and online advice on benefits, debt and bills.",
        ["money advice", "debt", "benefits", "online"],
        "MO,TU,WE,TH,FR",
        ("09:00", "17:00"),
    ),
    (
        "Lincs Mood Boost Online",
        "An online course to help with low mood and worry, in small friendly groups.",
        ["mental wellbeing", "anxiety", "low mood", "online"],
        "TU",
        ("18:30", "19:30"),
    ),
]


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


MONTHLY_KINDS = ("bereavement", "money", "conditions", "learning", "faith", "housing", "carers")
WEEKEND_KINDS = ("walking", "parents", "nature", "young", "bowls", "gardening", "faith")
TWICE_WEEKLY_KINDS = ("exercise", "coffee", "young", "money", "employment")


def made_up_postcode(rng: random.Random, place) -> str:
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


def pick_days(rng: random.Random, key: str, single: bool) -> str:
    """Mostly weekdays; some kinds meet at weekends; some meet twice a week."""
    weekdays = list(DAYS)[:5]
    if key in WEEKEND_KINDS and rng.random() < 0.35:
        return rng.choice(["SA", "SU"]) if key == "faith" else "SA"
    if not single and key in TWICE_WEEKLY_KINDS and rng.random() < 0.3:
        first, second = sorted(rng.sample(range(5), 2))
        return f"{weekdays[first]},{weekdays[second]}"
    return rng.choice(weekdays)


def service(rng: random.Random, n: int, town, kind: tuple) -> dict:
    key, patterns, description, terms, fees, ages, (opens, closes) = kind
    name = rng.choice(patterns).format(town=town.name)
    org_name = f"{name} Group" if "Group" not in name else name
    monthly = key in MONTHLY_KINDS and rng.random() < 0.4
    fortnightly = not monthly and rng.random() < 0.2
    byday = pick_days(rng, key, single=monthly or fortnightly)
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
        "id": service_id,
        "name": name,
        "description": description,
        "url": f"https://www.example.org/groups/{slug(name)}",
        "email": f"{slug(name)[:20]}@example.org",
        "status": "active",
        "fees": fees or "Free",
        "minimum_age": ages[0],
        **({"maximum_age": ages[1]} if ages[1] else {}),
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
            {
                "id": sid("sch", service_id),
                "freq": "MONTHLY" if monthly else "WEEKLY",
                "interval": 2 if fortnightly else 1,
                "byday": f"1{byday}" if monthly else byday,
                "opens_at": opens,
                "closes_at": closes,
                "description": when_text(byday, monthly, opens, closes, fortnightly),
            }
        ],
        "cost_options": [] if not fees else [{"id": sid("cost", service_id), "option": fees}],
        "contacts": [
            {
                "id": sid("contact", service_id),
                "name": "Group organiser",
                "phones": [{"id": sid("phone", service_id), "number": number}],
            }
        ],
        "attributes": [
            {
                "id": sid("attr", service_id, t),
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


def online_service(n: int, entry: tuple) -> dict:
    name, description, terms, byday, (opens, closes) = entry
    return {
        "id": sid("service", "online", name),
        "name": name,
        "description": description,
        "url": f"https://www.example.org/online/{slug(name)}",
        "email": f"{slug(name)[:20]}@example.org",
        "status": "active",
        "fees": "Free",
        "minimum_age": 18,
        "organization": {
            "id": sid("org", "online"),
            "name": "Lincs Connect Online",
            "description": "Online groups for anyone in Lincolnshire.",
            "website": "https://www.example.org",
        },
        "schedules": [
            {
                "id": sid("sch", "online", name),
                "freq": "WEEKLY",
                "interval": 1,
                "byday": byday,
                "opens_at": opens,
                "closes_at": closes,
                "description": when_text(byday, False, opens, closes)
                if "," not in byday
                else f"Weekdays, {hour(opens)} to {hour(closes)}",
            }
        ],
        "contacts": [
            {
                "id": sid("contact", "online", name),
                "name": "Online team",
                "phones": [{"id": sid("phone", "online", name), "number": f"01632 960{n:03d}"}],
            }
        ],
        "attributes": [
            {
                "id": sid("attr", "online", name, t),
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


def generate(count: int, seed: int = 2026) -> list[dict]:
    """Groups in every town and many villages; every town has walking, social and advice."""
    rng = random.Random(seed)
    town_list = towns()
    essentials = [k for k in KINDS if k[0] in ("walking", "befriending", "money", "coffee")]
    plan = [(town, kind) for town in town_list for kind in essentials]
    village_kinds = [k for k in KINDS if k[0] in VILLAGE_KINDS]
    for village in villages():
        plan += [(village, kind) for kind in rng.sample(village_kinds, 2)]
    used = {(place.name, kind[0]) for place, kind in plan}
    while len(plan) < count - len(ONLINE):
        town, kind = rng.choice(town_list), rng.choice(KINDS)
        # A town may have a second group of a kind, under another name.
        if (town.name, kind[0]) not in used or rng.random() < 0.25:
            used.add((town.name, kind[0]))
            plan.append((town, kind))
    plan = plan[: count - len(ONLINE)]
    services = [service(rng, n, place, kind) for n, (place, kind) in enumerate(plan)]
    services += [online_service(900 + n, entry) for n, entry in enumerate(ONLINE)]
    _no_duplicate_names(services)
    for item in services:  # ORUK: leave out empty optional fields
        if not item.get("cost_options"):
            item.pop("cost_options", None)
    return services


def _no_duplicate_names(services: list[dict]) -> None:
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
