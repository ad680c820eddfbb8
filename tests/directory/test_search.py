"""Suggestions fit the need, the place, the day and the person, say why, and never go stale."""

import re

import sqlalchemy as sa

from frontdoor.cli import SAMPLE_DIRECTORY
from frontdoor.contact import phone_e164, phone_for_display
from frontdoor.directory.importer import import_services, read_services
from frontdoor.directory.index import forget_index
from frontdoor.directory.search import SearchRequest, search_services
from frontdoor.sms import is_gsm7
from frontdoor.store.db import session_scope
from frontdoor.store.models import Service

FIELDS = {"miles", "id", "name", "summary", "when", "where", "cost", "contact", "why", "for_whom"}
LINKS = {"phone", "website", "map"}  # for the web chat's card, when the directory has them
WALKING_NAMES = re.compile(r"Walks|Striders|Wanderers")


def search(url: str, **request) -> list[dict]:
    with session_scope(url) as session:
        return search_services(session, SearchRequest(**request))


def online_carers(url: str) -> dict:
    return next(
        g for g in search(url, need="carers", limit=20) if g["name"] == "Lincs Carers Online"
    )


def miles(group: dict) -> float:
    """How far the why says the group is (0 when it is in the place itself)."""
    found = re.search(r"(\d+) miles from", group["why"])
    return float(found.group(1)) if found else 0.0


def test_activity_and_town(directory_url: str) -> None:
    found = search(directory_url, need="walking", town="Boston")
    assert len(found) == 3
    assert all(WALKING_NAMES.search(g["name"]) for g in found), found
    assert found[0]["where"].endswith("Boston") and "in Boston" in found[0]["why"]
    for group in found:
        assert set(group) == FIELDS | LINKS
        assert all(is_gsm7(str(group[key])) and group[key] for key in FIELDS)


def test_a_card_can_call_the_group_open_its_page_and_show_it_on_a_map(directory_url: str) -> None:
    [group] = search(directory_url, need="choir", town="Louth", limit=1)
    with session_scope(directory_url) as session:
        service = session.get(Service, group["id"])
        phone = service.phones[0].number
        place = service.locations[0].location
        lat, lon, url = f"{place.latitude:.5f}", f"{place.longitude:.5f}", service.url
    assert group["phone"] == phone_e164(phone) and group["phone"].startswith("+44")
    assert group["contact"] == phone_for_display(phone)
    assert group["website"] == url and url.startswith("https://")
    assert group["map"] == (
        f"https://www.openstreetmap.org/?mlat={lat}&mlon={lon}#map=17/{lat}/{lon}"
    )
    assert group["for_whom"] == "Anyone aged 18 and over"


def test_an_online_group_has_no_map_and_a_page_that_is_not_a_web_page_is_no_link(
    directory_url: str,
) -> None:
    online = online_carers(directory_url)
    assert online["where"] == "Online" and online["map"] is None and online["website"]
    with session_scope(directory_url) as session:
        service = session.get(Service, online["id"])
        service.url = "javascript:alert(1)"
        service.eligibility_description = "Carers of someone with dementia."
        forget_index(session)  # changed behind the index's back: read the store again
    online = online_carers(directory_url)
    assert online["website"] is None
    assert online["for_whom"] == "Carers of someone with dementia, aged 18 and over"


def test_nearest_first_and_the_why_says_how_far(directory_url: str) -> None:
    found = search(directory_url, need="money advice", town="Holbeach")
    assert found and [miles(g) for g in found] == sorted(miles(g) for g in found)
    assert all(miles(g) <= 25 for g in found)


def test_only_free_ones(directory_url: str) -> None:
    anything = search(directory_url, need="exercise", town="Lincoln", limit=10)
    assert any(g["cost"] != "Free" for g in anything), "the sample should have paid exercise"
    free = search(directory_url, need="exercise", town="Lincoln", free_only=True, limit=10)
    assert free and all(g["cost"] == "Free" and g["why"].startswith("Free") for g in free)


def test_closer(directory_url: str) -> None:
    wide = search(directory_url, need="choir", town="Horncastle", limit=10)
    assert any(miles(g) > 5 for g in wide), "the sample should have choirs further away"
    close = search(directory_url, need="choir", town="Horncastle", closer=True, limit=10)
    assert close and all(miles(g) <= 5 for g in close)


def test_day_filter(directory_url: str) -> None:
    found = search(directory_url, need="walking", town="Boston", day="saturday")
    assert found and all("Saturday" in g["when"] for g in found)
    assert all("on Saturdays" in g["why"] for g in found)
    assert search(directory_url, need="men's shed", town="Boston", day="sunday") == []


def test_time_of_day(directory_url: str) -> None:
    found = search(directory_url, need="mental wellbeing", town="Lincoln", time_of_day="evening")
    assert found and all(re.search(r"\b([5-9]|1[01])(\.\d\d)?pm to", g["when"]) for g in found)
    assert all("in the evening" in g["why"] for g in found)


def test_age_limits(directory_url: str) -> None:
    teen = search(directory_url, need="youth club", town="Grantham", age=14)
    assert teen and all("Youth" in g["name"] or "Young" in g["name"] for g in teen)
    adult = search(directory_url, need="youth club", town="Grantham", age=30, limit=10)
    assert not [g for g in adult if "Youth Club" in g["name"]]
    young = search(directory_url, need="lunch club", town="Spalding", age=30, limit=10)
    assert not [g for g in young if "Lunch" in g["name"]]  # lunch clubs are for 55 and over


def test_no_near_duplicates_and_more_gives_others(directory_url: str) -> None:
    first = search(directory_url, need="lonely", town="Spalding")
    keys = [re.sub(r" at .*", "", g["name"]) for g in first]
    assert len(keys) == len(set(keys))
    more = search(
        directory_url, need="lonely", town="Spalding", exclude_ids=[g["id"] for g in first]
    )
    assert more and not {g["id"] for g in more} & {g["id"] for g in first}


def test_plan_interests_and_barriers_shape_the_ranking(directory_url: str) -> None:
    found = search(
        directory_url,
        need="meet people",
        interests=["gardening"],
        barriers=["cost"],
        town="Sleaford",
    )
    assert found and ("Garden" in found[0]["name"] or "Green" in found[0]["name"]), found
    assert found[0]["cost"] == "Free"


def test_inactive_services_are_never_suggested(directory_url: str) -> None:
    first = search(directory_url, need="walking", town="Boston")[0]
    with session_scope(directory_url) as session:
        session.execute(sa.update(Service).where(Service.id == first["id"]).values(active=False))
    assert first["id"] not in [
        g["id"] for g in search(directory_url, need="walking", town="Boston")
    ]


def test_a_new_import_is_seen_at_once(directory_url: str) -> None:
    """The search index notices an import that retires a service."""
    first = search(directory_url, need="walking", town="Boston")[0]
    records = [r for r in read_services(SAMPLE_DIRECTORY) if r["id"] != first["id"]]
    with session_scope(directory_url) as session:
        assert import_services(session, records).deactivated == 1
    assert first["id"] not in [
        g["id"] for g in search(directory_url, need="walking", town="Boston")
    ]


def test_unknown_need_finds_nothing(directory_url: str) -> None:
    assert search(directory_url, need="skydiving", town="Lincoln") == []


def test_age_not_known_keeps_children_only_groups_for_those_who_ask(directory_url: str) -> None:
    social = search(directory_url, need="social", town="Grantham", limit=20)
    assert not [g for g in social if "Youth Club" in g["name"]]
    asked = search(directory_url, need="youth club", town="Grantham", limit=5)
    youth = [g for g in asked if "Youth Club" in g["name"]]
    assert youth and "for ages 11 to 18" in youth[0]["why"]


def test_the_why_says_who_a_group_is_for(directory_url: str) -> None:
    lunch = search(directory_url, need="lunch club", town="Spalding")
    assert lunch and all(
        "for people aged 55 and over" in g["why"] for g in lunch if "Lunch" in g["name"]
    )


def test_a_vague_answer_shows_a_mix_of_kinds_near_them_and_records_no_gap(
    directory_url: str,
) -> None:
    """ "dunno" to "What kind of group?" was searched for as a word: nothing found, and
    "dunno" recorded as a gap in provision."""
    from frontdoor.store.models import Gap

    for said in ("anything really", "dunno", "not sure", "surprise me", "I don't mind"):
        found = search(directory_url, need=said, town="Louth")
        assert len(found) == 3, (said, found)
        assert all(miles(g) <= 10 for g in found), found
        assert len({g["summary"] for g in found}) == 3
        with session_scope(directory_url) as session:
            assert session.query(Gap).count() == 0, said
    names = {g["name"] for g in search(directory_url, need="dunno", town="Louth")}
    assert names == {g["name"] for g in search(directory_url, need="whatever", town="Louth")}
    assert search(directory_url, need="dunno", town="Louth", exclude_ids=[]) != search(
        directory_url, need="dunno", town="Boston"
    )


def test_the_group_named_as_asked_comes_first(directory_url: str) -> None:
    found = search(directory_url, need="knit n natter", town="Bourne")
    assert found[0]["name"] == "Bourne Knit and Natter", [g["name"] for g in found]
    bowls = search(directory_url, need="bowls", town="Louth")
    assert "Bowls" in bowls[0]["name"], [g["name"] for g in bowls]


def test_misspelt_kinds_of_group_are_understood(directory_url: str) -> None:
    found = search(directory_url, need="coir", town="lincon")
    assert found and all("Choir" in g["name"] or "Singing" in g["name"] for g in found), found


def test_coffee_mornings_find_drop_ins_in_the_town_first(directory_url: str) -> None:
    found = search(directory_url, need="coffee mornings", town="Louth")
    assert found[0]["where"].endswith("Louth") and found[0]["miles"] < 2, found[0]


def test_youth_clubs_are_not_suggested_to_adults(directory_url: str) -> None:
    for need in ("coffee mornings", "something social", "people to talk to"):
        found = search(directory_url, need=need, town="Louth")
        assert not any("Youth Club" in g["name"] or "Young" in g["name"] for g in found), found


def test_two_kinds_asked_for_gets_some_of_each(directory_url: str) -> None:
    names = [g["name"] for g in search(directory_url, need="walking and lunch", town="Stamford")]
    assert any("Lunch" in n for n in names) and any(WALKING_NAMES.search(n) for n in names), names


def test_evenings_or_weekends_takes_either(directory_url: str) -> None:
    asked = {"need": "something creative", "town": "Lincoln", "day": "weekend"}
    either = search(directory_url, **asked, time_of_day="evening", either=True)
    both = search(directory_url, **asked, time_of_day="evening")
    assert either, "a creative group on a weekend or in an evening near Lincoln"
    for group in either:
        weekend = re.search(r"Saturday|Sunday", group["when"])
        evening = re.search(r"\b([5-9]|1[01])(\.\d\d)?pm to", group["when"])
        assert weekend or evening, group["when"]
        assert ("at the weekend" in group["why"]) == bool(weekend), group["why"]
    assert len(either) > len(both)


def test_something_creative_is_crafts_and_singing(directory_url: str) -> None:
    found = search(directory_url, need="something creative", town="Lincoln")
    names = " ".join(g["name"] for g in found)
    assert re.search(r"Choir|Singing", names) and re.search(r"Art|Craft|Paint", names), names


def test_one_activity_of_a_broad_kind_is_not_another(directory_url: str) -> None:
    """ "bowls" is sport, and so is walking football: a bowls player is shown bowls."""
    found = search(directory_url, need="bowls", town="Louth")
    assert found and all("Bowls" in g["name"] for g in found), found
    cuppa = search(directory_url, need="coffee mornings", town="Louth")  # not a broad kind
    assert cuppa[0]["where"].endswith("Louth"), cuppa
    parkinsons = search(directory_url, need="Parkinson's group", town="Stamford")
    assert parkinsons[0]["name"] == "Stamford Parkinson's Group", parkinsons  # not diabetes
    both = {g["name"] for g in search(directory_url, need="parkinsons and carers", town="Stamford")}
    assert "Stamford Parkinson's Group" in both and any("Carers" in n for n in both), both


def test_a_group_named_for_the_activity_comes_first_though_further(directory_url: str) -> None:
    found = search(directory_url, need="book club", town="Alford")
    assert found and all("Book Club" in g["name"] for g in found), found
    assert miles(found[0]) > 10 and f"{miles(found[0]):.0f} miles from Alford" in found[0]["why"]


def test_a_memory_cafe_is_for_memory_not_any_cafe(directory_url: str) -> None:
    found = search(directory_url, need="memory cafe", town="Sleaford", limit=6)
    assert found
    for group in found:
        assert re.search(r"Memory|Brain|Dementia", group["name"]), group["name"]


def test_anything_for_a_teenager_is_groups_for_their_age(directory_url: str) -> None:
    found = search(directory_url, need="not sure", town="Bourne", age=14)
    assert found and all("ages 11 to 18" in g["why"] for g in found), found
    adults = search(directory_url, need="not sure", town="Bourne")
    assert adults and not any("ages 11 to 18" in g["why"] for g in adults)
